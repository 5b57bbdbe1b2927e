/* diagnosis_state.c - sockets piling up in a state: close_wait_pileup (an
 * application that does not close), time_wait_pileup (near the kernel's
 * limit) and port_exhaustion (outbound connections to one destination
 * using up the local port range). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_int.h"
#include "sw_grow.h"

#define SW_NPORTS 65536

enum { CW_MIN, CW_CRIT, CW_NLIMITS };

static const struct sw_diag_limit cw_limits[CW_NLIMITS] = {
	[CW_MIN] = {"min_close_wait", 100,
		"CLOSE_WAIT sockets that were CLOSE_WAIT the refresh before too "
		"(stuck, not passing through), on one local listening port or "
		"to one remote address (outbound), at least"},
	[CW_CRIT] = {"crit_close_wait", 1000, "from which it is crit"},
};

static int cw_say(struct sw_diag_ctx *c, const struct sw_finding_subject *s,
		  uint32_t n, uint32_t all)
{
	struct sw_finding *f;
	char where[64], addr[SW_ADDR_STRLEN];

	f = sw_diag_emit(c, n >= sw_diag_lim(c, CW_CRIT) ? SW_SEV_CRIT : SW_SEV_WARN,
			 s);
	if (!f)
		return -1;
	sw_diag_ev(f, "close_wait", all);
	sw_diag_ev(f, "stuck", n);
	if (s->kind == SW_SUBJ_REMOTE) {
		sw_prefix_format(&s->remote, addr, sizeof(addr));
		sw_diag_text(f, "%u CLOSE_WAIT sockets to %s:%u: this host does not "
			     "close them", all, addr, s->port);
		sw_diag_advice(f, "the program connecting to %s:%u does not close() "
			       "connections the peer has closed (a leak or a stuck "
			       "worker); ss -tnp state close-wait names it", addr,
			       s->port);
		return 0;
	}
	sw_diag_port_name(s, where, sizeof(where));
	sw_diag_text(f, "%u CLOSE_WAIT sockets on %s: the application does not "
		     "close them", all, where);
	sw_diag_advice(f, "%s does not close() connections its clients have closed "
		       "(a leak or a stuck worker); restarting it frees them, the "
		       "fix is in its close path", s->process[0] ? s->process
				: "the program on this port");
	return 0;
}

static int cw_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cw_u16_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Whether cookie was CLOSE_WAIT in the refresh before. */
static bool cw_was(const struct sw_diagnosis *d, uint64_t cookie)
{
	const struct sw_diag_cookies *p = &d->cw_prev;
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->v[mid] < cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && p->v[lo] == cookie;
}

/* This refresh's CLOSE_WAIT cookies become the ones before. */
static void cw_keep(struct sw_diagnosis *d)
{
	struct sw_diag_cookies v = d->cw_prev;

	if (d->cw_cur.n)
		qsort(d->cw_cur.v, d->cw_cur.n, sizeof(*d->cw_cur.v), cw_u64_cmp);
	d->cw_prev = d->cw_cur;
	d->cw_cur = v;
	d->cw_cur.n = 0;
}

/* port_count[port] counts a port's CLOSE_WAIT, port_count[65536 + port]
 * those of them stuck since the refresh before; outbound stuck ones are
 * counted per remote in src. */
