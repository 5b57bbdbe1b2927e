/* Unit tests: the TUI view's geometry (layout at 80x24 and up, columns,
 * too-small screens), formatting of numbers, bars and durations, and the
 * line editor, and that every pane in the registry is whole. No terminal
 * involved. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_block.h"
#include "sw_duration.h"
#include "sw_test.h"
#include "sw_view.h"

static void test_line_editor(void **state)
{
	struct sw_view_line l;

	(void)state;
	sw_view_line_set(&l, "port 80");
	sw_view_line_key(&l, SW_KEY_HOME);
	sw_view_line_key(&l, 'x');
	assert_string_equal(l.buf, "xport 80");
	sw_view_line_key(&l, SW_KEY_DELETE);
	assert_string_equal(l.buf, "xort 80");
	sw_view_line_key(&l, SW_KEY_END);
	sw_view_line_key(&l, SW_KEY_LEFT);
	sw_view_line_key(&l, SW_KEY_BACKSPACE);
	assert_string_equal(l.buf, "xort 0");
	sw_view_line_key(&l, 0x15); /* ^U */
	assert_string_equal(l.buf, "");
	assert_int_equal(sw_view_line_key(&l, '\n'), SW_LINE_ACCEPT);
	assert_int_equal(sw_view_line_key(&l, SW_KEY_ESC), SW_LINE_CANCEL);
}

static bool overlap(const struct sw_rect *a, const struct sw_rect *b)
{
	return a->h && b->h && a->y < b->y + b->h && b->y < a->y + a->h &&
	       a->x < b->x + b->w && b->x < a->x + a->w;
}

static void check_layout(struct sw_view *v, int rows, int cols)
{
	struct sw_view_layout l;
	struct sw_rect all[SW_PANE_MAX + 2];
	int i, j, n = 0;

	sw_view_layout(v, rows, cols, &l);
	assert_false(l.too_small);
	all[n++] = l.header;
	all[n++] = l.bottom;
	for (i = 0; i < SW_PANE_MAX; i++)
		if (l.pane[i].h)
			all[n++] = l.pane[i];
	for (i = 0; i < n; i++) {
		assert_true(all[i].y >= 0 && all[i].y + all[i].h <= rows);
		assert_true(all[i].x >= 0 && all[i].x + all[i].w <= cols);
		for (j = i + 1; j < n; j++)
			assert_false(overlap(&all[i], &all[j]));
	}
	/* every state row is visible */
	if (l.pane[SW_PANE_STATES].h)
		assert_int_equal(v->list[SW_PANE_STATES].height, SW_ST_MAX - 1);
	/* columns stay inside their pane and never overlap */
	for (i = 0; i < SW_PANE_MAX; i++) {
		int xs[16], ws[16], k, c;

		if (!l.pane[i].h)
			continue;
		c = sw_view_columns(i, l.pane[i].w, xs, ws, 16);
		for (k = 0; k < c; k++) {
			/* an optional column is whole or not there */
			if (!ws[k] && sw_view_pane(i)->cols[k].optional)
				continue;
			assert_true(xs[k] + ws[k] <= l.pane[i].w);
			if (k)
				assert_true(xs[k] > xs[k - 1] + ws[k - 1] - 1);
			/* at 80 columns every column gets its full width; an
			 * optional one that has no room gets none */
			if (sw_view_pane(i)->cols[k].optional && !ws[k])
				continue;
			assert_true(ws[k] >= sw_view_pane(i)->cols[k].width);
		}
	}
}

static void test_layout(void **state)
{
	struct sw_view v;
	struct sw_view_layout l;

	(void)state;
	sw_view_init(&v, 1, NULL);
	check_layout(&v, 24, 80);
	check_layout(&v, 40, 120);
	check_layout(&v, 100, 300);
	v.show_blocks = true;
	check_layout(&v, 24, 80);
	v.mode = SW_V_DETAIL;
	v.show_blocks = false;
	check_layout(&v, 24, 80);
	v.mode = SW_V_MAIN;
	sw_view_layout(&v, 23, 80, &l);
	assert_true(l.too_small);
	sw_view_layout(&v, 24, 79, &l);
	assert_true(l.too_small);
	sw_view_free(&v);
}

