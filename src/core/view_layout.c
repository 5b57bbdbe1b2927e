/* view_layout.c - where the panes go on a rows x cols screen, the column
 * geometry inside a pane, and what a mouse click hits. Pure geometry, so
 * drawing and hit-testing can never disagree. */
#include <string.h>

#include "sw_view.h"

/* Rows a pane spends on its title and column header. */
#define SW_VIEW_PANE_CHROME 2

static struct sw_rect sw_view_rect(int y, int x, int h, int w)
{
	struct sw_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };

	return r;
}

/* The pane on the screen of v's mode in slot s, or -1. */
static int sw_view_in_slot(const struct sw_view *v, enum sw_view_slot s)
{
	int p;

	for (p = 0; p < SW_PANE_MAX; p++)
		if (sw_view_pane(p)->slot == s && sw_view_pane_on(v, p, v->mode))
			return p;
	return -1;
}

/* Rows of a pane that lists all its rows (0 for the others). */
static int sw_view_all_rows(int p)
{
	const struct sw_view_pane_def *def = p >= 0 ? sw_view_pane(p) : NULL;

	return def && def->all_rows ? (int)def->nrows(NULL) : 0;
}

/* Width a pane needs for every column at its own width. */
static int sw_view_min_width(int p)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	int w = def->gutter ? 2 : 0, i, n = 0;

	for (i = 0; i < def->ncols; i++)
		if (!def->cols[i].optional)
			w += def->cols[i].width + (n++ ? 1 : 0);
	return w;
}

/* Rows a bottom pane wants: its chrome and its rows (one when empty, for
 * what it says then), and one spare. */
static int sw_view_want_rows(const struct sw_view *v, int p)
{
	uint32_t n = v->list[p].n;

	return SW_VIEW_PANE_CHROME + (n ? (int)n : 1) + 1;
}

/* The bottom band: BOTTOM, with NEXT beside it when both fit at full
 * width, else under it. y, h: the band. */
static void sw_view_layout_bottom(int bottom, int next, int y, int h,
				  int cols, struct sw_view_layout *out)
{
	int nw, top_h;

	if (next < 0) {
		if (bottom >= 0)
			out->pane[bottom] = sw_view_rect(y, 0, h, cols);
		return;
	}
	if (bottom < 0) {
		out->pane[next] = sw_view_rect(y, 0, h, cols);
		return;
	}
	if (sw_view_min_width(bottom) + 1 + sw_view_min_width(next) <= cols) {
		nw = sw_view_min_width(next) +
		     (cols - sw_view_min_width(bottom) - 1 - sw_view_min_width(next)) / 3;
		out->pane[bottom] = sw_view_rect(y, 0, h, cols - nw - 1);
		out->pane[next] = sw_view_rect(y, cols - nw, h, nw);
		return;
	}
	top_h = h / 2;
	out->pane[bottom] = sw_view_rect(y, 0, top_h, cols);
	out->pane[next] = sw_view_rect(y + top_h, 0, h - top_h, cols);
}

/* The main screen: the top band holds every row of an all_rows pane;
 * extra height goes 3:2 to the band and to the bottom band, which gives
 * back to the top band the rows its panes do not use. SIDE grows by a
 * fifth of the columns past 80, up to its width_max. */
/* The alert band (the findings) across the top of the body: its chrome
 * and its rows, at most a few (fewer on a short screen). Returns the
 * rows it takes. */
static int sw_view_layout_alert(const struct sw_view *v, int body_y,
				int body_h, int cols, struct sw_view_layout *out)
{
	int alert = sw_view_in_slot(v, SW_SLOT_ALERT);
	int max = body_h >= 36 ? 5 : body_h >= 28 ? 3 : 2, n;

	if (alert < 0)
		return 0;
	n = (int)v->list[alert].n;
	if (n < 1)
		n = 1;
	if (n > max)
		n = max;
	out->pane[alert] = sw_view_rect(body_y, 0, SW_VIEW_PANE_CHROME + n, cols);
	return SW_VIEW_PANE_CHROME + n;
}

