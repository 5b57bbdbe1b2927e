/* sw_audit.h - the audit log: one JSON object a line for every block,
 * unblock, expiry seen, kill and refusal. Edge (file I/O); the line
 * itself is built by sw_audit_format, which is pure. */
#ifndef SW_AUDIT_H
#define SW_AUDIT_H

#include <stdint.h>

#include "sw_buf.h"

#define SW_AUDIT_ERR_LEN 256

struct sw_audit_rec {
	const char *action;  /* "block", "unblock", "unblock-all", "expire",
				"kill", "refuse", "cleanup" */
	const char *target;  /* "192.0.2.7", "198.51.100.0/24", "all"; or NULL */
	double timeout_s;    /* < 0: not applicable (null) */
	long connections;    /* < 0: unknown (null) */
	const char *reason;  /* operator's text, or NULL */
	const char *outcome; /* "sent", "refused", "failed", "seen" */
	const char *detail;  /* one-line message, or NULL */
	long count;          /* killed / removed; < 0: not applicable */
};

/* Append one line to b: {"time":"2026-01-02T03:04:05.678Z","action":...,
 * "target":...,"timeout":600,"connections":12,"reason":...,"user":...,
 * "netns":...,"outcome":...,"detail":...,"count":N}\n; absent values are
 * null ("count" only when >= 0; "netns" null: the host's namespace).
 * time_ns is wall-clock UTC. */
void sw_audit_format(struct sw_buf *b, const struct sw_audit_rec *r,
		     uint64_t time_ns, const char *user, const char *netns);

struct sw_audit;

/* Remember the path ("" or "-": no log), who acts and the namespace
 * acted in (--netns, or NULL); the file is opened (append,
 * created 0640, without blocking) at the first write and must be a
 * regular file: a FIFO or a device is refused. Returns NULL only on
 * ENOMEM. */
struct sw_audit *sw_audit_new(const char *path, const char *user,
			      const char *netns);

/* Open the file now if not yet open. Returns 0, or -1 with *cause (may
 * be NULL; the caller frees it) set to a one-line message ("cannot write
 * the audit log /var/log/sockwatch.log: Permission denied (use
 * --audit-log PATH, or - for none)"). */
int sw_audit_ready(struct sw_audit *a, char **cause);

/* Append one record (one write(2), so lines never interleave). Returns 0,
 * or -1 with *cause as above. No log: returns 0. */
int sw_audit_write(struct sw_audit *a, const struct sw_audit_rec *r,
		   char **cause);

/* How many opens or writes failed so far; *last (may be NULL) gets the
 * last failure's message (owned by a), or NULL when none failed. */
unsigned sw_audit_failures(const struct sw_audit *a, const char **last);

void sw_audit_free(struct sw_audit *a);

/* Who acts: SUDO_USER when set, else the login name of the real uid,
 * else "uid N". Writes into buf. Returns buf. */
char *sw_audit_user(char *buf, size_t len);

#endif