/* B puts the blocks pane beside the listeners when both fit at full
 * width, under them when not; the listeners stay. Rows the bottom band
 * does not use go to the top band (the remotes). */
static void test_layout_bottom_band(void **state)
{
	struct sw_view v;
	struct sw_view_layout l;
	const struct sw_rect *li = &l.pane[SW_PANE_LISTENERS];
	const struct sw_rect *bl = &l.pane[SW_PANE_BLOCKS];
	const struct sw_rect *re = &l.pane[SW_PANE_REMOTES];

	(void)state;
	sw_view_init(&v, 1, NULL);
	v.list[SW_PANE_LISTENERS].n = 3;
	sw_view_layout(&v, 60, 200, &l);
	/* 3 listener rows: the band is chrome + 3 + 1, the rest is the top's */
	assert_int_equal(li->h, 2 + 3 + 1);
	assert_int_equal(re->h, 60 - SW_VIEW_HEADER_ROWS - 1 - li->h);
	v.show_blocks = true;
	v.list[SW_PANE_BLOCKS].n = 5;
	sw_view_layout(&v, 60, 200, &l);
	assert_true(li->h > 0 && bl->h > 0);
	assert_int_equal(li->y, bl->y);
	assert_true(bl->x > li->x + li->w);
	assert_int_equal(bl->h, 2 + 5 + 1);
	check_layout(&v, 60, 200);
	sw_view_layout(&v, 24, 80, &l);
	assert_true(li->h > 0 && bl->h > 0);
	assert_true(bl->y >= li->y + li->h);
	check_layout(&v, 24, 80);
	check_layout(&v, 40, 120);
	sw_view_free(&v);
}

static void test_format(void **state)
{
	char b[600];

	(void)state;
	assert_string_equal(sw_view_fmt_count(99999, b, sizeof(b)), "99999");
	assert_string_equal(sw_view_fmt_count(250000, b, sizeof(b)), "250k");
	assert_string_equal(sw_view_fmt_count(12345678, b, sizeof(b)), "12.3M");
	assert_string_equal(sw_view_fmt_delta(-12, b, sizeof(b)), "-12");
	assert_string_equal(sw_view_fmt_delta(7, b, sizeof(b)), "+7");
	assert_string_equal(sw_view_fmt_delta(0, b, sizeof(b)), "0");
	assert_string_equal(sw_view_fmt_rate(0.01, b, sizeof(b)), "0");
	assert_string_equal(sw_view_fmt_rate(2.25, b, sizeof(b)), "2.2");
	assert_string_equal(sw_view_fmt_rate(1234, b, sizeof(b)), "1234");
	assert_string_equal(sw_duration_format(45, b, sizeof(b)), "45s");
	assert_string_equal(sw_duration_format(570, b, sizeof(b)), "9m30s");
	assert_string_equal(sw_duration_format(7500, b, sizeof(b)), "2h05m");
	/* bars: the ASCII one is as many bytes as cells; UTF-8 eighths */
	assert_string_equal(sw_view_bar(0.5, 8, false, b, sizeof(b)), "####    ");
	assert_string_equal(sw_view_bar(1, 2, true, b, sizeof(b)), "\u2588\u2588");
	assert_string_equal(sw_view_bar(0.0625, 2, true, b, sizeof(b)), "\u258f ");
	assert_string_equal(sw_view_bar(0, 3, true, b, sizeof(b)), "   ");
	/* tiny but non-zero still shows */
	assert_string_equal(sw_view_bar(0.001, 4, false, b, sizeof(b)), "#   ");
}

static void test_states_summary(void **state)
{
	struct sw_remote r;
	char b[64];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.states[SW_ESTABLISHED] = 590;
	r.states[SW_SYN_RECV] = 10;
	r.states[SW_TIME_WAIT] = 3;
	r.states[SW_CLOSE_WAIT] = 1;
	assert_string_equal(sw_view_fmt_states(&r, b, sizeof(b)), "EST 590 SR 10 TW 3");
}

/* One formatter for the text report (whole counts) and the panes (compact
 * counts): UDP last, nothing for a remote without sockets. */