static void sw_view_layout_main(const struct sw_view *v, int body_y,
				int body_h, int cols, struct sw_view_layout *out)
{
	int side = sw_view_in_slot(v, SW_SLOT_SIDE);
	int top = sw_view_in_slot(v, SW_SLOT_TOP);
	int bottom = sw_view_in_slot(v, SW_SLOT_BOTTOM);
	int next = sw_view_in_slot(v, SW_SLOT_NEXT);
	int top_h = body_h * 3 / 5, sw = 0, need, want = 0;

	need = sw_view_all_rows(side) > sw_view_all_rows(top)
		       ? sw_view_all_rows(side) : sw_view_all_rows(top);
	if (need && top_h < SW_VIEW_PANE_CHROME + need)
		top_h = SW_VIEW_PANE_CHROME + need;
	if (bottom >= 0)
		want = sw_view_want_rows(v, bottom);
	if (next >= 0) {
		int w = sw_view_want_rows(v, next);
		bool beside = bottom < 0 ||
			      sw_view_min_width(bottom) + 1 + sw_view_min_width(next) <= cols;

		want = beside ? (want > w ? want : w) : want + w;
	}
	if (want && body_h - top_h > want)
		top_h = body_h - want;
	if (side >= 0) {
		const struct sw_view_pane_def *def = sw_view_pane(side);

		sw = def->width + (cols - SW_VIEW_MIN_COLS) / 5;
		if (def->width_max && sw > def->width_max)
			sw = def->width_max;
		out->pane[side] = sw_view_rect(body_y, 0, top_h, sw);
		sw++; /* one column between them for the separator */
	}
	if (top >= 0)
		out->pane[top] = sw_view_rect(body_y, sw, top_h, cols - sw);
	sw_view_layout_bottom(bottom, next, body_y + top_h, body_h - top_h, cols,
			      out);
}

void sw_view_layout(struct sw_view *v, int rows, int cols,
		    struct sw_view_layout *out)
{
	int body_y = SW_VIEW_HEADER_ROWS, body_h, i;

	memset(out, 0, sizeof(*out));
	out->rows = rows;
	out->cols = cols;
	if (rows < SW_VIEW_MIN_ROWS || cols < SW_VIEW_MIN_COLS) {
		out->too_small = true;
		for (i = 0; i < SW_PANE_MAX; i++)
			sw_view_list_set_height(&v->list[i], 0);
		return;
	}
	out->header = sw_view_rect(0, 0, SW_VIEW_HEADER_ROWS, cols);
	out->bottom = sw_view_rect(rows - 1, 0, 1, cols);
	body_h = rows - SW_VIEW_HEADER_ROWS - 1;

	if (v->mode == SW_V_DETAIL) {
		int body = sw_view_in_slot(v, SW_SLOT_BODY);

		/* a tall screen has room for the trend above the sockets */
		if (rows >= SW_VIEW_GRAPH_MIN_ROWS) {
			out->graph = sw_view_rect(body_y, 0, SW_VIEW_GRAPH_ROWS, cols);
			body_y += SW_VIEW_GRAPH_ROWS;
			body_h -= SW_VIEW_GRAPH_ROWS;
		}
		if (body >= 0)
			out->pane[body] = sw_view_rect(body_y, 0, body_h, cols);
	} else {
		int a = sw_view_layout_alert(v, body_y, body_h, cols, out);

		sw_view_layout_main(v, body_y + a, body_h - a, cols, out);
	}
	for (i = 0; i < SW_PANE_MAX; i++) {
		int h = out->pane[i].h - SW_VIEW_PANE_CHROME;
		int all = sw_view_all_rows(i);

		/* all its rows, and no blank ones if it got taller */
		if (all && h > all)
			h = all;
		sw_view_list_set_height(&v->list[i], h > 0 ? (uint32_t)h : 0);
	}
}

int sw_view_columns(enum sw_pane p, int w, int *xs, int *ws, int max)
{
	return sw_view_columns_fit(p, w, 0, xs, ws, max);
}

