/* sw_view_layout.h - where the panes go on a rows x cols screen, the column
 * geometry inside a pane, and what a mouse click hits. Core header. */
#ifndef SW_VIEW_LAYOUT_H
#define SW_VIEW_LAYOUT_H

#include <stdbool.h>

#include "sw_view_model.h"
#include "sw_view_pane.h"

struct sw_view;

#define SW_VIEW_MIN_COLS 80
#define SW_VIEW_MIN_ROWS 24
#define SW_VIEW_HEADER_ROWS 3

struct sw_rect {
	int y, x, h, w;
};

struct sw_view_layout {
	bool too_small;
	int rows, cols;
	struct sw_rect header;
	struct sw_rect pane[SW_PANE_MAX]; /* h == 0: not shown */
	struct sw_rect bottom;            /* key hints, status, prompt */
	/* the detail view's graph above its list, on a screen of at least
	 * SW_VIEW_GRAPH_MIN_ROWS rows; h == 0: none */
	struct sw_rect graph;
};

#define SW_VIEW_GRAPH_ROWS 10     /* title, 6 of plot, marks, axis, blank */
#define SW_VIEW_GRAPH_MIN_ROWS 34

/* Place the panes for a rows x cols screen, and set each shown list's
 * height (rows below its column header). */
void sw_view_layout(struct sw_view *v, int rows, int cols,
		    struct sw_view_layout *out);

/* Column geometry for pane p at width w: x offset and width of each
 * column (gaps of one space between). Returns the column count. */
int sw_view_columns(enum sw_pane p, int w, int *xs, int *ws, int max);

/* The same, with a fit column (sw_view_col.fit) growing no wider than
 * fit_w, its widest cell now (0: no limit); what it leaves goes to the
 * pane's other growing columns. Drawing and clicks use this one. */
int sw_view_columns_fit(enum sw_pane p, int w, int fit_w, int *xs, int *ws,
			int max);

/* A mouse click at (y, x): on a row selects it and focuses its pane; on a
 * column header sorts by it (again: reverses). Returns SW_R_* flags. */
unsigned sw_view_click(struct sw_view *v, const struct sw_view_model *m,
		       const struct sw_view_layout *l, int y, int x);

#endif
