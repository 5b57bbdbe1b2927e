/* doctor.c - the verdict of `sockwatch doctor` (sw_doctor.h): one table
 * entry per setting with its judge, against what is listening now. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_doctor.h"
#include "sw_finding.h"

/* What the judges look at. */
struct sw_doctor_in {
	const struct sw_hostcfg *h;
	const struct sw_agg *a;
	const struct sw_doctor *d;
	uint32_t max_backlog;     /* largest TCP listener backlog */
	char ports[96];           /* ":80 (nginx), :443" - the TCP listeners */
};

typedef void sw_doctor_judge_fn(struct sw_doctor_item *it,
				const struct sw_doctor_in *in);

static int64_t sw_doctor_v(const struct sw_doctor_in *in, unsigned key)
{
	return in->h ? in->h->val[key] : -1;
}

/* it->why / it->advice, printf style */
#define SW_WHY(it, ...) snprintf((it)->why, sizeof((it)->why), __VA_ARGS__)
#define SW_FIX(it, ...) snprintf((it)->advice, sizeof((it)->advice), __VA_ARGS__)

static void sw_doctor_syncookies(struct sw_doctor_item *it,
				 const struct sw_doctor_in *in)
{
	int64_t v = sw_doctor_v(in, SW_H_TCP_SYNCOOKIES);

	if (v == 0 && in->d->tcp_listeners) {
		it->severity = SW_SEV_CRIT;
		SW_WHY(it, "SYN cookies are off while %u TCP listener%s (%s): a "
		       "SYN flood fills the SYN queue and real clients are dropped",
		       in->d->tcp_listeners,
		       in->d->tcp_listeners == 1 ? " accepts" : "s accept", in->ports);
		SW_FIX(it, "sysctl -w net.ipv4.tcp_syncookies=1");
	} else if (v == 0) {
		SW_WHY(it, "SYN cookies are off; nothing listens on TCP now");
	} else if (v == 1) {
		SW_WHY(it, "SYN cookies answer when a SYN queue overflows");
	} else if (v >= 2) {
		SW_WHY(it, "SYN cookies for every SYN, even without a flood "
		       "(TCP options of new connections are lost)");
	}
}

static void sw_doctor_syn_backlog(struct sw_doctor_item *it,
				  const struct sw_doctor_in *in)
{
	int64_t v = sw_doctor_v(in, SW_H_TCP_MAX_SYN_BACKLOG);
	bool cookies = sw_doctor_v(in, SW_H_TCP_SYNCOOKIES) != 0;

	if (v < 0)
		return;
	if (v < SW_DOCTOR_SYN_BACKLOG_SMALL && in->d->tcp_listeners) {
		it->severity = SW_SEV_WARN;
		SW_WHY(it, "at most %lld half-open connections are queued before %s",
		       (long long)v, cookies ? "SYN cookies take over"
					    : "new SYNs are dropped");
		SW_FIX(it, "sysctl -w net.ipv4.tcp_max_syn_backlog=4096");
		return;
	}
	SW_WHY(it, "half-open connections queued before %s",
	       cookies ? "SYN cookies take over" : "new SYNs are dropped");
}

