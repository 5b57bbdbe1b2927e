/* doctor_report.c - the doctor's verdict (sw_doctor.h) as text for people
 * and as one JSON object. */
#include <string.h>

#include "sw_doctor.h"
#include "sw_finding.h"

static void sw_doctor_text_item(const struct sw_doctor_item *it,
				struct sw_buf *b)
{
	sw_buf_printf(b, "%-10s %s = ", it->severity
		      ? (it->severity == SW_SEV_CRIT ? "RISK crit" : "RISK warn")
		      : "ok", it->setting);
	sw_buf_puts_safe(b, it->value);
	if (it->where[0]) {
		sw_buf_puts(b, "  (");
		sw_buf_puts_safe(b, it->where);
		sw_buf_puts(b, ")");
	}
	sw_buf_puts(b, "\n");
	if (it->why[0]) {
		sw_buf_puts(b, "           ");
		sw_buf_puts_safe(b, it->why);
		sw_buf_puts(b, "\n");
	}
	if (it->severity && it->advice[0]) {
		sw_buf_puts(b, "           fix: ");
		sw_buf_puts_safe(b, it->advice);
		sw_buf_puts(b, "\n");
	}
}

void sw_doctor_text(const struct sw_doctor *d, struct sw_buf *b)
{
	sw_buf_puts(b, "sockwatch doctor");
	if (d->netns) {
		sw_buf_puts(b, ": namespace ");
		sw_buf_puts_safe(b, d->netns);
	}
	sw_buf_printf(b, ": %u TCP listener%s, %u TIME_WAIT; %u risk%s\n\n",
		      d->tcp_listeners, d->tcp_listeners == 1 ? "" : "s",
		      d->time_wait, d->risks, d->risks == 1 ? "" : "s");
	for (unsigned sev = SW_SEV_CRIT + 1; sev-- > 0;)
		for (size_t i = 0; i < d->n; i++)
			if (d->item[i].severity == sev)
				sw_doctor_text_item(&d->item[i], b);
}

static void sw_doctor_json_item(const struct sw_doctor_item *it,
				struct sw_buf *b)
{
	sw_buf_puts(b, "{\"setting\":");
	sw_buf_json_str(b, it->setting);
	if (it->where[0]) {
		sw_buf_puts(b, ",\"where\":");
		sw_buf_json_str(b, it->where);
	}
	sw_buf_puts(b, ",\"value\":");
	if (strcmp(it->value, "unknown"))
		sw_buf_json_str(b, it->value);
	else
		sw_buf_puts(b, "null");
	sw_buf_puts(b, ",\"risk\":");
	if (it->severity)
		sw_buf_json_str(b, sw_severity_name(it->severity));
	else
		sw_buf_puts(b, "null");
	sw_buf_puts(b, ",\"why\":");
	sw_buf_json_str(b, it->why);
	sw_buf_puts(b, ",\"advice\":");
	if (it->severity && it->advice[0])
		sw_buf_json_str(b, it->advice);
	else
		sw_buf_puts(b, "null");
	sw_buf_puts(b, "}");
}

void sw_doctor_json(const struct sw_doctor *d, struct sw_buf *b)
{
	bool first = true;

	sw_buf_puts(b, "{\"netns\":");
	if (d->netns)
		sw_buf_json_str(b, d->netns);
	else
		sw_buf_puts(b, "null");
	sw_buf_printf(b, ",\"tcp_listeners\":%u,\"time_wait\":%u,"
		      "\"max_outbound_per_destination\":%u,\"risks\":%u,"
		      "\"settings\":[", d->tcp_listeners, d->time_wait,
		      d->max_out_dest, d->risks);
	for (size_t i = 0; i < d->n; i++) {
		if (d->item[i].where[0])
			continue;
		if (!first)
			sw_buf_puts(b, ",");
		first = false;
		sw_doctor_json_item(&d->item[i], b);
	}
	sw_buf_puts(b, "],\"listeners\":[");
	for (size_t i = 0; i < d->nlisteners; i++) {
		const struct sw_doctor_listener *l = &d->listener[i];
		char a[SW_ADDR_STRLEN];

		sw_buf_printf(b, "%s{\"addr\":", i ? "," : "");
		sw_buf_json_str(b, sw_addr_format(l->family, l->addr, a, sizeof(a)));
		sw_buf_printf(b, ",\"port\":%u,\"backlog\":%u,\"capped\":%s,"
			      "\"process\":", l->port, l->backlog,
			      l->capped ? "true" : "false");
		if (l->process[0])
			sw_buf_json_str(b, l->process);
		else
			sw_buf_puts(b, "null");
		sw_buf_puts(b, "}");
	}
	sw_buf_puts(b, "],\"config\":[");
	first = true;
	for (size_t i = 0; i < d->n; i++) {
		if (!d->item[i].where[0])
			continue;
		if (!first)
			sw_buf_puts(b, ",");
		first = false;
		sw_doctor_json_item(&d->item[i], b);
	}
	sw_buf_puts(b, "]}\n");
}
