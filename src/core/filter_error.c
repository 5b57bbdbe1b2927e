/* filter_error.c - a filter's parse error, shown the way compilers do:
 * the message, the text, and a caret under the offending word. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_filter.h"

/* Display columns of text[0..n): UTF-8 continuation bytes take none. */
static int columns(const char *text, int n)
{
	int c = 0;

	for (int i = 0; i < n && text[i]; i++)
		c += ((unsigned char)text[i] & 0xc0) != 0x80;
	return c;
}

char *sw_filter_error_format(const struct sw_filter_error *err,
			     const char *text, char *buf, size_t len)
{
	size_t n;

	if (!len)
		return buf;
	char msg[sizeof(err->msg) * 4];

	/* the message quotes the user's word: control characters escaped */
	n = (size_t)snprintf(buf, len, "error: bad filter: %s",
			     sw_text_safe(err->msg, msg, sizeof(msg)));
	if (err->pos < 0 || !text || n >= len)
		return buf;
	n += (size_t)snprintf(buf + n, len - n, "\n  ");
	for (const char *c = text; *c && n + 1 < len; c++)
		buf[n++] = iscntrl((unsigned char)*c) ? ' ' : *c;
	buf[n < len ? n : len - 1] = '\0';
	if (n + 4 >= len)
		return buf;
	n += (size_t)snprintf(buf + n, len - n, "\n  ");
	int tl = (int)strlen(text);
	int pos = err->pos > tl ? tl : err->pos;
	int start = columns(text, pos);
	int width = columns(text + pos, err->len);
	for (int i = 0; i < start && n + 1 < len; i++)
		buf[n++] = ' ';
	for (int i = 0; i < (width ? width : 1) && n + 1 < len; i++)
		buf[n++] = i ? '~' : '^';
	buf[n] = '\0';
	return buf;
}
