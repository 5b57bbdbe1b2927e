/* sw_engine.h - one refresh at a time: a source (sw_source.h: the kernel
 * or a recording) with the --record tap, two snapshots, the aggregation
 * and the counters of the latest refresh. The loop around it is the watch
 * layer's (sw_watch.h).
 *
 * Edge/orchestration header: front ends (batch, TUI) use only this and the
 * core headers; neither knows about netlink. Not thread-safe: one thread
 * at a time calls into one engine. */
#ifndef SW_ENGINE_H
#define SW_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_agg.h"
#include "sw_counters.h"
#include "sw_filter.h"
#include "sw_frame.h"
#include "sw_snapshot.h"

struct sw_engine_opts {
	bool tcp, udp;        /* protocols to dump (both false = both) */
	bool v4, v6;          /* families (both false = both) */
	const char *filter;   /* filter text or NULL */
	struct sw_agg_opts group;
	const char *netns;    /* NAME under /run/netns, or NULL */
	const char *record;   /* append refreshes to this file, or NULL */
	const char *replay;   /* read refreshes from this file, or NULL */
	bool resolve_procs;   /* resolve listener pids from /proc (default on) */
	/* Period of the info dump (tcp_info of inbound ESTABLISHED sockets,
	 * frame.conninfo): made at the first refresh, then at the first
	 * refresh at least this long (less 10%) after the last, or 20 times
	 * as long as the last dump took when that is longer (sw_info_sched.h);
	 * 0: never.
	 * A replay has the info dumps the recording has. */
	double info_every_s;
	/* Live sockets from: SW_BACKEND_* (sw_bpf.h): 0 (auto) is
	 * netlink (BPF was not 1.5x faster on tests/bench/backend.sh),
	 * netlink or bpf; bpf falls back to netlink with a one-line note
	 * (sw_engine_note) when it cannot load. */
	unsigned backend;
};

struct sw_engine;

/* Why the engine did not use what it was asked (one line: the BPF
 * backend refused, netlink used instead), or NULL. The engine's; valid
 * until sw_engine_close. */
const char *sw_engine_note(const struct sw_engine *e);

/* Open an engine: enter the namespace, open the netlink socket or the
 * replay file, parse the filter. The namespace is entered by the calling
 * thread (setns): refresh from that thread, or from threads it creates
 * afterwards (they inherit it), so /proc/thread-self/net is the
 * namespace's. Returns the engine, or NULL with *cause a
 * malloc'ed one-line message for the operator (caller frees), e.g.
 * "--netns web1: no such network namespace (ip netns list shows them)". */
struct sw_engine *sw_engine_open(const struct sw_engine_opts *o, char **cause);

/* Parse a filter text only (NULL: none), to tell a bad command line (exit
 * status 2) from a failure at run time before sw_engine_open. Returns 0,
 * or -1 with *cause the message sw_engine_open would give (caller frees). */
int sw_engine_filter_check(const char *text, char **cause);

/* What a front end does first: check the filter, then open. Returns the
 * engine, or NULL with *cause (caller frees; NULL when out of memory) and
 * *status the exit status it means: 2 for a bad filter (a bad command
 * line), 1 for anything else. */
struct sw_engine *sw_engine_start(const struct sw_engine_opts *o, int *status,
				  char **cause);

/* Take a snapshot now and aggregate it. Returns 1 when a frame is ready,
 * 0 at the end of a replay, -1 with *cause (malloc'ed) on error. */
int sw_engine_refresh(struct sw_engine *e, char **cause);

/* The latest frame (seq 0 before the first refresh). */
const struct sw_frame *sw_engine_frame(const struct sw_engine *e);

/* Replace the filter (NULL/"" clears). On a parse error returns -1 and
 * fills *err; the old filter stays. Applies from the next refresh, which
 * is then a new baseline: no opened/closed against the refresh before. */
int sw_engine_set_filter(struct sw_engine *e, const char *text,
			 struct sw_filter_error *err);

/* The filter text in force ("" when none). */
const char *sw_engine_filter_text(const struct sw_engine *e);

/* Change the grouping of remotes; re-aggregates the current snapshot at
 * once (no new dump), so the frame changes. Returns 0 or -1 (ENOMEM). */
int sw_engine_set_group(struct sw_engine *e, const struct sw_agg_opts *g);

/* Put the diagnosis of the latest frame into it (v[0..n): the caller's,
 * valid until it sets others; n 0: none). A refresh clears them. */
void sw_engine_set_findings(struct sw_engine *e, const struct sw_finding *v,
			    size_t n);

/* True when the engine reads a replay file. */
bool sw_engine_is_replay(const struct sw_engine *e);

/* Interval recorded between this replay frame and the previous one (for
 * pacing a replay in the TUI); 0 for live engines. */
double sw_engine_replay_gap(const struct sw_engine *e);

/* NULL, or why the --record file missed refreshes ("--record F: writing
 * failed: No space left on device: the recording is cut short"): once a
 * write failed, it stays said. Owned by the engine. */
const char *sw_engine_record_error(const struct sw_engine *e);

void sw_engine_close(struct sw_engine *e);

#endif
