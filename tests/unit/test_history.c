/* test_history.c - the ring of samples, the remotes and ports it follows,
 * marks, downsampling at the edges, and the text of sparklines and the
 * detail graph. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_test.h"

#include "sw_frame.h"
#include "sw_history.h"
#include "sw_view_graph.h"

#include "frame_fixture.h"

static void test_cap_by_time(void **state)
{
	(void)state;
	assert_int_equal(sw_history_cap_for(1), 600);
	assert_int_equal(sw_history_cap_for(2), 300);
	assert_int_equal(sw_history_cap_for(0.2), 3000);
	assert_int_equal(sw_history_cap_for(0.01), SW_HIST_MAX);
	assert_int_equal(sw_history_cap_for(60), SW_HIST_MIN);
	assert_int_equal(sw_history_cap_for(0), SW_HIST_MIN);
}

static void test_memory_bounded(void **state)
{
	struct sw_history h;
	struct fx *x = calloc(1, sizeof(*x));
	unsigned conn[1] = {5};
	size_t before;

	(void)state;
	assert_int_equal(sw_history_init(&h, 0.2), 0);
	before = sw_history_bytes(&h);
	/* the stated bound: about 1.1 MB at the largest ring */
	assert_true(before < 1200 * 1000);
	for (uint64_t s = 0; s < 3 * SW_HIST_MAX; s++) {
		fx_frame(x, s, 1, conn, 1, 0, 0);
		sw_history_push(&h, &x->f);
	}
	assert_int_equal(sw_history_bytes(&h), before);
	assert_int_equal(sw_history_len(&h), SW_HIST_MAX);
	free(x);
	sw_history_free(&h);
}

static void test_ring_keeps_latest(void **state)
{
	struct sw_history h;
	struct fx x;
	unsigned conn[1] = {1};

	(void)state;
	assert_int_equal(sw_history_init(&h, 60), 0); /* SW_HIST_MIN samples */
	assert_true(isnan(sw_history_at(&h, SW_HS_STATE + SW_ESTABLISHED, 0)));
	for (unsigned s = 0; s < SW_HIST_MIN + 5; s++) {
		fx_frame(&x, s, 1, conn, s, 0, 0);
		sw_history_push(&h, &x.f);
	}
	assert_int_equal(sw_history_len(&h), SW_HIST_MIN);
	/* the oldest held is sample 5, the newest SW_HIST_MIN + 4 */
	assert_float_equal(sw_history_at(&h, SW_HS_STATE + SW_ESTABLISHED, 0), 5, 0);
	assert_float_equal(sw_history_at(&h, SW_HS_STATE + SW_ESTABLISHED,
					 SW_HIST_MIN - 1), SW_HIST_MIN + 4, 0);
	assert_true(sw_history_time(&h, 0) == (1700000000ull + 5) * 1000000000ull);
	assert_true(isnan(sw_history_at(&h, SW_HS_STATE, SW_HIST_MIN)));
	/* the rate of a counter: 50/s, unknown on the very first frame only */
	assert_float_equal(sw_history_at(&h, SW_HS_RATE + SW_C_SYNCOOKIES_SENT, 0),
			   50, 1e-6);
	sw_history_free(&h);
}

static void test_first_rate_unknown(void **state)
{
	struct sw_history h;
	struct fx x;
	unsigned conn[1] = {3};

	(void)state;
	assert_int_equal(sw_history_init(&h, 1), 0);
	fx_frame(&x, 0, 1, conn, 1, 0, 0);
	sw_history_push(&h, &x.f);
	assert_true(isnan(sw_history_at(&h, SW_HS_RATE + SW_C_SYNCOOKIES_SENT, 0)));
	assert_true(isnan(sw_history_at(&h, SW_HS_REMOTE + 1, 0))); /* new/s */
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE, 0), 3, 0);
	sw_history_free(&h);
}

/* A remote keeps its series while near the top, whatever its row: the
 * series follows the prefix, not the row. */
