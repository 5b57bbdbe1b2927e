/* view_pane_states.c - the states pane: one row per TCP state with its
 * count, change, entered/s and its trend over the latest refreshes. */
#include <stdio.h>
#include <string.h>

#include "sw_view.h"

/* Rows are the TCP states in the text report's order (ESTABLISHED ..
 * CLOSING, as netstat lists them). */
static unsigned sw_view_st(uint32_t row)
{
	return sw_state_order[row];
}

static const struct sw_state_row *sw_view_st_row(const struct sw_view_model *m,
						 uint32_t row)
{
	return &m->states[sw_view_st(row)];
}

static uint32_t sw_view_states_nrows(const struct sw_view_model *m)
{
	(void)m;
	return sw_state_norder;
}

static void sw_view_states_key(const struct sw_view_model *m, uint32_t row,
			       struct sw_view_key *k)
{
	(void)m;
	memset(k, 0, sizeof(*k));
	k->b[0] = (uint8_t)sw_view_st(row);
}

static void sw_view_states_name(const struct sw_view_model *m, uint32_t row,
				struct sw_view_cell *c)
{
	(void)m;
	snprintf(c->text, sizeof(c->text), "%s", sw_state_name(sw_view_st(row)));
}

static int sw_view_states_cmp_name(const struct sw_view_model *m, uint32_t a,
				   uint32_t b)
{
	(void)m;
	return sw_view_cmp_u64(a, b);
}

static void sw_view_states_count(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	sw_view_fmt_count(sw_view_st_row(m, row)->count, c->text,
			  sizeof(c->text));
}

static int sw_view_states_cmp_count(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	return sw_view_cmp_u64(sw_view_st_row(m, a)->count,
			       sw_view_st_row(m, b)->count);
}

static void sw_view_states_delta(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	if (!m->have_prev) /* the first refresh: not known, not 0 */
		snprintf(c->text, sizeof(c->text), "-");
	else
		sw_view_fmt_delta(sw_view_st_row(m, row)->delta, c->text,
				  sizeof(c->text));
}

static int sw_view_states_cmp_delta(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	int64_t x = sw_view_st_row(m, a)->delta;
	int64_t y = sw_view_st_row(m, b)->delta;

	return (x > y) - (x < y);
}

static void sw_view_states_rate(const struct sw_view_model *m, uint32_t row,
				struct sw_view_cell *c)
{
	sw_view_fmt_rate(sw_view_st_row(m, row)->entered_per_s, c->text,
			 sizeof(c->text));
}

static int sw_view_states_cmp_rate(const struct sw_view_model *m, uint32_t a,
				   uint32_t b)
{
	return sw_view_cmp_dbl(sw_view_st_row(m, a)->entered_per_s,
			       sw_view_st_row(m, b)->entered_per_s);
}

/* The trend: the state's count over the latest refreshes. */
static bool sw_view_states_series(const struct sw_view_model *m, uint32_t row,
				  unsigned *s)
{
	(void)m;
	*s = SW_HS_STATE + sw_view_st(row);
	return true;
}

static unsigned sw_view_states_flags(const struct sw_view *v,
				     const struct sw_view_model *m,
				     uint32_t row)
{
	unsigned s = sw_view_st(row);

	if (v->warn[s] > 0 && m->states[s].count > (uint64_t)v->warn[s])
		return SW_ROW_WARN;
	return 0;
}

static void sw_view_states_heading(const struct sw_view *v, uint32_t n,
				   char *buf, size_t len)
{
	(void)v;
	(void)n;
	snprintf(buf, len, "%s (TCP)", sw_view_pane_states.title);
}

/* Under the states: UDP, and the churn of the last refresh. */
static bool sw_view_states_note(const struct sw_view_model *m, int i,
				char *buf, size_t len)
{
	char a[24], b[24];

	if (i == 0) {
		sw_view_fmt_count(m->udp_connected, a, sizeof(a));
		sw_view_fmt_count(m->udp_unconnected, b, sizeof(b));
		snprintf(buf, len, "UDP connected %s, unconnected %s", a, b);
		return true;
	}
	if (i == 1) {
		snprintf(buf, len, "last refresh: %u opened, %u closed",
			 m->opened, m->closed);
		return true;
	}
	return false;
}

static bool sw_view_states_match(const struct sw_view_detail *d,
				 const struct sw_view_model *m,
				 const struct sw_sock *s)
{
	(void)m;
	return s->proto == SW_TCP && s->state == d->state;
}

static void sw_view_states_open(const struct sw_view_model *m, uint32_t row,
				struct sw_view_detail *d)
{
	(void)m;
	d->match = sw_view_states_match;
	d->state = (uint8_t)sw_view_st(row);
	snprintf(d->title, sizeof(d->title), "Sockets in %s",
		 sw_state_name(d->state));
}

static const struct sw_view_col sw_view_states_cols[] = {
	{ .name = "STATE", .width = 11, .cell = sw_view_states_name,
	  .cmp = sw_view_states_cmp_name },
	{ .name = "COUNT", .width = 6, .right = true, .desc = true,
	  .cell = sw_view_states_count, .cmp = sw_view_states_cmp_count },
	{ .name = "+/-", .width = 4, .right = true, .desc = true,
	  .cell = sw_view_states_delta, .cmp = sw_view_states_cmp_delta },
	{ .name = "NEW/S", .width = 6, .right = true, .desc = true,
	  .cell = sw_view_states_rate, .cmp = sw_view_states_cmp_rate },
	{ .name = "", .width = 4, .grow = 1, .desc = true,
	  .cell = sw_view_trend_cell, .series = sw_view_states_series,
	  .cmp = sw_view_states_cmp_count },
};

const struct sw_view_pane_def sw_view_pane_states = {
	.title = "States",
	.cols = sw_view_states_cols,
	.ncols = sizeof(sw_view_states_cols) / sizeof(sw_view_states_cols[0]),
	.default_sort = 0,
	.nrows = sw_view_states_nrows,
	.key = sw_view_states_key,
	.flags = sw_view_states_flags,
	.heading = sw_view_states_heading,
	.note = sw_view_states_note,
	.open = sw_view_states_open,
	.slot = SW_SLOT_SIDE,
	.width = 35,
	.width_max = 50,
	.all_rows = true,
};
