/* diagnosis_syn.c - the listeners' queues: syn_flood (the SYN queue of
 * half-open request sockets, and where they come from) and
 * accept_queue_full (handshakes done, the application not accepting). */
#include <stdio.h>
#include <string.h>

#include "diagnosis_int.h"

enum {
	SYN_MIN_HALF_OPEN,
	SYN_NEAR_FULL,
	SYN_SIGNAL_RATE,
	SYN_SPREAD_SOURCES,
	SYN_CONC_TOP,
	SYN_CONC_SHARE,
	SYN_SRC_SHARE,
	SYN_NLIMITS
};

static const struct sw_diag_limit syn_limits[SYN_NLIMITS] = {
	[SYN_MIN_HALF_OPEN] = {"min_half_open", 64,
		"half-open (SYN_RECV) sockets on the port, at least"},
	[SYN_NEAR_FULL] = {"near_full", 0.75,
		"a listener's half-open count against its SYN queue limit (its "
		"backlog; with tcp_syncookies=0 also 3/4 of tcp_max_syn_backlog)"},
	[SYN_SIGNAL_RATE] = {"signal_per_s", 10,
		"SyncookiesSent/s, TCPReqQFullDrop/s or SYN drops/s "
		"(ListenDrops - ListenOverflows) that make a near-full queue a "
		"flood below min_half_open"},
	[SYN_SPREAD_SOURCES] = {"spread_sources", 32,
		"distinct sources from which a flood is spread (spoofed-looking): "
		"no source is proposed for blocking"},
	[SYN_CONC_TOP] = {"concentrated_top", 4,
		"the biggest sources that may hold a concentrated flood"},
	[SYN_CONC_SHARE] = {"concentrated_share", 0.8,
		"share of the half-open the biggest sources hold in a "
		"concentrated flood"},
	[SYN_SRC_SHARE] = {"source_share", 0.1,
		"share of the half-open a source holds to be proposed for "
		"blocking"},
};

/* Sources sampled for completed handshakes (a spoofed source has none). */
#define SYN_SAMPLE 16

/* The SYN queue limit of listener l: its backlog, and with SYN cookies
 * off 3/4 of tcp_max_syn_backlog when that is lower (tcp_conn_request
 * drops there). */
static uint32_t syn_limit(const struct sw_diag_ctx *c, const struct sw_listener *l)
{
	long long cookies = sw_diag_host(c, SW_H_TCP_SYNCOOKIES);
	long long msb = sw_diag_host(c, SW_H_TCP_MAX_SYN_BACKLOG);
	uint32_t lim = l->backlog ? l->backlog : 1;

	if (cookies == 0 && msb > 0 && (uint64_t)msb * 3 / 4 < lim)
		lim = (uint32_t)(msb * 3 / 4);
	return lim ? lim : 1;
}

/* The advice of a flood that blocking does not stop, by tcp_syncookies. */
static void syn_cookie_advice(const struct sw_diag_ctx *c, struct sw_finding *f,
			      const char *lead)
{
	long long cookies = sw_diag_host(c, SW_H_TCP_SYNCOOKIES);

	if (cookies == 0)
		sw_diag_advice(f, "%sSYN cookies are off, so real clients are dropped: "
			       "sysctl -w net.ipv4.tcp_syncookies=1", lead);
	else if (cookies > 0)
		sw_diag_advice(f, "%sSYN cookies are on (tcp_syncookies=%lld) and answer "
			       "for the full queue; fewer SYN-ACK retries shorten it: "
			       "sysctl -w net.ipv4.tcp_synack_retries=2", lead, cookies);
	else
		sw_diag_advice(f, "%smake sure SYN cookies are on: "
			       "sysctl -w net.ipv4.tcp_syncookies=1", lead);
}

struct syn_port {
	unsigned port;
	uint32_t half_open, limit; /* sums over the port's listeners */
	bool near_full, full;
};

/* The sources of the port's half-open sockets, counted, biggest first. */
static int syn_sources(struct sw_diag_ctx *c, unsigned port)
{
	const struct sw_snapshot *sn = c->f->snap;

	c->d->nsrc = 0;
	for (uint32_t i = 0; i < sn->count; i++) {
		const struct sw_sock *s = &sn->socks[i];
		struct sw_prefix p;

		if (s->proto != SW_TCP || s->state != SW_SYN_RECV || s->sport != port)
			continue;
		sw_diag_peer_prefix(c, s, &p);
		if (sw_diag_src_add(c->d, &p, (uint16_t)port) < 0)
			return -1;
	}
	sw_diag_src_count(c->d);
	return 0;
}

