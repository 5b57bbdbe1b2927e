/* view_pane_detail.c - the detail view: the sockets of one remote address
 * or prefix, one listening port, or one TCP state; for inbound
 * ESTABLISHED ones what tcp_info says (the latest info set: age, bytes
 * received and acked, idle times, RTT, retransmits), and for every one
 * its owning process (resolved by the front end for the rows shown). */
#include <stdio.h>
#include <string.h>

#include "sw_duration.h"
#include "sw_view.h"

static uint32_t sw_view_detail_nrows(const struct sw_view_model *m)
{
	return m->nsocks;
}

static void sw_view_detail_key(const struct sw_view_model *m, uint32_t row,
			       struct sw_view_key *k)
{
	const struct sw_sock *s = &m->socks[row];

	memset(k, 0, sizeof(*k));
	k->b[0] = s->proto;
	memcpy(k->b + 1, &s->cookie, sizeof(s->cookie));
}

static bool sw_view_detail_include(const struct sw_view *v,
				   const struct sw_view_model *m, uint32_t row)
{
	return v->detail.match && v->detail.match(&v->detail, m, &m->socks[row]);
}

static void sw_view_detail_heading(const struct sw_view *v, uint32_t n,
				   char *buf, size_t len)
{
	snprintf(buf, len, "%s: %u  (Esc returns)", v->detail.title, n);
}

static int sw_view_detail_cmp_ep(unsigned fa, const uint8_t *a, unsigned pa,
				 unsigned fb, const uint8_t *b, unsigned pb)
{
	int c = sw_addr_cmp(fa, a, fb, b);

	return c ? c : sw_view_cmp_u64(pa, pb);
}

static void sw_view_detail_proto(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	snprintf(c->text, sizeof(c->text), "%s",
		 sw_proto_name(m->socks[row].proto));
}

static int sw_view_detail_cmp_proto(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	return sw_view_cmp_u64(m->socks[a].proto, m->socks[b].proto);
}

static void sw_view_detail_local(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	const struct sw_sock *s = &m->socks[row];

	sw_endpoint_format(s->family, s->src, s->sport, c->text, sizeof(c->text));
}

static int sw_view_detail_cmp_local(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	const struct sw_sock *x = &m->socks[a], *y = &m->socks[b];

	return sw_view_detail_cmp_ep(x->family, x->src, x->sport, y->family,
				     y->src, y->sport);
}

static void sw_view_detail_remote(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	const struct sw_sock *s = &m->socks[row];

	if (!sw_sock_has_peer(s))
		snprintf(c->text, sizeof(c->text), "*");
	else
		sw_endpoint_format(s->family, s->dst, s->dport, c->text,
				   sizeof(c->text));
}

static int sw_view_detail_cmp_remote(const struct sw_view_model *m,
				     uint32_t a, uint32_t b)
{
	const struct sw_sock *x = &m->socks[a], *y = &m->socks[b];

	return sw_view_detail_cmp_ep(x->family, x->dst, x->dport, y->family,
				     y->dst, y->dport);
}

static void sw_view_detail_state(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	const struct sw_sock *s = &m->socks[row];

	if (s->proto == SW_UDP)
		snprintf(c->text, sizeof(c->text), "%s",
			 s->state == SW_ESTABLISHED ? "CONNECTED" : "UNCONN");
	else
		snprintf(c->text, sizeof(c->text), "%s", sw_state_name(s->state));
}

static int sw_view_detail_cmp_state(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	return sw_view_cmp_u64(m->socks[a].state, m->socks[b].state);
}

static void sw_view_detail_rq(const struct sw_view_model *m, uint32_t row,
			      struct sw_view_cell *c)
{
	sw_view_fmt_count(m->socks[row].rqueue, c->text, sizeof(c->text));
}

static int sw_view_detail_cmp_rq(const struct sw_view_model *m, uint32_t a,
				 uint32_t b)
{
	return sw_view_cmp_u64(m->socks[a].rqueue, m->socks[b].rqueue);
}

static void sw_view_detail_wq(const struct sw_view_model *m, uint32_t row,
			      struct sw_view_cell *c)
{
	sw_view_fmt_count(m->socks[row].wqueue, c->text, sizeof(c->text));
}

static int sw_view_detail_cmp_wq(const struct sw_view_model *m, uint32_t a,
				 uint32_t b)
{
	return sw_view_cmp_u64(m->socks[a].wqueue, m->socks[b].wqueue);
}

/* idiag_timer: what the pending timer is for. */
static const char *const sw_view_timer_names[] = {
	[0] = "", [1] = "rtx", [2] = "ka", [3] = "tw", [4] = "zwp",
};

