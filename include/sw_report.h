/* sw_report.h - a frame as NDJSON (the contract of `sockwatch -b --json`)
 * or as aligned text tables for people. Core header: writes into a
 * struct sw_buf; the caller prints it. */
#ifndef SW_REPORT_H
#define SW_REPORT_H

#include <stdbool.h>

#include "sw_buf.h"
#include "sw_frame.h"

struct sw_report_opts {
	long top;            /* rows of remotes; 0 = all */
	const char *filter;  /* filter text in force, "" for none */
	unsigned group_v4, group_v6;
	const char *netns;   /* namespace name or NULL */
	bool no_diagnosis;   /* --no-diagnosis: "diagnosis" is null */
};

/* Append one JSON object (one line, '\n' at the end). */
void sw_report_json(struct sw_buf *b, const struct sw_frame *f,
		    const struct sw_report_opts *o);

/* Append the text report of one frame. */
void sw_report_text(struct sw_buf *b, const struct sw_frame *f,
		    const struct sw_report_opts *o);

/* The findings of f (f->findings, worst first) as a JSON array, "[]"
 * when there are none: each {"kind", "severity", "subject": {"kind":
 * host|listener|remote|local, "proto", "port", "addr", "prefix",
 * "process" as they apply}, "text", "evidence": {key: number}, "advice",
 * "action": null or {"block": "PREFIX"}, "since"}. */
void sw_report_findings_json(struct sw_buf *b, const struct sw_frame *f);

/* The findings section at the top of the text report: a line per
 * finding with its advice and action under it, then a blank line;
 * nothing at all when there are none. */
void sw_report_findings_text(struct sw_buf *b, const struct sw_frame *f);

/* "host", "listener", "remote", "local". Static, never NULL. */
const char *sw_subject_kind_name(unsigned kind);

/* "2026-11-21T05:10:00.123Z" for a CLOCK_REALTIME time in ns. */
char *sw_report_time(uint64_t time_ns, char *buf, size_t len);

#endif
