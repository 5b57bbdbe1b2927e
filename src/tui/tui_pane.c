/* tui_pane.c - draws any pane from its definition (src/core/view_pane_*.c):
 * title line, column headers with the sort column marked, rows with the
 * selection, marks and warnings, bars, then its notes in rows it has to
 * spare, or what it says when empty. */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "sw_tui.h"
#include "sw_view_graph.h"

#define SW_TUI_MAXCOLS 16

static void sw_tui_pane_title(struct sw_tui *t, enum sw_pane p,
			      const struct sw_rect *r, bool focus)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	const struct sw_view_list *l = &t->view.list[p];
	int a = t->pt.attr[focus ? SW_T_TITLE_FOCUS : SW_T_TITLE];
	char buf[200], label[80];
	size_t at;

	buf[0] = ' ';
	if (def->heading)
		def->heading(&t->view, l->n, buf + 1, sizeof(buf) - 1);
	else
		snprintf(buf + 1, sizeof(buf) - 1, "%s: %u", def->title, l->n);
	at = strlen(buf);
	if (sw_view_list_pinned_label(&t->view, t->m, p, label, sizeof(label)))
		snprintf(buf + at, sizeof(buf) - at, ", following %s (Home: top)",
			 label);
	sw_tui_put_fill(r->y, r->x, r->w, a, buf);
	if (l->n > l->height && l->height > 0) {
		snprintf(buf, sizeof(buf), "%u-%u ", l->top + 1,
			 l->top + l->height < l->n ? l->top + l->height : l->n);
		sw_tui_put(r->y, r->x, r->w, a, buf, true);
	}
}

static void sw_tui_pane_colhdr(struct sw_tui *t, enum sw_pane p,
			       const struct sw_rect *r, const int *xs,
			       const int *ws, int n)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	const struct sw_view_list *l = &t->view.list[p];
	int i;

	for (i = 0; i < n; i++) {
		const struct sw_view_col *c = &def->cols[i];
		char name[40];
		bool sorted = i == l->sort;
		/* the arrow shows which way the rows run now */
		bool down = c->desc != l->reverse;

		if (ws[i] <= 0)
			continue;
		if (sorted)
			snprintf(name, sizeof(name), "%s%s", c->name[0] ? c->name : "#",
				 t->pt.utf8 ? (down ? "\u25be" : "\u25b4")
					 : (down ? "v" : "^"));
		else
			snprintf(name, sizeof(name), "%s", c->name);
		if (sorted && t->pt.utf8) {
			/* the arrow is 3 bytes for 1 cell */
			int cells = (int)strlen(name) - 2;
			int x = r->x + xs[i] + (c->right && cells < ws[i] ? ws[i] - cells : 0);

			attrset(t->pt.attr[SW_T_COLHDR_SORT]);
			mvaddstr(r->y + 1, x, name);
			attrset(A_NORMAL);
		} else {
			sw_tui_put(r->y + 1, r->x + xs[i], ws[i],
				   t->pt.attr[sorted ? SW_T_COLHDR_SORT : SW_T_COLHDR],
				   name, c->right);
		}
	}
}

static int sw_tui_row_attr(struct sw_tui *t, unsigned flags, bool sel,
			   bool focus)
{
	if (sel)
		return t->pt.attr[focus ? SW_T_SEL : SW_T_SEL_DIM];
	if (flags & SW_ROW_CRIT)
		return t->pt.attr[SW_T_SEV_CRIT];
	if (flags & SW_ROW_CAUTION)
		return t->pt.attr[SW_T_SEV_WARN];
	if (flags & (SW_ROW_WARN | SW_ROW_FULL))
		return t->pt.attr[SW_T_WARN];
	if (flags & SW_ROW_BLOCKED)
		return t->pt.attr[SW_T_BLOCKED];
	if (flags & SW_ROW_MARKED)
		return t->pt.attr[SW_T_MARK];
	return A_NORMAL;
}

/* A trend cell: the sparkline of its series, the latest refresh at the
 * right; ASCII in a non-UTF-8 locale and under --no-color. */
static void sw_tui_pane_trend(struct sw_tui *t, int y, int x, int w,
			      uint32_t row, const struct sw_view_col *c,
			      unsigned flags)
{
	char spark[SW_GRAPH_MAXW * 3 + 1];
	unsigned s;

	if (!c->series(t->m, row, &s))
		return;
	sw_view_spark_series(&t->m->hist, s, w, t->pt.utf8 && !t->o->no_color,
			     spark, sizeof(spark));
	attrset(t->pt.attr[flags & (SW_ROW_WARN | SW_ROW_FULL) ? SW_T_BAR_HOT : SW_T_BAR]);
	mvaddstr(y, x, spark);
	attrset(A_NORMAL);
}