static void syn_evidence(const struct sw_diag_ctx *c, struct sw_finding *f,
			 const struct syn_port *p)
{
	double cookies = sw_diag_rate(c, SW_C_SYNCOOKIES_SENT);

	sw_diag_ev(f, "half_open", p->half_open);
	sw_diag_ev(f, "limit", p->limit);
	sw_diag_ev(f, "sources", (double)c->d->nsrc);
	if (cookies >= 0)
		sw_diag_ev(f, "syncookies_sent_per_s", cookies);
	if (sw_diag_rate(c, SW_C_REQQ_FULL_DROP) >= 0)
		sw_diag_ev(f, "reqq_full_drop_per_s",
			   sw_diag_rate(c, SW_C_REQQ_FULL_DROP));
	if (sw_diag_host(c, SW_H_TCP_SYNCOOKIES) >= 0)
		sw_diag_ev(f, "tcp_syncookies",
			   (double)sw_diag_host(c, SW_H_TCP_SYNCOOKIES));
}

static int syn_say(struct sw_diag_ctx *c, const struct syn_port *p,
		   enum sw_severity sev)
{
	struct sw_diagnosis *d = c->d;
	struct sw_finding_subject subj;
	struct sw_finding *f;
	char pn[48], addr[SW_ADDR_STRLEN];
	uint32_t top = 0, estab = 0;
	size_t k, ntop = (size_t)sw_diag_lim(c, SYN_CONC_TOP);

	if (syn_sources(c, p->port) < 0)
		return -1;
	sw_diag_subject_port(&subj, c->f->agg, SW_TCP, p->port);
	sw_diag_port_name(&subj, pn, sizeof(pn));
	for (k = 0; k < d->nsrc && k < ntop; k++)
		top += d->src[k].n;

	if (d->nsrc && top >= sw_diag_lim(c, SYN_CONC_SHARE) * p->half_open) {
		/* concentrated: each big source is a finding with its block */
		for (k = 0; k < d->nsrc && k < ntop; k++) {
			const struct sw_diag_src *s = &d->src[k];
			struct sw_finding_subject rs = subj;
			double share = p->half_open ? (double)s->n / p->half_open : 0;

			if (share < sw_diag_lim(c, SYN_SRC_SHARE))
				break;
			rs.kind = SW_SUBJ_REMOTE;
			rs.remote = s->pfx;
			if (!(f = sw_diag_emit(c, sev, &rs)))
				return -1;
			sw_prefix_format(&s->pfx, addr, sizeof(addr));
			sw_diag_text(f, "SYN flood on %s from %s: %u of %u half-open "
				     "(%.0f%%)", pn, addr, s->n, p->half_open,
				     share * 100);
			syn_evidence(c, f, p);
			sw_diag_ev(f, "source_half_open", s->n);
			sw_diag_ev(f, "share", share);
			if (sw_diag_block(c, f, &s->pfx))
				sw_diag_advice(f, "block %s (b): it holds %.0f%% of the "
					       "half-open; then check "
					       "net.ipv4.tcp_syncookies is 1", addr,
					       share * 100);
			else
				sw_diag_advice(f, "%s is this host or loopback: find the "
					       "local program sending the SYNs", addr);
		}
		return 0;
	}
	if (!(f = sw_diag_emit(c, sev, &subj)))
		return -1;
	syn_evidence(c, f, p);
	if (d->nsrc >= sw_diag_lim(c, SYN_SPREAD_SOURCES)) {
		/* spread: are they real clients (they hold connections)? */
		for (k = 0; k < d->nsrc && k < SYN_SAMPLE; k++) {
			int r = sw_agg_find_remote(c->f->agg, &d->src[k].pfx);

			if (r >= 0 && c->f->agg->remotes[r].states[SW_ESTABLISHED])
				estab++;
		}
		sw_diag_ev(f, "sampled_sources_established", estab);
		sw_diag_text(f, "SYN flood on %s: %u half-open (limit %u) from %zu "
			     "sources, %u each at most; %s", pn, p->half_open,
			     p->limit, d->nsrc, d->src[0].n,
			     estab * 4 <= k ? "sources look spoofed"
					    : "sources spread wide");
		syn_cookie_advice(c, f, "blocking sources will not help; ");
		return 0;
	}
	sw_diag_text(f, "SYN flood on %s: %u half-open (limit %u) from %zu "
		     "sources", pn, p->half_open, p->limit, d->nsrc);
	syn_cookie_advice(c, f, "");
	return 0;
}

