/* sw_view.h - the TUI's pure view state: what is focused, how each pane is
 * sorted and scrolled, which row is selected (by a stable key, so the
 * selection follows its address across refreshes), the key -> action table,
 * the column tables of the panes, the screen layout and hit-testing.
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
#include "sw_counters.h"
#include "sw_sock.h"

struct sw_frame;

/* ---- keys -------------------------------------------------------------- */

/* Key codes: characters are their code point; special keys live above
 * Unicode so they never collide. The TUI maps curses codes to these
 * (Enter and '\r' both to SW_KEY_ENTER). */
enum sw_key {
	SW_KEY_NONE = 0,
	SW_KEY_TAB = '\t',
	SW_KEY_ENTER = '\n',
	SW_KEY_ESC = 27,
	SW_KEY_SPECIAL = 0x110000,
	SW_KEY_UP,
	SW_KEY_DOWN,
	SW_KEY_LEFT,
	SW_KEY_RIGHT,
	SW_KEY_PGUP,
	SW_KEY_PGDN,
	SW_KEY_HOME,
	SW_KEY_END,
	SW_KEY_BTAB,
	SW_KEY_BACKSPACE,
	SW_KEY_DELETE,
	SW_KEY_F1,
	SW_KEY_F10,
};

/* What a key does in the main screen. */
enum sw_action {
	SW_A_NONE = 0,
	SW_A_FOCUS_NEXT,
	SW_A_FOCUS_PREV,
	SW_A_UP,
	SW_A_DOWN,
	SW_A_PGUP,
	SW_A_PGDN,
	SW_A_HOME,
	SW_A_END,
	SW_A_SORT_PREV,
	SW_A_SORT_NEXT,
	SW_A_SORT_REVERSE,
	SW_A_FILTER,
	SW_A_GROUP,
	SW_A_PAUSE,
	SW_A_INTERVAL_UP,
	SW_A_INTERVAL_DOWN,
	SW_A_OPEN,
	SW_A_CLOSE,
	SW_A_BLOCK,
	SW_A_UNBLOCK,
	SW_A_BLOCKS,
	SW_A_HELP,
	SW_A_QUIT,
	SW_A_MAX
};

/* Reaction flags returned by actions: only the main loop acts on them. */
enum sw_react {
	SW_R_REDRAW = 1u << 0,   /* the screen changed */
	SW_R_QUIT = 1u << 1,
	SW_R_PAUSE = 1u << 2,    /* v->paused changed: tell the refresher */
	SW_R_INTERVAL = 1u << 3, /* v->interval_s changed */
	SW_R_GROUP = 1u << 4,    /* v->group changed: re-aggregate */
	SW_R_FILTER = 1u << 5,   /* the filter prompt was accepted: apply v->prompt */
	SW_R_BLOCK = 1u << 6,    /* the block confirmation was accepted */
	SW_R_UNBLOCK = 1u << 7,  /* unblock v->unblock_target */
	SW_R_BLOCKS = 1u << 8,   /* the blocks pane was toggled */
	SW_R_MARK = 1u << 9,     /* the marks changed */
};

/* One row of the key table. */
struct sw_view_binding {
	int key;
	enum sw_action action;
};

/* One row of the action table: what the help screen lists. */
struct sw_view_action_def {
	const char *keys; /* "Up Down PgUp PgDn Home End" */
	const char *help; /* "move the selection" */
};

/* The key table (constant; terminated by a {0, SW_A_NONE} row). */
extern const struct sw_view_binding sw_view_bindings[];

/* Action for a key in the main screen, SW_A_NONE when unbound. */
enum sw_action sw_view_key_action(int key);

/* Help text of an action (never NULL for a < SW_A_MAX). */
const struct sw_view_action_def *sw_view_action_def(enum sw_action a);

/* ---- model: the data one screen shows ----------------------------------- */

/* A blocked target (read back from the kernel) or a mark made with `b`. */
struct sw_view_block {
	struct sw_prefix target;
	double expires_s;   /* seconds left; <0 when unknown */
	uint64_t packets;   /* dropped so far */
	uint64_t bytes;
	bool marked;        /* a mark only: nothing was sent */
	char reason[64];
};

/* A run of the kernel blocks' lookup index: the blocks of one family and
 * prefix length, at bidx[start .. start + n). */
struct sw_view_block_run {
	uint8_t family, plen;
	uint32_t start, n;
};