static void sw_view_detail_timer(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	const struct sw_sock *s = &m->socks[row];
	char d[24];

	if (s->timer == 0 || s->timer >= sizeof(sw_view_timer_names) /
						 sizeof(sw_view_timer_names[0])) {
		snprintf(c->text, sizeof(c->text), "-");
		return;
	}
	if (s->expires < 1000)
		snprintf(d, sizeof(d), "%ums", s->expires);
	else
		sw_duration_format(s->expires / 1000.0, d, sizeof(d));
	snprintf(c->text, sizeof(c->text), "%s %s",
		 sw_view_timer_names[s->timer], d);
}

static int sw_view_detail_cmp_timer(const struct sw_view_model *m,
				    uint32_t a, uint32_t b)
{
	const struct sw_sock *x = &m->socks[a], *y = &m->socks[b];
	int c = sw_view_cmp_u64(x->timer, y->timer);

	return c ? c : sw_view_cmp_u64(x->expires, y->expires);
}

/* The socket's entry in the info set, or NULL ("-" in its cells). */
static const struct sw_conn_info *sw_view_detail_ci(const struct sw_view_model *m,
						    uint32_t row)
{
	const struct sw_sock *s = &m->socks[row];

	return s->proto == SW_TCP ? sw_view_model_conn(m, s->cookie) : NULL;
}

/* Compare by a value of the info entry; sockets without one sort below
 * any that has one. */
static int sw_view_detail_cmp_ci(const struct sw_view_model *m, uint32_t a,
				 uint32_t b, double (*val)(const struct sw_conn_info *))
{
	const struct sw_conn_info *x = sw_view_detail_ci(m, a);
	const struct sw_conn_info *y = sw_view_detail_ci(m, b);

	if (!x || !y)
		return (x != NULL) - (y != NULL);
	return sw_view_cmp_dbl(val(x), val(y));
}

/* The cells of the info columns: FMT(the entry's FIELD) or "-" without
 * an entry; sorted by FIELD. */
