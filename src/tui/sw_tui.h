/* sw_tui.h - the ncursesw front end's internal interfaces, shared by the
 * src/tui*.c files (private: it lives beside them): the refresher thread,
 * the UI's context, and one draw function per part of the screen. The
 * entry point, sw_tui_main, is in sw_cli.h.
 *
 * Layers, each calling only the ones below: tui.c (the loop) -> tui_draw.c
 * (the screen) -> tui_header/pane/help/confirm.c (its parts) ->
 * tui_paint.c (theme, text, boxes; tui_paint.h).
 *
 * Threads: the refresher runs the watch loop, which owns the engine and
 * the blocker (neither is thread-safe), and hands whole models to the UI
 * thread; the UI thread owns curses and the view and sends the watch its
 * commands. They share only struct sw_tui_worker's fields under its mutex,
 * and the watch's commands under the watch's. */
#ifndef SW_TUI_H
#define SW_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_autoban.h"
#include "sw_rules_file.h"
#include "sw_block.h"
#include "sw_clock.h"
#include "sw_cli.h"
#include "sw_engine.h"
#include "sw_metrics.h"
#include "sw_proc.h"
#include "sw_services.h"
#include "sw_view.h"
#include "sw_watch.h"
#include "tui_paint.h"

/* ---- the refresher thread ------------------------------------------- */

struct sw_tui_worker;

/* What the refresher reports back, picked up by sw_tui_worker_take. */
struct sw_tui_news {
	bool model;          /* *m was replaced with a newer model */
	bool replay_end;     /* the recording has no more refreshes */
	bool replay_broken;  /* ... because the rest of it is damaged (status
				says how) */
	char status[320];    /* a message for the status line, or "" */
	bool status_error;   /* status is an error or a refusal */
	char *info;          /* malloc'ed text for a box (dry run), or NULL */
};

/* Start the refresher thread on a watch (sw_watch.h; it then belongs to
 * the worker until sw_tui_worker_stop): the thread runs the watch loop,
 * which refreshes at once, then every interval. Commands go to the watch
 * directly (sw_watch_pause, ...). wake_fd becomes readable whenever there
 * is news. Its history (the trends) is sized for interval_s. Returns the worker, or NULL with *cause (malloc'ed); the watch
 * is then still the caller's. */
/* ab (may be NULL): the rules (--rules), whose hook runs before the
 * model is made, so the model carries their marks; it stays the caller's
 * and says through the worker's status. */
struct sw_tui_worker *sw_tui_worker_start(struct sw_watch *watch,
					  struct sw_autoban *ab, int *wake_fd,
					  double interval_s, char **cause);

/* Stop the thread, close the watch (the engine and the blocker), free the
 * models. Returns NULL, or what was lost meanwhile (a recording cut short,
 * audit lines not written), a malloc'ed line for the caller to print and
 * free. */
char *sw_tui_worker_stop(struct sw_tui_worker *w);

/* Take the news. When a new model is ready and the UI is not paused (or
 * the model answers an operator's command), *m is swapped for it; the
 * model stays the UI's until the next take. Drains wake_fd. */
void sw_tui_worker_take(struct sw_tui_worker *w, bool paused,
			struct sw_view_model **m, struct sw_tui_news *news);

/* ---- the history the trends show (tui_trend.c) ---------------------- */

struct sw_tui_trend {
	struct sw_history hist;
	uint64_t last_seq;           /* the refresh sampled last */
	struct sw_prefix *blocks;    /* the blocker's targets seen last, sorted */
	bool *rule;
	size_t nblocks;
	bool have_blocks;
};

/* An empty history sized for interval_s. Returns 0, or -1 (ENOMEM: the
 * trends stay empty). */
int sw_tui_trend_init(struct sw_tui_trend *tr, double interval_s);
void sw_tui_trend_free(struct sw_tui_trend *tr);
/* Sample frame f when it is a new refresh; marks from blocker b's list
 * (NULL: none). */
void sw_tui_trend_feed(struct sw_tui_trend *tr, const struct sw_frame *f,
		       struct sw_blocker *b);

/* ---- the UI context ------------------------------------------------- */

struct sw_tui {
	const struct sw_opts *o;
	struct sw_metrics *metrics;   /* --metrics/--textfile, or NULL */
	struct sw_view view;
	struct sw_services services;  /* the prompt's service names */
	struct sw_filter_env fenv;
	struct sw_view_model *m;      /* the UI's model, from the refresher */
	struct sw_view_model empty;   /* shown before the first refresh */
	struct sw_view_layout lay;
	struct sw_watch *watch;        /* the loop the worker runs */
	struct sw_tui_worker *w;
	struct sw_tui_paint pt;       /* the theme, UTF-8 or not */
	char host[64];
	uint64_t start_ns;            /* CLOCK_MONOTONIC at start */
	bool replay, replay_end, replay_broken;
	char replay_name[64];
	char filter[256];             /* the filter in force */
	bool dry_run;
	char status[320];
	bool status_error;
	uint64_t status_until_ns;
	char *info;                   /* text of the info box, or NULL */
	struct sw_autoban *ab;        /* the rules (--rules), or NULL */
	struct sw_procmap *pm;        /* owners of the sockets shown (a live
					 run's; NULL in a replay) */
};

/* The parts of the screen. */
void sw_tui_draw(struct sw_tui *t);
void sw_tui_draw_header(struct sw_tui *t, const struct sw_rect *r);
void sw_tui_draw_bottom(struct sw_tui *t, const struct sw_rect *r);
void sw_tui_draw_pane(struct sw_tui *t, enum sw_pane p, const struct sw_rect *r);
void sw_tui_draw_help(struct sw_tui *t);
void sw_tui_draw_confirm(struct sw_tui *t);
void sw_tui_draw_info(struct sw_tui *t);
void sw_tui_draw_graph(struct sw_tui *t, const struct sw_rect *r);

/* Map a curses key code to an sw_key (tui_keys.c); SW_KEY_NONE for keys
 * that mean nothing here. */
int sw_tui_key(int ch);

#endif
