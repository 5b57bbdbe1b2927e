/* sw_autoban.h - the rules at work: a hook on the watch loop (sw_watch.h)
 * that evaluates the rules on every frame (sw_rules.h), sends their block
 * requests through the blocker (sw_block.h: the never-block policy, prefix
 * floors, dry run and the audit log apply), says one line per action, and
 * keeps the offender history in a state file (sw_statefile.h), written
 * atomically after each ban sent and each refresh that changed it, and
 * read back at start (after a crash, marked by "STATE.running" left behind,
 * a ban it holds that the kernel lacks is sent again at the first frame,
 * for its time left). The daemon and the TUI
 * (--rules) both use it.
 *
 * Edge/orchestration header: no netlink, no curses. sw_autoban_reload and
 * sw_autoban_arm may come from any thread and return at once; the rest is
 * for the loop's thread (or before the loop runs). */
#ifndef SW_AUTOBAN_H
#define SW_AUTOBAN_H

#include <stdbool.h>

#include "sw_rules.h"
#include "sw_watch.h"

struct sw_autoban_opts {
	bool dry_run;           /* every rule only says "would block" */
	bool disarmed;          /* start disarmed: candidates are counted and
				   shown, nothing is asked for (the TUI) */
	const char *state_path; /* the offender history; NULL: in memory */
	/* One line per action, refusal, breaker trip, state-file trouble;
	 * error: a refusal or a failure. Called on the loop's thread (and
	 * from sw_autoban_new). May be NULL. */
	void (*say)(void *arg, bool error, const char *msg);
	void *arg;
};

struct sw_autoban;

/* Rules at work over rs (taken: freed by the autoban, also when this
 * fails). The offender history is read from o->state_path when it
 * exists; a damaged one is said, set aside (sw_statefile_set_aside) and
 * an empty history starts: never fatal. Returns the autoban, or NULL with
 * *cause (malloc'ed) on ENOMEM. */
struct sw_autoban *sw_autoban_new(struct sw_rules *rs,
				  const struct sw_autoban_opts *o, char **cause);

/* Say through say(arg, ...) from now on (before sw_watch_run): for a
 * front end whose sink exists only after sw_autoban_new. */
void sw_autoban_on_say(struct sw_autoban *a,
		       void (*say)(void *arg, bool error, const char *msg),
		       void *arg);

/* Add the autoban's hook to w (before sw_watch_run; before the hooks that
 * show its status, so they see this frame's). Actions go to w's blocker;
 * without one, or while it is unavailable, each is said as refused.
 * Returns 0, or -1 (ENOMEM). */
int sw_autoban_hook(struct sw_autoban *a, struct sw_watch *w);

/* Use rs (taken) from the next frame on: all or nothing. The history
 * stays; hold counts and breakers start again. */
void sw_autoban_reload(struct sw_autoban *a, struct sw_rules *rs);

/* Arm (ask for bans) or disarm (only count and show) from the next frame. */
void sw_autoban_arm(struct sw_autoban *a, bool armed);
bool sw_autoban_armed(struct sw_autoban *a);

/* The evaluator of the last frame (candidates, status) and its rules, for
 * hooks after this one on the loop's thread. Owned by a; valid until the
 * next frame. */
const struct sw_rules_eval *sw_autoban_eval(const struct sw_autoban *a);
const struct sw_rules *sw_autoban_rules(const struct sw_autoban *a);

/* How many rules' breakers are tripped now. */
unsigned sw_autoban_tripped(const struct sw_autoban *a);

/* Bans a rule had sent to the kernel (SENT: new or renewed; not dry runs,
 * refusals or failures) since the autoban started, by rule name (kept
 * across reloads). At most SW_AUTOBAN_COUNTS rules are counted. */
#define SW_AUTOBAN_COUNTS 100
struct sw_autoban_count {
	const char *rule; /* owned by the autoban */
	uint64_t bans;
};
/* The counts (*n of them, in the order the rules first banned); owned by
 * a, valid until its next frame. For hooks on the loop's thread. */
const struct sw_autoban_count *sw_autoban_counts(const struct sw_autoban *a,
						 size_t *n);

/* Write the history now when it changed (a clean stop). Returns 0, or -1
 * with *cause (malloc'ed). */
int sw_autoban_save(struct sw_autoban *a, char **cause);

/* Free it (after the loop returned). */
void sw_autoban_free(struct sw_autoban *a);

#endif
