/* view_cell.c - a cell's text made to fit its column without cutting a
 * number or an address: a list of items ("EST 590 SR 10") drops whole
 * items and ends with an ellipsis; an address or endpoint keeps its
 * suffix (the /64, the :port, the /pid) and loses its middle, cut at a
 * group boundary; a lone number that does not fit shows only the
 * ellipsis. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sw_view_fmt.h"

int sw_view_text_cells(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Start of the part an address keeps when shortened: its /len or /pid,
 * the :port of "[v6]:port" or "a.b.c.d:port", the last group of a bare
 * IPv6 address; NULL for anything else. */
static const char *sw_view_fit_tail(const char *t)
{
	const char *p = strrchr(t, '/'), *c = strrchr(t, ':');

	if (p)
		return p;
	if (t[0] == '[' && (p = strstr(t, "]:")))
		return p;
	if (c && (strchr(t, '.') || strchr(c + 1, ':') == NULL))
		return c;
	return NULL;
}

static bool sw_view_has_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]))
			return true;
	return false;
}

/* Whole space-separated items, two tokens each ("EST 590"). */
static int sw_view_fit_items(char *t, size_t len, int w, const char *ell)
{
	char out[128];
	size_t i, cut = 0;
	unsigned tok = 0;
	int ec = sw_view_text_cells(ell);

	/* the longest prefix of whole items that leaves room for " …" */
	for (i = 0;; i++) {
		if (t[i] == ' ' || t[i] == '\0') {
			tok++;
			if (tok % 2 == 0 || t[i] == '\0') {
				if ((int)i + 1 + ec > w)
					break;
				cut = i;
			}
			if (t[i] == '\0')
				break;
		}
	}
	if (cut == 0) {
		snprintf(t, len, "%s", w >= ec ? ell : "");
		return sw_view_text_cells(t);
	}
	snprintf(out, sizeof(out), "%.*s %s", (int)cut, t, ell);
	snprintf(t, len, "%s", out);
	return sw_view_text_cells(t);
}

int sw_view_fit(char *t, size_t len, int w, bool utf8)
{
	const char *ell = utf8 ? "\u2026" : "~", *tail;
	int n = sw_view_text_cells(t), ec = 1;
	char out[128];
	size_t head;
	int room;

	if (n <= w)
		return n;
	if (w < ec) {
		t[0] = '\0';
		return 0;
	}
	if (strchr(t, ' '))
		return sw_view_fit_items(t, len, w, ell);
	tail = sw_view_fit_tail(t);
	if (!tail) {
		/* a number: all or nothing; a word: its start */
		if (sw_view_has_digit(t, strlen(t)))
			snprintf(out, sizeof(out), "%s", ell);
		else
			snprintf(out, sizeof(out), "%.*s%s", w - ec, t, ell);
		snprintf(t, len, "%s", out);
		return sw_view_text_cells(t);
	}
	room = w - ec - sw_view_text_cells(tail);
	if (room < 0) {
		snprintf(t, len, "%s", ell);
		return ec;
	}
	head = (size_t)room;
	if (strpbrk(t, ".:")) {
		/* an address: cut after a separator, never inside a group of
		 * digits that would read as another number */
		while (head > 0 && t[head - 1] != '.' && t[head - 1] != ':')
			head--;
	} else if (sw_view_has_digit(t, (size_t)(tail - t))) {
		head = 0; /* "12/511" -> "…/511" */
	}
	snprintf(out, sizeof(out), "%.*s%s%s", (int)head, t, ell, tail);
	snprintf(t, len, "%s", out);
	return sw_view_text_cells(t);
}
