/* view_line.c - the one-line editor of the filter prompt and the block
 * confirmation's fields. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_view_key.h"
#include "sw_view_line.h"

#define SW_CTRL(c) ((c) & 0x1f)

void sw_view_line_set(struct sw_view_line *l, const char *text)
{
	snprintf(l->buf, sizeof(l->buf), "%s", text ? text : "");
	l->len = (int)strlen(l->buf);
	l->cur = l->len;
}

enum sw_line_result sw_view_line_key(struct sw_view_line *l, int key)
{
	switch (key) {
	case SW_KEY_ENTER:
		return SW_LINE_ACCEPT;
	case SW_KEY_ESC:
		return SW_LINE_CANCEL;
	case SW_KEY_LEFT:
		if (l->cur > 0)
			l->cur--;
		return SW_LINE_EDIT;
	case SW_KEY_RIGHT:
		if (l->cur < l->len)
			l->cur++;
		return SW_LINE_EDIT;
	case SW_KEY_HOME:
	case SW_CTRL('a'):
		l->cur = 0;
		return SW_LINE_EDIT;
	case SW_KEY_END:
	case SW_CTRL('e'):
		l->cur = l->len;
		return SW_LINE_EDIT;
	case SW_CTRL('u'):
		l->len = l->cur = 0;
		l->buf[0] = '\0';
		return SW_LINE_EDIT;
	case SW_KEY_BACKSPACE:
	case 127:
	case SW_CTRL('h'):
		if (l->cur == 0)
			return SW_LINE_EDIT;
		l->cur--;
		/* fall through */
		/* delete the character now under the cursor */
	case SW_KEY_DELETE:
		if (l->cur < l->len) {
			memmove(l->buf + l->cur, l->buf + l->cur + 1,
				(size_t)(l->len - l->cur));
			l->len--;
		}
		return SW_LINE_EDIT;
	}
	/* the filter language and durations are ASCII */
	if (key >= 0x20 && key < 0x7f && l->len + 1 >= (int)sizeof(l->buf))
		return SW_LINE_FULL;
	if (key >= 0x20 && key < 0x7f) {
		memmove(l->buf + l->cur + 1, l->buf + l->cur,
			(size_t)(l->len - l->cur + 1));
		l->buf[l->cur++] = (char)key;
		l->len++;
	}
	return SW_LINE_EDIT;
}