/* SYN cookies sent or SYNs dropped, but no listener shown has a full SYN
 * queue: the flood's port is filtered out (or cookies are always sent,
 * tcp_syncookies=2, which sends them on a healthy server too: then
 * nothing is said). */
static int syn_host(struct sw_diag_ctx *c, bool drops)
{
	struct sw_finding_subject subj = { .kind = SW_SUBJ_HOST };
	double cookies = sw_diag_rate(c, SW_C_SYNCOOKIES_SENT);
	double qdrop = sw_diag_rate(c, SW_C_REQQ_FULL_DROP);
	struct sw_finding *f;

	if (sw_diag_host(c, SW_H_TCP_SYNCOOKIES) == 2)
		return 0;
	if (!(f = sw_diag_emit(c, drops ? SW_SEV_CRIT : SW_SEV_WARN, &subj)))
		return -1;
	sw_diag_text(f, "SYN flood: %.0f SYN cookies/s, %.0f SYNs dropped/s; no "
		     "listener shown has a full SYN queue (see them all without "
		     "a filter)", cookies > 0 ? cookies : 0, qdrop > 0 ? qdrop : 0);
	if (cookies >= 0)
		sw_diag_ev(f, "syncookies_sent_per_s", cookies);
	if (qdrop >= 0)
		sw_diag_ev(f, "reqq_full_drop_per_s", qdrop);
	if (sw_diag_host(c, SW_H_TCP_SYNCOOKIES) >= 0)
		sw_diag_ev(f, "tcp_syncookies",
			   (double)sw_diag_host(c, SW_H_TCP_SYNCOOKIES));
	syn_cookie_advice(c, f, "");
	return 0;
}

static int syn_detect(struct sw_diag_ctx *c)
{
	const struct sw_agg *a = c->f->agg;
	double signal = 0, r, ldrop;
	bool drops = false, said = false, cookie_full;
	uint32_t i = 0;

	r = sw_diag_rate(c, SW_C_SYNCOOKIES_SENT);
	signal = r > signal ? r : signal;
	/* with tcp_syncookies=1 the kernel sends cookies only for a full SYN
	 * queue, and TCPReqQFullDrop counts SYNs dropped for one: it was full
	 * in the interval even when the refresh counts fewer (the request
	 * sockets of a full queue expire together) */
	cookie_full = r >= sw_diag_lim(c, SYN_SIGNAL_RATE) &&
		      sw_diag_host(c, SW_H_TCP_SYNCOOKIES) == 1;
	r = sw_diag_rate(c, SW_C_REQQ_FULL_DROP);
	signal = r > signal ? r : signal;
	drops = r > 0;
	cookie_full = cookie_full || r >= sw_diag_lim(c, SYN_SIGNAL_RATE);
	ldrop = sw_diag_rate(c, SW_C_LISTEN_DROPS);
	r = sw_diag_rate(c, SW_C_LISTEN_OVERFLOWS);
	if (ldrop >= 0 && r >= 0) {
		ldrop -= r; /* ListenDrops counts accept queue overflows too */
		signal = ldrop > signal ? ldrop : signal;
		drops = drops || ldrop > 0;
	}
	while (a->states[SW_SYN_RECV].count && i < a->nlisteners) {
		struct syn_port p = { .port = a->listeners[i].port };

		if (a->listeners[i].proto != SW_TCP) {
			i++;
			continue;
		}
		for (; i < a->nlisteners && a->listeners[i].proto == SW_TCP &&
		       a->listeners[i].port == p.port; i++) {
			const struct sw_listener *l = &a->listeners[i];
			uint32_t lim = syn_limit(c, l);

			p.half_open += l->syn_recv;
			p.limit += lim;
			if (l->syn_recv >= sw_diag_lim(c, SYN_NEAR_FULL) * lim)
				p.near_full = true;
			if (l->syn_recv >= lim)
				p.full = true;
		}
		/* cookies or drops (cookie_full) say a queue was full: enough
		 * half-open left on the port make it the one */
		if (cookie_full && p.half_open >= sw_diag_lim(c, SYN_MIN_HALF_OPEN))
			p.near_full = true;
		if (!p.near_full || !p.half_open ||
		    (p.half_open < sw_diag_lim(c, SYN_MIN_HALF_OPEN) &&
		     signal < sw_diag_lim(c, SYN_SIGNAL_RATE)))
			continue;
		if (syn_say(c, &p, p.full || drops || cookie_full ? SW_SEV_CRIT
								   : SW_SEV_WARN) < 0)
			return -1;
		said = true;
	}
	if (!said && signal >= sw_diag_lim(c, SYN_SIGNAL_RATE))
		return syn_host(c, drops);
	return 0;
}

