/* sw_view_line.h - a one-line editor (the filter prompt, the duration field).
 * Core header. */
#ifndef SW_VIEW_LINE_H
#define SW_VIEW_LINE_H

struct sw_view_line {
	char buf[256];
	int len, cur;
};

/* SW_LINE_FULL: a printable character did not fit (the line holds
 * SW_VIEW_LINE_MAX characters): nothing changed, say so. */
enum sw_line_result { SW_LINE_EDIT, SW_LINE_ACCEPT, SW_LINE_CANCEL, SW_LINE_FULL };
#define SW_VIEW_LINE_MAX 255

/* Edit a line with key (printable characters insert; Left/Right/Home/End,
 * Backspace/Delete, ^U clears, ^A/^E; Enter accepts, Esc cancels). */
enum sw_line_result sw_view_line_key(struct sw_view_line *l, int key);
void sw_view_line_set(struct sw_view_line *l, const char *text);

#endif
