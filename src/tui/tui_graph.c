/* tui_graph.c - the detail view's graph (sw_view_graph.h): the selected
 * row's series over the whole history, with its scale, the block /
 * unblock / rule marks under it and its time axis. */
#include <stdio.h>
#include <stdlib.h>

#include <curses.h>

#include "sw_tui.h"
#include "sw_view_graph.h"

#define SW_TUI_GRAPH_GUTTER 7
#define SW_TUI_GRAPH_PLOT 6

void sw_tui_draw_graph(struct sw_tui *t, const struct sw_rect *r)
{
	bool utf8 = t->pt.utf8 && !t->o->no_color;
	struct sw_view_graph *g;
	char what[160], title[256], num[24];
	int x = r->x + SW_TUI_GRAPH_GUTTER, w = r->w - SW_TUI_GRAPH_GUTTER - 1, i;
	unsigned s;

	if (r->h < SW_TUI_GRAPH_PLOT + 3 || w < 10)
		return;
	if (!sw_view_detail_series(&t->view, t->m, &s, what, sizeof(what))) {
		snprintf(title, sizeof(title), " Trend: %s", what);
		sw_tui_put_fill(r->y, r->x, r->w, t->pt.attr[SW_T_TITLE], title);
		return;
	}
	g = malloc(sizeof(*g));
	if (!g)
		return;
	sw_view_graph_make(&t->m->hist, s, w, SW_TUI_GRAPH_PLOT, utf8, g);
	if (g->max >= 10 || g->max == 0)
		sw_view_fmt_count((uint64_t)(g->max + 0.5f), num, sizeof(num));
	else
		snprintf(num, sizeof(num), "%.2g", g->max);
	snprintf(title, sizeof(title), " Trend: %s, %u refreshes, max %s   B block  U unblock  R rule",
		 what, g->samples, num);
	sw_tui_put_fill(r->y, r->x, r->w, t->pt.attr[SW_T_TITLE], title);
	sw_tui_put(r->y + 1, r->x, SW_TUI_GRAPH_GUTTER - 1, t->pt.attr[SW_T_LABEL], num, true);
	sw_tui_put(r->y + SW_TUI_GRAPH_PLOT, r->x, SW_TUI_GRAPH_GUTTER - 1,
		   t->pt.attr[SW_T_LABEL], "0", true);
	attrset(t->pt.attr[SW_T_BAR]);
	for (i = 0; i < g->h; i++)
		mvaddstr(r->y + 1 + i, x, g->rows[i]);
	attrset(A_NORMAL);
	sw_tui_put(r->y + 1 + g->h, x, w, t->pt.attr[SW_T_BLOCKED], g->marks, false);
	sw_tui_put(r->y + 2 + g->h, x, w, t->pt.attr[SW_T_LABEL], g->axis, false);
	free(g);
}