static void sw_tui_pane_row(struct sw_tui *t, enum sw_pane p, int y,
			    const struct sw_rect *r, uint32_t row, bool sel,
			    bool focus, const int *xs, const int *ws, int n)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	unsigned flags = def->flags ? def->flags(&t->view, t->m, row) : 0;
	int a = sw_tui_row_attr(t, flags, sel, focus), i, cells;

	if (sel)
		sw_tui_fill(y, r->x, r->w, a);
	if (def->gutter) {
		const char *g = flags & SW_ROW_BLOCKED ? "B" : flags & SW_ROW_MARKED ? "*" : "";

		sw_tui_put(y, r->x, 1,
			   sel ? a : t->pt.attr[flags & SW_ROW_BLOCKED ? SW_T_BLOCKED : SW_T_MARK],
			   g, false);
		if (def->mark)
			sw_tui_put(y, r->x + 1, 1, sel ? a : t->pt.attr[SW_T_LABEL],
				   def->mark(t->m, row), false);
	}
	for (i = 0; i < n; i++) {
		const struct sw_view_col *c = &def->cols[i];
		struct sw_view_cell cell;

		if (ws[i] <= 0)
			continue;
		if (c->series) {
			sw_tui_pane_trend(t, y, r->x + xs[i], ws[i], row, c, flags);
			continue;
		}
		cell.text[0] = '\0';
		cell.bar = -1;
		c->cell(t->m, row, &cell);
		if (c->bar) {
			char bar[8 * 64 + 1];
			int cells = ws[i] < 64 ? ws[i] : 64;

			sw_view_bar(cell.bar, cells, t->pt.utf8, bar, sizeof(bar));
			/* only the filled cells: the row's own background shows
			 * through the rest */
			for (size_t e = strlen(bar); e > 0 && bar[e - 1] == ' ';)
				bar[--e] = '\0';
			/* bars keep their color on the selected row too */
			attrset(t->pt.attr[flags & (SW_ROW_WARN | SW_ROW_FULL) ? SW_T_BAR_HOT
									  : SW_T_BAR]);
			mvaddstr(y, r->x + xs[i], bar);
			attrset(A_NORMAL);
			continue;
		}
		/* never a cut number or address: whole items, "…" */
		cells = sw_view_fit(cell.text, sizeof(cell.text), ws[i],
				    t->pt.utf8);
		/* a finding's severity keeps its color on the selected row */
		attrset(i == 0 && sel && (flags & (SW_ROW_CRIT | SW_ROW_CAUTION))
				? t->pt.attr[flags & SW_ROW_CRIT ? SW_T_SEV_CRIT
								 : SW_T_SEV_WARN]
				: a);
		mvaddstr(y, r->x + xs[i] + (c->right ? ws[i] - cells : 0),
			 cell.text);
		attrset(A_NORMAL);
	}
}

/* The pane's notes in the rows under its list, after a blank one. */
static void sw_tui_pane_notes(struct sw_tui *t, enum sw_pane p,
			      const struct sw_rect *r, int y)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	char buf[128];
	int i;

	for (i = 0; def->note && y < r->y + r->h; i++, y++) {
		if (!def->note(t->m, i, buf, sizeof(buf)))
			break;
		sw_tui_put(y, r->x + 1, r->w - 1, t->pt.attr[SW_T_LABEL], buf, false);
	}
}

/* The owners of the sockets on screen (the pane's owner_inode), looked
 * up now: /proc is scanned only for inodes not seen before. */
static void sw_tui_pane_owners(struct sw_tui *t, enum sw_pane p)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	const struct sw_view_list *l = &t->view.list[p];
	uint32_t ino[256], n = 0, i;
	struct sw_proc_owner po[256];
	struct sw_view_owner vo[256];

	if (!def->owner_inode || !t->pm)
		return;
	for (i = 0; i < l->height && l->top + i < l->n && n < 256; i++)
		ino[n++] = def->owner_inode(t->m, l->order[l->top + i]);
	if (sw_procmap_lookup(t->pm, ino, n, po) < 0)
		return;
	for (i = 0; i < n; i++) {
		vo[i].inode = po[i].inode;
		vo[i].pid = po[i].pid;
		memcpy(vo[i].name, po[i].name, sizeof(vo[i].name));
	}
	(void)sw_view_model_set_owners(t->m, vo, n);
}

void sw_tui_draw_pane(struct sw_tui *t, enum sw_pane p, const struct sw_rect *r)
{
	const struct sw_view_list *l = &t->view.list[p];
	bool focus = p == sw_view_active(&t->view);
	int xs[SW_TUI_MAXCOLS], ws[SW_TUI_MAXCOLS], n, i;

	if (r->h < 2 || r->w < 10)
		return;
	n = sw_view_columns_fit(p, r->w, l->fit_w, xs, ws, SW_TUI_MAXCOLS);
	sw_tui_pane_owners(t, p);
	sw_tui_pane_title(t, p, r, focus);
	sw_tui_pane_colhdr(t, p, r, xs, ws, n);
	for (i = 0; i < (int)l->height; i++) {
		uint32_t at = l->top + (uint32_t)i;

		if (at >= l->n)
			break;
		sw_tui_pane_row(t, p, r->y + 2 + i, r, l->order[at], at == l->sel,
				focus, xs, ws, n);
	}
	sw_tui_pane_notes(t, p, r, r->y + 2 + (int)l->height + 1);
	if (l->n == 0 && r->h > 2) {
		const struct sw_view_pane_def *def = sw_view_pane(p);
		const char *empty = def->empty ? def->empty(&t->view, t->m)
				    : t->m->seq ? "none"
						: "waiting for the first refresh...";

		sw_tui_put(r->y + 2, r->x + 2, r->w - 2, t->pt.attr[SW_T_LABEL], empty,
			   false);
	}
}
