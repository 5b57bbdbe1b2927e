/* sw_audit_event.h - one line of the audit log (sw_audit.h writes them)
 * read back, for the report: a flat JSON object whose known keys are kept
 * (time, action, target, reason, user, outcome, detail, rule, timeout,
 * count); other keys, nested values and unknown types are skipped.
 *
 * Core header: text in, fields out; no I/O. */
#ifndef SW_AUDIT_EVENT_H
#define SW_AUDIT_EVENT_H

#include <stddef.h>
#include <stdint.h>

struct sw_audit_event {
	uint64_t time_ns;     /* UTC; from "time" */
	char action[24];      /* "block", "unblock", "kill", "refuse", ... */
	char target[64];
	char reason[160];
	char user[48];
	char outcome[24];     /* "sent", "refused", "failed", "seen", "" */
	char detail[200];
	char rule[64];        /* the rule that acted ("rule", or a reason
				 "rule NAME: ..." as the rules write it), ""
				 when a person did */
	double timeout_s;     /* < 0: none */
	long count;           /* < 0: none */
};

/* Parse one line (without or with its '\n'). Strings are cut to their
 * fields' sizes (at a character boundary). Returns 0, or -1 when the line
 * is not a JSON object or has no valid "time" and "action". */
int sw_audit_event_parse(const char *line, size_t len,
			 struct sw_audit_event *ev);

/* "2026-11-21T05:10:00.123Z" (as sw_report_time writes it; fractions
 * and a missing "Z" allowed) to ns since the epoch. Returns 0 or -1. */
int sw_audit_time_parse(const char *s, uint64_t *ns);

#endif
