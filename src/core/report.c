/* report.c - a frame as NDJSON or as text tables. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sw_addr.h"
#include "sw_report.h"

char *sw_report_time(uint64_t time_ns, char *buf, size_t len)
{
	time_t t = (time_t)(time_ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec,
		 (unsigned)(time_ns % 1000000000ull / 1000000));
	return buf;
}

static uint32_t sw_report_nrows(const struct sw_agg *a, long top)
{
	return top <= 0 || (uint64_t)top > a->nremotes ? a->nremotes
						       : (uint32_t)top;
}

static bool sw_report_counter_rates(const struct sw_frame *f)
{
	return f->have_prev_counters && f->interval_s > 0;
}

static double sw_report_rate(const struct sw_frame *f, unsigned c)
{
	return sw_counters_rate(&f->prev_counters, &f->counters, c,
				f->interval_s);
}

/* A rate that is not known (the first refresh) is null, not 0. */
static void sw_report_json_rate(struct sw_buf *b, bool known, double v)
{
	if (known)
		sw_buf_json_num(b, v, 3);
	else
		sw_buf_puts(b, "null");
}

/* The same in text: "-" right-aligned in width w. */
static void sw_report_text_rate(struct sw_buf *b, bool known, double v, int w)
{
	if (known)
		sw_buf_printf(b, "%*.1f", w, v);
	else
		sw_buf_printf(b, "%*s", w, "-");
}

