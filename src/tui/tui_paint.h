/* tui_paint.h - painting for the TUI (tui_paint.c): the theme's roles
 * and their curses attributes, clipped text, lines and boxes. Private to
 * src/tui*.c; below every other TUI file, it includes none of them. */
#ifndef SW_TUI_PAINT_H
#define SW_TUI_PAINT_H

#include <stdbool.h>

#include "sw_view_layout.h"

enum sw_tui_attr {
	SW_T_NORMAL,
	SW_T_LABEL,       /* header labels */
	SW_T_VALUE,       /* header values */
	SW_T_HOT,         /* a counter that signals trouble, non-zero */
	SW_T_TITLE,       /* pane title, unfocused */
	SW_T_TITLE_FOCUS,
	SW_T_COLHDR,
	SW_T_COLHDR_SORT,
	SW_T_SEL,         /* selected row, focused pane */
	SW_T_SEL_DIM,     /* selected row, other panes */
	SW_T_WARN,        /* state over its threshold, full accept queue */
	SW_T_BAR,
	SW_T_BAR_HOT,
	SW_T_KEY,         /* bottom line: the key */
	SW_T_KEYDESC,     /* bottom line: what it does */
	SW_T_STATUS,
	SW_T_ERROR,
	SW_T_MARK,
	SW_T_BLOCKED,
	SW_T_INDICATOR,   /* PAUSED / FILTER / GROUP */
	SW_T_DIALOG,
	SW_T_DIALOG_HI,   /* titles and key hints in boxes */
	SW_T_SEV_CRIT,    /* a critical finding */
	SW_T_SEV_WARN,    /* a warning finding */
	SW_T_MAX
};

/* The resolved theme: an attribute per role, and what the terminal does. */
struct sw_tui_paint {
	int attr[SW_T_MAX];
	bool utf8, color;
};

/* Resolve the theme (after initscr/newterm): colors when the terminal has
 * them and neither no_color nor NO_COLOR is set, else attributes. */
void sw_tui_paint_init(struct sw_tui_paint *pt, bool no_color);

/* put: s clipped to w cells, at x or ending at x + w (right); fill: w
 * blanks; put_fill: w blanks, then s from x over them (a line of one
 * color). All in attr. */
void sw_tui_put(int y, int x, int w, int attr, const char *s, bool right);
void sw_tui_fill(int y, int x, int w, int attr);
void sw_tui_put_fill(int y, int x, int w, int attr, const char *s);

/* A vertical line of n cells down from (y, x). */
void sw_tui_vline(const struct sw_tui_paint *pt, int y, int x, int n);

/* A box of h x w centred on the screen, with a title; returns the inner
 * rectangle. */
struct sw_rect sw_tui_box(const struct sw_tui_paint *pt, int h, int w,
			  const char *title);

#endif
