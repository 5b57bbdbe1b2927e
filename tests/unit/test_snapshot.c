/* Unit tests: snapshot array + cookie hash. */
#include <stdlib.h>

#include "sw_snapshot.h"
#include "sw_test.h"

static void test_add_find_dedupe(void **state)
{
	struct sw_snapshot s;
	struct sw_sock a = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
					"198.51.100.7", 40000, 42);
	struct sw_sock u = a;

	(void)state;
	u.proto = SW_UDP; /* same cookie, other protocol: a different socket */
	sw_snapshot_init(&s);
	assert_int_equal(sw_snapshot_add(&s, &a), 1);
	assert_int_equal(sw_snapshot_add(&s, &a), 0);
	assert_int_equal(sw_snapshot_add(&s, &u), 1);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.dups, 1);
	assert_non_null(sw_snapshot_find(&s, SW_TCP, 42));
	assert_int_equal(sw_snapshot_find(&s, SW_UDP, 42)->proto, SW_UDP);
	assert_null(sw_snapshot_find(&s, SW_TCP, 43));
	assert_int_equal(s.nstate[SW_TCP][SW_ESTABLISHED], 1);
	assert_int_equal(s.nstate[SW_UDP][SW_ESTABLISHED], 1);
	sw_snapshot_free(&s);
}

static void test_grow_and_reset_keeps_storage(void **state)
{
	struct sw_snapshot s;
	struct sw_sock a = sw_test_sock(SW_TCP, SW_TIME_WAIT, "192.0.2.1", 80,
					"198.51.100.7", 40000, 0);
	uint32_t i, n = 100000;
	void *before;

	(void)state;
	sw_snapshot_init(&s);
	for (i = 0; i < n; i++) {
		a.cookie = (uint64_t)i * 4096 + 1; /* stride: stress the hash */
		assert_int_equal(sw_snapshot_add(&s, &a), 1);
	}
	for (i = 0; i < n; i++)
		assert_non_null(sw_snapshot_find(&s, SW_TCP, (uint64_t)i * 4096 + 1));
	assert_true(s.nslots >= 2 * s.count);
	before = s.socks;
	sw_snapshot_reset(&s);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.nstate[SW_TCP][SW_TIME_WAIT], 0);
	assert_null(sw_snapshot_find(&s, SW_TCP, 1));
	for (i = 0; i < n; i++) {
		a.cookie = i + 7;
		assert_int_equal(sw_snapshot_add(&s, &a), 1);
	}
	assert_ptr_equal(before, s.socks); /* no reallocation when warm */
	assert_true(sw_snapshot_bytes(&s) >= (size_t)n * sizeof(struct sw_sock));
	sw_snapshot_free(&s);
}

static void test_record_is_64_bytes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct sw_sock), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find_dedupe),
		cmocka_unit_test(test_grow_and_reset_keeps_storage),
		cmocka_unit_test(test_record_is_64_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
