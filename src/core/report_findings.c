/* report_findings.c - a frame's findings (the diagnosis) as the
 * "diagnosis" array of the JSON report and as the section at the top of
 * the text report. */
#include <math.h>
#include <stdio.h>

#include "sw_addr.h"
#include "sw_report.h"

static const char *const sw_subject_names[] = {
	[SW_SUBJ_HOST] = "host",
	[SW_SUBJ_LISTENER] = "listener",
	[SW_SUBJ_REMOTE] = "remote",
	[SW_SUBJ_LOCAL] = "local",
};

const char *sw_subject_kind_name(unsigned kind)
{
	return kind < sizeof(sw_subject_names) / sizeof(sw_subject_names[0])
		       ? sw_subject_names[kind] : "unknown";
}

/* A whole number as one ("128"), else with 3 decimals. */
static void sw_report_ev_num(struct sw_buf *b, double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
		sw_buf_printf(b, "%.0f", v);
	else
		sw_buf_json_num(b, v, 3);
}

static void sw_report_subject_json(struct sw_buf *b,
				   const struct sw_finding_subject *s)
{
	char addr[SW_ADDR_STRLEN];

	sw_buf_printf(b, "{\"kind\": \"%s\"", sw_subject_kind_name(s->kind));
	if (s->kind != SW_SUBJ_HOST)
		sw_buf_printf(b, ", \"proto\": \"%s\"", sw_proto_name(s->proto));
	if (s->port)
		sw_buf_printf(b, ", \"port\": %u", s->port);
	if (s->kind == SW_SUBJ_REMOTE) {
		sw_buf_printf(b, ", \"addr\": \"%s\", \"prefix\": %u",
			      sw_addr_format(s->remote.family, s->remote.bytes, addr,
					     sizeof(addr)),
			      s->remote.plen);
	} else if (s->family) {
		sw_buf_printf(b, ", \"addr\": \"%s\"",
			      sw_addr_format(s->family, s->addr, addr, sizeof(addr)));
	}
	if (s->process[0]) {
		sw_buf_puts(b, ", \"process\": ");
		sw_buf_json_str(b, s->process);
	}
	sw_buf_puts(b, "}");
}

void sw_report_findings_json(struct sw_buf *b, const struct sw_frame *f)
{
	char tbuf[40], addr[SW_ADDR_STRLEN];

	sw_buf_puts(b, "[");
	for (size_t i = 0; i < f->nfindings; i++) {
		const struct sw_finding *x = &f->findings[i];

		sw_buf_printf(b, "%s{\"kind\": \"%s\", \"severity\": \"%s\", "
			      "\"subject\": ", i ? ", " : "",
			      sw_finding_kind_name(x->kind),
			      sw_severity_name(x->severity));
		sw_report_subject_json(b, &x->subject);
		sw_buf_puts(b, ", \"text\": ");
		sw_buf_json_str(b, x->text);
		sw_buf_puts(b, ", \"evidence\": {");
		for (unsigned k = 0; k < x->nevidence; k++) {
			sw_buf_printf(b, "%s\"%s\": ", k ? ", " : "",
				      x->evidence[k].key);
			sw_report_ev_num(b, x->evidence[k].value);
		}
		sw_buf_puts(b, "}, \"advice\": ");
		sw_buf_json_str(b, x->advice);
		sw_buf_puts(b, ", \"action\": ");
		if (x->action == SW_ACT_BLOCK)
			sw_buf_printf(b, "{\"block\": \"%s\"}",
				      sw_prefix_format(&x->target, addr, sizeof(addr)));
		else
			sw_buf_puts(b, "null");
		sw_buf_printf(b, ", \"since\": \"%s\"}",
			      sw_report_time(x->since_ns, tbuf, sizeof(tbuf)));
	}
	sw_buf_puts(b, "]");
}

void sw_report_findings_text(struct sw_buf *b, const struct sw_frame *f)
{
	char addr[SW_ADDR_STRLEN];

	if (!f->nfindings)
		return; /* all is well: nothing is said */
	for (size_t i = 0; i < f->nfindings; i++) {
		const struct sw_finding *x = &f->findings[i];

		sw_buf_printf(b, "%-4s %-17s ", sw_severity_name(x->severity),
			      sw_finding_kind_name(x->kind));
		sw_buf_puts_safe(b, x->text);
		sw_buf_puts(b, "\n     advice: ");
		sw_buf_puts_safe(b, x->advice);
		if (x->action == SW_ACT_BLOCK)
			sw_buf_printf(b, "\n     action: sockwatch block %s",
				      sw_prefix_format(&x->target, addr, sizeof(addr)));
		sw_buf_puts(b, "\n");
	}
	sw_buf_puts(b, "\n");
}