static void sw_doctor_somaxconn(struct sw_doctor_item *it,
				const struct sw_doctor_in *in)
{
	int64_t v = sw_doctor_v(in, SW_H_SOMAXCONN);
	const struct sw_agg *a = in->a;
	char capped[128] = "", proc[32] = "";
	unsigned ncapped = 0;
	size_t o = 0;

	if (v < 0)
		return;
	for (uint32_t i = 0; a && i < a->nlisteners; i++) {
		const struct sw_listener *l = &a->listeners[i];

		if (l->proto != SW_TCP || l->backlog < (uint64_t)v)
			continue;
		if (!ncapped++ && l->process[0])
			snprintf(proc, sizeof(proc), "%s", l->process);
		if (ncapped <= 3 && o < sizeof(capped))
			o += (size_t)snprintf(capped + o, sizeof(capped) - o,
					      "%s:%u%s%s%s", o ? ", " : "", l->port,
					      l->process[0] ? " (" : "", l->process,
					      l->process[0] ? ")" : "");
	}
	if (v < SW_DOCTOR_SOMAXCONN_SMALL && ncapped) {
		it->severity = SW_SEV_WARN;
		/* at it: capped now (it asked for that or more); above it:
		 * listened before it was lowered, capped when it listens again */
		SW_WHY(it, "%u TCP listener%s at the cap of %lld or above (%s): the "
		       "kernel caps a backlog there, connections past it are "
		       "dropped (ListenOverflows)", ncapped,
		       ncapped == 1 ? " is" : "s are", (long long)v, capped);
		SW_FIX(it, "sysctl -w net.core.somaxconn=4096, then restart %s "
		       "(the backlog is fixed at listen())",
		       proc[0] ? proc : "the listener");
		return;
	}
	if (in->d->tcp_listeners)
		SW_WHY(it, "caps every listener's backlog; the largest now is %u",
		       in->max_backlog);
	else
		SW_WHY(it, "caps every listener's backlog; nothing listens on TCP now");
}

static void sw_doctor_synack(struct sw_doctor_item *it,
			     const struct sw_doctor_in *in)
{
	int64_t v = sw_doctor_v(in, SW_H_TCP_SYNACK_RETRIES);
	/* with a 1 s first timeout that doubles: 2^(v+1) - 1 seconds */
	long long secs = v >= 0 && v < 20 ? (1ll << (v + 1)) - 1 : -1;

	if (v < 0)
		return;
	if (v > SW_DOCTOR_SYNACK_RETRIES_HIGH && in->d->tcp_listeners) {
		it->severity = SW_SEV_WARN;
		SW_WHY(it, "a half-open connection is kept about %llds (%lld "
		       "SYN-ACK retries): a SYN flood holds the queue longer",
		       secs, (long long)v);
		SW_FIX(it, "sysctl -w net.ipv4.tcp_synack_retries=%d",
		       SW_DOCTOR_SYNACK_RETRIES_HIGH);
		return;
	}
	SW_WHY(it, "a half-open connection is kept about %llds", secs);
}

/* pct of n against max, 0 when max is not known */
static double sw_doctor_pct(uint64_t n, int64_t max)
{
	return max > 0 ? 100.0 * (double)n / (double)max : 0;
}

static unsigned sw_doctor_level(double pct)
{
	return pct >= SW_DOCTOR_FULL_PCT ? SW_SEV_CRIT
	       : pct >= SW_DOCTOR_NEAR_PCT ? SW_SEV_WARN : 0;
}

static void sw_doctor_tw_buckets(struct sw_doctor_item *it,
				 const struct sw_doctor_in *in)
{
	int64_t v = sw_doctor_v(in, SW_H_TCP_MAX_TW_BUCKETS);
	double pct = sw_doctor_pct(in->d->time_wait, v);

	if (v < 0)
		return;
	it->severity = sw_doctor_level(pct);
	if (it->severity) {
		SW_WHY(it, "%u TIME_WAIT sockets of at most %lld (%.0f%%): past it "
		       "closing sockets skip TIME_WAIT (TCPTimeWaitOverflow)",
		       in->d->time_wait, (long long)v, pct);
		SW_FIX(it, "sysctl -w net.ipv4.tcp_max_tw_buckets=%lld",
		       (long long)v * 2);
		return;
	}
	SW_WHY(it, "%u TIME_WAIT sockets now", in->d->time_wait);
}

static uint64_t sw_doctor_range(const struct sw_doctor_in *in)
{
	int64_t lo = sw_doctor_v(in, SW_H_PORT_RANGE_LOW);
	int64_t hi = sw_doctor_v(in, SW_H_PORT_RANGE_HIGH);

	return lo >= 0 && hi >= lo ? (uint64_t)(hi - lo + 1) : 0;
}

