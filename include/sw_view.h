/* sw_view.h - the TUI's pure view state: what is focused, how each pane is
 * sorted and scrolled, which row is selected (by a stable key, so the
 * selection follows its address across refreshes), the detail view, the
 * block confirmation, and the actions that change them.
 *
 * Its parts, one concept each: sw_view_key.h (keys, actions, reactions),
 * sw_view_model.h (the data one screen shows), sw_view_pane.h (the panes),
 * sw_view_line.h (line editing), sw_view_layout.h (the screen's geometry),
 * sw_view_fmt.h (formatting); this header includes them all.
 *
 * Core header: no curses, no netlink. The TUI (src/tui*.c) draws what this
 * describes; unit tests drive it with hand-made models and key codes. */
#ifndef SW_VIEW_H
#define SW_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_agg.h"
#include "sw_view_fmt.h"
#include "sw_view_key.h"
#include "sw_view_layout.h"
#include "sw_view_line.h"
#include "sw_view_model.h"
#include "sw_view_pane.h"

/* ---- per-pane list state ------------------------------------------------ */

struct sw_view_list {
	uint32_t *order;   /* rows of the model in display order */
	uint32_t n, cap;
	uint32_t sel;      /* index into order */
	uint32_t top;      /* first visible index */
	uint32_t height;   /* visible rows, set by the layout */
	int fit_w;         /* widest cell of the pane's fit column, 0: none */
	int sort;          /* column */
	bool reverse;      /* against the column's natural direction */
	bool have_key;
	bool pinned;       /* moved by the operator: stays on sel_key; else
			      the selection follows row 1 */
	struct sw_view_key sel_key;
};

/* What the detail view lists: the sockets match accepts, given the
 * parameters the opening pane stored. */
struct sw_view_detail {
	bool (*match)(const struct sw_view_detail *d,
		      const struct sw_view_model *m, const struct sw_sock *s);
	bool has_target;        /* pfx is a remote that b and u act on */
	struct sw_prefix pfx;   /* a remote or prefix */
	uint8_t proto;          /* a listener's */
	uint16_t port;
	uint64_t cookie;        /* the listener's own socket */
	uint8_t state;          /* a TCP state */
	char title[96];
};

/* ---- block confirmation ----------------------------------------------- */

struct sw_view_confirm {
	struct sw_prefix target;
	uint32_t count;                 /* its connections when opened */
	uint32_t states[SW_ST_MAX];
	uint32_t udp;
	uint32_t inbound, outbound;     /* its sockets by direction */
	uint16_t out_port;              /* a remote port this host connects to */
	bool out_ports_many;
	struct sw_view_line duration;   /* "10m" */
	bool kill;                      /* also end its existing connections */
	struct sw_view_line reason;     /* stored with the block */
	int field;                      /* SW_CONFIRM_* */
	double seconds;                 /* the duration, once accepted */
	char error[96];                 /* a duration that did not parse */
};

/* The confirmation's fields, in Tab order. */
enum { SW_CONFIRM_DURATION, SW_CONFIRM_KILL, SW_CONFIRM_REASON, SW_CONFIRM_NFIELDS };

/* The warning for a target this host connects to, "" for none: "outbound:
 * this host connects to it (port 5432); blocking it cuts your own
 * service". Returns buf. */
char *sw_view_confirm_warning(const struct sw_view_confirm *c, char *buf,
			      size_t len);

/* ---- the view ---------------------------------------------------------- */

enum sw_mode_view { SW_V_MAIN, SW_V_DETAIL };
/* INFO: a text box the TUI fills (e.g. a dry run's nft commands). */
enum sw_overlay { SW_O_NONE, SW_O_HELP, SW_O_PROMPT, SW_O_CONFIRM, SW_O_INFO };

#define SW_VIEW_MAX_MARKS 64

