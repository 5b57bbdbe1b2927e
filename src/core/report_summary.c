/* report_summary.c - the report's summary paragraph and its JSON form
 * (sw_incident.h): the episodes (the diagnosis' when it found any, else
 * what the numbers show), then the blocks and other actions of the audit
 * log in the recording's time. Times are UTC. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sw_incident.h"
#include "sw_report.h"

#define SW_SUMMARY_EPISODES 3
#define SW_SUMMARY_BLOCKS 3

char *sw_report_clock(uint64_t time_ns, char *buf, size_t len)
{
	time_t t = (time_t)(time_ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		snprintf(buf, len, "?");
	else
		strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

char *sw_report_thousands(double v, char *buf, size_t len)
{
	char tmp[32];
	size_t n, i, o = 0;
	long long x;

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (v != floor(v) && fabs(v) < 100) {
		snprintf(buf, len, "%.1f", v);
		return buf;
	}
	x = llround(v);
	snprintf(tmp, sizeof(tmp), "%lld", x < 0 ? -x : x);
	n = strlen(tmp);
	if (x < 0 && o + 1 < len)
		buf[o++] = '-';
	for (i = 0; i < n && o + 1 < len; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
	return buf;
}

/* What a peak counts, for people: "half-open" for SYN_RECV. */
static void sw_summary_unit(const char *unit, char *buf, size_t len)
{
	size_t i;

	if (strstr(unit, "syn_recv") || strstr(unit, "half_open"))
		snprintf(buf, len, "half-open");
	else
		snprintf(buf, len, "%s", unit);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '_')
			buf[i] = ' ';
}

/* Whether an episode of kind has subject (or one containing it). */
static bool sw_summary_has(const struct sw_incident *inc, bool finding,
			   const char *kind, const char *subject)
{
	unsigned i;

	for (i = 0; i < inc->nepisodes; i++) {
		const struct sw_inc_episode *o = &inc->episodes[i];

		if (o->finding == finding && (!kind || !strcmp(o->kind, kind)) &&
		    strstr(o->subject, subject))
			return true;
	}
	return false;
}

/* The episodes the summary speaks of: every finding of the diagnosis;
 * of the numbers' episodes those that held for more than one refresh (a
 * client's first burst is no incident) on a subject no finding speaks of,
 * a source's many connections rather than its burst of new ones. */
static bool sw_summary_wants(const struct sw_incident *inc,
			     const struct sw_inc_episode *e)
{
	if (e->finding)
		return true;
	if (e->nframes < 2 || sw_summary_has(inc, true, NULL, e->subject))
		return false;
	return strcmp(e->kind, "new_connections") ||
	       !sw_summary_has(inc, false, "connections", e->subject);
}

static bool sw_summary_is_block(const struct sw_audit_event *e)
{
	return !strcmp(e->action, "block") &&
	       (!e->outcome[0] || !strcmp(e->outcome, "sent"));
}

static void sw_summary_episode(struct sw_buf *b, const struct sw_incident *inc,
			       const struct sw_inc_episode *e)
{
	char t0[16], t1[16], pk[32], unit[40];

	sw_report_clock(e->start_ns, t0, sizeof(t0));
	sw_report_clock(e->end_ns, t1, sizeof(t1));
	sw_summary_unit(e->unit, unit, sizeof(unit));
	sw_buf_printf(b, "%s from %s", e->label, t0);
	if (e->last_frame == inc->frames)
		sw_buf_printf(b, ", still on at the end of the recording (%s)", t1);
	else
		sw_buf_printf(b, " to %s", t1);
	if (unit[0])
		sw_buf_printf(b, ", peak %s %s",
			      sw_report_thousands(e->peak, pk, sizeof(pk)), unit);
}

