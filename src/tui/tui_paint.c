/* tui_paint.c - painting on the curses screen: the theme (colors, or
 * attributes on a monochrome terminal and with NO_COLOR), clipped text,
 * lines and boxes. It knows nothing of panes or of the TUI's state. */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui_paint.h"

/* Each role: foreground, background (-1: terminal default), the extra
 * attribute with colors, and the attribute alone without them. */
static const struct {
	short fg, bg;
	int color_attr, mono_attr;
} sw_tui_theme[SW_T_MAX] = {
	[SW_T_NORMAL] = { -1, -1, 0, 0 },
	[SW_T_LABEL] = { COLOR_CYAN, -1, 0, 0 },
	[SW_T_VALUE] = { -1, -1, A_BOLD, A_BOLD },
	[SW_T_HOT] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[SW_T_TITLE] = { COLOR_BLACK, COLOR_CYAN, 0, A_UNDERLINE },
	[SW_T_TITLE_FOCUS] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE | A_BOLD },
	[SW_T_COLHDR] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[SW_T_COLHDR_SORT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[SW_T_SEL] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[SW_T_SEL_DIM] = { -1, -1, A_REVERSE | A_DIM, A_UNDERLINE },
	[SW_T_WARN] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[SW_T_BAR] = { COLOR_GREEN, -1, 0, 0 },
	[SW_T_BAR_HOT] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[SW_T_KEY] = { -1, -1, A_BOLD, A_BOLD },
	[SW_T_KEYDESC] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[SW_T_STATUS] = { COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE },
	[SW_T_ERROR] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[SW_T_MARK] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[SW_T_BLOCKED] = { COLOR_MAGENTA, -1, A_BOLD, A_DIM },
	[SW_T_INDICATOR] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[SW_T_DIALOG] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
	[SW_T_DIALOG_HI] = { COLOR_BLUE, COLOR_WHITE, 0, A_REVERSE | A_BOLD },
	[SW_T_SEV_CRIT] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[SW_T_SEV_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
};

void sw_tui_paint_init(struct sw_tui_paint *pt, bool no_color)
{
	int i;

	pt->color = !no_color && !getenv("NO_COLOR") && has_colors() &&
		    start_color() == OK;
	if (pt->color)
		use_default_colors();
	for (i = 0; i < SW_T_MAX; i++) {
		if (!pt->color) {
			pt->attr[i] = sw_tui_theme[i].mono_attr;
			continue;
		}
		init_pair((short)(i + 1), sw_tui_theme[i].fg, sw_tui_theme[i].bg);
		pt->attr[i] = (int)COLOR_PAIR(i + 1) | sw_tui_theme[i].color_attr;
	}
}

void sw_tui_fill(int y, int x, int w, int attr)
{
	if (w <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

/* Display cells of a UTF-8 string's first bytes; text here is ASCII but
 * for bars, which are drawn with their own width. */
void sw_tui_put(int y, int x, int w, int attr, const char *s, bool right)
{
	int n = (int)strlen(s);

	if (w <= 0)
		return;
	if (n > w)
		n = w;
	attrset(attr);
	mvaddnstr(y, right ? x + w - n : x, s, n);
	attrset(A_NORMAL);
}

void sw_tui_put_fill(int y, int x, int w, int attr, const char *s)
{
	sw_tui_fill(y, x, w, attr);
	sw_tui_put(y, x, w, attr, s, false);
}

/* Line drawing: Unicode lines in a UTF-8 locale (no dependence on the
 * terminal's acsc), the terminal's ACS characters otherwise. */
static void sw_tui_hline(const struct sw_tui_paint *t, int y, int x, int n)
{
	if (t->utf8)
		mvhline_set(y, x, WACS_HLINE, n);
	else
		mvhline(y, x, ACS_HLINE, n);
}

void sw_tui_vline(const struct sw_tui_paint *t, int y, int x, int n)
{
	if (t->utf8)
		mvvline_set(y, x, WACS_VLINE, n);
	else
		mvvline(y, x, ACS_VLINE, n);
}

/* The four corners of an h x w box at (y, x). */
static void sw_tui_corners(const struct sw_tui_paint *t, int y, int x, int h, int w)
{
	if (t->utf8) {
		mvadd_wch(y, x, WACS_ULCORNER);
		mvadd_wch(y, x + w - 1, WACS_URCORNER);
		mvadd_wch(y + h - 1, x, WACS_LLCORNER);
		mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
	} else {
		mvaddch(y, x, ACS_ULCORNER);
		mvaddch(y, x + w - 1, ACS_URCORNER);
		mvaddch(y + h - 1, x, ACS_LLCORNER);
		mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	}
}

struct sw_rect sw_tui_box(const struct sw_tui_paint *t, int h, int w,
			  const char *title)
{
	struct sw_rect r;
	int y0, x0, i;

	if (w > COLS - 2)
		w = COLS - 2;
	if (h > LINES - 2)
		h = LINES - 2;
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	for (i = 0; i < h; i++)
		sw_tui_fill(y0 + i, x0, w, t->attr[SW_T_DIALOG]);
	attrset(t->attr[SW_T_DIALOG]);
	sw_tui_hline(t, y0, x0 + 1, w - 2);
	sw_tui_hline(t, y0 + h - 1, x0 + 1, w - 2);
	sw_tui_vline(t, y0 + 1, x0, h - 2);
	sw_tui_vline(t, y0 + 1, x0 + w - 1, h - 2);
	sw_tui_corners(t, y0, x0, h, w);
	attrset(A_NORMAL);
	if (title) {
		int n = (int)strlen(title) + 2;

		if (n > w - 4)
			n = w - 4;
		attrset(t->attr[SW_T_DIALOG_HI]);
		mvaddch(y0, x0 + 2, ' ');
		mvaddnstr(y0, x0 + 3, title, n - 2);
		addch(' ');
		attrset(A_NORMAL);
	}
	r.y = y0 + 1;
	r.x = x0 + 2;
	r.h = h - 2;
	r.w = w - 4;
	return r;
}

