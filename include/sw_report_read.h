/* sw_report_read.h - the reading side of `sockwatch report` (src/cmd/
 * report.c), for the subcommand and the fuzzer: a recording through the
 * replay source and the engine, and an audit log, into an incident.
 *
 * Edge header: reads files. */
#ifndef SW_REPORT_READ_H
#define SW_REPORT_READ_H

#include <stdbool.h>

#include "sw_buf.h"
#include "sw_agg.h"
#include "sw_incident.h"

/* Initialise inc and read recording (and audit when not NULL) into it,
 * one frame and one line at a time, remotes grouped by group (as -g). A recording damaged part way is
 * read up to the damage: returns 0 with *note (malloc'ed, caller frees)
 * saying where and why it broke; a clean end leaves *note NULL. Returns
 * -1 with *cause (malloc'ed) when the recording cannot be read at all
 * (missing, not a recording) or the audit log cannot be opened; inc is
 * then freed. Otherwise the caller frees inc (sw_incident_free). */
int sw_report_read(const char *recording, const char *audit,
		   const struct sw_agg_opts *group, struct sw_incident *inc,
		   char **note, char **cause);

/* The page (or with json the summary) of inc into b. */
void sw_report_format(struct sw_buf *b, const struct sw_incident *inc,
		      const struct sw_report_src *src, bool json);

#endif
