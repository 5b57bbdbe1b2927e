/* view_pane_listeners.c - the listeners pane: listening TCP and bound UDP
 * sockets with their process, accept queue against backlog (a full accept
 * queue is the incident), SYN queue against its limit, and the SYN_RECV
 * and ESTABLISHED sockets each listener owns (sw_listener_owner). Sorted by
 * pressure by default. */
#include <stdio.h>
#include <string.h>

#include "sw_view.h"

static uint32_t sw_view_listeners_nrows(const struct sw_view_model *m)
{
	return m->nlisteners;
}

static void sw_view_listeners_key(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_key *k)
{
	const struct sw_listener *l = &m->listeners[row];

	memset(k, 0, sizeof(*k));
	k->b[0] = l->proto;
	k->b[1] = l->family;
	k->b[2] = (uint8_t)(l->port >> 8);
	k->b[3] = (uint8_t)l->port;
	memcpy(k->b + 4, l->addr, 16);
}

static void sw_view_listeners_proto(const struct sw_view_model *m,
				    uint32_t row, struct sw_view_cell *c)
{
	snprintf(c->text, sizeof(c->text), "%s",
		 sw_proto_name(m->listeners[row].proto));
}

static int sw_view_listeners_cmp_proto(const struct sw_view_model *m,
				       uint32_t a, uint32_t b)
{
	return sw_view_cmp_u64(m->listeners[a].proto, m->listeners[b].proto);
}

static void sw_view_listeners_local(const struct sw_view_model *m,
				    uint32_t row, struct sw_view_cell *c)
{
	const struct sw_listener *l = &m->listeners[row];

	sw_endpoint_format(l->family, l->addr, l->port, c->text, sizeof(c->text));
}

/* Port first: that is what an operator looks for. */
static int sw_view_listeners_cmp_local(const struct sw_view_model *m,
				       uint32_t a, uint32_t b)
{
	const struct sw_listener *x = &m->listeners[a], *y = &m->listeners[b];
	int c = sw_view_cmp_u64(x->port, y->port);

	return c ? c : sw_addr_cmp(x->family, x->addr, y->family, y->addr);
}

static void sw_view_listeners_proc(const struct sw_view_model *m,
				   uint32_t row, struct sw_view_cell *c)
{
	const struct sw_listener *l = &m->listeners[row];
	char name[SW_PROC_NAME_LEN + 1];
	size_t i;

	/* comm is whatever a process chose: keep it printable */
	for (i = 0; i < SW_PROC_NAME_LEN && l->process[i]; i++)
		name[i] = l->process[i] >= 0x20 && l->process[i] < 0x7f
				  ? l->process[i]
				  : '?';
	name[i] = '\0';
	if (l->pid > 0)
		snprintf(c->text, sizeof(c->text), "%s/%d", i ? name : "?",
			 l->pid);
	else
		snprintf(c->text, sizeof(c->text), "-");
}

static int sw_view_listeners_cmp_proc(const struct sw_view_model *m,
				      uint32_t a, uint32_t b)
{
	const struct sw_listener *x = &m->listeners[a], *y = &m->listeners[b];
	int c = strncmp(x->process, y->process, SW_PROC_NAME_LEN);

	return c ? c : sw_view_cmp_u64((unsigned)x->pid, (unsigned)y->pid);
}

static void sw_view_listeners_queue(const struct sw_view_model *m,
				    uint32_t row, struct sw_view_cell *c)
{
	const struct sw_listener *l = &m->listeners[row];
	char q[24], b[24];

	sw_view_fmt_count(l->accept_queue, q, sizeof(q));
	if (l->proto == SW_TCP) {
		sw_view_fmt_count(l->backlog, b, sizeof(b));
		snprintf(c->text, sizeof(c->text), "%s/%s", q, b);
	} else {
		snprintf(c->text, sizeof(c->text), "%sB", q);
	}
}

static double sw_view_listeners_frac(uint32_t n, const struct sw_listener *l)
{
	if (l->proto != SW_TCP || l->backlog == 0)
		return 0;
	return n >= l->backlog ? 1.0 : (double)n / l->backlog;
}

static double sw_view_listeners_fill(const struct sw_listener *l)
{
	return sw_view_listeners_frac(l->accept_queue, l);
}

/* The SYN queue's limit is the listener's sk_max_ack_backlog, which
 * idiag_wqueue reports: min(backlog, somaxconn). Linux 6.1 sends cookies
 * (or drops) once the request sockets reach it; tcp_max_syn_backlog only
 * matters with tcp_syncookies=0 (unproven peers dropped past 3/4 of it). */
static double sw_view_listeners_syn_fill(const struct sw_listener *l)
{
	return sw_view_listeners_frac(l->syn_recv, l);
}

static bool sw_view_listeners_full(const struct sw_listener *l)
{
	return l->proto == SW_TCP && l->backlog > 0 &&
	       (l->accept_queue >= l->backlog || l->syn_recv >= l->backlog);
}

/* Pressure: a full queue (a red row) first, then accept-queue fill, then
 * SYN-queue fill, then the counts. */
static int sw_view_listeners_cmp_queue(const struct sw_view_model *m,
				       uint32_t a, uint32_t b)
{
	const struct sw_listener *x = &m->listeners[a], *y = &m->listeners[b];
	int c = sw_view_cmp_u64(sw_view_listeners_full(x),
				sw_view_listeners_full(y));

	if (!c)
		c = sw_view_cmp_dbl(sw_view_listeners_fill(x),
				    sw_view_listeners_fill(y));

	if (!c)
		c = sw_view_cmp_dbl(sw_view_listeners_syn_fill(x),
				    sw_view_listeners_syn_fill(y));
	if (!c)
		c = sw_view_cmp_u64(x->accept_queue, y->accept_queue);
	return c ? c : sw_view_cmp_u64(x->syn_recv, y->syn_recv);
}

