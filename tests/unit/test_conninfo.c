/* Unit tests: the conninfo table (conninfo_table.c): each info dump's
 * raw entries become the latest set, sorted by cookie and without the
 * duplicates of a dump under churn; first seen is carried by cookie from
 * dump to dump; the receive rate is the bytes_received difference per
 * cookie over the time between the dumps, unknown where it cannot be.
 * The set is updated in place (one array, 48 bytes an entry), checked
 * against a plain model on random dumps. */
#include <stdlib.h>

#include "sw_test.h"
#include "sw_conninfo.h"

#define S 1000000000ull

/* Write the raw entries (cookie, bytes received) of one dump and commit
 * it at wall time t (s) and monotonic time mono (s). */
static const struct sw_conninfo *dump(struct sw_conninfo_table *t,
				      const uint64_t (*e)[2], size_t n,
				      uint64_t wall_s, double mono_s)
{
	for (size_t i = 0; i < n; i++) {
		struct sw_conn_info c;

		memset(&c, 0, sizeof(c));
		c.cookie = e[i][0];
		c.bytes_received = e[i][1];
		c.rx_per_s = 12345; /* the table sets it */
		assert_int_equal(sw_conninfo_table_put(t, &c), 0);
	}
	return sw_conninfo_table_commit(t, n, wall_s * S, (uint64_t)(mono_s * S));
}

static void test_first_dump(void **state)
{
	struct sw_conninfo_table t;
	const uint64_t e[][2] = { { 30, 5 }, { 10, 7 }, { 20, 9 }, { 10, 7 } };
	const struct sw_conninfo *ci;

	(void)state;
	sw_conninfo_table_init(&t);
	assert_null(sw_conninfo_table_set(&t));
	ci = dump(&t, e, 4, 1000, 50);
	assert_ptr_equal(sw_conninfo_table_set(&t), ci);
	assert_int_equal(ci->n, 3); /* cookie 10 twice: once */
	assert_true(ci->v[0].cookie == 10 && ci->v[1].cookie == 20 &&
		    ci->v[2].cookie == 30);
	assert_true(ci->time_ns == 1000 * S);
	for (size_t i = 0; i < ci->n; i++) {
		assert_true(sw_conn_info_first_seen_ns(&ci->v[i], ci->epoch_ns) == 1000 * S);
		assert_true(ci->v[i].seen_at_start);
		assert_true(ci->v[i].rx_per_s < 0);
	}
	assert_ptr_equal(sw_conninfo_find(ci, 20), &ci->v[1]);
	sw_conninfo_table_free(&t);
}

static void test_rates_and_age(void **state)
{
	struct sw_conninfo_table t;
	const uint64_t d1[][2] = { { 1, 1000 }, { 2, 0 }, { 3, 500 } };
	/* 2 s later: 1 received 3000 more, 2 none, 3 closed, 4 is new, 5's
	 * counter went backwards (a cookie reused would): unknown */
	const uint64_t d2[][2] = { { 4, 800 }, { 2, 0 }, { 1, 4000 } };
	const uint64_t d3[][2] = { { 1, 4000 }, { 4, 1800 }, { 5, 10 } };
	const uint64_t d4[][2] = { { 5, 3 }, { 4, 2300 } };
	const struct sw_conninfo *ci;
	const struct sw_conn_info *c;

	(void)state;
	sw_conninfo_table_init(&t);
	dump(&t, d1, 3, 1000, 10);
	ci = dump(&t, d2, 3, 1002, 12);
	assert_int_equal(ci->n, 3);
	c = sw_conninfo_find(ci, 1);
	assert_true(c->rx_per_s > 1499.999 && c->rx_per_s < 1500.001);
	assert_true(sw_conn_info_first_seen_ns(c, ci->epoch_ns) == 1000 * S && c->seen_at_start);
	c = sw_conninfo_find(ci, 2);
	assert_true(c->rx_per_s == 0);
	c = sw_conninfo_find(ci, 4);
	assert_true(c->rx_per_s < 0);
	assert_true(sw_conn_info_first_seen_ns(c, ci->epoch_ns) == 1002 * S && !c->seen_at_start);
	assert_null(sw_conninfo_find(ci, 3));

	/* half a second later (monotonic; the wall clock may jump) */
	ci = dump(&t, d3, 3, 900, 12.5);
	c = sw_conninfo_find(ci, 4);
	assert_true(c->rx_per_s > 1999.999 && c->rx_per_s < 2000.001);
	assert_true(sw_conn_info_first_seen_ns(c, ci->epoch_ns) == 1002 * S); /* carried, not reset */
	assert_true(sw_conninfo_find(ci, 1)->rx_per_s == 0);
	assert_true(sw_conninfo_find(ci, 5)->rx_per_s < 0);

	ci = dump(&t, d4, 2, 901, 13.5);
	assert_true(sw_conninfo_find(ci, 5)->rx_per_s < 0); /* went backwards */
	assert_true(sw_conninfo_find(ci, 4)->rx_per_s == 500);
	sw_conninfo_table_free(&t);
}