static int cw_detect(struct sw_diag_ctx *c)
{
	const struct sw_agg *a = c->f->agg;
	const struct sw_snapshot *sn = c->f->snap;
	struct sw_diagnosis *d = c->d;
	double min = sw_diag_lim(c, CW_MIN);
	size_t i;

	d->cw_cur.n = 0;
	/* counts a run that failed half-way left behind */
	for (i = 0; d->port_count && i < d->nports_hit; i++)
		d->port_count[d->ports_hit[i]] =
			d->port_count[SW_NPORTS + d->ports_hit[i]] = 0;
	d->nports_hit = 0;
	if (a->states[SW_CLOSE_WAIT].count < min) {
		cw_keep(d);
		return 0;
	}
	if (!d->port_count &&
	    !(d->port_count = calloc(2 * SW_NPORTS, sizeof(uint32_t))))
		return -1;
	d->nsrc = 0;
	for (uint32_t k = 0; k < sn->count; k++) {
		const struct sw_sock *s = &sn->socks[k];
		bool stuck;
		struct sw_prefix p;

		if (s->proto != SW_TCP || s->state != SW_CLOSE_WAIT)
			continue;
		if (sw_grow((void **)&d->cw_cur.v, &d->cw_cur.cap, d->cw_cur.n + 1,
			    sizeof(*d->cw_cur.v), 256))
			return -1;
		d->cw_cur.v[d->cw_cur.n++] = s->cookie;
		stuck = cw_was(d, s->cookie);
		if (sw_agg_dir_inbound(a->port_dir, s)) {
			if (!d->port_count[s->sport]) {
				if (sw_grow((void **)&d->ports_hit, &d->ports_hit_cap,
					    d->nports_hit + 1, sizeof(*d->ports_hit),
					    16))
					return -1;
				d->ports_hit[d->nports_hit++] = s->sport;
			}
			d->port_count[s->sport]++;
			d->port_count[SW_NPORTS + s->sport] += stuck;
			continue;
		}
		if (!stuck)
			continue;
		sw_prefix_make(&p, s->family, s->dst, sw_family_bits(s->family));
		if (sw_diag_src_add(d, &p, s->dport) < 0)
			return -1;
	}
	cw_keep(d);
	/* in port order, as a scan of the ports would give them */
	if (d->nports_hit > 1)
		qsort(d->ports_hit, d->nports_hit, sizeof(*d->ports_hit), cw_u16_cmp);
	for (i = 0; i < d->nports_hit; i++) {
		unsigned port = d->ports_hit[i];
		struct sw_finding_subject subj;
		uint32_t all = d->port_count[port];
		uint32_t n = d->port_count[SW_NPORTS + port];

		d->port_count[port] = d->port_count[SW_NPORTS + port] = 0;
		if (n < min)
			continue;
		sw_diag_subject_port(&subj, a, SW_TCP, port);
		if (cw_say(c, &subj, n, all) < 0)
			return -1;
	}
	sw_diag_src_count(d);
	for (i = 0; i < d->nsrc && d->src[i].n >= min; i++) {
		struct sw_finding_subject subj = {
			.kind = SW_SUBJ_REMOTE, .proto = SW_TCP,
			.port = d->src[i].port, .remote = d->src[i].pfx,
		};

		if (cw_say(c, &subj, d->src[i].n, d->src[i].n) < 0)
			return -1;
	}
	return 0;
}

const struct sw_diag_entry sw_diag_close_wait = {
	.kind = SW_FK_CLOSE_WAIT_PILEUP,
	.detect = cw_detect,
	.persist = 2, /* and stuck: held over three refreshes */
	.limits = cw_limits,
	.nlimits = CW_NLIMITS,
};

enum { TW_NEAR, TW_MIN, TW_OVERFLOW_RATE, TW_ONE_SHARE, TW_NLIMITS };

static const struct sw_diag_limit tw_limits[TW_NLIMITS] = {
	[TW_NEAR] = {"near_max", 0.8,
		"TIME_WAIT sockets against net.ipv4.tcp_max_tw_buckets, at least"},
	[TW_MIN] = {"min_time_wait", 1000,
		"TIME_WAIT sockets, at least (a small tcp_max_tw_buckets alone "
		"is no pile-up)"},
	[TW_OVERFLOW_RATE] = {"overflows_per_s", 1,
		"or TCPTimeWaitOverflow/s, at least (then crit): the kernel "
		"destroys sockets instead of keeping them in TIME_WAIT"},
	[TW_ONE_SHARE] = {"one_share", 0.5,
		"share of them one remote holds to be named as the subject"},
};

static int tw_detect(struct sw_diag_ctx *c)
{
	const struct sw_agg *a = c->f->agg;
	uint32_t tw = a->states[SW_TIME_WAIT].count, top = 0;
	long long max = sw_diag_host(c, SW_H_TCP_MAX_TW_BUCKETS);
	long long reuse = sw_diag_host(c, SW_H_TCP_TW_REUSE);
	double ovf = sw_diag_rate(c, SW_C_TIMEWAIT_OVERFLOW);
	struct sw_finding_subject subj = { .kind = SW_SUBJ_HOST };
	const struct sw_remote *tr = NULL;
	char addr[SW_ADDR_STRLEN], limit[64];
	struct sw_finding *f;
	bool near = max > 0 && tw >= sw_diag_lim(c, TW_NEAR) * (double)max &&
		    tw >= sw_diag_lim(c, TW_MIN);
	bool over = ovf >= sw_diag_lim(c, TW_OVERFLOW_RATE);

	if (!near && !over)
		return 0;
	for (uint32_t i = 0; i < a->nremotes; i++)
		if (a->remotes[i].tw > top) {
			top = a->remotes[i].tw;
			tr = &a->remotes[i];
		}
	if (tr && top >= sw_diag_lim(c, TW_ONE_SHARE) * tw) {
		subj.kind = SW_SUBJ_REMOTE;
		subj.proto = SW_TCP;
		subj.remote = tr->pfx;
		subj.port = tr->outbound && !tr->out_ports_many ? tr->out_port : 0;
	}
	if (!(f = sw_diag_emit(c, over ? SW_SEV_CRIT : SW_SEV_WARN, &subj)))
		return -1;
	if (max > 0)
		snprintf(limit, sizeof(limit), " of net.ipv4.tcp_max_tw_buckets=%lld",
			 max);
	else
		limit[0] = '\0';
	if (subj.kind == SW_SUBJ_REMOTE)
		sw_diag_text(f, "%u TIME_WAIT sockets%s, %u with %s%s", tw, limit,
			     top, sw_prefix_format(&tr->pfx, addr, sizeof(addr)),
			     over ? "; the kernel is dropping TIME_WAIT" : "");
	else
		sw_diag_text(f, "%u TIME_WAIT sockets%s%s", tw, limit,
			     over ? "; the kernel is dropping TIME_WAIT" : "");
	sw_diag_ev(f, "time_wait", tw);
	if (max > 0)
		sw_diag_ev(f, "tcp_max_tw_buckets", (double)max);
	if (ovf >= 0)
		sw_diag_ev(f, "timewait_overflow_per_s", ovf);
	if (tr)
		sw_diag_ev(f, "top_remote_time_wait", top);
	if (reuse >= 0)
		sw_diag_ev(f, "tcp_tw_reuse", (double)reuse);
	sw_diag_advice(f, "keep connections open (keep-alive, pools) instead of "
		       "one per request%s; a higher net.ipv4.tcp_max_tw_buckets "
		       "costs only memory",
		       reuse == 1 ? "" : "; for outbound ones: sysctl -w "
					  "net.ipv4.tcp_tw_reuse=1");
	return 0;
}

