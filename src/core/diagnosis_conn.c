/* diagnosis_conn.c - one source against the server: connection_flood (it
 * holds or opens far more inbound connections than the rest) and
 * slow_clients (it holds connections that send almost nothing: slowloris,
 * from the per-connection tcp_info). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_int.h"

enum {
	CF_MIN_CONNS,
	CF_MIN_SHARE,
	CF_RATIO,
	CF_MIN_OTHERS,
	CF_MIN_RATE,
	CF_RATE_SHARE,
	CF_CRIT_SHARE,
	CF_PER_ADDR,
	CF_NLIMITS
};

static const struct sw_diag_limit cf_limits[CF_NLIMITS] = {
	[CF_MIN_CONNS] = {"min_conns", 200,
		"inbound ESTABLISHED connections of one remote (a row of "
		"Remotes), at least"},
	[CF_MIN_SHARE] = {"min_share", 0.25,
		"its share of all inbound ESTABLISHED connections, at least"},
	[CF_RATIO] = {"ratio", 10,
		"times the average of the other remotes, at least"},
	[CF_MIN_OTHERS] = {"min_others", 3,
		"other remotes with inbound connections to compare with (a "
		"server behind one proxy is not flagged)"},
	[CF_MIN_RATE] = {"min_new_per_s", 100,
		"or: new connections/s of one mostly-inbound remote, at least"},
	[CF_RATE_SHARE] = {"rate_share", 0.5,
		"and its share of all remotes' new connections/s (and ratio "
		"times the average rate of the others that open any)"},
	[CF_CRIT_SHARE] = {"crit_share", 0.5,
		"share of the inbound connections from which it is crit"},
	[CF_PER_ADDR] = {"min_per_addr", 20,
		"a prefix row (-g 24): inbound connections per address in it, "
		"at least (one tenth of min_new_per_s per address for a rate): "
		"a /24 of many ordinary clients is no flood"},
};

static int cf_addr_cmp(const void *x, const void *y)
{
	return memcmp(x, y, 16);
}

/* How many addresses hold r's inbound ESTABLISHED sockets, when r is a
 * prefix row (0 for a full-length row, or without memory: no guard). Only
 * rows that would be a flood get here, so the walk is rare. */
static uint32_t cf_addrs(const struct sw_diag_ctx *c, const struct sw_remote *r)
{
	const struct sw_snapshot *snap = c->f->snap;
	const struct sw_agg *a = c->f->agg;
	uint8_t (*v)[16];
	uint32_t n = 0, distinct = 0;

	if (r->pfx.plen >= (r->pfx.family == SW_V4 ? 32 : 128) || !snap || !a->port_dir)
		return 0;
	v = malloc((size_t)(r->states[SW_ESTABLISHED] + 1) * sizeof(*v));
	if (!v)
		return 0;
	for (uint32_t i = 0; i < snap->count && n <= r->states[SW_ESTABLISHED]; i++) {
		const struct sw_sock *s = &snap->socks[i];

		if (s->proto != SW_TCP || s->state != SW_ESTABLISHED ||
		    !sw_prefix_contains_addr(&r->pfx, s->family, s->dst) ||
		    !sw_agg_dir_inbound(a->port_dir, s))
			continue;
		memcpy(v[n++], s->dst, 16);
	}
	qsort(v, n, sizeof(*v), cf_addr_cmp);
	for (uint32_t i = 0; i < n; i++)
		distinct += i == 0 || memcmp(v[i], v[i - 1], 16) != 0;
	free(v);
	return distinct;
}

/* Whether this run proposed a finding of kind for remote p already. */
static bool cf_proposed(const struct sw_diag_ctx *c, unsigned kind,
			const struct sw_prefix *p)
{
	for (size_t i = 0; i < c->d->ncand; i++)
		if (c->d->cand[i].kind == kind &&
		    c->d->cand[i].subject.kind == SW_SUBJ_REMOTE &&
		    sw_prefix_eq(&c->d->cand[i].subject.remote, p))
			return true;
	return false;
}

static int cf_say(struct sw_diag_ctx *c, const struct sw_remote *r,
		  double in_total, double new_total, uint32_t nin)
{
	struct sw_finding_subject subj = { .kind = SW_SUBJ_REMOTE, .remote = r->pfx };
	uint32_t in = sw_diag_live_inbound(r);
	double share = in_total > 0 ? in / in_total : 0;
	double rshare = new_total > 0 ? r->new_per_s / new_total : 0;
	char addr[SW_ADDR_STRLEN];
	struct sw_finding *f;

	subj.proto = SW_TCP;
	f = sw_diag_emit(c, share >= sw_diag_lim(c, CF_CRIT_SHARE) ? SW_SEV_CRIT
								  : SW_SEV_WARN,
			 &subj);
	if (!f)
		return -1;
	sw_prefix_format(&r->pfx, addr, sizeof(addr));
	sw_diag_text(f, "connection flood from %s: %u inbound connections (%.0f%% "
		     "of %u remotes'), %.1f new/s", addr, in, share * 100,
		     nin, r->new_per_s);
	sw_diag_ev(f, "inbound", in);
	sw_diag_ev(f, "share", share);
	sw_diag_ev(f, "new_per_s", r->new_per_s);
	sw_diag_ev(f, "new_share", rshare);
	sw_diag_ev(f, "remotes", nin);
	if (sw_diag_block(c, f, &r->pfx))
		sw_diag_advice(f, "block %s (b; with --kill its connections end "
			       "too); a per-source cap stops the next one: an nft "
			       "rule with 'ct count over 100'", addr);
	else
		sw_diag_advice(f, "%s is this host or loopback: find the local "
			       "program opening the connections", addr);
	return 0;
}

