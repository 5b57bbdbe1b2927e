/* counters.c - parse the "Section: names" / "Section: values" line pairs
 * of /proc/net/snmp and /proc/net/netstat. */
#include <stdlib.h>
#include <string.h>

#include "sw_counters.h"

static const struct {
	const char *section; /* without the colon */
	const char *name;
	const char *label; /* the name shown, when not name */
} sw_counter_defs[SW_C_MAX] = {
	[SW_C_SYNCOOKIES_SENT] = {"TcpExt", "SyncookiesSent", NULL},
	[SW_C_SYNCOOKIES_RECV] = {"TcpExt", "SyncookiesRecv", NULL},
	[SW_C_SYNCOOKIES_FAILED] = {"TcpExt", "SyncookiesFailed", NULL},
	[SW_C_LISTEN_OVERFLOWS] = {"TcpExt", "ListenOverflows", NULL},
	[SW_C_LISTEN_DROPS] = {"TcpExt", "ListenDrops", NULL},
	[SW_C_REQQ_FULL_DROP] = {"TcpExt", "TCPReqQFullDrop", NULL},
	[SW_C_REQQ_FULL_DO_COOKIES] = {"TcpExt", "TCPReqQFullDoCookies", NULL},
	[SW_C_PASSIVE_OPENS] = {"Tcp", "PassiveOpens", NULL},
	[SW_C_ACTIVE_OPENS] = {"Tcp", "ActiveOpens", NULL},
	[SW_C_ATTEMPT_FAILS] = {"Tcp", "AttemptFails", NULL},
	[SW_C_ESTAB_RESETS] = {"Tcp", "EstabResets", NULL},
	[SW_C_OUT_RSTS] = {"Tcp", "OutRsts", NULL},
	[SW_C_RETRANS_SEGS] = {"Tcp", "RetransSegs", NULL},
	[SW_C_IN_ERRS] = {"Tcp", "InErrs", NULL},
	[SW_C_TIMEWAIT_OVERFLOW] = {"TcpExt", "TCPTimeWaitOverflow", NULL},
	[SW_C_UDP_IN_ERRORS] = {"Udp", "InErrors", "UdpInErrors"},
	[SW_C_UDP_RCVBUF_ERRORS] = {"Udp", "RcvbufErrors", "UdpRcvbufErrors"},
};

const char *sw_counter_name(unsigned c)
{
	if (c >= SW_C_MAX)
		return "?";
	return sw_counter_defs[c].label ? sw_counter_defs[c].label
					: sw_counter_defs[c].name;
}

void sw_counters_clear(struct sw_counters *c)
{
	memset(c, 0, sizeof(*c));
}

/* Length of the line starting at p (without the newline). */
static size_t sw_counters_linelen(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

/* Next space-separated word in [*p, end); returns its length, 0 at end. */
static size_t sw_counters_word(const char **p, const char *end)
{
	const char *s = *p, *w;

	while (s < end && *s == ' ')
		s++;
	w = s;
	while (s < end && *s != ' ')
		s++;
	*p = w;
	return (size_t)(s - w);
}

static int sw_counters_pair(struct sw_counters *c, const char *names,
			    size_t nlen, const char *vals, size_t vlen,
			    size_t seclen)
{
	const char *np = names + seclen + 1, *ne = names + nlen;
	const char *vp = vals + seclen + 1, *ve = vals + vlen;
	int filled = 0;
	size_t wl, vl;
	unsigned i;

	for (;;) {
		wl = sw_counters_word(&np, ne);
		vl = sw_counters_word(&vp, ve);
		if (!wl || !vl)
			break;
		for (i = 0; i < SW_C_MAX; i++) {
			const char *sec = sw_counter_defs[i].section;
			const char *nm = sw_counter_defs[i].name;

			if (strlen(sec) == seclen && memcmp(sec, names, seclen) == 0 &&
			    strlen(nm) == wl && memcmp(nm, np, wl) == 0) {
				char num[32];
				size_t k = vl < sizeof(num) - 1 ? vl : sizeof(num) - 1;

				memcpy(num, vp, k);
				num[k] = '\0';
				/* InErrs etc. are unsigned; a '-' would be a
				 * signed field we do not use. */
				c->val[i] = strtoull(num, NULL, 10);
				c->have[i] = true;
				filled++;
			}
		}
		np += wl;
		vp += vl;
	}
	return (wl || vl) ? -1 : filled; /* counts differ: malformed */
}

int sw_counters_parse(struct sw_counters *c, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int total = 0;

	while (p < end) {
		size_t l1 = sw_counters_linelen(p, end), l2, seclen;
		const char *colon = memchr(p, ':', l1), *q;
		int n;

		if (l1 == 0) {
			p++;
			continue;
		}
		if (!colon)
			return -1;
		seclen = (size_t)(colon - p);
		q = p + l1 + (p + l1 < end);
		if (q >= end)
			return -1; /* header without its value line */
		l2 = sw_counters_linelen(q, end);
		if (l2 <= seclen || memcmp(q, p, seclen + 1) != 0)
			return -1;
		n = sw_counters_pair(c, p, l1, q, l2, seclen);
		if (n < 0)
			return -1;
		total += n;
		p = q + l2 + (q + l2 < end);
	}
	return total;
}

double sw_counters_rate(const struct sw_counters *prev,
			const struct sw_counters *cur, unsigned i,
			double seconds)
{
	if (i >= SW_C_MAX || !prev->have[i] || !cur->have[i] || seconds <= 0 ||
	    cur->val[i] < prev->val[i])
		return 0;
	return (double)(cur->val[i] - prev->val[i]) / seconds;
}
