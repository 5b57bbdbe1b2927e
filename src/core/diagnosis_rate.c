/* diagnosis_rate.c - counters far off their usual: reset_storm (EstabResets
 * or OutRsts far above their calm level) and udp_drops (UDP datagrams
 * dropped: receive buffers full). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_int.h"

enum { RS_MIN_RATE, RS_FACTOR, RS_MIN_HISTORY, RS_CRIT_FACTOR, RS_NLIMITS };

static const struct sw_diag_limit rs_limits[RS_NLIMITS] = {
	[RS_MIN_RATE] = {"min_per_s", 20,
		"EstabResets/s or OutRsts/s, at least"},
	[RS_FACTOR] = {"factor", 10,
		"times its calm level (the median of the recent refreshes that "
		"were no storm), at least"},
	[RS_MIN_HISTORY] = {"min_history", 3,
		"calm refreshes with known rates before there is a level"},
	[RS_CRIT_FACTOR] = {"crit_factor", 100,
		"times the calm level from which it is crit"},
};

static const struct {
	unsigned counter;
	const char *key, *what;
} rs_counters[] = {
	{ SW_C_ESTAB_RESETS, "estab_resets_per_s", "EstabResets" },
	{ SW_C_OUT_RSTS, "out_rsts_per_s", "OutRsts" },
};

static int rs_dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The calm level of counter k: the median of the calm past refreshes,
 * else the last level known; -1 when none yet. */