void sw_report_json(struct sw_buf *b, const struct sw_frame *f,
		    const struct sw_report_opts *o)
{
	const struct sw_agg *a = f->agg;
	char tbuf[40], addr[SW_ADDR_STRLEN];
	uint32_t i, n = sw_report_nrows(a, o->top);
	unsigned k;

	sw_buf_printf(b, "{\"time\": \"%s\", \"seq\": %" PRIu64 ", \"interval_s\": ",
		      sw_report_time(f->time_ns, tbuf, sizeof(tbuf)), f->seq);
	sw_buf_json_num(b, f->interval_s, 6);
	sw_buf_puts(b, ", \"refresh_ms\": ");
	sw_buf_json_num(b, f->refresh_ms, 3);
	sw_buf_puts(b, ", \"cpu_ms\": ");
	sw_buf_json_num(b, f->cpu_ms, 3);
	sw_buf_puts(b, ", \"filter\": ");
	sw_buf_json_str(b, o->filter ? o->filter : "");
	sw_buf_printf(b, ", \"group\": {\"v4\": %u, \"v6\": %u}",
		      o->group_v4 ? o->group_v4 : 32,
		      o->group_v6 ? o->group_v6 : 128);
	/* always there, live or replayed: null when not known (a recording
	 * does not hold the name) */
	sw_buf_puts(b, ", \"netns\": ");
	if (o->netns)
		sw_buf_json_str(b, o->netns);
	else
		sw_buf_puts(b, "null");
	sw_buf_puts(b, ", \"backend\": ");
	sw_buf_json_str(b, f->backend ? f->backend : "unknown");
	sw_buf_printf(b,
		      ", \"sockets\": {\"total\": %u, \"tcp\": %u, \"udp\": %u, "
		      "\"udp_connected\": %u, \"udp_unconnected\": %u, "
		      "\"opened\": %u, \"closed\": %u, \"changed\": %u, "
		      "\"duplicates\": %u, \"dumped\": %u}",
		      a->total, a->tcp, a->udp, a->udp_connected,
		      a->udp_unconnected, a->opened, a->closed, a->changed,
		      f->snap ? f->snap->dups : 0, f->snap ? f->snap->dumped : 0);

	/* null when not diagnosed, [] when all is well */
	sw_buf_puts(b, ", \"diagnosis\": ");
	if (o->no_diagnosis)
		sw_buf_puts(b, "null");
	else
		sw_report_findings_json(b, f);

	sw_buf_puts(b, ", \"states\": [");
	for (k = 0; k < sw_state_norder; k++) {
		const struct sw_state_row *r = &a->states[sw_state_order[k]];

		sw_buf_printf(b, "%s{\"state\": \"%s\", \"count\": %u, \"delta\": ",
			      k ? ", " : "", sw_state_name(sw_state_order[k]),
			      r->count);
		/* the first refresh has nothing to compare with: not 0 */
		if (a->have_prev)
			sw_buf_printf(b, "%" PRId64 ", \"entered\": %u", r->delta,
				      r->entered);
		else
			sw_buf_puts(b, "null, \"entered\": null");
		sw_buf_puts(b, ", \"entered_per_s\": ");
		sw_report_json_rate(b, a->have_prev, r->entered_per_s);
		sw_buf_puts(b, "}");
	}

	sw_buf_printf(b, "], \"remotes_total\": %u, \"remotes\": [", a->nremotes);
	for (i = 0; i < n; i++) {
		const struct sw_remote *r = &a->remotes[i];

		sw_buf_printf(b, "%s{\"addr\": \"%s\", \"prefix\": %u, \"count\": %u, "
			      "\"time_wait\": %u, \"inbound\": %u, \"outbound\": %u, "
			      "\"new\": ",
			      i ? ", " : "",
			      sw_addr_format(r->pfx.family, r->pfx.bytes, addr,
					     sizeof(addr)),
			      r->pfx.plen, r->count, r->tw, r->inbound, r->outbound);
		if (a->have_prev)
			sw_buf_printf(b, "%u", r->new_conns);
		else
			sw_buf_puts(b, "null");
		sw_buf_puts(b, ", \"new_per_s\": ");
		sw_report_json_rate(b, a->have_prev, r->new_per_s);
		/* from the info dump's tcp_info: null until measured twice */
		sw_buf_puts(b, ", \"rx_bytes_per_s\": ");
		sw_report_json_rate(b, r->rx_per_s >= 0, r->rx_per_s);
		sw_buf_puts(b, ", \"states\": {");
		for (k = 0; k < sw_state_norder; k++)
			sw_buf_printf(b, "%s\"%s\": %u", k ? ", " : "",
				      sw_state_name(sw_state_order[k]),
				      r->states[sw_state_order[k]]);
		sw_buf_printf(b, "}, \"udp\": %u}", r->udp);
	}

	sw_buf_puts(b, "], \"listeners\": [");
	for (i = 0; i < a->nlisteners; i++) {
		const struct sw_listener *l = &a->listeners[i];

		sw_buf_printf(b, "%s{\"proto\": \"%s\", \"addr\": \"%s\", \"port\": %u, "
			      "\"accept_queue\": %u, \"backlog\": %u, "
			      "\"syn_recv\": %u, \"established\": %u, \"process\": ",
			      i ? ", " : "", sw_proto_name(l->proto),
			      sw_addr_format(l->family, l->addr, addr, sizeof(addr)),
			      l->port, l->accept_queue, l->backlog, l->syn_recv,
			      l->established);
		sw_buf_json_str(b, l->process);
		sw_buf_printf(b, ", \"pid\": %d}", l->pid);
	}

	sw_buf_puts(b, "], \"counters\": {");
	for (k = 0, i = 0; k < SW_C_MAX; k++) {
		if (!f->counters.have[k])
			continue;
		sw_buf_printf(b, "%s\"%s\": {\"total\": %" PRIu64 ", \"per_s\": ",
			      i++ ? ", " : "", sw_counter_name(k),
			      f->counters.val[k]);
		sw_report_json_rate(b, sw_report_counter_rates(f),
				    sw_report_rate(f, k));
		sw_buf_puts(b, "}");
	}
	sw_buf_puts(b, "}}\n");
}

