/* sw_view_graph.h - trends as text: a sparkline (one glyph per value) and
 * the detail view's larger graph of one history series with its time axis
 * and the block/unblock/rule marks under it. Unicode blocks (U+2581..
 * U+2588), or ASCII where the terminal or --no-color wants it.
 *
 * Core header: values in, text out; no curses. */
#ifndef SW_VIEW_GRAPH_H
#define SW_VIEW_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_history.h"

/* The ASCII levels 1..8 (level 0, zero or unknown, is a space). */
#define SW_SPARK_ASCII ".:-=+*%#"

/* The glyph level 0..8 of v on a scale to max: 0 for NAN, 0 or less, or
 * max <= 0; else 1 (the smallest non-zero) up to 8 (max or more). */
int sw_view_spark_level(float v, float max);

/* n values as n glyphs into buf (always NUL-terminated, cut to whole
 * glyphs), scaled to max, or to the largest of v when max <= 0. Returns
 * buf. */
char *sw_view_spark(const float *v, int n, float max, bool utf8, char *buf,
		    size_t len);

/* A sparkline of the last w samples of series s of h, one refresh per
 * glyph, right-aligned (blank on the left while fewer are held): as
 * sw_view_spark with max <= 0. Returns buf. */
char *sw_view_spark_series(const struct sw_history *h, unsigned s, int w,
			   bool utf8, char *buf, size_t len);

#define SW_GRAPH_MAXW 400
#define SW_GRAPH_MAXH 12

struct sw_view_graph {
	int w, h;            /* plot columns and rows */
	uint32_t samples;    /* samples plotted (0: nothing to show) */
	float max;           /* the top of the scale */
	/* the plot, top row first: per column a glyph of 8 eighths */
	char rows[SW_GRAPH_MAXH][SW_GRAPH_MAXW * 3 + 1];
	/* under the plot: B (block), U (unblock), R (rule) at a mark's
	 * column, else spaces */
	char marks[SW_GRAPH_MAXW + 1];
	/* the time axis: "-10m      -5m       now", ages from the newest */
	char axis[SW_GRAPH_MAXW + 1];
	uint64_t t0, t1;     /* times of the first and last samples */
};

/* Plot series s of h over the whole ring into g: w columns (at most
 * SW_GRAPH_MAXW; samples per column by max, sw_downsample), rows rows (at
 * most SW_GRAPH_MAXH), scaled to the largest value; the marks of h that
 * fall in its time span. Returns g->samples. */
uint32_t sw_view_graph_make(const struct sw_history *h, unsigned s, int w,
			    int rows, bool utf8, struct sw_view_graph *g);

struct sw_view;
struct sw_view_model;

/* The series the detail view graphs (view_trend.c): a remote's
 * connections, a TCP listening port's SYN_RECV, a state's count; its
 * name into what ("connections of 192.0.2.0/24"). false when the history
 * does not follow it (what then says what is missing). */
bool sw_view_detail_series(const struct sw_view *v,
			   const struct sw_view_model *m, unsigned *s,
			   char *what, size_t len);

#endif
