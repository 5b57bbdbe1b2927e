/* sw_tui.h - the ncursesw front end's internal interfaces, shared by the
 * src/tui*.c files: the refresher thread, the theme, and one draw function
 * per part of the screen. The entry point, sw_tui_main, is in sw_cli.h.
 *
 * Threads: the refresher owns the engine and the blocker (neither is
 * thread-safe) and hands whole models to the UI thread; the UI thread owns
 * curses and the view. They share only struct sw_tui_worker's fields under
 * its mutex. */
#ifndef SW_TUI_H
#define SW_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_block.h"
#include "sw_cli.h"
#include "sw_engine.h"
#include "sw_services.h"
#include "sw_view.h"

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

/* Start the refresher on an open engine and an optional blocker (both
 * then belong to it until sw_tui_worker_stop). It refreshes at once, then
 * every interval_s. wake_fd becomes readable whenever there is news.
 * Returns the worker, or NULL with *cause (malloc'ed). */
struct sw_tui_worker *sw_tui_worker_start(struct sw_engine *e,
					  struct sw_blocker *b,
					  double interval_s, int *wake_fd,
					  char **cause);

/* Stop the thread, close the engine and blocker, free the models. */
/* Stop it and close the engine and the blocker. Returns NULL, or what was
 * lost meanwhile (a recording cut short, audit lines not written), a
 * malloc'ed line for the caller to print and free. */
char *sw_tui_worker_stop(struct sw_tui_worker *w);

/* Take the news. When a new model is ready and the UI is not paused (or
 * the model answers an operator's command), *m is swapped for it; the
 * model stays the UI's until the next take. Drains wake_fd. */
void sw_tui_worker_take(struct sw_tui_worker *w, bool paused,
			struct sw_view_model **m, struct sw_tui_news *news);

/* Commands; each returns at once, the refresher does the work. */
void sw_tui_worker_pause(struct sw_tui_worker *w, bool paused);
void sw_tui_worker_interval(struct sw_tui_worker *w, double s);
void sw_tui_worker_group(struct sw_tui_worker *w, const struct sw_agg_opts *g);
void sw_tui_worker_filter(struct sw_tui_worker *w, const char *text);
void sw_tui_worker_block(struct sw_tui_worker *w,
			 const struct sw_view_confirm *c, const char *reason);
void sw_tui_worker_unblock(struct sw_tui_worker *w, const struct sw_prefix *p);

/* ---- theme -------------------------------------------------------------- */

enum sw_tui_attr {
	SW_T_NORMAL,
	SW_T_LABEL,       /* header labels */
	SW_T_VALUE,       /* header values */
	SW_T_HOT,         /* a counter that signals trouble, non-zero */
	SW_T_TITLE,       /* pane title, unfocused */
	SW_T_TITLE_FOCUS,
	SW_T_COLHDR,
	SW_T_COLHDR_SORT,
	SW_T_SEL,         /* selected row, focused pane */
	SW_T_SEL_DIM,     /* selected row, other panes */
	SW_T_WARN,        /* state over its threshold, full accept queue */
	SW_T_BAR,
	SW_T_BAR_HOT,
	SW_T_KEY,         /* bottom line: the key */
	SW_T_KEYDESC,     /* bottom line: what it does */
	SW_T_STATUS,
	SW_T_ERROR,
	SW_T_MARK,
	SW_T_BLOCKED,
	SW_T_INDICATOR,   /* PAUSED / FILTER / GROUP */
	SW_T_DIALOG,
	SW_T_DIALOG_HI,   /* titles and key hints in boxes */
	SW_T_MAX
};

/* ---- the UI context ------------------------------------------------- */

struct sw_tui {
	const struct sw_opts *o;
	struct sw_view view;
	struct sw_services services;  /* the prompt's service names */
	struct sw_filter_env fenv;
	struct sw_view_model *m;      /* the UI's model, from the refresher */
	struct sw_view_model empty;   /* shown before the first refresh */
	struct sw_view_layout lay;
	struct sw_tui_worker *w;
	int attr[SW_T_MAX];           /* curses attributes per role */
	bool utf8, color;
	char host[64];
	uint64_t start_ns;            /* CLOCK_MONOTONIC at start */
	bool replay, replay_end, replay_broken;
	char replay_name[64];
	char filter[256];             /* the filter in force */
	struct sw_agg_opts group;     /* the grouping in force */
	char block_why[256];          /* "" when blocking works */
	bool dry_run;
	char status[320];
	bool status_error;
	uint64_t status_until_ns;
	char *info;                   /* text of the info box, or NULL */
};

/* Monotonic clock in ns. */
uint64_t sw_tui_now_ns(void);

/* True when remotes are grouped into prefixes (not /32 and /128). */
bool sw_tui_grouped(const struct sw_tui *t);

/* Set the status line for a few seconds. */
void sw_tui_status(struct sw_tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Resolve the theme: colors when possible and wanted, else attributes. */
void sw_tui_theme_init(struct sw_tui *t);

/* Draw helpers (tui_draw.c). put: s clipped to w cells, at x or ending
 * at x + w (right); fill: w blanks; put_fill: w blanks, then s from x
 * over them (a line of one color). All in attr. */
void sw_tui_put(int y, int x, int w, int attr, const char *s, bool right);
void sw_tui_fill(int y, int x, int w, int attr);
void sw_tui_put_fill(int y, int x, int w, int attr, const char *s);
/* Draw a box with a title; returns the inner rectangle. */
struct sw_rect sw_tui_box(struct sw_tui *t, int h, int w, const char *title);

/* The parts of the screen. */
void sw_tui_draw(struct sw_tui *t);
void sw_tui_draw_header(struct sw_tui *t, const struct sw_rect *r);
void sw_tui_draw_bottom(struct sw_tui *t, const struct sw_rect *r);
void sw_tui_draw_pane(struct sw_tui *t, enum sw_pane p, const struct sw_rect *r);
void sw_tui_draw_help(struct sw_tui *t);
void sw_tui_draw_confirm(struct sw_tui *t);
void sw_tui_draw_info(struct sw_tui *t);

/* Map a curses key code to an sw_key (tui_keys.c); SW_KEY_NONE for keys
 * that mean nothing here. */
int sw_tui_key(int ch);

#endif
