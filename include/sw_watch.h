/* sw_watch.h - the one refresh loop of every front end (batch, TUI, a
 * daemon later): it owns the engine (and with it the source), the optional
 * blocker, and a list of hooks that each refresh is handed to (the batch
 * report, the TUI's model; diagnosis, rules and metrics next).
 *
 * Edge/orchestration header: no netlink, no curses. The loop runs on one
 * thread (sw_watch_run); the commands (sw_watch_quit, _pause, _filter,
 * ...) may come from any thread, return at once and are carried out by
 * the loop between refreshes. Hooks are called on the loop's thread. */
#ifndef SW_WATCH_H
#define SW_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_agg.h"
#include "sw_block.h"
#include "sw_engine.h"
#include "sw_frame.h"

struct sw_watch_opts {
	double interval_s; /* between refreshes; 0: one after the other */
	long limit;        /* return after this many refreshes; 0: no limit */
	bool steady;       /* refreshes keep the schedule the first one set
			      (batch); else each waits interval_s after the
			      one before (TUI) */
	bool pace_replay;  /* a replay waits interval_s too; else it is read
			      as fast as it goes */
	bool retry;        /* a failed live refresh is said and retried, a
			      damaged replay ends it (TUI); else the loop
			      returns the failure */
	bool hold;         /* after the end of a replay, carry out commands
			      until sw_watch_quit; else return */
	bool no_diagnosis; /* --no-diagnosis: frames carry no findings */
};

/* Each new refresh is diagnosed (sw_diagnosis.h) before the hooks see
 * it: frame.findings. A forced frame keeps the findings of its refresh,
 * but after a grouping change it has none (a new baseline, as after a
 * filter change) until the next refresh. */

/* Called on the loop's thread. Every member but arg may be NULL. */
struct sw_watch_hook {
	/* A frame: a new refresh, or (forced) the latest one changed by a
	 * command (grouping, blocks read back), which a paused front end
	 * shows all the same. Return 0, or -1 with *cause (malloc'ed): the
	 * loop stops and sw_watch_run returns -1 with it. */
	int (*frame)(void *arg, const struct sw_frame *f, bool forced,
		     char **cause);
	/* A line for the operator: a block's result, a bad filter, a refresh
	 * that failed and is retried; error: a failure or a refusal. */
	void (*say)(void *arg, bool error, const char *msg);
	/* A dry run's nft text; malloc'ed, the hook frees it. */
	void (*info)(void *arg, char *text);
	/* The replay has no more refreshes; damage: NULL at a clean end,
	 * else why the rest of the recording cannot be read. */
	void (*end)(void *arg, const char *damage);
	void *arg;
};

struct sw_watch;

/* A watch over an open engine and an optional blocker (b may be NULL);
 * both belong to the watch from here, even when this fails. Returns the
 * watch, or NULL with *cause (malloc'ed). */
struct sw_watch *sw_watch_new(struct sw_engine *e, struct sw_blocker *b,
			      const struct sw_watch_opts *o, char **cause);

/* Add a hook (copied), called after those added before. Before
 * sw_watch_run only. Returns 0, or -1 (ENOMEM). */
int sw_watch_hook(struct sw_watch *w, const struct sw_watch_hook *h);

/* The loop: refresh at once, then every interval, carry out commands,
 * hand each frame to the hooks. Returns 0 after sw_watch_quit, the limit,
 * or the end of a replay (unless hold); -1 with *cause (malloc'ed) when a
 * refresh fails without retry, or a hook failed. */
int sw_watch_run(struct sw_watch *w, char **cause);

/* What the watch owns, for the front ends and hooks (the loop's thread,
 * or before sw_watch_run). */
struct sw_engine *sw_watch_engine(const struct sw_watch *w);
struct sw_blocker *sw_watch_blocker(const struct sw_watch *w);
/* Refreshes that failed so far (retried or not); for the metrics. */
uint64_t sw_watch_refresh_errors(const struct sw_watch *w);

/* Commands; each returns at once, the loop does the work. */
void sw_watch_quit(struct sw_watch *w);
void sw_watch_pause(struct sw_watch *w, bool paused); /* resume refreshes */
void sw_watch_interval(struct sw_watch *w, double s);
void sw_watch_group(struct sw_watch *w, const struct sw_agg_opts *g);
/* The filter applies from a refresh made at once: a new baseline. */
void sw_watch_filter(struct sw_watch *w, const char *text);
/* req is copied (reason and states too). */
void sw_watch_block(struct sw_watch *w, const struct sw_block_req *req);
/* Unblock p as listed; last: the last address when p starts a range (an
 * interval added by hand), else NULL. */
void sw_watch_unblock(struct sw_watch *w, const struct sw_prefix *p,
		      const uint8_t *last);

/* Close the engine and the blocker and free the watch (the loop must have
 * returned). Returns NULL, or what was lost meanwhile (a recording cut
 * short, audit lines not written), a malloc'ed line for the caller. */
char *sw_watch_close(struct sw_watch *w);

#endif
