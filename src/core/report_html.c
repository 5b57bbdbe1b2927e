/* report_html.c - the incident report as one self-contained HTML page
 * (sw_incident.h): the summary, then timelines of the states and the
 * counters, the top sources and the listening ports under pressure (inline
 * SVG, report_svg.c), the episodes with their start and end, and every
 * action of the audit log. No scripts, fonts, images or links. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_svg.h"
#include "sw_report.h"

#define SW_HTML_SOURCES 8    /* sources drawn (all kept are listed) */
#define SW_HTML_PORTS 4      /* ports drawn */
#define SW_HTML_COUNTERS 8   /* counters drawn: the busiest */

static const char sw_html_style[] =
	"body{font-family:sans-serif;margin:24px auto;max-width:1000px;color:#222}"
	"h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}"
	".summary{font-size:16px;background:#f4f6fa;border-left:4px solid #1f77b4;"
	"padding:10px 14px}.note{background:#fff3e0;border-left:4px solid #e07000;"
	"padding:8px 14px}.meta{color:#555;font-size:13px}"
	"table{border-collapse:collapse;font-size:13px;margin:8px 0}"
	"td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}"
	"th{background:#f0f0f0}td.n{text-align:right}"
	".legend{list-style:none;padding:0;font-size:12px;margin:2px 0 10px}"
	".legend li{display:inline-block;margin-right:14px}"
	".legend span{display:inline-block;width:12px;height:12px;margin-right:4px;"
	"vertical-align:middle}svg.chart{max-width:100%;height:auto}";

static void sw_html_cell(struct sw_buf *b, const char *s, bool num)
{
	sw_buf_puts(b, num ? "<td class=\"n\">" : "<td>");
	sw_html_esc(b, s);
	sw_buf_puts(b, "</td>");
}

static void sw_html_head(struct sw_buf *b, const struct sw_incident *inc,
			 const struct sw_report_src *src)
{
	char t0[40], t1[40];

	sw_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
		    "'none'; style-src 'unsafe-inline'\"><title>sockwatch report: ");
	sw_html_esc(b, src->recording);
	sw_buf_printf(b, "</title><style>%s</style></head><body>\n", sw_html_style);
	sw_buf_puts(b, "<h1>sockwatch incident report</h1>\n<p class=\"meta\">Recording ");
	sw_html_esc(b, src->recording);
	if (inc->frames)
		sw_buf_printf(b, ": %llu refreshes from %s to %s (times in UTC)",
			      (unsigned long long)inc->frames,
			      sw_report_time(inc->first_ns, t0, sizeof(t0)),
			      sw_report_time(inc->last_ns, t1, sizeof(t1)));
	if (src->audit) {
		sw_buf_puts(b, ". Audit log ");
		sw_html_esc(b, src->audit);
		sw_buf_printf(b, ": %zu actions", inc->nevents);
		if (inc->events_bad)
			sw_buf_printf(b, ", %lu lines that are no audit record", inc->events_bad);
		if (inc->events_dropped)
			sw_buf_printf(b, ", %lu more not read (the report keeps %u)",
				      inc->events_dropped, SW_INC_EVENTS);
	}
	sw_buf_puts(b, ".</p>\n");
}

static void sw_html_summary(struct sw_buf *b, const struct sw_incident *inc,
			    const struct sw_report_src *src)
{
	struct sw_buf s;

	sw_buf_init(&s);
	sw_report_summary(&s, inc, src);
	sw_buf_puts(b, "<p id=\"summary\" class=\"summary\">");
	sw_html_esc(b, s.data && !s.oom ? s.data : "");
	sw_buf_puts(b, "</p>\n");
	sw_buf_free(&s);
	if (src->note) {
		sw_buf_puts(b, "<p id=\"note\" class=\"note\">This report covers what was "
			    "readable: ");
		sw_html_esc(b, src->note);
		sw_buf_puts(b, "</p>\n");
	}
}

