/* view_pane_detail.c - the detail view: the sockets of one remote address
 * or prefix, one listening port, or one TCP state. */
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

static const struct sw_view_col sw_view_detail_cols[] = {
	{ .name = "PROTO", .width = 6, .cell = sw_view_detail_proto,
	  .cmp = sw_view_detail_cmp_proto },
	{ .name = "LOCAL", .width = 19, .grow = 1, .cell = sw_view_detail_local,
	  .cmp = sw_view_detail_cmp_local },
	{ .name = "REMOTE", .width = 19, .grow = 1,
	  .cell = sw_view_detail_remote, .cmp = sw_view_detail_cmp_remote },
	{ .name = "STATE", .width = 11, .cell = sw_view_detail_state,
	  .cmp = sw_view_detail_cmp_state },
	{ .name = "RECVQ", .width = 6, .right = true, .desc = true,
	  .cell = sw_view_detail_rq, .cmp = sw_view_detail_cmp_rq },
	{ .name = "SENDQ", .width = 6, .right = true, .desc = true,
	  .cell = sw_view_detail_wq, .cmp = sw_view_detail_cmp_wq },
	{ .name = "TIMER", .width = 7, .grow = 1, .cell = sw_view_detail_timer,
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
	.slot = SW_SLOT_BODY,
};
