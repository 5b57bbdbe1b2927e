/* view_list.c - each pane's row order, selection and scroll. Rows are
 * sorted on the pane's column with ties broken on the row's stable key
 * (so equal rows never swap between refreshes), then the direction is
 * applied. Until the operator moves it, a pane's selection follows row 1
 * (as top does); once moved, it is remembered by key, not position, until
 * Home or f puts it back on the top. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_grow.h"
#include "sw_view.h"

#define SW_VIEW_PANE_REF(NAME, name) [SW_PANE_##NAME] = &sw_view_pane_##name,
static const struct sw_view_pane_def *const sw_view_panes[SW_PANE_MAX] = {
	SW_VIEW_PANES(SW_VIEW_PANE_REF)
};
#undef SW_VIEW_PANE_REF

const struct sw_view_pane_def *sw_view_pane(enum sw_pane p)
{
	return sw_view_panes[p < SW_PANE_MAX ? p : SW_PANE_STATES];
}

bool sw_view_pane_on(const struct sw_view *v, enum sw_pane p,
		     enum sw_mode_view mode)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);

	if (def->slot == SW_SLOT_BODY)
		return mode == SW_V_DETAIL;
	return mode == SW_V_MAIN && (!def->shown || def->shown(v));
}

struct sw_view_sortctx {
	const struct sw_view_pane_def *def;
	const struct sw_view_col *col;
	const struct sw_view_model *m;
	bool reverse;
};

static int sw_view_row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sw_view_sortctx *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int r = c->col->cmp(c->m, a, b);

	if (c->col->desc)
		r = -r;
	if (r == 0) {
		struct sw_view_key ka, kb;

		c->def->key(c->m, a, &ka);
		c->def->key(c->m, b, &kb);
		r = memcmp(ka.b, kb.b, sizeof(ka.b));
	}
	return c->reverse ? -r : r;
}

/* Scroll only as far as the selection needs: row 1 stays in view while
 * the selection is within the first screen. A pane off the screen
 * (height 0) keeps its place for when it comes back. */
static void sw_view_list_scroll(struct sw_view_list *l)
{
	uint32_t h = l->height;

	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (h == 0)
		return;
	if (l->sel < h)
		l->top = 0;
	else if (l->sel < l->top)
		l->top = l->sel;
	else if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
	/* no blank tail while rows above are hidden */
	if (l->top + h > l->n)
		l->top = l->n > h ? l->n - h : 0;
}

void sw_view_list_set_height(struct sw_view_list *l, uint32_t h)
{
	if (l->height == h)
		return;
	l->height = h;
	sw_view_list_scroll(l);
}

static void sw_view_list_set_key(struct sw_view_list *l,
				 const struct sw_view_pane_def *def,
				 const struct sw_view_model *m)
{
	if (l->n == 0) {
		l->have_key = false;
		return;
	}
	def->key(m, l->order[l->sel], &l->sel_key);
	l->have_key = true;
}

int sw_view_list_sync(struct sw_view *v, const struct sw_view_model *m,
		      enum sw_pane p)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	struct sw_view_list *l = &v->list[p];
	uint32_t total = def->nrows(m), i, n = 0;
	struct sw_view_sortctx ctx;

	if (sw_grow32((void **)&l->order, &l->cap, total, sizeof(*l->order),
		      total)) {
		l->n = l->sel = l->top = 0;
		return -1;
	}
	for (i = 0; i < total; i++)
		if (!def->include || def->include(v, m, i))
			l->order[n++] = i;
	l->n = n;
	if (l->sort < 0 || l->sort >= def->ncols)
		l->sort = def->default_sort;
	ctx.def = def;
	ctx.col = &def->cols[l->sort];
	ctx.m = m;
	ctx.reverse = l->reverse;
	if (n > 1)
		qsort_r(l->order, n, sizeof(*l->order), sw_view_row_cmp, &ctx);
	l->fit_w = def->fit_width ? def->fit_width(m, l->order, n) : 0;

	if (!l->pinned) {
		l->sel = 0;
	} else if (l->have_key) {
		struct sw_view_key k;

		for (i = 0; i < n; i++) {
			def->key(m, l->order[i], &k);
			if (!memcmp(k.b, l->sel_key.b, sizeof(k.b))) {
				l->sel = i;
				break;
			}
		}
		/* gone: stay at the same position, on whatever is there now */
	}
	sw_view_list_scroll(l);
	sw_view_list_set_key(l, def, m);
	return 0;
}

int sw_view_list_set_sort(struct sw_view *v, const struct sw_view_model *m,
			  enum sw_pane p, int col, bool reverse)
{
	v->list[p].sort = col;
	v->list[p].reverse = reverse;
	return sw_view_list_sync(v, m, p);
}

void sw_view_list_select(struct sw_view *v, const struct sw_view_model *m,
			 enum sw_pane p, long i)
{
	struct sw_view_list *l = &v->list[p];

	if (l->n == 0)
		return;
	if (i < 0)
		i = 0;
	if ((unsigned long)i >= l->n)
		i = (long)l->n - 1;
	l->sel = (uint32_t)i;
	l->pinned = true;
	sw_view_list_scroll(l);
	sw_view_list_set_key(l, sw_view_pane(p), m);
}

void sw_view_list_follow(struct sw_view *v, const struct sw_view_model *m,
			 enum sw_pane p)
{
	struct sw_view_list *l = &v->list[p];

	l->pinned = false;
	l->sel = l->top = 0;
	sw_view_list_scroll(l);
	sw_view_list_set_key(l, sw_view_pane(p), m);
}

bool sw_view_list_pinned_label(const struct sw_view *v,
			       const struct sw_view_model *m, enum sw_pane p,
			       char *buf, size_t len)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	const struct sw_view_list *l = &v->list[p];
	struct sw_view_cell c;

	if (!l->pinned || l->n == 0 || len == 0)
		return false;
	c.text[0] = '\0';
	c.bar = -1;
	def->cols[def->label_col < def->ncols ? def->label_col : 0].cell(
		m, l->order[l->sel], &c);
	snprintf(buf, len, "%s", c.text);
	return true;
}

void sw_view_list_move(struct sw_view *v, const struct sw_view_model *m,
		       enum sw_pane p, long delta)
{
	sw_view_list_select(v, m, p, (long)v->list[p].sel + delta);
}

long sw_view_selected(const struct sw_view *v, enum sw_pane p)
{
	const struct sw_view_list *l = &v->list[p];

	return l->n ? (long)l->order[l->sel] : -1;
}
