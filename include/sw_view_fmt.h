/* sw_view_fmt.h - numbers, rates, bars and state summaries as the panes show
 * them. Core header. */
#ifndef SW_VIEW_FMT_H
#define SW_VIEW_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_agg.h"

/* 1234 -> "1234", 123456 -> "123k", 12345678 -> "12.3M"; fits width 5. */
char *sw_view_fmt_count(uint64_t n, char *buf, size_t len);
/* Signed change: "+12", "-3", "0". */
char *sw_view_fmt_delta(int64_t d, char *buf, size_t len);
/* Rate: "0", "0.5", "12", "1.2k"; NAN (not known yet) is "-". */
char *sw_view_fmt_rate(double r, char *buf, size_t len);

/* A bar of `cells` cells filled to frac (0..1): UTF-8 eighth blocks, or
 * '#' when utf8 is false; padded with spaces. Returns buf. */
char *sw_view_bar(double frac, int cells, bool utf8, char *buf, size_t len);

/* Top states of a remote with compact counts (sw_agg_fmt_states):
 * "EST 590 SR 10 UDP 1.2k". */
char *sw_view_fmt_states(const struct sw_remote *r, char *buf, size_t len);

/* Display cells of UTF-8 text (one per character). */
int sw_view_text_cells(const char *s);

/* Make a cell's text t fit w cells without cutting a number or an
 * address (view_cell.c): whole items of a list are dropped and "…" ends
 * it; an address keeps its /len, :port or /pid and loses its middle at a
 * group boundary ("2001:db8:…/64"); a number that does not fit shows as
 * "…" alone. utf8 false: "~" for the ellipsis. Returns the cells used. */
int sw_view_fit(char *t, size_t len, int w, bool utf8);

#endif