static void test_remote_follows_prefix(void **state)
{
	struct sw_history h;
	struct fx x;
	struct sw_prefix a = sw_test_prefix("192.0.2.1"), b = sw_test_prefix("192.0.2.2");
	unsigned c1[2] = {100, 10}, c2[2] = {5, 200};
	int sa, sb;

	(void)state;
	assert_int_equal(sw_history_init(&h, 1), 0);
	fx_frame(&x, 0, 2, c1, 0, 0, 0);
	sw_history_push(&h, &x.f);
	/* the rows swap: b is first now (the remotes are sorted by count) */
	fx_frame(&x, 1, 2, c2, 0, 0, 0);
	struct sw_remote t = x.r[0];
	x.r[0] = x.r[1];
	x.r[1] = t;
	sw_history_push(&h, &x.f);
	sa = sw_history_remote(&h, &a);
	sb = sw_history_remote(&h, &b);
	assert_true(sa >= 0 && sb >= 0 && sa != sb);
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE + 2 * sa, 0), 100, 0);
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE + 2 * sa, 1), 5, 0);
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE + 2 * sb, 0), 10, 0);
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE + 2 * sb, 1), 200, 0);
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE + 2 * sb + 1, 1), 20, 1e-4);
	/* gone from the frame (blocked, its sockets ended): 0, not unknown */
	fx_frame(&x, 2, 0, c2, 0, 0, 0);
	sw_history_push(&h, &x.f);
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE + 2 * sb, 2), 0, 0);
	sw_history_free(&h);
}

/* More remotes than slots: a newcomer takes the slot of the one out of
 * the top longest; its samples from before are unknown, not zero. */
static void test_remote_slots_recycled(void **state)
{
	struct sw_history h;
	struct fx *x = calloc(1, sizeof(*x));
	unsigned conn[32];
	struct sw_prefix p;
	int s;

	(void)state;
	assert_int_equal(sw_history_init(&h, 1), 0);
	for (unsigned round = 0; round < 4; round++) {
		/* round r: remotes 8r+1 .. 8r+8 are the top 8 */
		for (unsigned i = 0; i < 32; i++)
			conn[i] = i / 8 == round ? 1000 - i : 1;
		fx_frame(x, round, 32, conn, 0, 0, 0);
		/* sorted as the aggregation leaves them */
		for (unsigned i = 0; i < 8; i++) {
			struct sw_remote t = x->r[i];
			x->r[i] = x->r[8 * round + i];
			x->r[8 * round + i] = t;
		}
		sw_history_push(&h, &x->f);
	}
	/* rounds 2 and 3 took the slots of rounds 0 and 1 */
	p = sw_test_prefix("192.0.2.1");
	assert_int_equal(sw_history_remote(&h, &p), -1);
	p = sw_test_prefix("192.0.2.25");
	s = sw_history_remote(&h, &p);
	assert_true(s >= 0);
	assert_true(isnan(sw_history_at(&h, SW_HS_REMOTE + 2 * s, 0)));
	assert_float_equal(sw_history_at(&h, SW_HS_REMOTE + 2 * s, 3), 1000 - 24, 0);
	p = sw_test_prefix("192.0.2.17");
	assert_true(sw_history_remote(&h, &p) >= 0);
	free(x);
	sw_history_free(&h);
}

static void test_listener_fill(void **state)
{
	struct sw_history h;
	struct fx x;
	int s;

	(void)state;
	assert_int_equal(sw_history_init(&h, 1), 0);
	fx_frame(&x, 0, 0, NULL, 0, 40, 25);
	sw_history_push(&h, &x.f);
	s = sw_history_listener(&h, SW_TCP, 80);
	assert_true(s >= 0);
	assert_float_equal(sw_history_at(&h, SW_HS_LISTENER + 2 * s, 0), 0.25, 1e-6);
	assert_float_equal(sw_history_at(&h, SW_HS_LISTENER + 2 * s + 1, 0), 40, 0);
	assert_true(sw_history_listener(&h, SW_TCP, 22) >= 0);
	assert_int_equal(sw_history_listener(&h, SW_UDP, 80), -1);
	sw_history_free(&h);
}

static void test_marks_ring(void **state)
{
	struct sw_history h;
	struct sw_prefix p = sw_test_prefix("203.0.113.0/24");

	(void)state;
	assert_int_equal(sw_history_init(&h, 1), 0);
	assert_int_equal(sw_history_nmarks(&h), 0);
	assert_null(sw_history_mark_at(&h, 0));
	for (unsigned i = 0; i < SW_HIST_MARKS + 3; i++)
		sw_history_mark(&h, 1000 + i, i % 2 ? SW_HM_UNBLOCK : SW_HM_BLOCK, &p);
	assert_int_equal(sw_history_nmarks(&h), SW_HIST_MARKS);
	assert_true(sw_history_mark_at(&h, 0)->time_ns == 1003);
	assert_true(sw_history_mark_at(&h, SW_HIST_MARKS - 1)->time_ns ==
		    1000 + SW_HIST_MARKS + 2);
	assert_true(sw_prefix_eq(&sw_history_mark_at(&h, 0)->target, &p));
	sw_history_free(&h);
}