const struct sw_diag_entry sw_diag_time_wait = {
	.kind = SW_FK_TIME_WAIT_PILEUP,
	.detect = tw_detect,
	.persist = 2,
	.limits = tw_limits,
	.nlimits = TW_NLIMITS,
};

enum { PE_NEAR, PE_CRIT, PE_MIN, PE_NLIMITS };

static const struct sw_diag_limit pe_limits[PE_NLIMITS] = {
	[PE_NEAR] = {"near_range", 0.7,
		"outbound sockets (live and TIME_WAIT) to one destination address "
		"and port against the size of net.ipv4.ip_local_port_range"},
	[PE_CRIT] = {"crit_range", 0.9, "from which it is crit"},
	[PE_MIN] = {"min_sockets", 100, "sockets to the destination, at least"},
};

/* Linux's default ip_local_port_range, used when it is not known. */
#define PE_DEFAULT_LOW 32768
#define PE_DEFAULT_HIGH 60999

static int pe_detect(struct sw_diag_ctx *c)
{
	const struct sw_agg *a = c->f->agg;
	long long lo = sw_diag_host(c, SW_H_PORT_RANGE_LOW);
	long long hi = sw_diag_host(c, SW_H_PORT_RANGE_HIGH);
	bool known = lo > 0 && hi >= lo;
	double range;

	if (!known) {
		lo = PE_DEFAULT_LOW;
		hi = PE_DEFAULT_HIGH;
	}
	range = (double)(hi - lo + 1);
	for (uint32_t i = 0; i < a->nremotes; i++) {
		const struct sw_remote *r = &a->remotes[i];
		double used = r->outbound; /* TIME_WAIT included */
		struct sw_finding_subject subj;
		char addr[SW_ADDR_STRLEN];
		struct sw_finding *f;

		/* one destination: a whole address, one port, ours only */
		if (used < sw_diag_lim(c, PE_MIN) || r->out_ports_many ||
		    r->pfx.plen != sw_family_bits(r->pfx.family) ||
		    used < sw_diag_lim(c, PE_NEAR) * range)
			continue;
		subj = (struct sw_finding_subject){
			.kind = SW_SUBJ_REMOTE, .proto = SW_TCP, .remote = r->pfx,
			.port = r->out_port,
		};
		f = sw_diag_emit(c, used >= sw_diag_lim(c, PE_CRIT) * range
					    ? SW_SEV_CRIT : SW_SEV_WARN, &subj);
		if (!f)
			return -1;
		sw_prefix_format(&r->pfx, addr, sizeof(addr));
		sw_diag_text(f, "outbound to %s:%u: %.0f sockets hold %.0f%% of the "
			     "%.0f local ports%s", addr, r->out_port, used,
			     used * 100 / range, range, known ? "" : " (default range)");
		sw_diag_ev(f, "outbound", r->outbound);
		sw_diag_ev(f, "time_wait", r->tw); /* of them, at most */
		sw_diag_ev(f, "port_range", range);
		sw_diag_advice(f, "reuse connections to %s:%u (keep-alive, a pool); "
			       "more ports: sysctl -w net.ipv4.ip_local_port_range="
			       "\"1024 65535\" (now %lld %lld%s); sysctl -w "
			       "net.ipv4.tcp_tw_reuse=1 lets new ones take TIME_WAIT "
			       "ports", addr, r->out_port, lo, hi,
			       known ? "" : ", assumed");
	}
	return 0;
}

const struct sw_diag_entry sw_diag_port_exhaustion = {
	.kind = SW_FK_PORT_EXHAUSTION,
	.detect = pe_detect,
	.persist = 2,
	.limits = pe_limits,
	.nlimits = PE_NLIMITS,
};