/* The UI's own copy of a frame: refreshes never change it under the UI. */
struct sw_view_model {
	uint64_t seq;
	uint64_t time_ns;
	double interval_s, refresh_ms;
	bool have_prev;
	uint32_t total, tcp, udp;
	int64_t d_total, d_tcp, d_udp;
	struct sw_state_row states[SW_ST_MAX];
	uint32_t udp_connected, udp_unconnected;
	uint32_t opened, closed;
	struct sw_counters counters;
	double rate[SW_C_MAX];   /* per second; 0 without a previous frame */

	struct sw_remote *remotes;
	uint32_t nremotes, rcap;
	struct sw_listener *listeners;
	uint32_t nlisteners, lcap;
	struct sw_sock *socks;
	uint32_t nsocks, scap;
	struct sw_view_block *blocks;
	uint32_t nblocks, bcap;
	uint32_t nkernel_blocks; /* blocks[0..n) came from the kernel, the rest are marks */
	/* lookup index of the kernel blocks (sw_view_model_blocked): their
	 * indices sorted by family, length, address, index; one run per
	 * (family, length) */
	uint32_t *bidx;
	uint32_t bidx_cap;
	struct sw_view_block_run *bruns;
	uint32_t nbruns, brcap;
};

void sw_view_model_init(struct sw_view_model *m);
void sw_view_model_free(struct sw_view_model *m);

/* Copy a frame into m, reusing m's storage. Blocks are left alone.
 * Returns 0, or -1 (ENOMEM; m then holds an empty frame). */
int sw_view_model_fill(struct sw_view_model *m, const struct sw_frame *f);

/* Fill m's kernel blocks in place: sw_view_model_blocks_room drops the
 * blocks and marks and returns room for n blocks in m->blocks (owned by m),
 * or NULL (ENOMEM; blocks emptied); write them, then
 * sw_view_model_blocks_commit(m, n) lists them and builds the lookup
 * index. Commit returns 0 or -1 (ENOMEM; blocks emptied). */
struct sw_view_block *sw_view_model_blocks_room(struct sw_view_model *m,
						uint32_t n);
int sw_view_model_blocks_commit(struct sw_view_model *m, uint32_t n);

/* Replace m's blocks with a copy of n kernel blocks (marks dropped).
 * Returns 0 or -1 (ENOMEM; blocks emptied). */
int sw_view_model_set_blocks(struct sw_view_model *m,
			     const struct sw_view_block *kern, uint32_t n);

/* Replace the marks listed after the kernel blocks; a mark that a kernel
 * block already covers is not listed. Returns 0 or -1 (ENOMEM). */
int sw_view_model_set_marks(struct sw_view_model *m,
			    const struct sw_prefix *marks, uint32_t nmarks);

/* Index into m->blocks of the first kernel block (in list order) that
 * covers p (same family, its prefix contains p's address and is not
 * longer than p), or -1. A binary search per distinct (family, length)
 * of the blocks, so cheap per screen row with 100,000 blocks. */
int sw_view_model_blocked(const struct sw_view_model *m,
			  const struct sw_prefix *p);

/* ---- panes and columns ------------------------------------------------ */

enum sw_pane {
	SW_PANE_STATES,
	SW_PANE_REMOTES,
	SW_PANE_LISTENERS,
	SW_PANE_BLOCKS,
	SW_PANE_DETAIL,
	SW_PANE_MAX
};

/* Row flags for highlighting. */
enum sw_row_flag {
	SW_ROW_WARN = 1u << 0,    /* a state over its threshold */
	SW_ROW_MARKED = 1u << 1,  /* marked with b, nothing sent */
	SW_ROW_BLOCKED = 1u << 2, /* covered by a kernel block */
	SW_ROW_FULL = 1u << 3,    /* a listener's accept queue is full */
};

struct sw_view;

/* A cell: text, or a bar with fill fraction 0..1 and text beside it. */
struct sw_view_cell {
	char text[64];
	double bar;    /* <0: no bar */
};

typedef void (*sw_view_cell_fn)(const struct sw_view_model *m, uint32_t row,
				struct sw_view_cell *out);
typedef int (*sw_view_cmp_fn)(const struct sw_view_model *m, uint32_t a,
			      uint32_t b);

struct sw_view_col {
	const char *name;   /* header text */
	int width;          /* minimum width */
	int grow;           /* share of spare width (0: fixed) */
	bool right;         /* right-aligned */
	bool bar;           /* cell has a bar filling the spare width */
	bool desc;          /* natural direction is descending (counts) */
	sw_view_cell_fn cell;
	sw_view_cmp_fn cmp;
};