void sw_report_summary(struct sw_buf *b, const struct sw_incident *inc,
		       const struct sw_report_src *src)
{
	unsigned i, said = 0, more = 0;
	size_t k, blocks = 0, others = 0;
	char t[16], t1[16], n1[32], n2[32];

	if (!inc->frames) {
		sw_buf_puts(b, "The recording holds no readable refresh");
	} else {
		for (i = 0; i < inc->nepisodes; i++) {
			if (!sw_summary_wants(inc, &inc->episodes[i]))
				continue;
			if (said == SW_SUMMARY_EPISODES) {
				more++;
				continue;
			}
			if (said)
				sw_buf_puts(b, "; ");
			sw_summary_episode(b, inc, &inc->episodes[i]);
			said++;
		}
		if (more)
			sw_buf_printf(b, "; and %u more (below)", more);
		if (!said)
			sw_buf_printf(b, "No trouble in the numbers from %s to %s: at "
				      "most %s sockets, %s half-open (SYN_RECV)",
				      sw_report_clock(inc->first_ns, t, sizeof(t)),
				      sw_report_clock(inc->last_ns, t1, sizeof(t1)),
				      sw_report_thousands(inc->peak_total, n1, sizeof(n1)),
				      sw_report_thousands(inc->peak_state[SW_SYN_RECV],
							  n2, sizeof(n2)));
	}
	for (k = 0; k < inc->nevents; k++) {
		const struct sw_audit_event *e = &inc->events[k];

		if (!sw_incident_in_time(inc, e))
			continue;
		if (!sw_summary_is_block(e)) {
			others++;
			continue;
		}
		if (blocks++ >= SW_SUMMARY_BLOCKS)
			continue;
		sw_buf_printf(b, "; %s blocked at %s", e->target[0] ? e->target : "?",
			      sw_report_clock(e->time_ns, t, sizeof(t)));
		if (e->rule[0])
			sw_buf_printf(b, " by rule %s", e->rule);
		else if (e->user[0])
			sw_buf_printf(b, " by %s", e->user);
		if (e->reason[0])
			sw_buf_printf(b, " (%s)", e->reason);
	}
	if (blocks > SW_SUMMARY_BLOCKS)
		sw_buf_printf(b, "; %zu more blocks", blocks - SW_SUMMARY_BLOCKS);
	if (src->audit && !blocks)
		sw_buf_puts(b, "; nothing was blocked meanwhile (audit log)");
	if (others)
		sw_buf_printf(b, "; %zu other action%s in the audit log", others,
			      others == 1 ? "" : "s");
	sw_buf_puts(b, ".");
	if (src->note)
		sw_buf_printf(b, " The recording ends early: %s.", src->note);
}

/* ---- JSON ------------------------------------------------------------------ */

static void sw_json_key_str(struct sw_buf *b, const char *key, const char *v,
			    bool comma)
{
	sw_buf_printf(b, "%s\"%s\":", comma ? "," : "", key);
	if (v)
		sw_buf_json_str(b, v);
	else
		sw_buf_puts(b, "null");
}

static void sw_json_key_time(struct sw_buf *b, const char *key, uint64_t ns,
			     bool have, bool comma)
{
	char when[40];

	sw_json_key_str(b, key, have ? sw_report_time(ns, when, sizeof(when)) : NULL,
			comma);
}

