/* sw_incident.h - what `sockwatch report` learns from a recording, one
 * frame at a time, in bounded memory: the states, totals and counter
 * rates as series (sw_series.h: SW_INC_POINTS points whatever the
 * length), the top sources and the listening ports under pressure with
 * their series, episodes (the diagnosis' findings with their start and
 * end; without findings, what the numbers show: SYN_RECV piling up on a
 * port, a source holding or opening many connections, a full accept
 * queue), and the audit log's actions. The report's formats
 * (report_html.c, report_summary.c) read it.
 *
 * Core header: frames and audit lines in; no I/O. */
#ifndef SW_INCIDENT_H
#define SW_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_audit_event.h"
#include "sw_buf.h"
#include "sw_counters.h"
#include "sw_series.h"
#include "sw_sock.h"

struct sw_frame;

#define SW_INC_POINTS 720     /* points per series */
#define SW_INC_TOP 10         /* remotes looked at per frame */
#define SW_INC_REMOTES 24     /* sources kept: the highest peaks */
#define SW_INC_LISTENERS 12   /* listening ports kept: the most pressure */
#define SW_INC_EPISODES 64
#define SW_INC_EVENTS 4096    /* audit lines kept */
#define SW_INC_GAP_S 5        /* an episode that stops for less goes on */

/* What the numbers alone call trouble (used when the recording brought
 * no findings). */
#define SW_INC_SYN_RECV 100   /* SYN_RECV on one port */
#define SW_INC_CONNS 200      /* live connections of one source */
#define SW_INC_NEW_PER_S 50   /* new connections per second of one source */

struct sw_inc_remote {
	struct sw_prefix pfx;
	int s_conn, s_new;        /* series */
	uint32_t peak;
	double peak_new;
	uint64_t peak_ns, first_ns;
};

struct sw_inc_listener {
	uint8_t proto;
	uint16_t port;
	char process[16];
	int s_syn, s_acc;         /* series: SYN_RECV, accept queue */
	uint32_t peak_syn, peak_acc, backlog;
	uint64_t peak_ns;
};

struct sw_inc_episode {
	char kind[32];            /* "syn_flood", ... or "syn_recv",
				     "connections", "accept_queue" */
	char subject[64];         /* ":80", "203.0.113.0/24" */
	char label[96];           /* "SYN flood on :80" */
	char text[160];           /* the finding's line at its peak, or "" */
	char unit[32];            /* what peak counts: "half-open" */
	bool finding;             /* from the diagnosis */
	int severity;             /* a finding's, 0 for the numbers' */
	uint64_t start_ns, end_ns, peak_ns;
	double peak;
	uint64_t last_frame;      /* frame number it last held */
	uint32_t nframes;         /* frames it held */
};

struct sw_incident {
	struct sw_sset ss;
	int s_state[SW_ST_MAX], s_rate[SW_C_MAX], s_total;
	uint64_t frames, first_ns, last_ns;
	double interval_s;        /* the last frame's */
	uint32_t peak_state[SW_ST_MAX];
	uint64_t peak_state_ns[SW_ST_MAX];
	uint32_t peak_total;
	struct sw_inc_remote remotes[SW_INC_REMOTES];
	unsigned nremotes;
	struct sw_inc_listener listeners[SW_INC_LISTENERS];
	unsigned nlisteners;
	struct sw_inc_episode episodes[SW_INC_EPISODES];
	unsigned nepisodes;
	unsigned long episodes_dropped;
	bool saw_findings;        /* any frame had findings */
	struct sw_audit_event *events; /* sorted by time by sw_incident_end */
	size_t nevents, evcap;
	unsigned long events_dropped, events_bad;
	bool oom;                 /* something was left out for memory */
};

/* An empty incident. Returns 0, or -1 with errno ENOMEM. */
int sw_incident_init(struct sw_incident *inc);
void sw_incident_free(struct sw_incident *inc);

/* Take one frame (its agg, counters and findings). */
void sw_incident_frame(struct sw_incident *inc, const struct sw_frame *f);

/* Take one audit log line; a line that is not an audit record is
 * counted in events_bad. Kept: the first SW_INC_EVENTS. */
void sw_incident_audit_line(struct sw_incident *inc, const char *line,
			    size_t len);

/* After the last frame and line: sort the actions, order the episodes
 * (by start), the sources and ports by peak. */
void sw_incident_end(struct sw_incident *inc);

/* Whether action e falls in the recording's time (a refresh's interval
 * of slack either side). */
bool sw_incident_in_time(const struct sw_incident *inc,
			 const struct sw_audit_event *e);

/* Bytes held (for the bench and the bound stated in the README). */
uint64_t sw_incident_bytes(const struct sw_incident *inc);

/* ---- the report's formats (report_summary.c, report_html.c) -------- */

struct sw_report_src {
	const char *recording;    /* the file's name as given */
	const char *audit;        /* the audit log's, or NULL */
	const char *note;         /* why the recording ends early, or NULL */
};

/* The summary paragraph: "SYN flood on :80 from 14:02:10 to 14:09:55,
 * peak 4,097 half-open; 203.0.113.0/24 blocked at 14:03:02 by root." (UTC),
 * plain text (the caller escapes it for HTML). */
void sw_report_summary(struct sw_buf *b, const struct sw_incident *inc,
		       const struct sw_report_src *src);

/* The same as one JSON object (and '\n'): recording, from, to, refreshes,
 * note, summary, episodes, actions, peaks, top_sources, listeners. */
void sw_report_summary_json(struct sw_buf *b, const struct sw_incident *inc,
			    const struct sw_report_src *src);

/* The self-contained HTML page: no scripts, fonts or links; charts as
 * inline SVG; every string from the recording or the log escaped. */
void sw_report_html(struct sw_buf *b, const struct sw_incident *inc,
		    const struct sw_report_src *src);

/* "14:02:10" (UTC) into buf. Returns buf. */
char *sw_report_clock(uint64_t time_ns, char *buf, size_t len);

/* 4097 -> "4,097". Returns buf. */
char *sw_report_thousands(double v, char *buf, size_t len);

#endif