static void sw_html_states(struct sw_buf *b, const struct sw_incident *inc)
{
	struct sw_svg_line lines[SW_ST_MAX + 1];
	unsigned n = 0, i;

	sw_buf_puts(b, "<h2>Sockets by TCP state</h2>\n");
	lines[n++] = (struct sw_svg_line){ inc->s_total, false, "all sockets" };
	for (i = 0; i < sw_state_norder; i++) {
		unsigned s = sw_state_order[i];

		if (inc->peak_state[s])
			lines[n++] = (struct sw_svg_line){ inc->s_state[s], false,
							   sw_state_name(s) };
	}
	sw_svg_chart(b, inc, "chart-states", "sockets by TCP state over time", lines, n);
}

static float sw_html_series_max(const struct sw_incident *inc, int s)
{
	float m = 0;
	uint32_t i;

	for (i = 0; i < inc->ss.n; i++) {
		float v = sw_sset_mean(&inc->ss, s, i);

		if (v > m)
			m = v;
	}
	return m;
}

static void sw_html_counters(struct sw_buf *b, const struct sw_incident *inc)
{
	struct sw_svg_line lines[SW_C_MAX];
	float top[SW_C_MAX];
	unsigned n = 0, c, k;

	/* the busiest counters, by their highest mean (insertion sort) */
	for (c = 0; c < SW_C_MAX; c++) {
		float m = sw_html_series_max(inc, inc->s_rate[c]);

		if (!(m > 0))
			continue;
		for (k = n; k > 0 && top[k - 1] < m; k--) {
			top[k] = top[k - 1];
			lines[k] = lines[k - 1];
		}
		top[k] = m;
		lines[k] = (struct sw_svg_line){ inc->s_rate[c], true, sw_counter_name(c) };
		n++;
	}
	if (n > SW_HTML_COUNTERS)
		n = SW_HTML_COUNTERS;
	sw_buf_puts(b, "<h2>Counters (per second)</h2>\n");
	sw_svg_chart(b, inc, "chart-counters", "protocol counters per second over time",
		     lines, n);
	if (!n)
		sw_buf_puts(b, "<p>No counter moved.</p>\n");
}

static void sw_html_sources(struct sw_buf *b, const struct sw_incident *inc)
{
	struct sw_svg_line lines[SW_HTML_SOURCES];
	char names[SW_HTML_SOURCES][SW_ADDR_STRLEN], pk[32], nw[32], when[16];
	unsigned n = 0, i;

	for (i = 0; i < inc->nremotes && n < SW_HTML_SOURCES; i++, n++) {
		sw_prefix_format(&inc->remotes[i].pfx, names[n], sizeof(names[n]));
		lines[n] = (struct sw_svg_line){ inc->remotes[i].s_conn, false, names[n] };
	}
	sw_buf_puts(b, "<h2>Top sources (connections)</h2>\n");
	sw_svg_chart(b, inc, "chart-sources", "connections of the top sources over time",
		     lines, n);
	if (!inc->nremotes) {
		sw_buf_puts(b, "<p>No remote held a connection.</p>\n");
		return;
	}
	sw_buf_puts(b, "<table id=\"sources\"><tr><th>remote</th><th>peak connections</th>"
		    "<th>at</th><th>peak new/s</th></tr>\n");
	for (i = 0; i < inc->nremotes; i++) {
		const struct sw_inc_remote *r = &inc->remotes[i];
		char a[SW_ADDR_STRLEN];

		sw_buf_puts(b, "<tr>");
		sw_html_cell(b, sw_prefix_format(&r->pfx, a, sizeof(a)), false);
		sw_html_cell(b, sw_report_thousands(r->peak, pk, sizeof(pk)), true);
		sw_html_cell(b, sw_report_clock(r->peak_ns, when, sizeof(when)), false);
		sw_html_cell(b, sw_report_thousands(r->peak_new, nw, sizeof(nw)), true);
		sw_buf_puts(b, "</tr>\n");
	}
	sw_buf_puts(b, "</table>\n");
}