/* A stable row identity: remote prefix, listener proto/port/address, socket
 * (proto, cookie), state number, block target. */
struct sw_view_key {
	uint8_t b[20];
};

struct sw_view_pane_def {
	const char *title;
	const struct sw_view_col *cols;
	int ncols;
	int default_sort;
	uint32_t (*nrows)(const struct sw_view_model *m);
	void (*key)(const struct sw_view_model *m, uint32_t row,
		    struct sw_view_key *k);
	/* NULL: every row; else whether row belongs (detail view). */
	bool (*include)(const struct sw_view *v, const struct sw_view_model *m,
			uint32_t row);
	/* NULL: no flags; else SW_ROW_* bits for highlighting. */
	unsigned (*flags)(const struct sw_view *v, const struct sw_view_model *m,
			  uint32_t row);
	bool gutter;        /* two cells before the columns for a B / * mark */
};

/* The pane tables, one file each (src/core/view_pane_*.c). */
extern const struct sw_view_pane_def sw_view_pane_states;
extern const struct sw_view_pane_def sw_view_pane_remotes;
extern const struct sw_view_pane_def sw_view_pane_listeners;
extern const struct sw_view_pane_def sw_view_pane_blocks;
extern const struct sw_view_pane_def sw_view_pane_detail;

/* Shared comparators for pane tables: <0, 0, >0. */
static inline int sw_view_cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static inline int sw_view_cmp_dbl(double a, double b)
{
	return (a > b) - (a < b);
}

/* A prefix as a row (view_prefix.c): the key (family, length, address in
 * the first 18 bytes, the rest zero), the cell ("192.0.2.0/24"), and the
 * order (address, v4 first, then length; <0, 0, >0). */
void sw_view_prefix_key(const struct sw_prefix *p, struct sw_view_key *k);
void sw_view_prefix_cell(const struct sw_prefix *p, struct sw_view_cell *c);
int sw_view_prefix_cmp(const struct sw_prefix *x, const struct sw_prefix *y);

/* Definition of a pane (never NULL for p < SW_PANE_MAX). */
const struct sw_view_pane_def *sw_view_pane(enum sw_pane p);

/* ---- per-pane list state ------------------------------------------------ */

struct sw_view_list {
	uint32_t *order;   /* rows of the model in display order */
	uint32_t n, cap;
	uint32_t sel;      /* index into order */
	uint32_t top;      /* first visible index */
	uint32_t height;   /* visible rows, set by the layout */
	int sort;          /* column */
	bool reverse;      /* against the column's natural direction */
	bool have_key;
	struct sw_view_key sel_key;
};

/* What the detail view lists. */
enum sw_detail_kind { SW_DETAIL_REMOTE, SW_DETAIL_LISTENER, SW_DETAIL_STATE };

struct sw_view_detail {
	enum sw_detail_kind kind;
	struct sw_prefix pfx;   /* REMOTE */
	uint8_t proto;          /* LISTENER */
	uint16_t port;          /* LISTENER */
	uint8_t state;          /* STATE */
	char title[96];
};

/* ---- prompt and confirmation ----------------------------------------- */

struct sw_view_line {
	char buf[256];
	int len, cur;
};

/* SW_LINE_FULL: a printable character did not fit (the line holds
 * SW_VIEW_LINE_MAX characters): nothing changed, say so. */
enum sw_line_result { SW_LINE_EDIT, SW_LINE_ACCEPT, SW_LINE_CANCEL, SW_LINE_FULL };
#define SW_VIEW_LINE_MAX 255

/* Edit a line with key (printable characters insert; Left/Right/Home/End,
 * Backspace/Delete, ^U clears, ^A/^E; Enter accepts, Esc cancels). */
enum sw_line_result sw_view_line_key(struct sw_view_line *l, int key);
void sw_view_line_set(struct sw_view_line *l, const char *text);

struct sw_view_confirm {
	struct sw_prefix target;
	uint32_t count;                 /* its connections when opened */
	uint32_t states[SW_ST_MAX];
	uint32_t udp;
	struct sw_view_line duration;   /* "10m" */
	bool kill;                      /* also end its existing connections */
	int field;                      /* 0 duration, 1 kill */
	double seconds;                 /* the duration, once accepted */
	char error[96];                 /* a duration that did not parse */
};

/* ---- the view ---------------------------------------------------------- */