const struct sw_diag_entry sw_diag_syn_flood = {
	.kind = SW_FK_SYN_FLOOD,
	.detect = syn_detect,
	.persist = 2,
	.limits = syn_limits,
	.nlimits = SYN_NLIMITS,
};

enum { AQ_FULL, AQ_OVERFLOW_RATE, AQ_CRIT_RATE, AQ_NLIMITS };

static const struct sw_diag_limit aq_limits[AQ_NLIMITS] = {
	[AQ_FULL] = {"full", 1.0,
		"accept queue against the listener's backlog, at least"},
	[AQ_OVERFLOW_RATE] = {"overflows_per_s", 0.5,
		"ListenOverflows/s, at least (when the rates are known)"},
	[AQ_CRIT_RATE] = {"crit_overflows_per_s", 10,
		"ListenOverflows/s from which it is crit"},
};

static int aq_detect(struct sw_diag_ctx *c)
{
	const struct sw_agg *a = c->f->agg;
	double ovf = sw_diag_rate(c, SW_C_LISTEN_OVERFLOWS);
	long long somax = sw_diag_host(c, SW_H_SOMAXCONN);

	if (ovf >= 0 && ovf < sw_diag_lim(c, AQ_OVERFLOW_RATE))
		return 0;
	for (uint32_t i = 0; i < a->nlisteners; i++) {
		const struct sw_listener *l = &a->listeners[i];
		struct sw_finding_subject subj;
		struct sw_finding *f;
		char pn[48], who[40];

		if (l->proto != SW_TCP || !l->backlog ||
		    l->accept_queue < sw_diag_lim(c, AQ_FULL) * l->backlog)
			continue;
		sw_diag_subject_port(&subj, a, SW_TCP, l->port);
		subj.family = l->family;
		memcpy(subj.addr, l->addr, sizeof(subj.addr));
		snprintf(subj.process, sizeof(subj.process), "%s", l->process);
		f = sw_diag_emit(c, ovf >= sw_diag_lim(c, AQ_CRIT_RATE) ? SW_SEV_CRIT
								       : SW_SEV_WARN,
				 &subj);
		if (!f)
			return -1;
		sw_diag_port_name(&subj, pn, sizeof(pn));
		snprintf(who, sizeof(who), "%s", l->process[0] ? l->process
						: "the program listening");
		if (ovf >= 0)
			sw_diag_text(f, "accept queue full on %s: %u of backlog %u, "
				     "%.1f overflows/s", pn, l->accept_queue,
				     l->backlog, ovf);
		else
			sw_diag_text(f, "accept queue full on %s: %u of backlog %u",
				     pn, l->accept_queue, l->backlog);
		sw_diag_ev(f, "accept_queue", l->accept_queue);
		sw_diag_ev(f, "backlog", l->backlog);
		if (ovf >= 0)
			sw_diag_ev(f, "listen_overflows_per_s", ovf);
		if (somax >= 0)
			sw_diag_ev(f, "somaxconn", (double)somax);
		if (somax >= 0 && l->backlog >= somax)
			sw_diag_advice(f, "%s does not accept fast enough (stuck or "
				       "overloaded); its backlog is capped by "
				       "net.core.somaxconn=%lld: sysctl -w "
				       "net.core.somaxconn=4096 and raise its listen() "
				       "backlog", who, somax);
		else if (somax >= 0)
			sw_diag_advice(f, "%s does not accept fast enough (stuck or "
				       "overloaded); its listen() backlog is %u "
				       "(net.core.somaxconn allows %lld): raise it in "
				       "its configuration", who, l->backlog, somax);
		else
			sw_diag_advice(f, "%s does not accept fast enough (stuck or "
				       "overloaded); its listen() backlog is %u, "
				       "capped by net.core.somaxconn", who, l->backlog);
	}
	return 0;
}

const struct sw_diag_entry sw_diag_accept_queue = {
	.kind = SW_FK_ACCEPT_QUEUE_FULL,
	.detect = aq_detect,
	.persist = 2,
	.limits = aq_limits,
	.nlimits = AQ_NLIMITS,
};