static int cf_detect(struct sw_diag_ctx *c)
{
	const struct sw_agg *a = c->f->agg;
	double in_total = 0, new_total = 0;
	uint32_t nin = 0, nnew = 0, i;

	for (i = 0; i < a->nremotes; i++) {
		uint32_t in = sw_diag_live_inbound(&a->remotes[i]);

		in_total += in;
		new_total += a->remotes[i].new_per_s;
		nin += in > 0;
		nnew += a->remotes[i].new_per_s > 0;
	}
	if (nin < sw_diag_lim(c, CF_MIN_OTHERS) + 1)
		return 0;
	for (i = 0; i < a->nremotes; i++) {
		const struct sw_remote *r = &a->remotes[i];
		uint32_t in;
		double others;
		bool many, fast;

		/* most rows are far below both: skip them at once */
		if (r->count < sw_diag_lim(c, CF_MIN_CONNS) &&
		    r->new_per_s < sw_diag_lim(c, CF_MIN_RATE))
			continue;
		in = sw_diag_live_inbound(r);
		others = (in_total - in) / (nin - 1);
		many = in >= sw_diag_lim(c, CF_MIN_CONNS) &&
			    in >= sw_diag_lim(c, CF_MIN_SHARE) * in_total &&
			    in >= sw_diag_lim(c, CF_RATIO) * others;
		fast = a->have_prev && r->inbound >= r->outbound &&
		       r->new_per_s >= sw_diag_lim(c, CF_MIN_RATE) &&
		       r->new_per_s >= sw_diag_lim(c, CF_RATE_SHARE) * new_total &&
		       /* against the others that open connections at all */
		       (nnew < 2 || r->new_per_s >= sw_diag_lim(c, CF_RATIO) *
				(new_total - r->new_per_s) / (nnew - 1));

		if ((!many && !fast) || cf_proposed(c, SW_FK_SLOW_CLIENTS, &r->pfx))
			continue;
		if (r->pfx.plen < (r->pfx.family == SW_V4 ? 32 : 128)) {
			uint32_t na = cf_addrs(c, r);

			if (na > 1) {
				many = many && in >= sw_diag_lim(c, CF_PER_ADDR) * na;
				fast = fast && r->new_per_s >=
					sw_diag_lim(c, CF_MIN_RATE) / 10 * na;
				if (!many && !fast)
					continue;
			}
		}
		if (cf_say(c, r, in_total, new_total, nin) < 0)
			return -1;
	}
	return 0;
}

const struct sw_diag_entry sw_diag_conn_flood = {
	.kind = SW_FK_CONNECTION_FLOOD,
	.detect = cf_detect,
	.persist = 2,
	.limits = cf_limits,
	.nlimits = CF_NLIMITS,
};

enum {
	SLOW_MIN_CONNS,
	SLOW_MIN_SHARE,
	SLOW_MIN_AGE_S,
	SLOW_MAX_RX,
	SLOW_MAX_TX,
	SLOW_IDLE_MS,
	SLOW_CRIT_CONNS,
	SLOW_NLIMITS
};

static const struct sw_diag_limit slow_limits[SLOW_NLIMITS] = {
	[SLOW_MIN_CONNS] = {"min_conns", 50,
		"slow connections from one source, at least"},
	[SLOW_MIN_SHARE] = {"min_share", 0.5,
		"their share of the source's inbound connections, at least"},
	[SLOW_MIN_AGE_S] = {"min_age_s", 10,
		"a slow connection is at least this old (seconds)"},
	[SLOW_MAX_RX] = {"max_received", 4096,
		"and has received fewer bytes than this"},
	[SLOW_MAX_TX] = {"max_sent", 64,
		"and the server has sent back fewer (the request never "
		"completed)"},
	[SLOW_IDLE_MS] = {"min_idle_ms", 1000,
		"and nothing has come in for this long (ms)"},
	[SLOW_CRIT_CONNS] = {"crit_conns", 200,
		"slow connections from one source from which it is crit"},
};