static void sw_doctor_tw_reuse(struct sw_doctor_item *it,
			       const struct sw_doctor_in *in)
{
	int64_t v = sw_doctor_v(in, SW_H_TCP_TW_REUSE);
	uint64_t range = sw_doctor_range(in);

	if (v < 0)
		return;
	if (v == 0 && range &&
	    sw_doctor_level(sw_doctor_pct(in->d->max_out_dest, (int64_t)range))) {
		it->severity = SW_SEV_WARN;
		SW_WHY(it, "outbound connections do not reuse TIME_WAIT ports while "
		       "%u go to one destination", in->d->max_out_dest);
		SW_FIX(it, "sysctl -w net.ipv4.tcp_tw_reuse=1");
		return;
	}
	SW_WHY(it, "%s", v == 0 ? "outbound connections never reuse TIME_WAIT ports"
		   : v == 1 ? "outbound connections may reuse TIME_WAIT ports"
			    : "loopback connections may reuse TIME_WAIT ports");
}

static void sw_doctor_fin_timeout(struct sw_doctor_item *it,
				  const struct sw_doctor_in *in)
{
	int64_t v = sw_doctor_v(in, SW_H_TCP_FIN_TIMEOUT);

	if (v < 0)
		return;
	if (v > SW_DOCTOR_FIN_TIMEOUT_HIGH) {
		it->severity = SW_SEV_WARN;
		SW_WHY(it, "orphaned FIN_WAIT2 sockets are kept %llds", (long long)v);
		SW_FIX(it, "sysctl -w net.ipv4.tcp_fin_timeout=%d",
		       SW_DOCTOR_FIN_TIMEOUT_HIGH);
		return;
	}
	SW_WHY(it, "orphaned FIN_WAIT2 sockets are kept %llds", (long long)v);
}

static void sw_doctor_port_range(struct sw_doctor_item *it,
				 const struct sw_doctor_in *in)
{
	uint64_t range = sw_doctor_range(in);
	double pct = sw_doctor_pct(in->d->max_out_dest, (int64_t)range);

	if (!range)
		return;
	it->severity = sw_doctor_level(pct);
	if (it->severity) {
		SW_WHY(it, "%u outbound connections to one destination of %llu "
		       "local ports (%.0f%%): new ones fail with EADDRNOTAVAIL",
		       in->d->max_out_dest, (unsigned long long)range, pct);
		SW_FIX(it, "sysctl -w net.ipv4.ip_local_port_range=\"1024 65000\"");
		return;
	}
	SW_WHY(it, "%llu local ports per destination; the busiest has %u",
	       (unsigned long long)range, in->d->max_out_dest);
}

static void sw_doctor_conntrack(struct sw_doctor_item *it,
				const struct sw_doctor_in *in)
{
	int64_t n = sw_doctor_v(in, SW_H_CONNTRACK_COUNT);
	int64_t max = sw_doctor_v(in, SW_H_CONNTRACK_MAX);
	double pct = n >= 0 ? sw_doctor_pct((uint64_t)n, max) : 0;

	if (n < 0 || max <= 0) {
		SW_WHY(it, "connection tracking is not loaded here");
		return;
	}
	it->severity = sw_doctor_level(pct);
	if (it->severity) {
		SW_WHY(it, "%lld tracked connections of at most %lld (%.0f%%): past "
		       "it new connections are dropped (\"table full\")",
		       (long long)n, (long long)max, pct);
		SW_FIX(it, "sysctl -w net.netfilter.nf_conntrack_max=%lld",
		       (long long)max * 2);
		return;
	}
	SW_WHY(it, "%lld tracked connections of at most %lld", (long long)n,
	       (long long)max);
}

/* The settings in the order they are shown; a NULL judge only shows the
 * value. */