/* No time between two dumps (a replay of a broken recording): the rate
 * is unknown, not infinite; an empty dump empties the set. */
static void test_same_time_and_empty(void **state)
{
	struct sw_conninfo_table t;
	const uint64_t d[][2] = { { 1, 10 } }, d2[][2] = { { 1, 20 } };
	const struct sw_conninfo *ci;

	(void)state;
	sw_conninfo_table_init(&t);
	dump(&t, d, 1, 5, 5);
	ci = dump(&t, d2, 1, 5, 5);
	assert_true(ci->v[0].rx_per_s < 0);
	ci = dump(&t, d, 0, 6, 6);
	assert_int_equal(ci->n, 0);
	assert_null(sw_conninfo_find(ci, 1));
	sw_conninfo_table_free(&t);
}

/* A dump that fails midway: the set keeps its cookies (the new ones of
 * the failed dump are dropped), those put carry no rate, and the next
 * dump takes no rate from their half-dumped bytes but does from the
 * others'. */
static void test_abort(void **state)
{
	struct sw_conninfo_table t;
	const uint64_t d[][2] = { { 7, 70 }, { 8, 80 } };
	const uint64_t d2[][2] = { { 7, 170 }, { 8, 180 } };
	const struct sw_conninfo *ci;
	struct sw_conn_info c;

	(void)state;
	sw_conninfo_table_init(&t);
	dump(&t, d, 2, 1, 1);
	memset(&c, 0, sizeof(c));
	c.cookie = 7;
	c.bytes_received = 100;
	assert_int_equal(sw_conninfo_table_put(&t, &c), 0);
	for (int i = 0; i < 5000; i++) {
		c.cookie = 1000 + (uint64_t)i;
		assert_int_equal(sw_conninfo_table_put(&t, &c), 0);
	}
	sw_conninfo_table_abort(&t);
	ci = sw_conninfo_table_set(&t);
	assert_int_equal(ci->n, 2);
	assert_true(ci->v[0].cookie == 7 && ci->v[1].cookie == 8);
	assert_true(ci->v[0].bytes_received == 100 && ci->v[0].rx_per_s < 0);
	assert_true(ci->v[1].bytes_received == 80);
	ci = dump(&t, d2, 2, 3, 3);
	assert_int_equal(ci->n, 2);
	assert_true(sw_conninfo_find(ci, 7)->rx_per_s < 0); /* base was 100 */
	assert_true(sw_conninfo_find(ci, 8)->rx_per_s == 50); /* (180-80)/2 */
	assert_true(sw_conn_info_first_seen_ns(sw_conninfo_find(ci, 7), ci->epoch_ns) ==
		    1 * S);
	ci = dump(&t, d2, 2, 4, 4);
	assert_true(sw_conninfo_find(ci, 7)->rx_per_s == 0); /* known again */
	sw_conninfo_table_free(&t);
}

/* A dump with the same cookies updates the set where it is: no second
 * array is made; a new cookie is merged in at its place; a population
 * that shrinks gives its memory back. */