static double rs_level(struct sw_diag_ctx *c, unsigned k)
{
	double v[SW_DIAGNOSIS_HISTORY];
	unsigned n = 0;

	for (unsigned back = 1; back <= SW_DIAGNOSIS_HISTORY; back++) {
		const struct sw_diag_sample *s = sw_diag_hist(c->d, back);

		if (!s)
			break;
		if (s->rates_known && !s->storm[k])
			v[n++] = s->rate[k];
	}
	if (n >= sw_diag_lim(c, RS_MIN_HISTORY)) {
		qsort(v, n, sizeof(v[0]), rs_dbl_cmp);
		c->d->base[k] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	return c->d->base[k];
}

/* The listening port whose ESTABLISHED fell most since the refresh
 * before (0: none fell), and by how much; the fall of all ports. */
static unsigned rs_port(const struct sw_diagnosis *d, uint32_t *fell,
			uint32_t *all)
{
	size_t i = 0, j = 0;
	unsigned port = 0;

	*fell = *all = 0;
	while (i < d->ports.n && j < d->ports_new.n) {
		const struct sw_diag_port *p = &d->ports.v[i], *q = &d->ports_new.v[j];

		if (p->port < q->port) {
			i++;
		} else if (p->port > q->port) {
			j++;
		} else {
			if (p->established > q->established) {
				uint32_t drop = p->established - q->established;

				*all += drop;
				if (drop > *fell) {
					*fell = drop;
					port = p->port;
				}
			}
			i++;
			j++;
		}
	}
	return port;
}

/* One finding for the host: the counter furthest above its level leads;
 * the port that lost most ESTABLISHED when it began is named while it
 * holds. */
static int rs_detect(struct sw_diag_ctx *c)
{
	struct sw_finding_subject subj = { .kind = SW_SUBJ_HOST };
	double rate[2], level[2], worst = 0;
	size_t i, lead = 0, n = sizeof(rs_counters) / sizeof(rs_counters[0]);
	struct sw_finding *f;
	uint32_t fell, all;
	unsigned port;
	char pn[48] = "";

	for (i = 0; i < n; i++) {
		unsigned k = rs_counters[i].counter;
		double ref;

		rate[i] = sw_diag_rate(c, k);
		level[i] = rs_level(c, k);
		ref = level[i] > 1 ? level[i] : 1;
		/* no level yet: what runs now is the level */
		if (level[i] < 0 || rate[i] < sw_diag_lim(c, RS_MIN_RATE) ||
		    rate[i] < sw_diag_lim(c, RS_FACTOR) * ref)
			continue;
		c->cur->storm[k] = true; /* not part of the calm level */
		if (rate[i] / ref > worst) {
			worst = rate[i] / ref;
			lead = i;
		}
	}
	if (worst == 0) {
		c->d->storm_port = 0;
		return 0;
	}
	port = rs_port(c->d, &fell, &all);
	if (port)
		c->d->storm_port = port;
	if (c->d->storm_port) {
		struct sw_finding_subject ps;

		sw_diag_subject_port(&ps, c->f->agg, SW_TCP, c->d->storm_port);
		sw_diag_port_name(&ps, pn, sizeof(pn));
	}
	f = sw_diag_emit(c, worst >= sw_diag_lim(c, RS_CRIT_FACTOR) ? SW_SEV_CRIT
								   : SW_SEV_WARN,
			 &subj);
	if (!f)
		return -1;
	if (pn[0])
		sw_diag_text(f, "reset storm: %s %.0f/s (usually %.1f/s); "
			     "ESTABLISHED fell most on %s", rs_counters[lead].what,
			     rate[lead], level[lead], pn);
	else
		sw_diag_text(f, "reset storm: %s %.0f/s (usually %.1f/s)",
			     rs_counters[lead].what, rate[lead], level[lead]);
	for (i = 0; i < n; i++)
		if (rate[i] >= 0)
			sw_diag_ev(f, rs_counters[i].key, rate[i]);
	sw_diag_ev(f, "usual_per_s", level[lead]);
	if (c->d->storm_port)
		sw_diag_ev(f, "port", c->d->storm_port);
	if (port)
		sw_diag_ev(f, "established_fell", fell);
	if (rs_counters[lead].counter == SW_C_OUT_RSTS)
		sw_diag_advice(f, "this host is sending resets: to SYNs on closed "
			       "ports (a scan: see Remotes by new/s), or a program "
			       "aborting connections; nstat -az TcpExtTCPAbort* "
			       "tells which");
	else
		sw_diag_advice(f, "connections are being reset%s%s: a crash loop, a "
			       "peer or middlebox aborting, or a load balancer; nstat "
			       "-az TcpExtTCPAbort* and the service's log tell which",
			       pn[0] ? " on " : "", pn);
	return 0;
}

const struct sw_diag_entry sw_diag_reset_storm = {
	.kind = SW_FK_RESET_STORM,
	.detect = rs_detect,
	.persist = 2,
	.limits = rs_limits,
	.nlimits = RS_NLIMITS,
};

enum { UDP_MIN_RATE, UDP_CRIT_RATE, UDP_NLIMITS };

static const struct sw_diag_limit udp_limits[UDP_NLIMITS] = {
	[UDP_MIN_RATE] = {"min_per_s", 5,
		"UdpInErrors/s (IPv4; it includes UdpRcvbufErrors), at least"},
	[UDP_CRIT_RATE] = {"crit_per_s", 100, "from which it is crit"},
};

static int udp_detect(struct sw_diag_ctx *c)
{
	const struct sw_agg *a = c->f->agg;
	double in = sw_diag_rate(c, SW_C_UDP_IN_ERRORS);
	double rcvbuf = sw_diag_rate(c, SW_C_UDP_RCVBUF_ERRORS);
	const struct sw_listener *full = NULL;
	struct sw_finding_subject subj = { .kind = SW_SUBJ_HOST };
	struct sw_finding *f;
	char pn[48];

	if (rcvbuf > in)
		in = rcvbuf;
	if (in < sw_diag_lim(c, UDP_MIN_RATE))
		return 0;
	for (uint32_t i = 0; i < a->nlisteners; i++) {
		const struct sw_listener *l = &a->listeners[i];

		if (l->proto == SW_UDP && l->accept_queue &&
		    (!full || l->accept_queue > full->accept_queue))
			full = l;
	}
	if (full) {
		sw_diag_subject_port(&subj, a, SW_UDP, full->port);
		subj.family = full->family;
		memcpy(subj.addr, full->addr, sizeof(subj.addr));
		snprintf(subj.process, sizeof(subj.process), "%s", full->process);
	}
	f = sw_diag_emit(c, in >= sw_diag_lim(c, UDP_CRIT_RATE) ? SW_SEV_CRIT
							       : SW_SEV_WARN, &subj);
	if (!f)
		return -1;
	if (full)
		sw_diag_text(f, "UDP drops: %.0f datagrams/s, %.0f/s for full receive "
			     "buffers; fullest: %s with %u bytes queued", in,
			     rcvbuf > 0 ? rcvbuf : 0,
			     sw_diag_port_name(&subj, pn, sizeof(pn)),
			     full->accept_queue);
	else
		sw_diag_text(f, "UDP drops: %.0f datagrams/s, %.0f/s for full receive "
			     "buffers", in, rcvbuf > 0 ? rcvbuf : 0);
	sw_diag_ev(f, "in_errors_per_s", in);
	if (rcvbuf >= 0)
		sw_diag_ev(f, "rcvbuf_errors_per_s", rcvbuf);
	if (full)
		sw_diag_ev(f, "recv_queue", full->accept_queue);
	sw_diag_advice(f, "%s does not read fast enough, or its receive buffer is "
		       "small: a bigger SO_RCVBUF (sysctl -w net.core.rmem_max="
		       "26214400 lets it ask) or more readers",
		       full && full->process[0] ? full->process
						: "the program receiving");
	return 0;
}

const struct sw_diag_entry sw_diag_udp_drops = {
	.kind = SW_FK_UDP_DROPS,
	.detect = udp_detect,
	.persist = 2,
	.limits = udp_limits,
	.nlimits = UDP_NLIMITS,
};