int sw_view_columns_fit(enum sw_pane p, int w, int fit_w, int *xs, int *ws,
			int max)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	int n = def->ncols < max ? def->ncols : max;
	int x = def->gutter ? 2 : 0, need = x - 1, grow = 0, spare, i, given = 0;
	int last = -1; /* the last growing column without a fit */
	bool on[64];

	if (n > 64)
		n = 64;
	/* the columns that must be there, then the optional ones in order
	 * while each fits whole */
	for (i = 0; i < n; i++) {
		on[i] = !def->cols[i].optional;
		if (on[i])
			need += def->cols[i].width + 1;
	}
	for (i = 0; i < n; i++)
		if (!on[i] && need + def->cols[i].width + 1 <= w) {
			on[i] = true;
			need += def->cols[i].width + 1;
		}
	if (need < x)
		need = x;
	for (i = 0; i < n; i++) {
		if (!on[i])
			continue;
		grow += def->cols[i].grow;
		if (def->cols[i].grow && !(def->cols[i].fit && fit_w > 0))
			last = i;
	}
	spare = w - need;
	for (i = 0; i < n; i++) {
		int cw = def->cols[i].width;

		if (!on[i]) {
			ws[i] = 0;
			continue;
		}
		if (spare > 0 && grow > 0 && def->cols[i].grow) {
			int add = spare * def->cols[i].grow / grow;

			/* no wider than its widest cell: the rest goes on */
			if (def->cols[i].fit && fit_w > 0 && last >= 0 &&
			    add > fit_w - cw)
				add = fit_w > cw ? fit_w - cw : 0;
			given += add;
			cw += add;
		}
		ws[i] = cw;
	}
	/* rounding leftovers (and what a fit column left) go to the last
	 * growing column */
	if (spare > 0 && grow > 0) {
		if (last < 0)
			for (i = n - 1; i >= 0 && last < 0; i--)
				if (on[i] && def->cols[i].grow)
					last = i;
		ws[last] += spare - given;
	}
	for (i = 0; i < n; i++) {
		xs[i] = x;
		if (on[i])
			x += ws[i] + 1;
	}
	/* too narrow: clip, never overlap */
	for (i = 0; i < n; i++) {
		if (xs[i] >= w)
			ws[i] = 0;
		else if (xs[i] + ws[i] > w)
			ws[i] = w - xs[i];
	}
	return n;
}

static bool sw_view_in(const struct sw_rect *r, int y, int x)
{
	return r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x &&
	       x < r->x + r->w;
}

unsigned sw_view_click(struct sw_view *v, const struct sw_view_model *m,
		       const struct sw_view_layout *l, int y, int x)
{
	int xs[16], ws[16], n, i;
	enum sw_pane p;

	if (l->too_small)
		return 0;
	if (v->overlay == SW_O_HELP || v->overlay == SW_O_INFO) {
		v->overlay = SW_O_NONE;
		return SW_R_REDRAW;
	}
	if (v->overlay != SW_O_NONE)
		return 0;
	for (p = 0; p < SW_PANE_MAX; p++)
		if (sw_view_in(&l->pane[p], y, x))
			break;
	if (p == SW_PANE_MAX)
		return 0;
	if (sw_view_pane(p)->slot != SW_SLOT_BODY) {
		v->focus = p;
		v->focus_chosen = true;
	}
	y -= l->pane[p].y;
	x -= l->pane[p].x;
	if (y == 1) {
		const struct sw_view_list *li = &v->list[p];

		n = sw_view_columns_fit(p, l->pane[p].w, li->fit_w, xs, ws, 16);
		for (i = 0; i < n; i++)
			if (ws[i] > 0 && x >= xs[i] && x < xs[i] + ws[i] + 1) {
				/* the sorted column again: reverse it */
				sw_view_list_set_sort(v, m, p, i,
						      li->sort == i && !li->reverse);
				break;
			}
	} else if (y >= SW_VIEW_PANE_CHROME) {
		long at = (long)v->list[p].top + (y - SW_VIEW_PANE_CHROME);

		if (at < (long)v->list[p].n &&
		    (uint32_t)(y - SW_VIEW_PANE_CHROME) < v->list[p].height)
			sw_view_list_select(v, m, p, at);
	}
	return SW_R_REDRAW;
}