void sw_report_summary_json(struct sw_buf *b, const struct sw_incident *inc,
			    const struct sw_report_src *src)
{
	struct sw_buf sum;
	unsigned i;
	size_t k, outside;
	bool first;

	sw_buf_init(&sum);
	sw_report_summary(&sum, inc, src);
	sw_buf_puts(b, "{");
	sw_json_key_str(b, "recording", src->recording, false);
	sw_json_key_str(b, "audit_log", src->audit, true);
	sw_json_key_time(b, "from", inc->first_ns, inc->frames > 0, true);
	sw_json_key_time(b, "to", inc->last_ns, inc->frames > 0, true);
	sw_buf_printf(b, ",\"refreshes\":%llu", (unsigned long long)inc->frames);
	sw_buf_printf(b, ",\"complete\":%s", src->note ? "false" : "true");
	sw_json_key_str(b, "note", src->note, true);
	sw_json_key_str(b, "summary", sum.oom ? "" : sum.data ? sum.data : "", true);
	sw_buf_printf(b, ",\"diagnosis\":%s", inc->saw_findings ? "true" : "false");
	sw_buf_puts(b, ",\"episodes\":[");
	for (i = 0; i < inc->nepisodes; i++) {
		const struct sw_inc_episode *e = &inc->episodes[i];

		sw_buf_puts(b, i ? ",{" : "{");
		sw_json_key_str(b, "kind", e->kind, false);
		sw_json_key_str(b, "source", e->finding ? "diagnosis" : "numbers", true);
		sw_json_key_str(b, "subject", e->subject, true);
		sw_json_key_str(b, "label", e->label, true);
		sw_json_key_str(b, "text", e->text[0] ? e->text : NULL, true);
		sw_json_key_time(b, "start", e->start_ns, true, true);
		sw_json_key_time(b, "end", e->end_ns, true, true);
		sw_buf_printf(b, ",\"ongoing\":%s", e->last_frame == inc->frames ? "true" : "false");
		sw_buf_puts(b, ",\"peak\":");
		sw_buf_json_num(b, e->peak, e->peak == floor(e->peak) ? 0 : 2);
		sw_json_key_str(b, "unit", e->unit, true);
		sw_json_key_time(b, "peak_time", e->peak_ns, true, true);
		sw_buf_puts(b, "}");
	}
	sw_buf_puts(b, "],\"actions\":[");
	for (k = 0, first = true; k < inc->nevents; k++) {
		const struct sw_audit_event *e = &inc->events[k];

		if (!sw_incident_in_time(inc, e))
			continue;
		sw_buf_puts(b, first ? "{" : ",{");
		first = false;
		sw_json_key_time(b, "time", e->time_ns, true, false);
		sw_json_key_str(b, "action", e->action, true);
		sw_json_key_str(b, "target", e->target[0] ? e->target : NULL, true);
		sw_json_key_str(b, "outcome", e->outcome[0] ? e->outcome : NULL, true);
		sw_json_key_str(b, "user", e->user[0] ? e->user : NULL, true);
		sw_json_key_str(b, "rule", e->rule[0] ? e->rule : NULL, true);
		sw_json_key_str(b, "reason", e->reason[0] ? e->reason : NULL, true);
		sw_buf_puts(b, "}");
	}
	for (k = 0, outside = 0; k < inc->nevents; k++)
		outside += !sw_incident_in_time(inc, &inc->events[k]);
	/* lines of the log from other times, and lines that were no record */
	sw_buf_printf(b, "],\"actions_outside\":%zu,\"audit_bad_lines\":%lu",
		      outside, inc->events_bad);
	sw_buf_puts(b, ",\"peaks\":{");
	for (i = 0, first = true; i < sw_state_norder; i++) {
		unsigned s = sw_state_order[i];

		sw_buf_printf(b, "%s\"%s\":%u", first ? "" : ",", sw_state_name(s),
			      inc->peak_state[s]);
		first = false;
	}
	sw_buf_printf(b, ",\"total\":%u}", inc->peak_total);
	sw_buf_puts(b, ",\"top_sources\":[");
	for (i = 0; i < inc->nremotes; i++) {
		const struct sw_inc_remote *r = &inc->remotes[i];
		char a[SW_ADDR_STRLEN];

		sw_buf_puts(b, i ? ",{" : "{");
		sw_json_key_str(b, "remote", sw_prefix_format(&r->pfx, a, sizeof(a)), false);
		sw_buf_printf(b, ",\"peak_connections\":%u,\"peak_new_per_s\":", r->peak);
		sw_buf_json_num(b, r->peak_new, 1);
		sw_json_key_time(b, "peak_time", r->peak_ns, true, true);
		sw_buf_puts(b, "}");
	}
	sw_buf_puts(b, "],\"listeners\":[");
	for (i = 0; i < inc->nlisteners; i++) {
		const struct sw_inc_listener *l = &inc->listeners[i];

		sw_buf_printf(b, "%s{\"proto\":\"%s\",\"port\":%u,\"peak_syn_recv\":%u,"
			      "\"peak_accept_queue\":%u,\"backlog\":%u", i ? "," : "",
			      sw_proto_name(l->proto), l->port, l->peak_syn,
			      l->peak_acc, l->backlog);
		sw_json_key_str(b, "process", l->process[0] ? l->process : NULL, true);
		sw_buf_puts(b, "}");
	}
	sw_buf_puts(b, "]}\n");
	sw_buf_free(&sum);
}
