/* sw_view_pane.h - the panes: the registry, and what one pane definition holds
 * (columns, rows, keys, headings, detail, layout wishes). Core header. */
#ifndef SW_VIEW_PANE_H
#define SW_VIEW_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_sock.h"
#include "sw_view_model.h"

/* The registry: one line per pane, in focus order. X(NAME, name) makes
 * SW_PANE_NAME and names its definition, sw_view_pane_name, written in
 * src/core/view_pane_name.c. Adding a pane is that file and a line here:
 * drawing, placing, focusing and opening go by the definition. */
#define SW_VIEW_PANES(X)         \
	X(FINDINGS, findings)    \
	X(STATES, states)        \
	X(REMOTES, remotes)      \
	X(LISTENERS, listeners)  \
	X(BLOCKS, blocks)        \
	X(DETAIL, detail)

#define SW_VIEW_PANE_ENUM(NAME, name) SW_PANE_##NAME,
enum sw_pane { SW_VIEW_PANES(SW_VIEW_PANE_ENUM) SW_PANE_MAX };
#undef SW_VIEW_PANE_ENUM

/* Row flags for highlighting. */
enum sw_row_flag {
	SW_ROW_WARN = 1u << 0,    /* a state over its threshold */
	SW_ROW_MARKED = 1u << 1,  /* marked with b, nothing sent */
	SW_ROW_BLOCKED = 1u << 2, /* covered by a kernel block */
	SW_ROW_FULL = 1u << 3,    /* a listener's accept or SYN queue is full */
	SW_ROW_CRIT = 1u << 4,    /* a critical finding (red) */
	SW_ROW_CAUTION = 1u << 5, /* a warning finding (yellow) */
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
	int width;          /* minimum width: the name and the sort marker fit */
	int grow;           /* share of spare width (0: fixed) */
	bool right;         /* right-aligned */
	bool bar;           /* cell has a bar filling the spare width */
	bool desc;          /* natural direction is descending (counts) */
	bool fit;           /* grows only to its widest cell (the pane's
			       fit_width) */
	bool optional;      /* left out (width 0) when the pane cannot give
			       it its full width beside the others: the
			       others are never squeezed for it */
	sw_view_cell_fn cell;
	sw_view_cmp_fn cmp;
	/* A trend column: the history series (sw_history.h) of row, false
	 * when it has none; drawn as a sparkline of the latest refreshes,
	 * one per cell (instead of the cell's text). NULL: a text or bar
	 * column. */
	bool (*series)(const struct sw_view_model *m, uint32_t row,
		       unsigned *s);
};

/* A stable row identity: remote prefix, listener proto/port/address, socket
 * (proto, cookie), state number, block target. */
struct sw_view_key {
	uint8_t b[20];
};

struct sw_view_detail;

/* Where a pane goes (view_layout.c). The main screen is a top band (SIDE
 * on the left, TOP beside it) above a bottom band: BOTTOM, and NEXT to
 * its right when both fit at full width, else under it; ALERT is a band
 * across the screen above them all, as tall as its rows (a few at most).
 * The detail screen is BODY. */
enum sw_view_slot {
	SW_SLOT_SIDE,
	SW_SLOT_TOP,
	SW_SLOT_BOTTOM,
	SW_SLOT_NEXT,
	SW_SLOT_BODY,
	SW_SLOT_ALERT,
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
	/* The gutter's second cell (a remote's direction), "" for none;
	 * NULL: always empty. */
	const char *(*mark)(const struct sw_view_model *m, uint32_t row);
	int label_col;      /* the column that names a row ("following ...") */

	/* The title line's text for n listed rows; NULL: "Title: n". */
	void (*heading)(const struct sw_view *v, uint32_t n, char *buf,
			size_t len);
	/* What an empty pane says; NULL: "none", or that the first refresh
	 * has not come yet. */
	const char *(*empty)(const struct sw_view *v,
			     const struct sw_view_model *m);
	/* Line i (0, 1, ...) of notes under the rows, if the pane has room:
	 * returns false when there is no line i. NULL: no notes. */
	bool (*note)(const struct sw_view_model *m, int i, char *buf,
		     size_t len);
	/* Enter: fill d (zeroed) with what the detail view lists for row,
	 * match and title at least. NULL: the pane has no detail. */
	void (*open)(const struct sw_view_model *m, uint32_t row,
		     struct sw_view_detail *d);
	/* b and u: the remote that row stands for. NULL: none. */
	bool (*target)(const struct sw_view_model *m, uint32_t row,
		       struct sw_prefix *p);
	/* What b says on a row without a target (one line into buf). NULL:
	 * "select a remote". */
	void (*no_target)(const struct sw_view_model *m, uint32_t row,
			  char *buf, size_t len);
	/* Enter on row, instead of opening a detail: select what the row
	 * points at in its own pane (a finding's subject). Returns SW_R_*
	 * flags. NULL: Enter opens (open). */
	unsigned (*jump)(struct sw_view *v, const struct sw_view_model *m,
			 uint32_t row);
	/* While the pane has the focus: the bottom line's text after the
	 * keys Enter, b and Tab, for the selected row (a finding's whole
	 * advice, which its column may cut). NULL: the usual key hints. */
	void (*hint)(const struct sw_view_model *m, uint32_t row, char *buf,
		     size_t len);
	/* u on a row that is itself a block or a mark: the block or mark
	 * (target, range, marked) that u undoes. NULL: u goes by target (the
	 * kernel block that covers the remote). */
	const struct sw_view_block *(*undo)(const struct sw_view_model *m,
					     uint32_t row);
	/* The widest cell of its fit column over the listed rows (order[0..n)).
	 * NULL: no fit column. */
	int (*fit_width)(const struct sw_view_model *m, const uint32_t *order,
			 uint32_t n);
	bool focus_first;   /* the focused pane when the view starts */
	/* Takes the focus whenever it shows, until the operator chooses one
	 * (sw_view.focus_chosen): the findings, so b acts on the worst. */
	bool grab_focus;
	/* The socket inode whose owning process row shows (0: none): the
	 * front end resolves the rows on screen into the model's owners
	 * (sw_view_model_set_owners) before drawing them. NULL: no owners. */
	uint32_t (*owner_inode)(const struct sw_view_model *m, uint32_t row);

	/* Layout wishes. */
	enum sw_view_slot slot;
	int width, width_max; /* SIDE: cells on an 80-column screen, at most */
	/* Every row, always: the band is made tall enough for all of them
	 * and the pane lists no more (nrows must not read the model). */
	bool all_rows;
	/* NULL: always in its slot; else whether it is shown now (two panes
	 * can take turns in one slot). */
	bool (*shown)(const struct sw_view *v);
};

/* The definitions the registry names. */
#define SW_VIEW_PANE_DECL(NAME, name) \
	extern const struct sw_view_pane_def sw_view_pane_##name;
SW_VIEW_PANES(SW_VIEW_PANE_DECL)
#undef SW_VIEW_PANE_DECL

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

/* The cell of a trend column (view_trend.c): no text, the sparkline is
 * drawn from its series. */
void sw_view_trend_cell(const struct sw_view_model *m, uint32_t row,
			struct sw_view_cell *c);

/* Definition of a pane (never NULL for p < SW_PANE_MAX). */
const struct sw_view_pane_def *sw_view_pane(enum sw_pane p);

#endif
