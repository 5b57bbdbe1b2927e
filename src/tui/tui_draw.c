/* tui_draw.c - the screen as a whole: header, panes, bottom line, then
 * any overlay. The parts draw with tui_paint.c; nothing calls back here. */
#include <stdio.h>

#include <curses.h>

#include "sw_tui.h"

void sw_tui_draw(struct sw_tui *t)
{
	struct sw_view_layout *l = &t->lay;
	int p;

	sw_view_layout(&t->view, LINES, COLS, l);
	erase();
	curs_set(0);
	if (l->too_small) {
		char msg[96];

		snprintf(msg, sizeof(msg), "terminal too small: %dx%d, need %dx%d",
			 COLS, LINES, SW_VIEW_MIN_COLS, SW_VIEW_MIN_ROWS);
		sw_tui_put(0, 0, COLS, t->pt.attr[SW_T_ERROR], msg, false);
		refresh();
		return;
	}
	sw_tui_draw_header(t, &l->header);
	if (l->graph.h > 0)
		sw_tui_draw_graph(t, &l->graph);
	for (p = 0; p < SW_PANE_MAX; p++)
		if (l->pane[p].h > 0)
			sw_tui_draw_pane(t, p, &l->pane[p]);
	/* the separator left of a pane beside another */
	for (p = 0; p < SW_PANE_MAX; p++)
		if (l->pane[p].h > 0 && l->pane[p].x > 0)
			sw_tui_vline(&t->pt, l->pane[p].y, l->pane[p].x - 1, l->pane[p].h);
	sw_tui_draw_bottom(t, &l->bottom);
	switch (t->view.overlay) {
	case SW_O_HELP:
		sw_tui_draw_help(t);
		break;
	case SW_O_CONFIRM:
		sw_tui_draw_confirm(t);
		break;
	case SW_O_INFO:
		sw_tui_draw_info(t);
		break;
	default:
		break;
	}
	refresh();
}