enum sw_mode_view { SW_V_MAIN, SW_V_DETAIL };
/* INFO: a text box the TUI fills (e.g. a dry run's nft commands). */
enum sw_overlay { SW_O_NONE, SW_O_HELP, SW_O_PROMPT, SW_O_CONFIRM, SW_O_INFO };

#define SW_VIEW_MAX_MARKS 64

struct sw_view {
	enum sw_mode_view mode;
	enum sw_overlay overlay;
	enum sw_pane focus;       /* focused pane in the main screen */
	bool show_blocks;         /* blocks pane in place of listeners */
	bool paused;
	double interval_s;
	int group;                /* index into the grouping cycle */
	struct sw_view_list list[SW_PANE_MAX];
	struct sw_view_detail detail;
	struct sw_view_line prompt;       /* the filter being typed */
	const struct sw_filter_env *filter_env; /* service names, or NULL */
	char filter_error[256];           /* shown inline under the prompt */
	int filter_error_pos;
	struct sw_view_confirm confirm;
	struct sw_prefix unblock_target;  /* for SW_R_UNBLOCK */
	struct sw_prefix marks[SW_VIEW_MAX_MARKS];
	uint32_t nmarks;
	bool block_ok;                    /* blocking can be offered */
	char default_duration[16];        /* offered in the confirmation */
	long warn[SW_ST_MAX];             /* highlight thresholds, 0 = none */
	char msg[160];                    /* a one-line note for the status line;
					     the TUI shows it, then clears it */
};


/* Defaults: remotes focused, interval_s, grouping from g (the nearest
 * step of the cycle). Returns 0 or -1 (ENOMEM never: no allocation). */
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

/* Select index i of pane p's list (clamped); updates key and scroll. */
void sw_view_list_select(struct sw_view *v, const struct sw_view_model *m,
			 enum sw_pane p, long i);

/* Grouping cycle: /32,/24,/16 and /128,/64,/48. */
#define SW_VIEW_NGROUPS 3
void sw_view_group_opts(int group, struct sw_agg_opts *out);

/* Refresh interval steps: the next faster/slower step from s. */
double sw_view_interval_step(double s, int dir);

/* Whether a mark exists for p; toggles return the new state. */
bool sw_view_is_marked(const struct sw_view *v, const struct sw_prefix *p);
bool sw_view_toggle_mark(struct sw_view *v, const struct sw_prefix *p);

/* ---- layout ------------------------------------------------------------ */

#define SW_VIEW_MIN_COLS 80
#define SW_VIEW_MIN_ROWS 24
#define SW_VIEW_HEADER_ROWS 3

struct sw_rect {
	int y, x, h, w;
};

struct sw_view_layout {
	bool too_small;
	int rows, cols;
	struct sw_rect header;
	struct sw_rect pane[SW_PANE_MAX]; /* h == 0: not shown */
	struct sw_rect bottom;            /* key hints, status, prompt */
};

/* Place the panes for a rows x cols screen, and set each shown list's
 * height (rows below its column header). */
void sw_view_layout(struct sw_view *v, int rows, int cols,
		    struct sw_view_layout *out);

/* Column geometry for pane p at width w: x offset and width of each
 * column (gaps of one space between). Returns the column count. */
int sw_view_columns(enum sw_pane p, int w, int *xs, int *ws, int max);

/* A mouse click at (y, x): on a row selects it and focuses its pane; on a
 * column header sorts by it (again: reverses). Returns SW_R_* flags. */
unsigned sw_view_click(struct sw_view *v, const struct sw_view_model *m,
		       const struct sw_view_layout *l, int y, int x);

/* ---- formatting --------------------------------------------------------- */

/* 1234 -> "1234", 123456 -> "123k", 12345678 -> "12.3M"; fits width 5. */
char *sw_view_fmt_count(uint64_t n, char *buf, size_t len);
/* Signed change: "+12", "-3", "0". */
char *sw_view_fmt_delta(int64_t d, char *buf, size_t len);
/* Rate: "0", "0.5", "12", "1.2k". */
char *sw_view_fmt_rate(double r, char *buf, size_t len);

/* A bar of `cells` cells filled to frac (0..1): UTF-8 eighth blocks, or
 * '#' when utf8 is false; padded with spaces. Returns buf. */
char *sw_view_bar(double frac, int cells, bool utf8, char *buf, size_t len);

/* Top states of a remote, biggest first: "EST 590 SR 10". */
char *sw_view_fmt_states(const struct sw_remote *r, char *buf, size_t len);

#endif
