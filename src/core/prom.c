/* prom.c - the exposition of one refresh (sw_prom.h). Every family is one
 * row of a table or one call of sw_prom_family, written whole before the
 * next (OpenMetrics wants them contiguous); the two formats differ only
 * in a counter family's name (OpenMetrics drops _total from HELP and
 * TYPE), the trailing # EOF and the content type. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_prom.h"

enum sw_prom_type { SW_PT_GAUGE, SW_PT_COUNTER };

struct sw_prom_ctx {
	struct sw_buf *b;
	enum sw_prom_format fmt;
	bool first_label; /* between sw_prom_sample_begin and _end */
};

/* HELP and TYPE of a family. name is the sample name: a counter's ends
 * in _total, which OpenMetrics leaves out of the family's name. */
static void sw_prom_family(struct sw_prom_ctx *c, const char *name,
			   enum sw_prom_type type, const char *help)
{
	size_t n = strlen(name);

	if (type == SW_PT_COUNTER && c->fmt == SW_PROM_OPENMETRICS && n > 6)
		n -= 6; /* "_total" */
	sw_buf_printf(c->b, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name,
		      help, (int)n, name,
		      type == SW_PT_COUNTER ? "counter" : "gauge");
}

void sw_prom_label(struct sw_buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		const char *esc = ch == '\\' ? "\\\\" : ch == '"' ? "\\\""
				: ch == '\n' ? "\\n"
				: ch < 0x20 || ch >= 0x7f ? "?" : NULL;

		if (!esc)
			continue;
		sw_buf_add(b, run, (size_t)(s - run));
		sw_buf_puts(b, esc);
		run = s + 1;
	}
	sw_buf_add(b, run, (size_t)(s - run));
}

static void sw_prom_begin(struct sw_prom_ctx *c, const char *name)
{
	sw_buf_puts(c->b, name);
	c->first_label = true;
}

static void sw_prom_lbl(struct sw_prom_ctx *c, const char *key, const char *val)
{
	sw_buf_printf(c->b, "%s%s=\"", c->first_label ? "{" : ",", key);
	sw_prom_label(c->b, val);
	sw_buf_puts(c->b, "\"");
	c->first_label = false;
}

static void sw_prom_end_u(struct sw_prom_ctx *c, uint64_t v)
{
	sw_buf_printf(c->b, "%s %llu\n", c->first_label ? "" : "}",
		      (unsigned long long)v);
}

static void sw_prom_end_d(struct sw_prom_ctx *c, double v)
{
	sw_buf_printf(c->b, "%s %.15g\n", c->first_label ? "" : "}", v);
}

/* One sample without labels. */
static void sw_prom_one_u(struct sw_prom_ctx *c, const char *name,
			  enum sw_prom_type t, const char *help, uint64_t v)
{
	sw_prom_family(c, name, t, help);
	sw_prom_begin(c, name);
	sw_prom_end_u(c, v);
}

static void sw_prom_one_d(struct sw_prom_ctx *c, const char *name,
			  const char *help, double v)
{
	sw_prom_family(c, name, SW_PT_GAUGE, help);
	sw_prom_begin(c, name);
	sw_prom_end_d(c, v);
}