static void test_states_summary_forms(void **state)
{
	struct sw_remote r;
	char b[64];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_string_equal(sw_agg_fmt_states(&r, NULL, b, sizeof(b)), "");
	r.udp = 3;
	assert_string_equal(sw_agg_fmt_states(&r, NULL, b, sizeof(b)), "UDP 3");
	r.states[SW_ESTABLISHED] = 123456;
	r.states[SW_SYN_RECV] = 10;
	r.udp = 1234;
	assert_string_equal(sw_agg_fmt_states(&r, NULL, b, sizeof(b)),
			    "EST 123456 SR 10 UDP 1234");
	assert_string_equal(sw_view_fmt_states(&r, b, sizeof(b)),
			    "EST 123k SR 10 UDP 1234");
	/* cut to the buffer, still terminated */
	assert_string_equal(sw_agg_fmt_states(&r, NULL, b, 8), "EST 123");
}

/* The text the block confirmation offers reads back as the same time. */
static void test_duration_text(void **state)
{
	static const struct {
		double s;
		const char *text;
	} cases[] = {
		{ 600, "10m" }, { 7200, "2h" }, { 90, "90s" }, { 3660, "61m" },
		{ 86400, "24h" }, { 59.6, "1m" }, { 0, "1s" },
	};
	char b[16];
	double back;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_string_equal(sw_duration_text(cases[i].s, b, sizeof(b)),
				    cases[i].text);
		assert_int_equal(sw_duration_parse(b, &back), 0);
	}
	assert_string_equal(sw_duration_text(SW_BLOCK_DEFAULT_S, b, sizeof(b)), "10m");
}

/* Every pane in the registry is a whole definition, and the screens place
 * them as their slots say: one detail screen, the rest on the main one. */
static void test_pane_registry(void **state)
{
	struct sw_view v;
	struct sw_view_layout l;
	int p, body = 0, b;

	(void)state;
	for (p = 0; p < SW_PANE_MAX; p++) {
		const struct sw_view_pane_def *d = sw_view_pane(p);

		assert_non_null(d->title);
		assert_non_null(d->nrows);
		assert_non_null(d->key);
		assert_true(d->ncols > 0 && d->ncols <= 16);
		assert_true(d->default_sort >= 0 && d->default_sort < d->ncols);
		/* a sorted header's marker never runs into the next one
		 * ("NEW/S▾STATES"): names are ASCII, the marker one cell */
		for (b = 0; b < d->ncols; b++)
			assert_true((int)strlen(d->cols[b].name) + 1 <= d->cols[b].width);
		if (d->slot == SW_SLOT_BODY) {
			body++;
			assert_null(d->open);
		}
	}
	assert_int_equal(body, 1);
	sw_view_init(&v, 1, NULL);
	for (b = 0; b < 2; b++) {
		v.show_blocks = b;
		v.mode = SW_V_MAIN;
		sw_view_layout(&v, 40, 120, &l);
		for (p = 0; p < SW_PANE_MAX; p++)
			assert_int_equal(l.pane[p].h > 0,
					 sw_view_pane_on(&v, p, SW_V_MAIN));
		v.mode = SW_V_DETAIL;
		sw_view_layout(&v, 40, 120, &l);
		for (p = 0; p < SW_PANE_MAX; p++)
			assert_int_equal(l.pane[p].h > 0,
					 sw_view_pane(p)->slot == SW_SLOT_BODY);
	}
	sw_view_free(&v);
}

static void test_duration_parse(void **state)
{
	double s;

	(void)state;
	assert_int_equal(sw_duration_parse("90s", &s), 0);
	assert_true(s == 90);
	assert_int_equal(sw_duration_parse("10m", &s), 0);
	assert_true(s == 600);
	assert_int_equal(sw_duration_parse("2h", &s), 0);
	assert_true(s == 7200);
	assert_int_equal(sw_duration_parse("1.5", &s), 0);
	assert_true(s == 1.5);
	assert_int_equal(sw_duration_parse("", &s), -1);
	assert_int_equal(sw_duration_parse("10x", &s), -1);
	assert_int_equal(sw_duration_parse("0", &s), -2);
	assert_int_equal(sw_duration_parse("5m3", &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_editor),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_bottom_band),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_states_summary),
		cmocka_unit_test(test_states_summary_forms),
		cmocka_unit_test(test_duration_text),
		cmocka_unit_test(test_pane_registry),
		cmocka_unit_test(test_duration_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