#define SW_VIEW_DETAIL_CI_COL(NAME, FIELD, FMT)                                \
	static void sw_view_detail_##NAME(const struct sw_view_model *m,       \
					  uint32_t row, struct sw_view_cell *c) \
	{                                                                      \
		const struct sw_conn_info *ci = sw_view_detail_ci(m, row);     \
		if (ci)                                                        \
			FMT(ci->FIELD, c);                                     \
		else                                                           \
			snprintf(c->text, sizeof(c->text), "-");               \
	}                                                                      \
	static double sw_view_detail_val_##NAME(const struct sw_conn_info *ci) \
	{                                                                      \
		return (double)ci->FIELD;                                      \
	}                                                                      \
	static int sw_view_detail_cmp_##NAME(const struct sw_view_model *m,    \
					     uint32_t a, uint32_t b)           \
	{                                                                      \
		return sw_view_detail_cmp_ci(m, a, b, sw_view_detail_val_##NAME); \
	}

static void sw_view_detail_fmt_count(uint64_t v, struct sw_view_cell *c)
{
	sw_view_fmt_count(v, c->text, sizeof(c->text));
}

static void sw_view_detail_fmt_ms(uint32_t ms, struct sw_view_cell *c)
{
	if (ms < 1000)
		snprintf(c->text, sizeof(c->text), "%ums", ms);
	else
		sw_duration_format(ms / 1000.0, c->text, sizeof(c->text));
}

static void sw_view_detail_fmt_rtt(uint32_t us, struct sw_view_cell *c)
{
	if (us < 1000)
		snprintf(c->text, sizeof(c->text), "%uus", us);
	else if (us < 10000)
		snprintf(c->text, sizeof(c->text), "%.1fms", us / 1000.0);
	else
		snprintf(c->text, sizeof(c->text), "%ums", us / 1000);
}

SW_VIEW_DETAIL_CI_COL(rx, bytes_received, sw_view_detail_fmt_count)
SW_VIEW_DETAIL_CI_COL(acked, bytes_acked, sw_view_detail_fmt_count)
SW_VIEW_DETAIL_CI_COL(idle_r, last_data_recv_ms, sw_view_detail_fmt_ms)
SW_VIEW_DETAIL_CI_COL(idle_s, last_data_sent_ms, sw_view_detail_fmt_ms)
SW_VIEW_DETAIL_CI_COL(rtt, rtt_us, sw_view_detail_fmt_rtt)
SW_VIEW_DETAIL_CI_COL(retr, retrans, sw_view_detail_fmt_count)

/* Age since first seen by cookie; "5m+" when it was open before
 * sockwatch's first info dump (older than that). */
static void sw_view_detail_age(const struct sw_view_model *m, uint32_t row,
			       struct sw_view_cell *c)
{
	const struct sw_conn_info *ci = sw_view_detail_ci(m, row);
	char d[24];

	uint64_t first = ci ? sw_conn_info_first_seen_ns(ci, m->conn_epoch_ns) : 0;

	if (!first || m->time_ns < first) {
		snprintf(c->text, sizeof(c->text), "-");
		return;
	}
	sw_duration_format((double)(m->time_ns - first) / 1e9, d,
			   sizeof(d));
	snprintf(c->text, sizeof(c->text), "%s%s", d, ci->seen_at_start ? "+" : "");
}

/* older first: first seen earlier */
static double sw_view_detail_val_age(const struct sw_conn_info *ci)
{
	return ci->first_seen_s ? -(double)ci->first_seen_s : 0;
}

static int sw_view_detail_cmp_age(const struct sw_view_model *m, uint32_t a,
				  uint32_t b)
{
	return sw_view_detail_cmp_ci(m, a, b, sw_view_detail_val_age);
}

static uint32_t sw_view_detail_inode(const struct sw_view_model *m,
				     uint32_t row)
{
	return m->socks[row].inode;
}

/* "name/pid", or "-" when not known (TIME_WAIT and request sockets have
 * no inode; a replay has no processes to look at). */
static void sw_view_detail_owner(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	const struct sw_view_owner *o = sw_view_model_owner(m, m->socks[row].inode);

	if (!o || o->pid <= 0)
		snprintf(c->text, sizeof(c->text), "-");
	else
		snprintf(c->text, sizeof(c->text), "%s/%d", o->name, o->pid);
}

static int sw_view_detail_cmp_owner(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	const struct sw_view_owner *x = sw_view_model_owner(m, m->socks[a].inode);
	const struct sw_view_owner *y = sw_view_model_owner(m, m->socks[b].inode);
	int c;

	if (!x || !y || x->pid <= 0 || y->pid <= 0)
		return (x && x->pid > 0) - (y && y->pid > 0);
	c = strcmp(x->name, y->name);
	return c ? c : sw_view_cmp_u64((uint64_t)x->pid, (uint64_t)y->pid);
}

static const struct sw_view_col sw_view_detail_cols[] = {
	{ .name = "PROTO", .width = 6, .cell = sw_view_detail_proto,
	  .cmp = sw_view_detail_cmp_proto },
	{ .name = "LOCAL", .width = 19, .grow = 1, .cell = sw_view_detail_local,
	  .cmp = sw_view_detail_cmp_local },
	{ .name = "REMOTE", .width = 19, .grow = 1,
	  .cell = sw_view_detail_remote, .cmp = sw_view_detail_cmp_remote },
	{ .name = "STATE", .width = 11, .cell = sw_view_detail_state,
	  .cmp = sw_view_detail_cmp_state },
	{ .name = "AGE", .optional = true, .width = 7, .right = true, .desc = true,
	  .cell = sw_view_detail_age, .cmp = sw_view_detail_cmp_age },
	{ .name = "RECV", .optional = true, .width = 6, .right = true, .desc = true,
	  .cell = sw_view_detail_rx, .cmp = sw_view_detail_cmp_rx },
	{ .name = "ACKED", .optional = true, .width = 6, .right = true, .desc = true,
	  .cell = sw_view_detail_acked, .cmp = sw_view_detail_cmp_acked },
	{ .name = "IDLE-R", .optional = true, .width = 7, .right = true, .desc = true,
	  .cell = sw_view_detail_idle_r, .cmp = sw_view_detail_cmp_idle_r },
	{ .name = "IDLE-S", .optional = true, .width = 7, .right = true, .desc = true,
	  .cell = sw_view_detail_idle_s, .cmp = sw_view_detail_cmp_idle_s },
	{ .name = "RTT", .optional = true, .width = 6, .right = true, .desc = true,
	  .cell = sw_view_detail_rtt, .cmp = sw_view_detail_cmp_rtt },
	{ .name = "RETR", .optional = true, .width = 5, .right = true, .desc = true,
	  .cell = sw_view_detail_retr, .cmp = sw_view_detail_cmp_retr },
	{ .name = "PROCESS", .optional = true, .width = 12, .grow = 1, .cell = sw_view_detail_owner,
	  .cmp = sw_view_detail_cmp_owner },
	{ .name = "RECVQ", .optional = true, .width = 6, .right = true, .desc = true,
	  .cell = sw_view_detail_rq, .cmp = sw_view_detail_cmp_rq },
	{ .name = "SENDQ", .optional = true, .width = 6, .right = true, .desc = true,
	  .cell = sw_view_detail_wq, .cmp = sw_view_detail_cmp_wq },
	{ .name = "TIMER", .optional = true, .width = 7, .cell = sw_view_detail_timer,
	  .cmp = sw_view_detail_cmp_timer },
};

const struct sw_view_pane_def sw_view_pane_detail = {
	.title = "Sockets",
	.cols = sw_view_detail_cols,
	.ncols = sizeof(sw_view_detail_cols) / sizeof(sw_view_detail_cols[0]),
	.default_sort = 2,
	.nrows = sw_view_detail_nrows,
	.key = sw_view_detail_key,
	.label_col = 2,
	.include = sw_view_detail_include,
	.heading = sw_view_detail_heading,
	.owner_inode = sw_view_detail_inode,
	.slot = SW_SLOT_BODY,
};