static void sw_html_listeners(struct sw_buf *b, const struct sw_incident *inc)
{
	struct sw_svg_line lines[2 * SW_HTML_PORTS];
	char names[2 * SW_HTML_PORTS][40], v[32];
	unsigned n = 0, i;

	for (i = 0; i < inc->nlisteners && i < SW_HTML_PORTS; i++) {
		snprintf(names[n], sizeof(names[n]), ":%u SYN_RECV", inc->listeners[i].port);
		lines[n] = (struct sw_svg_line){ inc->listeners[i].s_syn, false, names[n] };
		n++;
		snprintf(names[n], sizeof(names[n]), ":%u accept queue", inc->listeners[i].port);
		lines[n] = (struct sw_svg_line){ inc->listeners[i].s_acc, false, names[n] };
		n++;
	}
	sw_buf_puts(b, "<h2>Listeners under pressure</h2>\n");
	sw_svg_chart(b, inc, "chart-listeners",
		     "SYN_RECV and accept queue of the listening ports over time", lines, n);
	if (!inc->nlisteners) {
		sw_buf_puts(b, "<p>No listening port had half-open connections or a "
			    "queue.</p>\n");
		return;
	}
	sw_buf_puts(b, "<table id=\"listeners\"><tr><th>port</th><th>process</th>"
		    "<th>peak SYN_RECV</th><th>peak accept queue</th><th>backlog</th></tr>\n");
	for (i = 0; i < inc->nlisteners; i++) {
		const struct sw_inc_listener *l = &inc->listeners[i];

		snprintf(v, sizeof(v), "%s :%u", sw_proto_name(l->proto), l->port);
		sw_buf_puts(b, "<tr>");
		sw_html_cell(b, v, false);
		sw_html_cell(b, l->process[0] ? l->process : "-", false);
		sw_html_cell(b, sw_report_thousands(l->peak_syn, v, sizeof(v)), true);
		sw_html_cell(b, sw_report_thousands(l->peak_acc, v, sizeof(v)), true);
		sw_html_cell(b, sw_report_thousands(l->backlog, v, sizeof(v)), true);
		sw_buf_puts(b, "</tr>\n");
	}
	sw_buf_puts(b, "</table>\n");
}

static void sw_html_episodes(struct sw_buf *b, const struct sw_incident *inc,
			     bool findings)
{
	unsigned i, n = 0;
	char t[16], pk[32];

	sw_buf_printf(b, "<h2>%s</h2>\n", findings ? "Findings of the diagnosis"
						   : "What the numbers show");
	for (i = 0; i < inc->nepisodes; i++) {
		const struct sw_inc_episode *e = &inc->episodes[i];

		if (e->finding != findings)
			continue;
		if (!n++)
			sw_buf_printf(b, "<table id=\"%s\"><tr><th>what</th><th>from</th>"
				      "<th>to</th><th>peak</th><th>at</th><th>%s</th></tr>\n",
				      findings ? "findings" : "episodes",
				      findings ? "finding" : "threshold");
		sw_buf_puts(b, "<tr>");
		sw_html_cell(b, e->label, false);
		sw_html_cell(b, sw_report_clock(e->start_ns, t, sizeof(t)), false);
		sw_html_cell(b, e->last_frame == inc->frames ? "(the end)"
					: sw_report_clock(e->end_ns, t, sizeof(t)), false);
		sw_report_thousands(e->peak, pk, sizeof(pk));
		sw_buf_printf(b, "<td class=\"n\">%s ", pk);
		sw_html_esc(b, e->unit);
		sw_buf_puts(b, "</td>");
		sw_html_cell(b, sw_report_clock(e->peak_ns, t, sizeof(t)), false);
		if (findings) {
			sw_html_cell(b, e->text, false);
		} else {
			snprintf(pk, sizeof(pk), "%s",
				 !strcmp(e->kind, "syn_recv") ? "SYN_RECV >= 100"
				 : !strcmp(e->kind, "connections") ? "connections >= 200"
				 : !strcmp(e->kind, "new_connections") ? "new/s >= 50"
				 : "queue = backlog");
			sw_html_cell(b, pk, false);
		}
		sw_buf_puts(b, "</tr>\n");
	}
	if (n)
		sw_buf_puts(b, "</table>\n");
	else if (findings)
		sw_buf_puts(b, "<p id=\"findings\">The diagnosis found nothing in these "
			    "refreshes.</p>\n");
	else
		sw_buf_puts(b, "<p id=\"episodes\">No port or source crossed the "
			    "thresholds.</p>\n");
	if (inc->episodes_dropped && findings)
		sw_buf_printf(b, "<p>%lu more episodes not kept.</p>\n", inc->episodes_dropped);
}