/* The kernel counters, by enum sw_counter. */
static const struct {
	const char *name;
	const char *help;
} sw_prom_counters[SW_C_MAX] = {
	[SW_C_SYNCOOKIES_SENT] = {"sockwatch_tcp_syncookies_sent_total",
		"SYN cookies sent (TcpExt SyncookiesSent)"},
	[SW_C_SYNCOOKIES_RECV] = {"sockwatch_tcp_syncookies_received_total",
		"Valid SYN cookies received (TcpExt SyncookiesRecv)"},
	[SW_C_SYNCOOKIES_FAILED] = {"sockwatch_tcp_syncookies_failed_total",
		"Invalid SYN cookies received (TcpExt SyncookiesFailed)"},
	[SW_C_LISTEN_OVERFLOWS] = {"sockwatch_tcp_listen_overflows_total",
		"Connections dropped because an accept queue was full (TcpExt ListenOverflows)"},
	[SW_C_LISTEN_DROPS] = {"sockwatch_tcp_listen_drops_total",
		"SYNs to a listener dropped for any reason (TcpExt ListenDrops)"},
	[SW_C_REQQ_FULL_DROP] = {"sockwatch_tcp_request_queue_full_drops_total",
		"SYNs dropped because a SYN queue was full and cookies were off (TcpExt TCPReqQFullDrop)"},
	[SW_C_REQQ_FULL_DO_COOKIES] = {"sockwatch_tcp_request_queue_full_cookies_total",
		"SYN cookies sent because a SYN queue was full (TcpExt TCPReqQFullDoCookies)"},
	[SW_C_PASSIVE_OPENS] = {"sockwatch_tcp_passive_opens_total",
		"Inbound connections opened (Tcp PassiveOpens)"},
	[SW_C_ACTIVE_OPENS] = {"sockwatch_tcp_active_opens_total",
		"Outbound connections opened (Tcp ActiveOpens)"},
	[SW_C_ATTEMPT_FAILS] = {"sockwatch_tcp_attempt_fails_total",
		"Connection attempts that failed (Tcp AttemptFails)"},
	[SW_C_ESTAB_RESETS] = {"sockwatch_tcp_established_resets_total",
		"Established connections reset (Tcp EstabResets)"},
	[SW_C_OUT_RSTS] = {"sockwatch_tcp_resets_sent_total",
		"TCP segments sent with RST (Tcp OutRsts)"},
	[SW_C_RETRANS_SEGS] = {"sockwatch_tcp_retransmitted_segments_total",
		"TCP segments retransmitted (Tcp RetransSegs)"},
	[SW_C_IN_ERRS] = {"sockwatch_tcp_receive_errors_total",
		"TCP segments received in error (Tcp InErrs)"},
	[SW_C_TIMEWAIT_OVERFLOW] = {"sockwatch_tcp_timewait_overflows_total",
		"TIME_WAIT sockets not made because the table was full (TcpExt TCPTimeWaitOverflow)"},
	[SW_C_UDP_IN_ERRORS] = {"sockwatch_udp_receive_errors_total",
		"UDP datagrams received in error, full buffers included (Udp InErrors)"},
	[SW_C_UDP_RCVBUF_ERRORS] = {"sockwatch_udp_receive_buffer_errors_total",
		"UDP datagrams dropped because a receive buffer was full (Udp RcvbufErrors)"},
};

static void sw_prom_host(struct sw_prom_ctx *c, const struct sw_prom_in *in)
{
	const struct sw_frame *f = in->f;

	sw_prom_family(c, "sockwatch_build_info", SW_PT_GAUGE,
		       "Always 1; the version of sockwatch in its label");
	sw_prom_begin(c, "sockwatch_build_info");
	sw_prom_lbl(c, "version", in->version ? in->version : "unknown");
	sw_prom_end_u(c, 1);
	sw_prom_one_u(c, "sockwatch_refreshes_total", SW_PT_COUNTER,
		      "Refreshes made (dumps of the sockets) since sockwatch started",
		      f->seq);
	sw_prom_one_u(c, "sockwatch_refresh_errors_total", SW_PT_COUNTER,
		      "Refreshes that failed (and were retried)",
		      in->refresh_errors);
	sw_prom_one_d(c, "sockwatch_refresh_duration_seconds",
		      "Wall time the last refresh took (dump, parse, aggregation)",
		      f->refresh_ms / 1e3);
	sw_prom_one_d(c, "sockwatch_refresh_cpu_seconds",
		      "CPU time the last refresh took", f->cpu_ms / 1e3);
	sw_prom_one_d(c, "sockwatch_last_refresh_timestamp_seconds",
		      "Wall clock of the last refresh (Unix time)",
		      (double)f->time_ns / 1e9);
}