static int sw_view_listeners_cmp_synq(const struct sw_view_model *m,
				      uint32_t a, uint32_t b)
{
	const struct sw_listener *x = &m->listeners[a], *y = &m->listeners[b];
	int c = sw_view_cmp_dbl(sw_view_listeners_syn_fill(x),
				sw_view_listeners_syn_fill(y));

	return c ? c : sw_view_cmp_u64(x->syn_recv, y->syn_recv);
}

static void sw_view_listeners_bar(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	c->bar = sw_view_listeners_fill(&m->listeners[row]);
}

static void sw_view_listeners_syn_bar(const struct sw_view_model *m,
				      uint32_t row, struct sw_view_cell *c)
{
	c->bar = sw_view_listeners_syn_fill(&m->listeners[row]);
}

/* SYN_RECV on this listener against its limit; UDP has none: "-". */
static void sw_view_listeners_syn(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	const struct sw_listener *l = &m->listeners[row];
	char q[24], b[24];

	if (l->proto != SW_TCP) {
		snprintf(c->text, sizeof(c->text), "-");
		return;
	}
	sw_view_fmt_count(l->syn_recv, q, sizeof(q));
	sw_view_fmt_count(l->backlog, b, sizeof(b));
	snprintf(c->text, sizeof(c->text), "%s/%s", q, b);
}

static void sw_view_listeners_est(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	sw_view_fmt_count(m->listeners[row].established, c->text,
			  sizeof(c->text));
}

static int sw_view_listeners_cmp_est(const struct sw_view_model *m,
				     uint32_t a, uint32_t b)
{
	return sw_view_cmp_u64(m->listeners[a].established,
			       m->listeners[b].established);
}

static unsigned sw_view_listeners_flags(const struct sw_view *v,
					const struct sw_view_model *m,
					uint32_t row)
{
	(void)v;
	return sw_view_listeners_full(&m->listeners[row]) ? SW_ROW_FULL : 0;
}

static const struct sw_view_col sw_view_listeners_cols[] = {
	{ .name = "PROTO", .width = 6, .cell = sw_view_listeners_proto,
	  .cmp = sw_view_listeners_cmp_proto },
	{ .name = "LOCAL", .width = 17, .grow = 3,
	  .cell = sw_view_listeners_local, .cmp = sw_view_listeners_cmp_local },
	{ .name = "PROCESS", .width = 11, .grow = 2,
	  .cell = sw_view_listeners_proc, .cmp = sw_view_listeners_cmp_proc },
	{ .name = "ACCEPTQ", .width = 11, .right = true, .desc = true,
	  .cell = sw_view_listeners_queue, .cmp = sw_view_listeners_cmp_queue },
	{ .name = "FILL", .width = 5, .grow = 1, .bar = true, .desc = true,
	  .cell = sw_view_listeners_bar, .cmp = sw_view_listeners_cmp_queue },
	{ .name = "SYNQ", .width = 11, .right = true, .desc = true,
	  .cell = sw_view_listeners_syn, .cmp = sw_view_listeners_cmp_synq },
	{ .name = "SFILL", .width = 6, .grow = 1, .bar = true, .desc = true,
	  .cell = sw_view_listeners_syn_bar, .cmp = sw_view_listeners_cmp_synq },
	{ .name = "ESTAB", .width = 6, .right = true, .desc = true,
	  .cell = sw_view_listeners_est, .cmp = sw_view_listeners_cmp_est },
};

/* The listener itself and the sockets it owns (for UDP: its port's). */
static bool sw_view_listeners_match(const struct sw_view_detail *d,
				    const struct sw_view_model *m,
				    const struct sw_sock *s)
{
	const struct sw_listener *o;

	if (s->proto != d->proto || s->sport != d->port)
		return false;
	if (sw_sock_is_listener(s) || d->proto != SW_TCP)
		return s->cookie == d->cookie || d->proto != SW_TCP;
	o = sw_listener_owner(m->listeners, m->nlisteners, s);
	return o && o->cookie == d->cookie;
}

static void sw_view_listeners_open(const struct sw_view_model *m,
				   uint32_t row, struct sw_view_detail *d)
{
	char ep[SW_ENDPOINT_STRLEN];

	d->match = sw_view_listeners_match;
	d->proto = m->listeners[row].proto;
	d->port = m->listeners[row].port;
	d->cookie = m->listeners[row].cookie;
	sw_endpoint_format(m->listeners[row].family, m->listeners[row].addr,
			   d->port, ep, sizeof(ep));
	snprintf(d->title, sizeof(d->title), "Sockets of %s %s",
		 sw_proto_name(d->proto), ep);
}

/* A filter can hide every listener: say so rather than "none". */
static const char *sw_view_listeners_empty(const struct sw_view *v,
					   const struct sw_view_model *m)
{
	if (!m->seq)
		return "waiting for the first refresh...";
	return v->filter_on[0] ? "listeners hidden by the filter" : "none";
}

const struct sw_view_pane_def sw_view_pane_listeners = {
	.title = "Listeners",
	.cols = sw_view_listeners_cols,
	.ncols = sizeof(sw_view_listeners_cols) /
		 sizeof(sw_view_listeners_cols[0]),
	.default_sort = 3, /* pressure: a full queue is never off-screen */
	.nrows = sw_view_listeners_nrows,
	.key = sw_view_listeners_key,
	.label_col = 1,
	.flags = sw_view_listeners_flags,
	.open = sw_view_listeners_open,
	.empty = sw_view_listeners_empty,
	.slot = SW_SLOT_BOTTOM,
};
