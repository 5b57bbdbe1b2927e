/* sw_doctor.h - `sockwatch doctor`: the host settings that decide how a
 * server survives SYN floods, connection floods and TIME_WAIT piles,
 * each with its value, whether it is a risk given what is listening now,
 * and the advice with the exact command. Also the lines of sysctl
 * configuration files that set tcp_tw_recycle (removed in Linux 4.12).
 *
 * Core header: settings, sockets and file texts in (read by the caller),
 * a verdict and its text/JSON out; no I/O. */
#ifndef SW_DOCTOR_H
#define SW_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_agg.h"
#include "sw_buf.h"
#include "sw_hostcfg.h"
#include "sw_snapshot.h"

/* Thresholds of the verdicts (documented in sockwatch(8) and the README). */
#define SW_DOCTOR_SOMAXCONN_SMALL 1024   /* below: a capped listener is a risk */
#define SW_DOCTOR_SYN_BACKLOG_SMALL 256  /* below: a risk with TCP listeners */
#define SW_DOCTOR_SYNACK_RETRIES_HIGH 5  /* above: half-open sockets linger */
#define SW_DOCTOR_FIN_TIMEOUT_HIGH 60    /* above: FIN_WAIT2 sockets linger */
#define SW_DOCTOR_NEAR_PCT 80            /* TIME_WAIT, conntrack, ports: near
					    their limit from this share */
#define SW_DOCTOR_FULL_PCT 95            /* ... and critical from this one */

#define SW_DOCTOR_ITEMS 32
#define SW_DOCTOR_TEXT 256
#define SW_DOCTOR_LISTENERS 64 /* listed in the report; more are counted */

/* A TCP listener as the verdict saw it. */
struct sw_doctor_listener {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
	uint32_t backlog;     /* as the kernel applies it (ss's Send-Q) */
	bool capped;          /* at or above somaxconn (when known) */
	char process[16];     /* "" when unknown */
};

/* One line of the verdict: a setting (or a configuration file line). */
struct sw_doctor_item {
	const char *setting;          /* sysctl name; static */
	char value[48];               /* "1", "32768 60999", "unknown" */
	unsigned severity;            /* 0: no risk; SW_SEV_WARN, SW_SEV_CRIT */
	char where[SW_DOCTOR_TEXT];   /* "FILE:LINE" of a configuration line,
					 "" for a live setting */
	char why[SW_DOCTOR_TEXT];     /* what it means here, one line */
	char advice[SW_DOCTOR_TEXT];  /* the command or edit; "" when none */
};

struct sw_doctor {
	struct sw_doctor_item item[SW_DOCTOR_ITEMS];
	size_t n;
	unsigned risks;         /* items with a severity */
	/* what listens now, as the verdict saw it */
	unsigned tcp_listeners;
	struct sw_doctor_listener listener[SW_DOCTOR_LISTENERS];
	size_t nlisteners;      /* listed: min(tcp_listeners, the array) */
	uint32_t time_wait;
	uint32_t max_out_dest;  /* outbound TCP sockets to the busiest
				   destination (address and port) */
	const char *netns;      /* namespace name or NULL (for the report) */
};

/* Judge the settings h against what a (built from s, one refresh of the
 * TCP sockets) shows listening and open. Fills d (cleared first). h may
 * be NULL (nothing could be read: every setting unknown). Returns 0, or
 * -1 with errno ENOMEM (d then holds the settings without the busiest
 * destination). */
int sw_doctor_judge(struct sw_doctor *d, const struct sw_hostcfg *h,
		    const struct sw_agg *a, const struct sw_snapshot *s);

/* Scan the text of one sysctl configuration file (sysctl.conf(5) syntax:
 * "key = value", '#' or ';' comments, an optional leading '-', dots or
 * slashes in the key) for tcp_tw_recycle, adding an item (a warning) for
 * each line that sets it. file names it in the item. Returns how many
 * were added (lines past SW_DOCTOR_ITEMS are not). */
int sw_doctor_scan_conf(struct sw_doctor *d, const char *file,
			const char *text, size_t len);

/* The verdict as text for people (risks first, then the rest) and as
 * one JSON object (one line, '\n' at the end), appended to b. */
void sw_doctor_text(const struct sw_doctor *d, struct sw_buf *b);
void sw_doctor_json(const struct sw_doctor *d, struct sw_buf *b);

#endif
