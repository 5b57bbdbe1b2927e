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

/* Cookies as the kernel hands them out (runs of consecutive numbers per
 * CPU), ones that share their low 32 bits, and runs spaced by a power
 * of two: each is found, each duplicate is dropped, whatever the slots
 * they land in. */
static void test_cookie_patterns(void **state)
{
	static const uint64_t base[] = { 1, 0x100000000ull, 0xffffffff00000000ull };
	struct sw_snapshot s;
	struct sw_sock k = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
					"198.51.100.7", 40000, 0);

	(void)state;
	sw_snapshot_init(&s);
	for (unsigned pat = 0; pat < 5; pat++) {
		uint32_t n = 20000;

		sw_snapshot_reset(&s);
		for (uint32_t i = 0; i < n; i++) {
			if (pat < 3) /* runs of 4096 from two CPUs, interleaved */
				k.cookie = base[pat] + (i % 2) * 4096 * 8 + (i / 2) % 4096 +
					   (i / 8192) * 4096 * 16;
			else if (pat == 3) /* the same low 32 bits */
				k.cookie = (uint64_t)i << 32 | 7;
			else /* two runs a power of two apart (aliasing slots) */
				k.cookie = (i % 2 ? 1ull << 16 : 0) + i / 2;
			assert_int_equal(sw_snapshot_add(&s, &k), 1);
			assert_int_equal(sw_snapshot_add(&s, &k), 0);
		}
		assert_int_equal(s.count, n);
		assert_int_equal(s.dups, n);
		for (uint32_t i = 0; i < s.count; i++)
			assert_ptr_equal(sw_snapshot_find(&s, SW_TCP, s.socks[i].cookie),
					 &s.socks[i]);
		assert_null(sw_snapshot_find(&s, SW_UDP, s.socks[0].cookie));
	}
	sw_snapshot_free(&s);
}

/* A record written in the room is part of the snapshot only once
 * committed: an uncommitted one (a filter said no) is overwritten by the
 * next; a committed duplicate is dropped. The listeners are listed by
 * index as they are added, through growth, and forgotten on reset. */
static void test_room_commit_and_listeners(void **state)
{
	struct sw_snapshot s;
	struct sw_sock *r;
	uint32_t i, n = 5000, nl = 0;

	(void)state;
	sw_snapshot_init(&s);
	r = sw_snapshot_room(&s);
	assert_non_null(r);
	*r = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7",
			  40000, 1);
	/* not committed: the next room is the same storage */
	assert_ptr_equal(sw_snapshot_room(&s), r);
	assert_int_equal(s.count, 0);
	assert_int_equal(sw_snapshot_commit(&s), 1);
	r = sw_snapshot_room(&s);
	*r = sw_test_sock(SW_TCP, SW_TIME_WAIT, "192.0.2.1", 80, "198.51.100.7",
			  40000, 1);
	assert_int_equal(sw_snapshot_commit(&s), 0); /* same cookie */
	assert_int_equal(s.count, 1);
	assert_int_equal(s.dups, 1);
	assert_int_equal(s.socks[0].state, SW_ESTABLISHED);
	assert_int_equal(s.nstate[SW_TCP][SW_TIME_WAIT], 0);
	assert_int_equal(s.nlisten, 0);

	for (i = 0; i < n; i++) {
		static const struct {
			unsigned proto, state;
		} kinds[] = { { SW_TCP, SW_LISTEN }, { SW_TCP, SW_ESTABLISHED },
			      { SW_UDP, SW_CLOSE }, { SW_UDP, SW_ESTABLISHED },
			      { SW_TCP, SW_CLOSE } };
		unsigned k = (i * 7) % NELEM(kinds);

		r = sw_snapshot_room(&s);
		assert_non_null(r);
		*r = sw_test_sock(kinds[k].proto, kinds[k].state, "192.0.2.1",
				  1000 + i % 1000, "198.51.100.7", 40000, 100 + i);
		assert_int_equal(sw_snapshot_commit(&s), 1);
		nl += sw_sock_is_listener(r);
	}
	assert_int_equal(s.count, n + 1);
	assert_int_equal(s.nlisten, nl);
	for (i = 0; i < s.nlisten; i++) {
		assert_true(s.listen[i] < s.count);
		assert_true(sw_sock_is_listener(&s.socks[s.listen[i]]));
		if (i)
			assert_true(s.listen[i] > s.listen[i - 1]);
	}
	for (i = 0, n = 0; i < s.count; i++)
		n += sw_sock_is_listener(&s.socks[i]);
	assert_int_equal(n, s.nlisten);
	sw_snapshot_reset(&s);
	assert_int_equal(s.nlisten, 0);
	sw_snapshot_free(&s);
}

/* Cookies that all share their low 4 bits (so all of them want the same
 * place in their line of slots), and full runs of 16 whose lines collide:
 * a probe must reach every slot, and the sockets of one run must be told
 * apart however their lines were taken. */
static void test_runs_whose_lines_collide(void **state)
{
	struct sw_snapshot s;
	struct sw_sock k = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
					"198.51.100.7", 40000, 0);
	uint32_t i, n = 200000;

	(void)state;
	sw_snapshot_init(&s);
	for (i = 0; i < n; i++) {
		k.cookie = (uint64_t)i * 16 + 5;
		assert_int_equal(sw_snapshot_add(&s, &k), 1);
	}
	for (i = 0; i < n; i++) {
		k.cookie = (uint64_t)i * 16 + 5;
		assert_int_equal(sw_snapshot_add(&s, &k), 0);
		assert_non_null(sw_snapshot_find(&s, SW_TCP, k.cookie));
		assert_null(sw_snapshot_find(&s, SW_TCP, k.cookie + 1));
	}
	assert_int_equal(s.count, n);
	sw_snapshot_reset(&s);
	/* dense runs: every line of slots full, many lines taken twice */
	for (i = 0; i < n; i++) {
		k.cookie = 0x1000000ull + i;
		assert_int_equal(sw_snapshot_add(&s, &k), 1);
	}
	for (i = 0; i < n; i++)
		assert_ptr_equal(sw_snapshot_find(&s, SW_TCP, 0x1000000ull + i),
				 &s.socks[i]);
	assert_null(sw_snapshot_find(&s, SW_TCP, 0x1000000ull + n));
	assert_int_equal(s.dups, 0);
	sw_snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find_dedupe),
		cmocka_unit_test(test_grow_and_reset_keeps_storage),
		cmocka_unit_test(test_record_is_64_bytes),
		cmocka_unit_test(test_cookie_patterns),
		cmocka_unit_test(test_room_commit_and_listeners),
		cmocka_unit_test(test_runs_whose_lines_collide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