static void sw_prom_states(struct sw_prom_ctx *c, const struct sw_agg *a)
{
	char name[24];
	unsigned s, i;

	sw_prom_family(c, "sockwatch_tcp_sockets", SW_PT_GAUGE,
		       "TCP sockets by state (request sockets are syn_recv)");
	for (s = 1; s < SW_ST_MAX; s++) {
		const char *n = sw_state_name(s);

		for (i = 0; n[i] && i + 1 < sizeof(name); i++)
			name[i] = (char)tolower((unsigned char)n[i]);
		name[i] = '\0';
		sw_prom_begin(c, "sockwatch_tcp_sockets");
		sw_prom_lbl(c, "state", name);
		sw_prom_end_u(c, a->states[s].count);
	}
	sw_prom_family(c, "sockwatch_udp_sockets", SW_PT_GAUGE,
		       "UDP sockets: connected (to one peer) or not (bound)");
	sw_prom_begin(c, "sockwatch_udp_sockets");
	sw_prom_lbl(c, "kind", "connected");
	sw_prom_end_u(c, a->udp_connected);
	sw_prom_begin(c, "sockwatch_udp_sockets");
	sw_prom_lbl(c, "kind", "unconnected");
	sw_prom_end_u(c, a->udp_unconnected);
}

static void sw_prom_kernel(struct sw_prom_ctx *c, const struct sw_counters *k)
{
	for (unsigned i = 0; i < SW_C_MAX; i++) {
		/* a counter the kernel lacks is not 0; one without a metric
		 * name yet (test_prom fails on it) is left out */
		if (!k->have[i] || !sw_prom_counters[i].name)
			continue;
		sw_prom_one_u(c, sw_prom_counters[i].name, SW_PT_COUNTER,
			      sw_prom_counters[i].help, k->val[i]);
	}
}