/* Whether the connection info says slow: old, almost nothing received or
 * sent, idle. Its age is at least the time since this sockwatch first saw
 * it, and at least the time since it last sent or received: the kernel
 * starts both clocks at the handshake, so a connection the server never
 * answered is as old as its last_data_sent, even when sockwatch started
 * after it (slowloris is found from launch). */
static bool slow_conn(const struct sw_diag_ctx *c, const struct sw_conn_info *i,
		      uint64_t epoch_ns, uint64_t now_ns)
{
	uint64_t first = sw_conn_info_first_seen_ns(i, epoch_ns);
	double age_s = first && first <= now_ns ? (double)(now_ns - first) / 1e9 : 0;

	if (i->last_data_sent_ms / 1000.0 > age_s)
		age_s = i->last_data_sent_ms / 1000.0;
	if (i->last_data_recv_ms / 1000.0 > age_s)
		age_s = i->last_data_recv_ms / 1000.0;

	return i->bytes_received < sw_diag_lim(c, SLOW_MAX_RX) &&
	       i->bytes_acked < sw_diag_lim(c, SLOW_MAX_TX) &&
	       i->last_data_recv_ms >= sw_diag_lim(c, SLOW_IDLE_MS) &&
	       age_s >= sw_diag_lim(c, SLOW_MIN_AGE_S);
}

static int slow_say(struct sw_diag_ctx *c, const struct sw_diag_src *s)
{
	const struct sw_agg *a = c->f->agg;
	int ri = sw_agg_find_remote(a, &s->pfx);
	uint32_t in = ri >= 0 ? sw_diag_live_inbound(&a->remotes[ri]) : s->n;
	struct sw_finding_subject subj;
	char addr[SW_ADDR_STRLEN], pn[48];
	struct sw_finding *f;

	if (in < s->n)
		in = s->n; /* the info dump is older than the refresh */
	if (s->n < sw_diag_lim(c, SLOW_MIN_SHARE) * in)
		return 0;
	sw_diag_subject_port(&subj, a, SW_TCP, s->port);
	subj.kind = SW_SUBJ_REMOTE;
	subj.remote = s->pfx;
	f = sw_diag_emit(c, s->n >= sw_diag_lim(c, SLOW_CRIT_CONNS) ? SW_SEV_CRIT
								   : SW_SEV_WARN,
			 &subj);
	if (!f)
		return -1;
	sw_prefix_format(&s->pfx, addr, sizeof(addr));
	sw_diag_port_name(&subj, pn, sizeof(pn));
	sw_diag_text(f, "slow clients from %s: %u connections to %s idle with "
		     "almost nothing received (slowloris)", addr, s->n, pn);
	sw_diag_ev(f, "slow_conns", s->n);
	sw_diag_ev(f, "inbound", in);
	sw_diag_ev(f, "share", (double)s->n / in);
	if (sw_diag_block(c, f, &s->pfx))
		sw_diag_advice(f, "block %s (b; with --kill its connections end "
			       "too); make the server drop slow requests: a header "
			       "timeout (nginx client_header_timeout 10s, Apache "
			       "mod_reqtimeout)", addr);
	else
		sw_diag_advice(f, "%s is this host or loopback; give the server a "
			       "header timeout (nginx client_header_timeout 10s, "
			       "Apache mod_reqtimeout)", addr);
	return 0;
}

static int slow_detect(struct sw_diag_ctx *c)
{
	const struct sw_conninfo *ci = c->f->conninfo;
	const struct sw_agg *a = c->f->agg;
	uint64_t now = ci && ci->time_ns ? ci->time_ns : c->f->time_ns;

	if (!ci || !ci->n)
		return 0; /* no per-connection info: silent */
	c->d->nsrc = 0;
	for (size_t i = 0; i < ci->n; i++) {
		const struct sw_sock *s;
		struct sw_prefix p;

		if (!slow_conn(c, &ci->v[i], ci->epoch_ns, now))
			continue;
		s = sw_snapshot_find(c->f->snap, SW_TCP, ci->v[i].cookie);
		if (!s || s->state != SW_ESTABLISHED ||
		    !sw_agg_dir_inbound(a->port_dir, s))
			continue;
		sw_diag_peer_prefix(c, s, &p);
		if (sw_diag_src_add(c->d, &p, s->sport) < 0)
			return -1;
	}
	sw_diag_src_count(c->d);
	for (size_t i = 0; i < c->d->nsrc; i++) {
		if (c->d->src[i].n < sw_diag_lim(c, SLOW_MIN_CONNS))
			break;
		if (slow_say(c, &c->d->src[i]) < 0)
			return -1;
	}
	return 0;
}

const struct sw_diag_entry sw_diag_slow_clients = {
	.kind = SW_FK_SLOW_CLIENTS,
	.detect = slow_detect,
	.persist = 1, /* min_age_s is the persistence */
	.limits = slow_limits,
	.nlimits = SLOW_NLIMITS,
};
