/* Unit tests: the conninfo table (conninfo_table.c): each info dump's
 * raw entries become the latest set, sorted by cookie and without the
 * duplicates of a dump under churn; first seen is carried by cookie from
 * dump to dump; the receive rate is the bytes_received difference per
 * cookie over the time between the dumps, unknown where it cannot be. */
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
	struct sw_conn_info *room = sw_conninfo_table_room(t, n);

	assert_non_null(room);
	for (size_t i = 0; i < n; i++) {
		memset(&room[i], 0, sizeof(room[i]));
		room[i].cookie = e[i][0];
		room[i].bytes_received = e[i][1];
		room[i].rx_per_s = 12345; /* the table sets it */
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
		assert_true(ci->v[i].first_seen_ns == 1000 * S);
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
	assert_true(c->first_seen_ns == 1000 * S && c->seen_at_start);
	c = sw_conninfo_find(ci, 2);
	assert_true(c->rx_per_s == 0);
	c = sw_conninfo_find(ci, 4);
	assert_true(c->rx_per_s < 0);
	assert_true(c->first_seen_ns == 1002 * S && !c->seen_at_start);
	assert_null(sw_conninfo_find(ci, 3));

	/* half a second later (monotonic; the wall clock may jump) */
	ci = dump(&t, d3, 3, 900, 12.5);
	c = sw_conninfo_find(ci, 4);
	assert_true(c->rx_per_s > 1999.999 && c->rx_per_s < 2000.001);
	assert_true(c->first_seen_ns == 1002 * S); /* carried, not reset */
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

/* Writing the next dump's room leaves the latest set whole until it is
 * committed: a dump that fails midway changes nothing. */
static void test_room_keeps_latest(void **state)
{
	struct sw_conninfo_table t;
	const uint64_t d[][2] = { { 7, 70 }, { 8, 80 } };
	const struct sw_conninfo *ci;
	struct sw_conn_info *room;

	(void)state;
	sw_conninfo_table_init(&t);
	ci = dump(&t, d, 2, 1, 1);
	room = sw_conninfo_table_room(&t, 5000);
	assert_non_null(room);
	for (int i = 0; i < 5000; i++)
		room[i].cookie = 99;
	ci = sw_conninfo_table_set(&t);
	assert_int_equal(ci->n, 2);
	assert_true(ci->v[0].cookie == 7 && ci->v[1].bytes_received == 80);
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
	assert_true(ci->v[0].rx_per_s == 40 && ci->v[0].first_seen_ns == 100 * S);
	sw_conninfo_table_restart(&t);
	assert_int_equal(sw_conninfo_table_set(&t)->n, 1); /* kept until then */
	ci = dump(&t, d2, 1, 500, 500);
	assert_true(ci->v[0].rx_per_s < 0);
	assert_true(ci->v[0].seen_at_start);
	assert_true(ci->v[0].first_seen_ns == 500 * S);
	ci = dump(&t, d2, 1, 501, 501);
	assert_true(ci->v[0].rx_per_s == 0 && ci->v[0].first_seen_ns == 500 * S);
	sw_conninfo_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_dump),
		cmocka_unit_test(test_rates_and_age),
		cmocka_unit_test(test_same_time_and_empty),
		cmocka_unit_test(test_room_keeps_latest),
		cmocka_unit_test(test_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