static const struct {
	const char *sysctl;
	sw_doctor_judge_fn *judge;
} sw_doctor_table[] = {
	{ "net.ipv4.tcp_syncookies", sw_doctor_syncookies },
	{ "net.ipv4.tcp_max_syn_backlog", sw_doctor_syn_backlog },
	{ "net.core.somaxconn", sw_doctor_somaxconn },
	{ "net.ipv4.tcp_synack_retries", sw_doctor_synack },
	{ "net.ipv4.tcp_max_tw_buckets", sw_doctor_tw_buckets },
	{ "net.ipv4.tcp_tw_reuse", sw_doctor_tw_reuse },
	{ "net.ipv4.tcp_fin_timeout", sw_doctor_fin_timeout },
	{ "net.ipv4.ip_local_port_range", sw_doctor_port_range },
	{ "net.netfilter.nf_conntrack_count", sw_doctor_conntrack },
	{ "net.netfilter.nf_conntrack_max", NULL },
};

static int sw_doctor_u64cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* Outbound TCP sockets (any state but LISTEN) to the busiest destination,
 * counted by a hash of (family, address, port). -1 on ENOMEM. */
static int sw_doctor_busiest(const struct sw_agg *a, const struct sw_snapshot *s,
			     uint32_t *out)
{
	uint64_t *k = s->count ? malloc(s->count * sizeof(*k)) : NULL;
	uint32_t n = 0, run = 0, best = 0;

	*out = 0;
	if (s->count && !k)
		return -1;
	for (uint32_t i = 0; i < s->count; i++) {
		const struct sw_sock *x = &s->socks[i];
		uint64_t h = 1469598103934665603ull;

		if (x->proto != SW_TCP || x->state == SW_LISTEN ||
		    (a->port_dir && sw_agg_dir_inbound(a->port_dir, x)))
			continue;
		h = (h ^ x->family) * 1099511628211ull;
		for (unsigned b = 0; b < 16; b++)
			h = (h ^ x->dst[b]) * 1099511628211ull;
		h = (h ^ x->dport) * 1099511628211ull;
		k[n++] = h;
	}
	if (n > 1)
		qsort(k, n, sizeof(*k), sw_doctor_u64cmp);
	for (uint32_t i = 0; i < n; i++) {
		run = i && k[i] == k[i - 1] ? run + 1 : 1;
		if (run > best)
			best = run;
	}
	free(k);
	*out = best;
	return 0;
}

static void sw_doctor_listeners(struct sw_doctor *d, struct sw_doctor_in *in)
{
	size_t o = 0;
	uint16_t last = 0;

	for (uint32_t i = 0; in->a && i < in->a->nlisteners; i++) {
		const struct sw_listener *l = &in->a->listeners[i];

		if (l->proto != SW_TCP)
			continue;
		d->tcp_listeners++;
		if (d->nlisteners < SW_DOCTOR_LISTENERS) {
			struct sw_doctor_listener *dl = &d->listener[d->nlisteners++];
			int64_t max = in->h ? in->h->val[SW_H_SOMAXCONN] : -1;

			dl->family = l->family;
			memcpy(dl->addr, l->addr, sizeof(dl->addr));
			dl->port = l->port;
			dl->backlog = l->backlog;
			dl->capped = max >= 0 && l->backlog >= (uint64_t)max;
			snprintf(dl->process, sizeof(dl->process), "%s", l->process);
		}
		if (l->backlog > in->max_backlog)
			in->max_backlog = l->backlog;
		if (l->port == last && o) /* the same port, another family */
			continue;
		last = l->port;
		if (o + 24 >= sizeof(in->ports)) {
			if (o + 4 < sizeof(in->ports))
				o += (size_t)snprintf(in->ports + o,
						      sizeof(in->ports) - o, ", ...");
			continue;
		}
		o += (size_t)snprintf(in->ports + o, sizeof(in->ports) - o,
				      "%s:%u%s%s%s", o ? ", " : "", l->port,
				      l->process[0] ? " (" : "", l->process,
				      l->process[0] ? ")" : "");
	}
}

