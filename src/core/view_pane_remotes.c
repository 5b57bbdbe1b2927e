/* view_pane_remotes.c - the remotes pane: one row per remote address or
 * prefix (when grouped) with its live connections, TIME_WAIT, new/s,
 * bytes received per second and top states. */
#include <stdio.h>
#include <string.h>

#include "sw_view.h"

static uint32_t sw_view_remotes_nrows(const struct sw_view_model *m)
{
	return m->nremotes;
}

static void sw_view_remotes_key(const struct sw_view_model *m, uint32_t row,
				struct sw_view_key *k)
{
	sw_view_prefix_key(&m->remotes[row].pfx, k);
}

static void sw_view_remotes_addr(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	sw_view_prefix_cell(&m->remotes[row].pfx, c);
}

/* The longest address listed: IPv4 ones are measured without being
 * written (at most 15 characters and the /LEN), IPv6 ones are written. */
static int sw_view_remotes_fit(const struct sw_view_model *m,
			       const uint32_t *order, uint32_t n)
{
	int w = 0, v4 = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		const struct sw_prefix *p = &m->remotes[order[i]].pfx;
		char a[SW_ADDR_STRLEN];
		int len;

		if (p->family == SW_V4) {
			v4 = p->plen < 32 ? 18 : 15;
			continue;
		}
		len = (int)strlen(sw_prefix_format(p, a, sizeof(a)));
		if (len > w)
			w = len;
	}
	return w > v4 ? w : v4;
}

static int sw_view_remotes_cmp_addr(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	return sw_view_prefix_cmp(&m->remotes[a].pfx, &m->remotes[b].pfx);
}

static void sw_view_remotes_conn(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	sw_view_fmt_count(m->remotes[row].count, c->text, sizeof(c->text));
}

static int sw_view_remotes_cmp_conn(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	return sw_view_cmp_u64(m->remotes[a].count, m->remotes[b].count);
}

static void sw_view_remotes_tw(const struct sw_view_model *m, uint32_t row,
			       struct sw_view_cell *c)
{
	sw_view_fmt_count(m->remotes[row].tw, c->text, sizeof(c->text));
}

static int sw_view_remotes_cmp_tw(const struct sw_view_model *m, uint32_t a,
				  uint32_t b)
{
	return sw_view_cmp_u64(m->remotes[a].tw, m->remotes[b].tw);
}

static void sw_view_remotes_rate(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	sw_view_fmt_rate(m->remotes[row].new_per_s, c->text, sizeof(c->text));
}

static int sw_view_remotes_cmp_rate(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	return sw_view_cmp_dbl(m->remotes[a].new_per_s, m->remotes[b].new_per_s);
}

/* Bytes received per second (tcp_info of its inbound sockets); "-" when
 * not measured. */
static void sw_view_remotes_rx(const struct sw_view_model *m, uint32_t row,
			       struct sw_view_cell *c)
{
	double rx = m->remotes[row].rx_per_s;

	if (rx < 0)
		snprintf(c->text, sizeof(c->text), "-");
	else
		sw_view_fmt_count((uint64_t)(rx + 0.5), c->text, sizeof(c->text));
}

static int sw_view_remotes_cmp_rx(const struct sw_view_model *m, uint32_t a,
				  uint32_t b)
{
	return sw_view_cmp_dbl(m->remotes[a].rx_per_s, m->remotes[b].rx_per_s);
}

/* Its top states; a remote over a rule's threshold (--rules) leads with
 * the rule and when it bans: "[flood: bans in 1 refresh] E:300". */
static void sw_view_remotes_states(const struct sw_view_model *m, uint32_t row,
				   struct sw_view_cell *c)
{
	const struct sw_view_rule_mark *r =
		sw_view_model_rule_mark(m, &m->remotes[row].pfx);
	char states[sizeof(c->text)];

	if (!r) {
		sw_view_fmt_states(&m->remotes[row], c->text, sizeof(c->text));
		return;
	}
	sw_view_fmt_states(&m->remotes[row], states, sizeof(states));
	snprintf(c->text, sizeof(c->text), "[%.40s] %.20s", r->text, states);
}

/* The states column sorts by SYN_RECV, then ESTABLISHED: the half-open
 * count is what marks a SYN flood's sources. */
static int sw_view_remotes_cmp_states(const struct sw_view_model *m,
				      uint32_t a, uint32_t b)
{
	const struct sw_remote *x = &m->remotes[a], *y = &m->remotes[b];
	int c = sw_view_cmp_u64(x->states[SW_SYN_RECV], y->states[SW_SYN_RECV]);

	return c ? c
		 : sw_view_cmp_u64(x->states[SW_ESTABLISHED],
				   y->states[SW_ESTABLISHED]);
}

