/* sw_diagnosis.h - names what is happening every refresh: the attack or
 * fault, its subject, how sure, what to do. Table-driven: one detector
 * per kind (enum sw_finding_kind) with its thresholds and advice, over a
 * short history of frames, the counters, the host settings and the
 * per-connection info. Says nothing when nothing is wrong.
 *
 * Core header: frames in, findings out; no I/O. The watch runs it after
 * each refresh and puts the findings into the frame (sw_frame.findings)
 * before the hooks see it, so every front end, rules, metrics and the
 * report read the same findings, live and on replay. */
#ifndef SW_DIAGNOSIS_H
#define SW_DIAGNOSIS_H

#include <stddef.h>

#include "sw_finding.h"
#include "sw_frame.h"

/* Refreshes of history a detector may look back over. */
#define SW_DIAGNOSIS_HISTORY 10

struct sw_diagnosis;

/* A diagnosis with empty history. NULL with errno ENOMEM. */
struct sw_diagnosis *sw_diagnosis_new(void);
void sw_diagnosis_free(struct sw_diagnosis *d);

/* Forget the history (a new filter or grouping: a new baseline). */
void sw_diagnosis_reset(struct sw_diagnosis *d);

/* Diagnose frame f (its snap, agg, counters, host and conninfo; host and
 * conninfo may be NULL) against the history, then add it to the history.
 * *out points to the findings, worst first (crit before warn, then by
 * kind, then subject), valid until the next call; *n how many (0: all is
 * well). Returns 0, or -1 with errno ENOMEM (*n is then 0). */
int sw_diagnosis_run(struct sw_diagnosis *d, const struct sw_frame *f,
		     const struct sw_finding **out, size_t *n);

/* The threshold key ("min_syn_recv", ...) of kind's detector, as the
 * README lists them; NAN when there is none of that name. */
double sw_diagnosis_limit(unsigned kind, const char *key);

/* The threshold keys of kind's detector, for documentation: *n of them,
 * each key, value and what it means through the out arrays (up to max).
 * Returns how many the detector has. */
unsigned sw_diagnosis_limits(unsigned kind, const char **keys, double *values,
			     const char **what, unsigned max);

#endif