struct sw_view {
	enum sw_mode_view mode;
	enum sw_overlay overlay;
	enum sw_pane focus;       /* focused pane in the main screen */
	/* The operator chose the focus (Tab, a click, B, Enter on a
	 * finding, moving a selection): until then the findings pane takes it while it shows,
	 * so b acts on the worst finding from launch. */
	bool focus_chosen;
	uint32_t nfindings;       /* the model's findings (sw_view_sync): the
				     findings pane shows when > 0 */
	bool show_blocks;         /* blocks pane beside the listeners */
	bool paused;
	double interval_s;
	int group;                /* index into the grouping cycle */
	struct sw_agg_opts grouping;      /* in force (-g may be off the cycle) */
	struct sw_view_list list[SW_PANE_MAX];
	struct sw_view_detail detail;
	struct sw_view_line prompt;       /* the filter being typed */
	char filter_on[SW_VIEW_LINE_MAX + 1]; /* the filter in force */
	const struct sw_filter_env *filter_env; /* service names, or NULL */
	char filter_error[256];           /* shown inline under the prompt */
	int filter_error_pos;
	struct sw_view_confirm confirm;
	struct sw_prefix unblock_target;  /* for SW_R_UNBLOCK */
	bool unblock_range;               /* ... a range from unblock_target's
					   * address to unblock_last */
	uint8_t unblock_last[16];
	struct sw_prefix marks[SW_VIEW_MAX_MARKS];
	uint32_t nmarks;
	bool rules;                       /* --rules given: A arms them */
	bool armed;                       /* the rules may ban (A) */
	bool block_ok;                    /* blocking can be offered */
	char block_why[256];              /* why not, shown in the blocks pane */
	char default_duration[16];        /* offered in the confirmation */
	bool default_kill;                /* --kill: "end its connections" */
	char default_reason[SW_VIEW_LINE_MAX + 1]; /* --reason */
	long warn[SW_ST_MAX];             /* highlight thresholds, 0 = none */
	char msg[160];                    /* a one-line note for the status line;
					     the TUI shows it, then clears it */
};

/* Defaults: the focus_first pane (remotes) focused, interval_s, grouping
 * from g (the nearest step of the cycle). No allocation. */
void sw_view_init(struct sw_view *v, double interval_s,
		  const struct sw_agg_opts *g);
void sw_view_free(struct sw_view *v);

/* Recompute every visible list's order for model m (sort, selection by
 * key, scrolling). Call after a new model, a sort change or a resize.
 * Returns 0 or -1 (ENOMEM; lists are then empty). */
int sw_view_sync(struct sw_view *v, const struct sw_view_model *m);

/* Handle one key in whatever mode/overlay v is in. Returns SW_R_* flags. */
unsigned sw_view_key(struct sw_view *v, const struct sw_view_model *m,
		     int key);

/* Run an action directly. Returns SW_R_* flags. */
unsigned sw_view_act(struct sw_view *v, const struct sw_view_model *m,
		     enum sw_action a);

/* Whether pane p is on the screen of mode (main: its slot is not BODY and
 * it is shown; detail: its slot is BODY). */
bool sw_view_pane_on(const struct sw_view *v, enum sw_pane p,
		     enum sw_mode_view mode);

/* The pane that the list keys act on now (detail, or the focused one). */
enum sw_pane sw_view_active(const struct sw_view *v);

/* Model row under the selection of pane p, or -1 when the list is empty. */
long sw_view_selected(const struct sw_view *v, enum sw_pane p);

/* Re-sort one pane's list and re-find its selection (used by actions and
 * sw_view_sync). Returns 0 or -1 (ENOMEM). */
int sw_view_list_sync(struct sw_view *v, const struct sw_view_model *m,
		      enum sw_pane p);

/* Sort pane p's list by column col (out of range: the pane's default),
 * against the column's natural direction when reverse; the selection
 * stays on its row. Returns 0 or -1 as sw_view_list_sync. */
int sw_view_list_set_sort(struct sw_view *v, const struct sw_view_model *m,
			  enum sw_pane p, int col, bool reverse);

/* Move pane p's selection: by delta rows, clamped; updates the key. */
void sw_view_list_move(struct sw_view *v, const struct sw_view_model *m,
		       enum sw_pane p, long delta);

/* Set a list's visible height; when it changed, scroll so the selection
 * stays in view (and no blank tail shows while rows above are hidden). */
void sw_view_list_set_height(struct sw_view_list *l, uint32_t h);

/* Select index i of pane p's list (clamped); updates key and scroll, and
 * the selection stays on that row's key from now on (pinned). */
void sw_view_list_select(struct sw_view *v, const struct sw_view_model *m,
			 enum sw_pane p, long i);

/* Put pane p's selection back on row 1, following the top (Home, f). */
void sw_view_list_follow(struct sw_view *v, const struct sw_view_model *m,
			 enum sw_pane p);

/* When the operator has moved pane p's selection off following the top:
 * true, with the selected row's name (its label column) in buf. */
bool sw_view_list_pinned_label(const struct sw_view *v,
			       const struct sw_view_model *m, enum sw_pane p,
			       char *buf, size_t len);

/* Grouping cycle: /32,/24,/16 and /128,/64,/48. */
#define SW_VIEW_NGROUPS 3
void sw_view_group_opts(int group, struct sw_agg_opts *out);

/* True when v->grouping groups remotes into prefixes (not /32 and /128). */
bool sw_view_grouped(const struct sw_view *v);

/* Refresh interval steps: the next faster/slower step from s. */
double sw_view_interval_step(double s, int dir);

/* Whether a mark exists for p; toggles return the new state. */
bool sw_view_is_marked(const struct sw_view *v, const struct sw_prefix *p);
bool sw_view_toggle_mark(struct sw_view *v, const struct sw_prefix *p);

#endif