/* Listeners under most pressure first, then in the agg's order. */
static int sw_prom_lcmp(const void *pa, const void *pb, void *arg)
{
	const struct sw_listener *ls = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	uint64_t qa = (uint64_t)ls[a].syn_recv + ls[a].accept_queue;
	uint64_t qb = (uint64_t)ls[b].syn_recv + ls[b].accept_queue;

	if (qa != qb)
		return qa > qb ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* The listener families; each a loop over the chosen ones. */
enum sw_prom_lkind { SW_PL_ACCEPT, SW_PL_BACKLOG, SW_PL_SYN, SW_PL_AFILL,
		     SW_PL_SFILL, SW_PL_MAX };

static const struct {
	const char *name;
	const char *help;
} sw_prom_lfams[SW_PL_MAX] = {
	[SW_PL_ACCEPT] = {"sockwatch_listener_accept_queue",
		"Connections waiting in a TCP listener's accept queue"},
	[SW_PL_BACKLOG] = {"sockwatch_listener_backlog",
		"A TCP listener's backlog: the accept queue's limit"},
	[SW_PL_SYN] = {"sockwatch_listener_syn_queue",
		"Half-open connections (SYN_RECV) a TCP listener holds: its SYN queue"},
	[SW_PL_AFILL] = {"sockwatch_listener_accept_queue_fill_ratio",
		"Accept queue over backlog (1: full, connections are dropped)"},
	[SW_PL_SFILL] = {"sockwatch_listener_syn_queue_fill_ratio",
		"SYN queue over backlog (1: full, SYNs are dropped or answered with cookies)"},
};

static void sw_prom_listener_labels(struct sw_prom_ctx *c,
				    const struct sw_listener *l)
{
	char addr[SW_ADDR_STRLEN], port[8];

	sw_addr_format(l->family, l->addr, addr, sizeof(addr));
	snprintf(port, sizeof(port), "%u", l->port);
	sw_prom_lbl(c, "family", l->family == SW_V4 ? "ipv4" : "ipv6");
	sw_prom_lbl(c, "addr", addr);
	sw_prom_lbl(c, "port", port);
	sw_prom_lbl(c, "process", l->process);
}

static void sw_prom_listeners(struct sw_prom_ctx *c, const struct sw_agg *a)
{
	uint32_t *idx = a->nlisteners ? malloc(a->nlisteners * sizeof(*idx)) : NULL;
	uint32_t n = 0, i, shown, tcp = 0;
	unsigned k;

	if (a->nlisteners && !idx) {
		c->b->oom = true;
		return;
	}
	for (i = 0; i < a->nlisteners; i++)
		if (a->listeners[i].proto == SW_TCP)
			idx[n++] = i;
	tcp = n;
	if (n > 1)
		qsort_r(idx, n, sizeof(*idx), sw_prom_lcmp, a->listeners);
	shown = n < SW_PROM_LISTENERS_MAX ? n : SW_PROM_LISTENERS_MAX;
	for (k = 0; k < SW_PL_MAX; k++) {
		sw_prom_family(c, sw_prom_lfams[k].name, SW_PT_GAUGE,
			       sw_prom_lfams[k].help);
		for (i = 0; i < shown; i++) {
			const struct sw_listener *l = &a->listeners[idx[i]];
			double fill;

			if ((k == SW_PL_AFILL || k == SW_PL_SFILL) && !l->backlog)
				continue; /* no limit: no fill */
			sw_prom_begin(c, sw_prom_lfams[k].name);
			sw_prom_listener_labels(c, l);
			switch (k) { /* the value of each family */
			case SW_PL_ACCEPT: sw_prom_end_u(c, l->accept_queue); break;
			case SW_PL_BACKLOG: sw_prom_end_u(c, l->backlog); break;
			case SW_PL_SYN: sw_prom_end_u(c, l->syn_recv); break;
			default:
				fill = (double)(k == SW_PL_AFILL ? l->accept_queue
							      : l->syn_recv) /
				       l->backlog;
				sw_prom_end_d(c, fill);
			}
		}
	}
	free(idx);
	sw_prom_one_u(c, "sockwatch_listeners", SW_PT_GAUGE,
		      "TCP listening sockets", tcp);
	sw_prom_one_u(c, "sockwatch_listeners_omitted", SW_PT_GAUGE,
		      "TCP listeners left out of the sockwatch_listener_* series "
		      "(only those under most pressure are exported)",
		      tcp - shown);
}

static void sw_prom_remotes(struct sw_prom_ctx *c, const struct sw_prom_in *in)
{
	const struct sw_agg *a = in->f->agg;
	unsigned top = in->top ? in->top : SW_PROM_TOP_DEFAULT;
	uint32_t shown = a->nremotes < top ? a->nremotes : top, i;
	uint64_t all = 0, in_top = 0;
	char pfx[SW_ADDR_STRLEN + 4];

	if (top > SW_PROM_TOP_MAX)
		shown = a->nremotes < SW_PROM_TOP_MAX ? a->nremotes : SW_PROM_TOP_MAX;
	sw_prom_family(c, "sockwatch_remote_connections", SW_PT_GAUGE,
		       "Live sockets (all but TIME_WAIT) with the remote prefixes "
		       "that hold the most");
	for (i = 0; i < shown; i++) {
		const struct sw_prefix *p = &a->remotes[i].pfx;

		sw_prefix_format(p, pfx, SW_ADDR_STRLEN);
		if (p->plen == sw_family_bits(p->family))
			snprintf(pfx + strlen(pfx), 5, "/%u", p->plen);
		sw_prom_begin(c, "sockwatch_remote_connections");
		sw_prom_lbl(c, "prefix", pfx);
		sw_prom_end_u(c, a->remotes[i].count);
		in_top += a->remotes[i].count;
	}
	sw_prom_family(c, "sockwatch_remote_new_connections_per_second",
		       SW_PT_GAUGE,
		       "New connections per second from the same prefixes, over the "
		       "last refresh interval (absent on the first refresh)");
	for (i = 0; a->have_prev && i < shown; i++) {
		const struct sw_prefix *p = &a->remotes[i].pfx;

		sw_prefix_format(p, pfx, SW_ADDR_STRLEN);
		if (p->plen == sw_family_bits(p->family))
			snprintf(pfx + strlen(pfx), 5, "/%u", p->plen);
		sw_prom_begin(c, "sockwatch_remote_new_connections_per_second");
		sw_prom_lbl(c, "prefix", pfx);
		sw_prom_end_d(c, a->remotes[i].new_per_s);
	}
	for (i = 0; i < a->nremotes; i++)
		all += a->remotes[i].count;
	sw_prom_one_u(c, "sockwatch_remotes", SW_PT_GAUGE,
		      "Remote prefixes with live sockets", a->nremotes);
	sw_prom_one_u(c, "sockwatch_remotes_omitted", SW_PT_GAUGE,
		      "Remote prefixes left out of sockwatch_remote_* (not in the top N)",
		      a->nremotes - shown);
	sw_prom_one_u(c, "sockwatch_remotes_omitted_connections", SW_PT_GAUGE,
		      "Live sockets with the remote prefixes left out", all - in_top);
}

/* "host", "tcp/80", "tcp/192.0.2.1:80", "203.0.113.0/24", "local tcp/8080",
 * "198.51.100.7:443" (a remote with its port). */
static void sw_prom_subject(const struct sw_finding_subject *s, char *buf,
			    size_t len)
{
	char a[SW_ADDR_STRLEN];
	const char *proto = sw_proto_name(s->proto);

	switch (s->kind) { /* one text per subject kind */
	case SW_SUBJ_LISTENER:
		if (s->family) {
			sw_addr_format(s->family, s->addr, a, sizeof(a));
			snprintf(buf, len, s->family == SW_V6 ? "%s/[%s]:%u" : "%s/%s:%u",
				 proto, a, s->port);
		} else {
			snprintf(buf, len, "%s/%u", proto, s->port);
		}
		break;
	case SW_SUBJ_REMOTE:
		sw_prefix_format(&s->remote, a, sizeof(a));
		if (s->port)
			snprintf(buf, len, s->remote.family == SW_V6 ? "[%s]:%u" : "%s:%u",
				 a, s->port);
		else
			snprintf(buf, len, "%s", a);
		break;
	case SW_SUBJ_LOCAL:
		snprintf(buf, len, "local %s/%u", proto, s->port);
		break;
	default:
		snprintf(buf, len, "host");
	}
}

static void sw_prom_findings(struct sw_prom_ctx *c, const struct sw_frame *f)
{
	size_t n = f->findings ? f->nfindings : 0, i;
	char subj[SW_ADDR_STRLEN + 32];

	if (n > SW_PROM_FINDINGS_MAX)
		n = SW_PROM_FINDINGS_MAX;
	sw_prom_family(c, "sockwatch_finding", SW_PT_GAUGE,
		       "Always 1: a finding of the diagnosis that holds now");
	for (i = 0; i < n; i++) {
		const struct sw_finding *x = &f->findings[i];

		sw_prom_subject(&x->subject, subj, sizeof(subj));
		sw_prom_begin(c, "sockwatch_finding");
		sw_prom_lbl(c, "kind", sw_finding_kind_name(x->kind));
		sw_prom_lbl(c, "severity", sw_severity_name(x->severity));
		sw_prom_lbl(c, "subject", subj);
		sw_prom_end_u(c, 1);
	}
	sw_prom_one_u(c, "sockwatch_findings", SW_PT_GAUGE,
		      "Findings of the diagnosis that hold now (all, also those "
		      "left out of sockwatch_finding)",
		      f->findings ? f->nfindings : 0);
}

static void sw_prom_blocks(struct sw_prom_ctx *c, const struct sw_prom_in *in)
{
	static const struct {
		const char *name;
		const char *help;
	} fams[3] = {
		{"sockwatch_block_targets", "Addresses or prefixes blocked in the set"},
		{"sockwatch_block_dropped_packets",
		 "Packets dropped by the set's blocks listed now (falls when a block ends)"},
		{"sockwatch_block_dropped_bytes",
		 "Bytes dropped by the set's blocks listed now (falls when a block ends)"},
	};
	size_t i, k;

	for (k = 0; k < 3; k++) {
		sw_prom_family(c, fams[k].name, SW_PT_GAUGE, fams[k].help);
		for (i = 0; i < in->nsets; i++) {
			const struct sw_prom_set *s = &in->sets[i];

			sw_prom_begin(c, fams[k].name);
			sw_prom_lbl(c, "set", s->name);
			sw_prom_end_u(c, k == 0 ? s->targets : k == 1 ? s->packets
								   : s->bytes);
		}
	}
}

static void sw_prom_bans(struct sw_prom_ctx *c, const struct sw_prom_in *in)
{
	size_t n = in->nbans < SW_PROM_RULES_MAX ? in->nbans : SW_PROM_RULES_MAX;

	sw_prom_family(c, "sockwatch_rule_bans_total", SW_PT_COUNTER,
		       "Blocks a rule asked for since sockwatch started");
	for (size_t i = 0; i < n; i++) {
		sw_prom_begin(c, "sockwatch_rule_bans_total");
		sw_prom_lbl(c, "rule", in->bans[i].rule);
		sw_prom_end_u(c, in->bans[i].bans);
	}
}

const unsigned sw_prom_http_codes[SW_PROM_HTTP_CODES] = {200, 403, 404, 405, 500, 503};

unsigned sw_prom_http_index(unsigned code)
{
	for (unsigned i = 0; i < SW_PROM_HTTP_CODES; i++)
		if (sw_prom_http_codes[i] == code)
			return i;
	return 4;
}

/* The endpoint's and the textfile's own health. */
static void sw_prom_outputs(struct sw_prom_ctx *c, const struct sw_prom_in *in)
{
	char code[8];

	if (in->http) {
		sw_prom_family(c, "sockwatch_http_requests_total", SW_PT_COUNTER,
			       "Requests the metrics endpoint answered, by status code");
		for (unsigned i = 0; i < SW_PROM_HTTP_CODES; i++) {
			snprintf(code, sizeof(code), "%u", sw_prom_http_codes[i]);
			sw_prom_begin(c, "sockwatch_http_requests_total");
			sw_prom_lbl(c, "code", code);
			sw_prom_end_u(c, in->http->answered[i]);
		}
	}
	if (in->textfile)
		sw_prom_one_u(c, "sockwatch_textfile_errors_total", SW_PT_COUNTER,
			      "Writes of the --textfile file that failed",
			      in->textfile_errors);
}

void sw_prom_render(struct sw_buf *b, const struct sw_prom_in *in,
		    enum sw_prom_format fmt)
{
	struct sw_prom_ctx c = { .b = b, .fmt = fmt };

	sw_prom_host(&c, in);
	sw_prom_states(&c, in->f->agg);
	sw_prom_kernel(&c, &in->f->counters);
	sw_prom_listeners(&c, in->f->agg);
	sw_prom_remotes(&c, in);
	sw_prom_findings(&c, in->f);
	if (in->sets)
		sw_prom_blocks(&c, in);
	if (in->bans)
		sw_prom_bans(&c, in);
	sw_prom_outputs(&c, in);
	if (fmt == SW_PROM_OPENMETRICS)
		sw_buf_puts(b, "# EOF\n");
}

const char *sw_prom_content_type(enum sw_prom_format fmt)
{
	return fmt == SW_PROM_OPENMETRICS
		       ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
		       : "text/plain; version=0.0.4; charset=utf-8";
}

/* The q of one media range's parameters ("; version=1.0.0;q=0.5"). */
static double sw_prom_q(const char *p, const char *end)
{
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));

		if (!semi)
			break;
		p = semi + 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
			return strtod(p + 2, NULL);
	}
	return 1.0;
}

enum sw_prom_format sw_prom_negotiate(const char *accept)
{
	double om = 0, text = 0;
	const char *p = accept;

	while (p && *p) {
		const char *end = strchr(p, ','), *t;
		size_t n;

		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		for (t = p; t < end && *t != ';' && *t != ' '; t++)
			;
		n = (size_t)(t - p);
		if (n == 28 && !strncasecmp(p, "application/openmetrics-text", n)) {
			double q = sw_prom_q(p, end);

			om = q > om ? q : om;
		} else if ((n == 10 && !strncasecmp(p, "text/plain", n)) ||
			   (n == 3 && !strncmp(p, "*/*", n))) {
			double q = sw_prom_q(p, end);

			text = q > text ? q : text;
		}
		p = *end ? end + 1 : end;
	}
	return om > 0 && om > text ? SW_PROM_OPENMETRICS : SW_PROM_TEXT;
}
