/* sw_report.h - a frame as NDJSON (the contract of `sockwatch -b --json`)
 * or as aligned text tables for people. Core header: writes into a
 * struct sw_buf; the caller prints it. */
#ifndef SW_REPORT_H
#define SW_REPORT_H

#include "sw_buf.h"
#include "sw_frame.h"

struct sw_report_opts {
	long top;            /* rows of remotes; 0 = all */
	const char *filter;  /* filter text in force, "" for none */
	unsigned group_v4, group_v6;
	const char *netns;   /* namespace name or NULL */
};

/* Append one JSON object (one line, '\n' at the end). */
void sw_report_json(struct sw_buf *b, const struct sw_frame *f,
		    const struct sw_report_opts *o);

/* Append the text report of one frame. */
void sw_report_text(struct sw_buf *b, const struct sw_frame *f,
		    const struct sw_report_opts *o);

/* "2026-11-21T05:10:00.123Z" for a CLOCK_REALTIME time in ns. */
char *sw_report_time(uint64_t time_ns, char *buf, size_t len);

#endif