void sw_report_text(struct sw_buf *b, const struct sw_frame *f,
		    const struct sw_report_opts *o)
{
	const struct sw_agg *a = f->agg;
	char tbuf[40], addr[SW_ADDR_STRLEN], ep[SW_ENDPOINT_STRLEN], st[64];
	uint32_t i, n = sw_report_nrows(a, o->top);
	unsigned k;

	sw_buf_printf(b, "sockwatch %s%s%s  refresh %.1f ms",
		      sw_report_time(f->time_ns, tbuf, sizeof(tbuf)),
		      o->netns ? "  netns " : "", o->netns ? o->netns : "",
		      f->refresh_ms);
	if (f->interval_s > 0)
		sw_buf_printf(b, "  interval %.2f s", f->interval_s);
	if (o->filter && *o->filter) {
		sw_buf_puts(b, "  filter '");
		sw_buf_puts_safe(b, o->filter);
		sw_buf_puts(b, "'");
	}
	sw_buf_printf(b, "\nsockets %u (tcp %u, udp %u)", a->total, a->tcp, a->udp);
	if (a->have_prev)
		sw_buf_printf(b, "  opened %u  closed %u  changed %u", a->opened,
			      a->closed, a->changed);
	sw_buf_puts(b, "\n\n");
	sw_report_findings_text(b, f);

	sw_buf_printf(b, "%-12s %8s %8s %10s\n", "STATE", "COUNT", "DELTA",
		      "ENTERED/S");
	for (k = 0; k < sw_state_norder; k++) {
		const struct sw_state_row *r = &a->states[sw_state_order[k]];

		sw_buf_printf(b, "%-12s %8u ", sw_state_name(sw_state_order[k]),
			      r->count);
		if (a->have_prev)
			sw_buf_printf(b, "%+8" PRId64 " ", r->delta);
		else
			sw_buf_printf(b, "%8s ", "-");
		sw_report_text_rate(b, a->have_prev, r->entered_per_s, 10);
		sw_buf_puts(b, "\n");
	}
	sw_buf_printf(b, "%-12s %8u\n%-12s %8u\n\n", "UDP-CONN", a->udp_connected,
		      "UDP-UNCONN", a->udp_unconnected);

	sw_buf_printf(b, "%-*s %8s %8s %8s  %s", 40, "REMOTE", "CONN", "TW",
		      "NEW/S", "STATES");
	if (n < a->nremotes)
		sw_buf_printf(b, "   (top %u of %u)", n, a->nremotes);
	sw_buf_puts(b, "\n");
	for (i = 0; i < n; i++) {
		const struct sw_remote *r = &a->remotes[i];

		sw_agg_fmt_states(r, NULL, st, sizeof(st));
		sw_buf_printf(b, "%-40s %8u %8u ",
			      sw_prefix_format(&r->pfx, addr, sizeof(addr)),
			      r->count, r->tw);
		sw_report_text_rate(b, a->have_prev, r->new_per_s, 8);
		sw_buf_printf(b, "  %s%s\n", st,
			      !r->outbound ? "" : r->inbound ? "  (partly outbound)"
							      : "  (outbound)");
	}

	sw_buf_printf(b, "\n%-5s %-46s %8s %8s %8s %8s  %s\n", "PROTO",
		      "LOCAL", "ACCEPTQ", "BACKLOG", "SYN_RECV", "ESTAB",
		      "PROCESS");
	for (i = 0; i < a->nlisteners; i++) {
		const struct sw_listener *l = &a->listeners[i];

		sw_endpoint_format(l->family, l->addr, l->port, ep, sizeof(ep));
		sw_buf_printf(b, "%-5s %-46s %8u %8u %8u %8u  ",
			      sw_proto_name(l->proto), ep, l->accept_queue,
			      l->backlog, l->syn_recv, l->established);
		if (l->pid) {
			sw_buf_puts_safe(b, l->process);
			sw_buf_printf(b, "/%d\n", l->pid);
		}
		else
			sw_buf_puts(b, "-\n");
	}

	sw_buf_printf(b, "\n%-22s %14s %10s\n", "COUNTER", "TOTAL", "PER_S");
	for (k = 0; k < SW_C_MAX; k++) {
		if (!f->counters.have[k])
			continue;
		sw_buf_printf(b, "%-22s %14" PRIu64 " ", sw_counter_name(k),
			      f->counters.val[k]);
		sw_report_text_rate(b, sw_report_counter_rates(f),
				    sw_report_rate(f, k), 10);
		sw_buf_puts(b, "\n");
	}
}
