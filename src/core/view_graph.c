/* view_graph.c - sparklines and the detail view's graph as text
 * (sw_view_graph.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sw_view_graph.h"

/* U+2581 LOWER ONE EIGHTH BLOCK .. U+2588 FULL BLOCK, by level 1..8. */
static const char *const sw_view_spark_utf8[9] = {
	" ", "\u2581", "\u2582", "\u2583", "\u2584",
	"\u2585", "\u2586", "\u2587", "\u2588",
};

int sw_view_spark_level(float v, float max)
{
	int l;

	if (isnan(v) || !(v > 0) || !(max > 0))
		return 0;
	if (v >= max)
		return 8;
	l = (int)ceilf(v / max * 8);
	return l < 1 ? 1 : l > 8 ? 8 : l;
}

static const char *sw_view_glyph(int level, bool utf8, char *one)
{
	if (utf8)
		return sw_view_spark_utf8[level];
	one[0] = level ? SW_SPARK_ASCII[level - 1] : ' ';
	one[1] = '\0';
	return one;
}

static size_t sw_view_append(char *buf, size_t len, size_t o, const char *s)
{
	size_t n = strlen(s);

	if (o + n + 1 > len)
		return o;
	memcpy(buf + o, s, n + 1);
	return o + n;
}

char *sw_view_spark(const float *v, int n, float max, bool utf8, char *buf,
		    size_t len)
{
	size_t o = 0;
	char one[2];
	int i;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!(max > 0))
		for (i = 0, max = 0; i < n; i++)
			if (v[i] > max)
				max = v[i];
	for (i = 0; i < n; i++)
		o = sw_view_append(buf, len, o,
				   sw_view_glyph(sw_view_spark_level(v[i], max),
						 utf8, one));
	return buf;
}

char *sw_view_spark_series(const struct sw_history *h, unsigned s, int w,
			   bool utf8, char *buf, size_t len)
{
	float v[SW_GRAPH_MAXW];
	uint32_t got;
	int i, pad;

	if (w > SW_GRAPH_MAXW)
		w = SW_GRAPH_MAXW;
	if (w < 0)
		w = 0;
	got = sw_history_series(h, s, (uint32_t)w, v + 0);
	/* right-aligned: the newest at the right edge */
	pad = w - (int)got;
	memmove(v + pad, v, got * sizeof(*v));
	for (i = 0; i < pad; i++)
		v[i] = NAN;
	return sw_view_spark(v, w, 0, utf8, buf, len);
}

/* "-10m", "-90s", "-2h": how long before the newest sample. */
static void sw_view_age(uint64_t ns, char *buf, size_t len)
{
	double s = (double)ns / 1e9;

	if (s < 120)
		snprintf(buf, len, "-%.0fs", s);
	else if (s < 7200)
		snprintf(buf, len, "-%.0fm", s / 60);
	else
		snprintf(buf, len, "-%.0fh", s / 3600);
}

static void sw_view_graph_axis(struct sw_view_graph *g)
{
	int w = g->w > 0 ? g->w : 1, c, next = 0;

	memset(g->axis, ' ', (unsigned)w);
	g->axis[w] = '\0';
	if (w >= 3)
		memcpy(g->axis + w - 3, "now", 3);
	if (g->t1 <= g->t0)
		return;
	/* a label every quarter, left-aligned at its column, none that
	 * would run into the next or into "now" */
	for (c = 0; c < w - 3; c += w / 4 > 8 ? w / 4 : 8) {
		uint64_t t = g->t0 + (uint64_t)((double)(g->t1 - g->t0) * c /
						(w > 1 ? w - 1 : 1));
		char lab[16];
		int n;

		if (c < next)
			continue;
		sw_view_age(g->t1 - t, lab, sizeof(lab));
		n = (int)strlen(lab);
		if (c + n + 1 >= w - 3)
			break;
		memcpy(g->axis + c, lab, (size_t)n);
		next = c + n + 1;
	}
}

static void sw_view_graph_marks(const struct sw_history *h,
				struct sw_view_graph *g)
{
	static const char kinds[] = "BUR";
	uint32_t i;

	memset(g->marks, ' ', (unsigned)(g->w > 0 ? g->w : 1));
	g->marks[g->w] = '\0';
	for (i = 0; i < sw_history_nmarks(h); i++) {
		const struct sw_hist_mark *m = sw_history_mark_at(h, i);
		int c;

		if (m->time_ns < g->t0 || m->time_ns > g->t1 + 1000000000ull)
			continue;
		if (g->t1 <= g->t0 || m->time_ns >= g->t1)
			c = g->w - 1;
		else
			c = (int)((double)(m->time_ns - g->t0) * (g->w - 1) /
				  (double)(g->t1 - g->t0) + 0.5);
		if (c >= 0 && c < g->w)
			g->marks[c] = kinds[m->kind < 3 ? m->kind : 0];
	}
}

uint32_t sw_view_graph_make(const struct sw_history *h, unsigned s, int w,
			    int rows, bool utf8, struct sw_view_graph *g)
{
	float col[SW_GRAPH_MAXW];
	uint32_t n = sw_history_len(h);
	int r, c;

	memset(g, 0, sizeof(*g));
	g->w = w < 1 ? 1 : w > SW_GRAPH_MAXW ? SW_GRAPH_MAXW : w;
	g->h = rows < 1 ? 1 : rows > SW_GRAPH_MAXH ? SW_GRAPH_MAXH : rows;
	g->samples = n;
	if (n) {
		float all[SW_HIST_MAX];

		n = sw_history_series(h, s, n, all);
		sw_downsample(all, n, col, (size_t)g->w, SW_DS_MAX);
		g->t0 = sw_history_time(h, 0);
		g->t1 = sw_history_time(h, n - 1);
	} else {
		for (c = 0; c < g->w; c++)
			col[c] = NAN;
	}
	for (c = 0; c < g->w; c++)
		if (col[c] > g->max)
			g->max = col[c];
	for (r = 0; r < g->h; r++) {
		size_t o = 0;

		g->rows[r][0] = '\0';
		for (c = 0; c < g->w; c++) {
			/* eighths of this row the column's value fills */
			int lv = !(g->max > 0) || isnan(col[c]) || !(col[c] > 0) ? 0
				 : (int)ceilf(col[c] / g->max * (float)(g->h * 8));
			int fill = lv - (g->h - 1 - r) * 8;
			char one[2];
			const char *gl;

			fill = fill < 0 ? 0 : fill > 8 ? 8 : fill;
			gl = utf8 ? sw_view_spark_utf8[fill]
				  : sw_view_glyph(fill >= 4 ? 8 : fill ? 1 : 0, false, one);
			o = sw_view_append(g->rows[r], sizeof(g->rows[r]), o, gl);
		}
	}
	sw_view_graph_axis(g);
	sw_view_graph_marks(h, g);
	return g->samples;
}