/* Advice for a namespace runs in it: "ip netns exec NS sysctl -w ...". */
static void sw_doctor_in_netns(struct sw_doctor_item *it, const char *netns)
{
	char a[SW_DOCTOR_TEXT];

	if (!netns || strncmp(it->advice, "sysctl ", 7))
		return;
	snprintf(a, sizeof(a), "ip netns exec %s %s", netns, it->advice);
	memcpy(it->advice, a, sizeof(a));
}

int sw_doctor_judge(struct sw_doctor *d, const struct sw_hostcfg *h,
		    const struct sw_agg *a, const struct sw_snapshot *s)
{
	struct sw_doctor_in in = { .h = h, .a = a, .d = d };
	const char *netns = d->netns;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->netns = netns;
	if (a) {
		sw_doctor_listeners(d, &in);
		d->time_wait = a->states[SW_TIME_WAIT].count;
	}
	if (a && s && sw_doctor_busiest(a, s, &d->max_out_dest) < 0) {
		errno = ENOMEM;
		rc = -1;
	}
	for (size_t i = 0; i < sizeof(sw_doctor_table) / sizeof(sw_doctor_table[0]);
	     i++) {
		struct sw_doctor_item *it = &d->item[d->n++];

		it->setting = sw_doctor_table[i].sysctl;
		if (h)
			sw_hostcfg_value(h, it->setting, it->value, sizeof(it->value));
		else
			snprintf(it->value, sizeof(it->value), "unknown");
		if (!strcmp(it->value, "unknown"))
			SW_WHY(it, "not readable here");
		if (sw_doctor_table[i].judge)
			sw_doctor_table[i].judge(it, &in);
		sw_doctor_in_netns(it, netns);
		d->risks += it->severity != 0;
	}
	return rc;
}

/* One line of a sysctl.conf: the key (dots or slashes) and the value,
 * trimmed; false for blanks and comments. */
static bool sw_doctor_conf_line(const char *p, const char *end, char *key,
				size_t klen, char *val, size_t vlen)
{
	const char *eq, *ke, *vs;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '-')
		p++;
	if (p == end || *p == '#' || *p == ';')
		return false;
	eq = memchr(p, '=', (size_t)(end - p));
	if (!eq)
		return false;
	for (ke = eq; ke > p && (ke[-1] == ' ' || ke[-1] == '\t'); ke--)
		;
	for (vs = eq + 1; vs < end && (*vs == ' ' || *vs == '\t'); vs++)
		;
	while (end > vs && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	snprintf(key, klen, "%.*s", (int)(ke - p), p);
	snprintf(val, vlen, "%.*s", (int)(end - vs), vs);
	for (char *c = key; *c; c++)
		if (*c == '/')
			*c = '.';
	return true;
}

int sw_doctor_scan_conf(struct sw_doctor *d, const char *file,
			const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int added = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		char key[128], val[48];
		struct sw_doctor_item *it;

		line++;
		if (sw_doctor_conf_line(p, le, key, sizeof(key), val, sizeof(val)) &&
		    !strcmp(key, "net.ipv4.tcp_tw_recycle") && d->n < SW_DOCTOR_ITEMS) {
			it = &d->item[d->n++];
			memset(it, 0, sizeof(*it));
			it->setting = "net.ipv4.tcp_tw_recycle";
			snprintf(it->value, sizeof(it->value), "%s", val);
			snprintf(it->where, sizeof(it->where), "%s:%u", file, line);
			it->severity = SW_SEV_WARN;
			SW_WHY(it, "tcp_tw_recycle broke clients behind NAT and was "
			       "removed in Linux 4.12; this kernel has no such setting");
			SW_FIX(it, "delete the line (for many short outbound "
			       "connections: net.ipv4.tcp_tw_reuse=1)");
			d->risks++;
			added++;
		}
		p = nl ? nl + 1 : end;
	}
	return added;
}