/* The trend: its connections, while the history follows it. */
static bool sw_view_remotes_series(const struct sw_view_model *m, uint32_t row,
				   unsigned *s)
{
	int slot = sw_history_remote(&m->hist, &m->remotes[row].pfx);

	if (slot < 0)
		return false;
	*s = SW_HS_REMOTE + 2 * (unsigned)slot;
	return true;
}

static unsigned sw_view_remotes_flags(const struct sw_view *v,
				      const struct sw_view_model *m,
				      uint32_t row)
{
	const struct sw_prefix *p = &m->remotes[row].pfx;
	unsigned f = 0;

	if (sw_view_model_blocked(m, p) >= 0)
		f |= SW_ROW_BLOCKED;
	if (sw_view_is_marked(v, p))
		f |= SW_ROW_MARKED;
	if (!(f & SW_ROW_BLOCKED) && sw_view_model_rule_mark(m, p))
		f |= SW_ROW_WARN;
	return f;
}

static const struct sw_view_col sw_view_remotes_cols[] = {
	{ .name = "REMOTE", .width = 15, .grow = 3, .fit = true,
	  .cell = sw_view_remotes_addr, .cmp = sw_view_remotes_cmp_addr },
	/* live sockets: every state but TIME_WAIT, which has its own */
	{ .name = "CONN", .width = 5, .right = true, .desc = true,
	  .cell = sw_view_remotes_conn, .cmp = sw_view_remotes_cmp_conn },
	{ .name = "TW", .width = 5, .right = true, .desc = true,
	  .cell = sw_view_remotes_tw, .cmp = sw_view_remotes_cmp_tw },
	{ .name = "NEW/S", .width = 6, .right = true, .desc = true,
	  .cell = sw_view_remotes_rate, .cmp = sw_view_remotes_cmp_rate },
	{ .name = "RX/S", .optional = true, .width = 5, .right = true, .desc = true,
	  .cell = sw_view_remotes_rx, .cmp = sw_view_remotes_cmp_rx },
	/* where there is room: its connections over the latest refreshes */
	{ .name = "TREND", .width = 16, .optional = true, .desc = true,
	  .cell = sw_view_trend_cell, .series = sw_view_remotes_series,
	  .cmp = sw_view_remotes_cmp_conn },
	{ .name = "STATES", .width = 7, .grow = 2, .desc = true,
	  .cell = sw_view_remotes_states, .cmp = sw_view_remotes_cmp_states },
};

static void sw_view_remotes_heading(const struct sw_view *v, uint32_t n,
				    char *buf, size_t len)
{
	const char *in = v->grouping.inbound_only ? ", inbound only" : "";

	if (sw_view_grouped(v))
		snprintf(buf, len, "%s: %u, grouped /%u /%u%s",
			 sw_view_pane_remotes.title, n, v->grouping.group_v4,
			 v->grouping.group_v6, in);
	else
		snprintf(buf, len, "%s: %u%s", sw_view_pane_remotes.title, n, in);
}

/* Direction: > all its sockets are outbound (this host connects to it),
 * ~ some are; inbound ones have no mark. */
static const char *sw_view_remotes_mark(const struct sw_view_model *m,
					uint32_t row)
{
	const struct sw_remote *r = &m->remotes[row];

	return !r->outbound ? "" : r->inbound ? "~" : ">";
}

static bool sw_view_remotes_match(const struct sw_view_detail *d,
				  const struct sw_view_model *m,
				  const struct sw_sock *s)
{
	(void)m;
	return sw_sock_has_peer(s) &&
	       sw_prefix_contains_addr(&d->pfx, s->family, s->dst);
}

static void sw_view_remotes_open(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_detail *d)
{
	char a[SW_ADDR_STRLEN];

	d->match = sw_view_remotes_match;
	d->has_target = true;
	d->pfx = m->remotes[row].pfx;
	snprintf(d->title, sizeof(d->title), "Sockets of %s",
		 sw_prefix_format(&d->pfx, a, sizeof(a)));
}

static bool sw_view_remotes_target(const struct sw_view_model *m,
				   uint32_t row, struct sw_prefix *p)
{
	*p = m->remotes[row].pfx;
	return true;
}

const struct sw_view_pane_def sw_view_pane_remotes = {
	.title = "Remotes",
	.cols = sw_view_remotes_cols,
	.ncols = sizeof(sw_view_remotes_cols) / sizeof(sw_view_remotes_cols[0]),
	.default_sort = 1,
	.nrows = sw_view_remotes_nrows,
	.key = sw_view_remotes_key,
	.flags = sw_view_remotes_flags,
	.gutter = true,
	.mark = sw_view_remotes_mark,
	.heading = sw_view_remotes_heading,
	.open = sw_view_remotes_open,
	.target = sw_view_remotes_target,
	.fit_width = sw_view_remotes_fit,
	.focus_first = true,
	.slot = SW_SLOT_TOP,
};
