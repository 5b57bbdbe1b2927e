/* buf.c - growable text buffer, JSON escaping. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"

void sw_buf_init(struct sw_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void sw_buf_free(struct sw_buf *b)
{
	free(b->data);
	sw_buf_init(b);
}

void sw_buf_reset(struct sw_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}

static bool sw_buf_room(struct sw_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void sw_buf_add(struct sw_buf *b, const char *s, size_t len)
{
	if (!sw_buf_room(b, len))
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void sw_buf_puts(struct sw_buf *b, const char *s)
{
	sw_buf_add(b, s, strlen(s));
}

void sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
{
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_list ap;
	int n;

	/* Format in place; only text longer than the room left is formatted
	 * a second time, after growing. */
	va_start(ap, fmt);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (room)
			b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		if (!sw_buf_room(b, (size_t)n)) {
			if (room)
				b->data[b->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t sw_buf_utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void sw_buf_json_str(struct sw_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sw_buf_add(b, "\"", 1);
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			char e[2] = {'\\', (char)*p};

			sw_buf_add(b, e, 2);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			sw_buf_printf(b, "\\u%04x", *p);
			p++;
		} else if ((n = sw_buf_utf8_len(p)) == 0) {
			sw_buf_printf(b, "\\u%04x", *p);
			p++;
		} else {
			sw_buf_add(b, (const char *)p, n);
			p += n;
		}
	}
	sw_buf_add(b, "\"", 1);
}

void sw_buf_json_num(struct sw_buf *b, double v, int decimals)
{
	if (!isfinite(v))
		v = 0;
	sw_buf_printf(b, "%.*f", decimals < 1 ? 1 : decimals, v);
}

static bool sw_buf_ctrl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void sw_buf_puts_safe(struct sw_buf *b, const char *s)
{
	while (*s) {
		size_t n = 0;

		while (s[n] && !sw_buf_ctrl((unsigned char)s[n]))
			n++;
		if (n)
			sw_buf_add(b, s, n);
		s += n;
		if (*s)
			sw_buf_printf(b, "\\x%02x", (unsigned char)*s++);
	}
}

char *sw_text_safe(const char *s, char *out, size_t len)
{
	size_t o = 0;

	if (!len)
		return out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (sw_buf_ctrl(c)) {
			if (o + 4 >= len)
				break;
			snprintf(out + o, len - o, "\\x%02x", c);
			o += 4;
		} else {
			if (o + 1 >= len)
				break;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}