static void test_in_place(void **state)
{
	enum { N = 20000 };
	static uint64_t e[N][2];
	struct sw_conninfo_table t;
	const struct sw_conninfo *ci;
	const struct sw_conn_info *v;

	(void)state;
	sw_conninfo_table_init(&t);
	for (size_t i = 0; i < N; i++) {
		e[i][0] = 10 * (i + 1);
		e[i][1] = i;
	}
	ci = dump(&t, e, N, 10, 10);
	assert_int_equal(ci->n, N);
	assert_true(sizeof(struct sw_conn_info) <= 48);
	v = ci->v;
	for (size_t i = 0; i < N; i++)
		e[i][1] += 2 * i;
	ci = dump(&t, e, N, 11, 11);
	assert_ptr_equal(ci->v, v); /* the same array */
	assert_null(t.add);         /* and no side one kept */
	assert_true(t.cap < N + N / 4 + 256);
	assert_true(ci->v[N - 1].rx_per_s == 2 * (N - 1));
	/* one new cookie between two: merged at its place */
	e[0][0] = 15;
	ci = dump(&t, e, N, 12, 12);
	assert_int_equal(ci->n, N);
	assert_true(ci->v[0].cookie == 15 && ci->v[0].rx_per_s < 0 &&
		    ci->v[1].cookie == 20 && ci->v[1].rx_per_s == 0);
	assert_true(sw_conn_info_first_seen_ns(&ci->v[0], ci->epoch_ns) == 12 * S);
	assert_true(sw_conn_info_first_seen_ns(&ci->v[1], ci->epoch_ns) == 10 * S);
	assert_null(sw_conninfo_find(ci, 10)); /* gone */
	/* down to 100: the array shrinks */
	ci = dump(&t, e, 100, 13, 13);
	assert_int_equal(ci->n, 100);
	assert_true(t.cap < 1000);
	assert_true(ci->v[99].cookie == 1000 && ci->v[99].rx_per_s == 0);
	sw_conninfo_table_free(&t);
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random dumps (cookies from a small range, in random or rising order,
 * some repeated, counters that mostly grow) against a plain model: the
 * cookies of the dump, sorted, once each, with the first occurrence's
 * values, the rate against the dump before, first seen kept. */
static void test_against_model(void **state)
{
	enum { R = 4000, ROUNDS = 40 };
	static uint64_t bytes[R], seen[R], e[2 * R][2];
	static unsigned char in_set[R], in_dump[R];
	struct sw_conninfo_table t;

	(void)state;
	sw_conninfo_table_init(&t);
	for (unsigned r = 0; r < ROUNDS; r++) {
		size_t n = 0, want = 0;
		uint64_t wall = 100 + 2 * r;
		const struct sw_conninfo *ci;
		bool ordered = r % 3 == 1;

		memset(in_dump, 0, sizeof(in_dump));
		for (uint64_t c = 0; c < R; c++) {
			if (rnd() % 4 == 0)
				continue;
			e[n][0] = c * 7 + 3;
			e[n][1] = bytes[c] + (rnd() % 8 == 0 ? 0 : rnd() % 5000);
			n++;
			if (rnd() % 50 == 0) { /* repeated, later values */
				e[n][0] = c * 7 + 3;
				e[n][1] = e[n - 1][1] + 1;
				n++;
			}
		}
		for (size_t i = 0; !ordered && n > 1 && i < n; i++) {
			size_t j = rnd() % n;
			uint64_t a = e[i][0], b = e[i][1];

			e[i][0] = e[j][0];
			e[i][1] = e[j][1];
			e[j][0] = a;
			e[j][1] = b;
		}
		ci = dump(&t, e, n, wall, (double)wall);
		for (size_t i = 0; i < n; i++) {
			uint64_t c = (e[i][0] - 3) / 7;
			const struct sw_conn_info *x;

			if (in_dump[c])
				continue;
			in_dump[c] = 1;
			want++;
			x = sw_conninfo_find(ci, e[i][0]);
			assert_non_null(x);
			assert_true(x->bytes_received == e[i][1]);
			if (!in_set[c])
				seen[c] = wall;
			assert_true(sw_conn_info_first_seen_ns(x, ci->epoch_ns) == seen[c] * S);
			if (r && in_set[c] && e[i][1] >= bytes[c])
				assert_true(x->rx_per_s == (float)((e[i][1] - bytes[c]) / 2.0));
			else
				assert_true(x->rx_per_s < 0);
			bytes[c] = e[i][1];
		}
		assert_int_equal(ci->n, want);
		for (size_t i = 1; i < ci->n; i++)
			assert_true(ci->v[i - 1].cookie < ci->v[i].cookie);
		memcpy(in_set, in_dump, sizeof(in_set));
	}
	sw_conninfo_table_free(&t);
}

/* A replay reaching another run of the recording: the next dump is a
 * first one again (no rate, seen at start, first seen now). */
static void test_restart(void **state)
{
	struct sw_conninfo_table t;
	const uint64_t d[][2] = { { 1, 10 } }, d2[][2] = { { 1, 50 } };
	const struct sw_conninfo *ci;

	(void)state;
	sw_conninfo_table_init(&t);
	dump(&t, d, 1, 100, 100);
	ci = dump(&t, d2, 1, 101, 101);
	assert_true(ci->v[0].rx_per_s == 40 && sw_conn_info_first_seen_ns(&ci->v[0], ci->epoch_ns) == 100 * S);
	sw_conninfo_table_restart(&t);
	assert_int_equal(sw_conninfo_table_set(&t)->n, 1); /* kept until then */
	ci = dump(&t, d2, 1, 500, 500);
	assert_true(ci->v[0].rx_per_s < 0);
	assert_true(ci->v[0].seen_at_start);
	assert_true(sw_conn_info_first_seen_ns(&ci->v[0], ci->epoch_ns) == 500 * S);
	ci = dump(&t, d2, 1, 501, 501);
	assert_true(ci->v[0].rx_per_s == 0 && sw_conn_info_first_seen_ns(&ci->v[0], ci->epoch_ns) == 500 * S);
	sw_conninfo_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_dump),
		cmocka_unit_test(test_rates_and_age),
		cmocka_unit_test(test_same_time_and_empty),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