static void test_copy(void **state)
{
	struct sw_history a, b;
	struct fx x;
	unsigned conn[1] = {7};

	(void)state;
	assert_int_equal(sw_history_init(&a, 1), 0);
	memset(&b, 0, sizeof(b));
	fx_frame(&x, 0, 1, conn, 3, 0, 0);
	sw_history_push(&a, &x.f);
	assert_int_equal(sw_history_copy(&b, &a), 0);
	fx_frame(&x, 1, 1, conn, 9, 0, 0);
	sw_history_push(&a, &x.f); /* the copy does not change with it */
	assert_int_equal(sw_history_len(&b), 1);
	assert_float_equal(sw_history_at(&b, SW_HS_STATE + SW_ESTABLISHED, 0), 3, 0);
	assert_int_equal(sw_history_copy(&b, &a), 0);
	assert_float_equal(sw_history_at(&b, SW_HS_STATE + SW_ESTABLISHED, 1), 9, 0);
	sw_history_free(&a);
	sw_history_free(&b);
}

/* Downsampling: exact values at both edges, max and mean. */
static void test_downsample_narrower(void **state)
{
	float in[10] = {9, 1, 2, 3, 4, 5, 6, 7, 8, 0.5f}, out[3];

	(void)state;
	/* buckets [0,3) [3,6) [6,10) */
	sw_downsample(in, 10, out, 3, SW_DS_MAX);
	assert_float_equal(out[0], 9, 0);
	assert_float_equal(out[1], 5, 0);
	assert_float_equal(out[2], 8, 0);
	sw_downsample(in, 10, out, 3, SW_DS_MEAN);
	assert_float_equal(out[0], 4, 1e-6);
	assert_float_equal(out[1], 4, 1e-6);
	assert_float_equal(out[2], (6 + 7 + 8 + 0.5) / 4, 1e-6);
	/* n == w: the samples themselves */
	sw_downsample(in, 3, out, 3, SW_DS_MEAN);
	assert_float_equal(out[0], 9, 0);
	assert_float_equal(out[2], 2, 0);
	/* one bucket: all of it */
	sw_downsample(in, 10, out, 1, SW_DS_MAX);
	assert_float_equal(out[0], 9, 0);
}

static void test_downsample_wider(void **state)
{
	float in[3] = {1, 2, 3}, out[7];

	(void)state;
	sw_downsample(in, 3, out, 7, SW_DS_MAX);
	assert_float_equal(out[0], 1, 0); /* the first is the first sample */
	assert_float_equal(out[6], 3, 0); /* the last the last */
	assert_float_equal(out[3], 2, 0);
	sw_downsample(in, 1, out, 4, SW_DS_MEAN);
	for (int i = 0; i < 4; i++)
		assert_float_equal(out[i], 1, 0);
	sw_downsample(in, 0, out, 2, SW_DS_MAX);
	assert_true(isnan(out[0]) && isnan(out[1]));
}

static void test_downsample_unknown(void **state)
{
	float in[4] = {NAN, NAN, NAN, 4}, out[2];

	(void)state;
	sw_downsample(in, 4, out, 2, SW_DS_MEAN);
	assert_true(isnan(out[0]));          /* all unknown: unknown */
	assert_float_equal(out[1], 4, 0);    /* unknown ones left out */
	in[0] = -1;
	sw_downsample(in, 4, out, 2, SW_DS_MAX);
	assert_float_equal(out[0], -1, 0);   /* a max of negatives is one */
}

static void test_spark_levels(void **state)
{
	float v[5] = {0, 1, 4, 8, NAN};
	char buf[64];

	(void)state;
	assert_int_equal(sw_view_spark_level(0, 8), 0);
	assert_int_equal(sw_view_spark_level(NAN, 8), 0);
	assert_int_equal(sw_view_spark_level(0.01f, 8), 1); /* non-zero shows */
	assert_int_equal(sw_view_spark_level(8, 8), 8);
	assert_int_equal(sw_view_spark_level(9, 8), 8);
	assert_int_equal(sw_view_spark_level(4, 8), 4);
	assert_int_equal(sw_view_spark_level(1, 0), 0);
	sw_view_spark(v, 5, 0, true, buf, sizeof(buf));
	assert_string_equal(buf, " \u2581\u2584\u2588 ");
	sw_view_spark(v, 5, 0, false, buf, sizeof(buf));
	assert_string_equal(buf, " .=# ");
	/* cut to whole glyphs */
	sw_view_spark(v, 5, 0, true, buf, 8);
	assert_string_equal(buf, " \u2581\u2584");
}