static void sw_html_actions(struct sw_buf *b, const struct sw_incident *inc,
			    const struct sw_report_src *src)
{
	size_t k, n = 0, outside = 0;
	char t[16], v[96];

	sw_buf_puts(b, "<h2>Actions (audit log)</h2>\n");
	if (!src->audit) {
		sw_buf_puts(b, "<p id=\"actions\">No audit log was given (sockwatch report "
			    "FILE --audit /var/log/sockwatch.log).</p>\n");
		return;
	}
	for (k = 0; k < inc->nevents; k++) {
		const struct sw_audit_event *e = &inc->events[k];

		if (!sw_incident_in_time(inc, e)) {
			outside++;
			continue;
		}
		if (!n++)
			sw_buf_puts(b, "<table id=\"actions\"><tr><th>time</th><th>action</th>"
				    "<th>target</th><th>outcome</th><th>by</th><th>count</th>"
				    "<th>reason</th><th>detail</th></tr>\n");
		sw_buf_puts(b, "<tr>");
		sw_html_cell(b, sw_report_clock(e->time_ns, t, sizeof(t)), false);
		sw_html_cell(b, e->action, false);
		sw_html_cell(b, e->target, false);
		sw_html_cell(b, e->outcome, false);
		if (e->rule[0])
			snprintf(v, sizeof(v), "rule %s", e->rule);
		else
			snprintf(v, sizeof(v), "%s", e->user);
		sw_html_cell(b, v, false);
		if (e->count >= 0)
			snprintf(v, sizeof(v), "%ld", e->count);
		else
			v[0] = '\0';
		sw_html_cell(b, v, true);
		sw_html_cell(b, e->reason, false);
		sw_html_cell(b, e->detail, false);
		sw_buf_puts(b, "</tr>\n");
	}
	if (n)
		sw_buf_puts(b, "</table>\n");
	else
		sw_buf_puts(b, "<p id=\"actions\">No action in the recording's time.</p>\n");
	if (outside)
		sw_buf_printf(b, "<p>%zu actions of the log fall outside the recording's "
			      "time and are left out.</p>\n", outside);
}

void sw_report_html(struct sw_buf *b, const struct sw_incident *inc,
		    const struct sw_report_src *src)
{
	sw_html_head(b, inc, src);
	sw_html_summary(b, inc, src);
	sw_html_states(b, inc);
	sw_html_counters(b, inc);
	sw_html_sources(b, inc);
	sw_html_listeners(b, inc);
	sw_html_episodes(b, inc, true);
	sw_html_episodes(b, inc, false);
	sw_html_actions(b, inc, src);
	sw_buf_puts(b, "<p class=\"meta\">Made by sockwatch " SW_VERSION
		    " report. Charts: the highest value of each point; counters: the "
		    "mean. Marks: B block, R a rule's block, U unblock, E expiry, K kill, "
		    "X refusal.</p>\n"
		    "</body></html>\n");
}