static void test_spark_series_right_aligned(void **state)
{
	struct sw_history h;
	struct fx x;
	char buf[64];

	(void)state;
	assert_int_equal(sw_history_init(&h, 1), 0);
	for (unsigned s = 0; s < 3; s++) {
		fx_frame(&x, s, 0, NULL, 0, 4 * (s + 1), 0);
		sw_history_push(&h, &x.f);
	}
	sw_view_spark_series(&h, SW_HS_STATE + SW_SYN_RECV, 5, false, buf, sizeof(buf));
	assert_string_equal(buf, "  -*#"); /* 4, 8, 12 of 12 */
	sw_view_spark_series(&h, SW_HS_STATE + SW_SYN_RECV, 2, false, buf, sizeof(buf));
	assert_string_equal(buf, "*#");    /* the newest two, scaled to them */
	sw_history_free(&h);
}

static void test_graph(void **state)
{
	struct sw_history h;
	struct sw_view_graph *g = calloc(1, sizeof(*g));
	struct sw_prefix p = sw_test_prefix("192.0.2.9");
	struct fx x;

	(void)state;
	assert_int_equal(sw_history_init(&h, 1), 0);
	assert_int_equal(sw_view_graph_make(&h, SW_HS_TOTAL, 20, 4, false, g), 0);
	/* 0..599 s: a ramp to 600 at second 300, then 0 */
	for (unsigned s = 0; s < 600; s++) {
		fx_frame(&x, s, 0, NULL, s < 300 ? s * 2 : 0, 0, 0);
		sw_history_push(&h, &x.f);
	}
	sw_history_mark(&h, (1700000000ull + 300) * 1000000000ull, SW_HM_BLOCK, &p);
	sw_history_mark(&h, (1700000000ull + 599) * 1000000000ull, SW_HM_UNBLOCK, &p);
	assert_int_equal(sw_view_graph_make(&h, SW_HS_STATE + SW_ESTABLISHED, 60,
					    4, false, g), 600);
	assert_float_equal(g->max, 598, 0);
	assert_int_equal(strlen(g->rows[0]), 60);
	/* the peak column (just before second 300: column 29) is full to the
	 * top; the first column holds samples 0..9 (max 18): the bottom row
	 * only; after the drop nothing */
	assert_int_equal(g->rows[0][29], '#');
	assert_int_equal(g->rows[3][29], '#');
	assert_int_equal(g->rows[3][0], '.');
	assert_int_equal(g->rows[2][0], ' ');
	assert_int_equal(g->rows[3][59], ' ');
	/* marks at their time's column; the axis ends with now */
	assert_int_equal(g->marks[30], 'B');
	assert_int_equal(g->marks[59], 'U');
	assert_int_equal(strncmp(g->axis, "-10m", 4), 0);
	assert_string_equal(g->axis + 57, "now");
	/* UTF-8: eighth blocks, the full block at the peak */
	sw_view_graph_make(&h, SW_HS_STATE + SW_ESTABLISHED, 60, 4, true, g);
	assert_non_null(strstr(g->rows[0], "\u2588"));
	assert_int_equal(g->rows[0][0], ' ');
	/* samples 0..9 (max 18 of 598) in the bottom row's first column: 1
	 * of 32 eighths */
	assert_int_equal(strncmp(g->rows[3], "\u2581", 3), 0);
	free(g);
	sw_history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_by_time),
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_ring_keeps_latest),
		cmocka_unit_test(test_first_rate_unknown),
		cmocka_unit_test(test_remote_follows_prefix),
		cmocka_unit_test(test_remote_slots_recycled),
		cmocka_unit_test(test_listener_fill),
		cmocka_unit_test(test_marks_ring),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_downsample_narrower),
		cmocka_unit_test(test_downsample_wider),
		cmocka_unit_test(test_downsample_unknown),
		cmocka_unit_test(test_spark_levels),
		cmocka_unit_test(test_spark_series_right_aligned),
		cmocka_unit_test(test_graph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
