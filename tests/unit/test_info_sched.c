/* Unit tests: when the info dump is due (sw_info_sched.h). */
#include "sw_info_sched.h"
#include "sw_test.h"

#define S 1000000000ull
#define MS 1000000ull

static void test_never(void **state)
{
	struct sw_info_sched s = { .every_ns = 0 };

	(void)state;
	assert_false(sw_info_sched_due(&s, 1));
	assert_false(sw_info_sched_due(&s, 100 * S));
	assert_int_equal(sw_info_sched_period(&s), 0);
}

static void test_first_then_every(void **state)
{
	struct sw_info_sched s = { .every_ns = 5 * S };

	(void)state;
	assert_true(sw_info_sched_due(&s, 7 * S)); /* none made yet */
	sw_info_sched_done(&s, 7 * S, 7 * S + 10 * MS);
	assert_int_equal(sw_info_sched_period(&s), 5 * S);
	assert_false(sw_info_sched_due(&s, 7 * S + 1));
	/* a tenth early still counts (4.5 s), a little more does not */
	assert_false(sw_info_sched_due(&s, 7 * S + 4500 * MS - 1));
	assert_true(sw_info_sched_due(&s, 7 * S + 4500 * MS));
	assert_true(sw_info_sched_due(&s, 20 * S));
}

/* At a million sockets a dump takes over a second: the period stretches
 * so the dumps take 1/SW_INFO_BUDGET of the time, and comes back when
 * they are cheap again. */
static void test_dear_dump_stretches_the_period(void **state)
{
	struct sw_info_sched s = { .every_ns = 5 * S };
	uint64_t t = 100 * S, cost = 1300 * MS, p = cost * SW_INFO_BUDGET;

	(void)state;
	sw_info_sched_done(&s, t, t + cost);
	assert_int_equal(sw_info_sched_period(&s), p);
	assert_false(sw_info_sched_due(&s, t + 5 * S));
	assert_false(sw_info_sched_due(&s, t + p - p / 10 - 1));
	assert_true(sw_info_sched_due(&s, t + p - p / 10));
	/* exactly at the budget: every_ns still rules */
	sw_info_sched_done(&s, t, t + 5 * S / SW_INFO_BUDGET);
	assert_int_equal(sw_info_sched_period(&s), 5 * S);
	sw_info_sched_done(&s, t, t + 5 * S / SW_INFO_BUDGET + 1);
	assert_int_equal(sw_info_sched_period(&s), 5 * S + SW_INFO_BUDGET);
	/* cheap again */
	sw_info_sched_done(&s, t + p, t + p + 20 * MS);
	assert_int_equal(sw_info_sched_period(&s), 5 * S);
	assert_true(sw_info_sched_due(&s, t + p + 5 * S));
}

static void test_odd_clocks(void **state)
{
	struct sw_info_sched s = { .every_ns = 5 * S };

	(void)state;
	sw_info_sched_done(&s, 10 * S, 9 * S); /* ended before it started */
	assert_int_equal(s.cost_ns, 0);
	assert_int_equal(sw_info_sched_period(&s), 5 * S);
	assert_true(sw_info_sched_due(&s, 9 * S)); /* now before the last */
	sw_info_sched_done(&s, 10 * S, UINT64_MAX);
	assert_int_equal(sw_info_sched_period(&s), UINT64_MAX);
	assert_false(sw_info_sched_due(&s, 11 * S));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_first_then_every),
		cmocka_unit_test(test_dear_dump_stretches_the_period),
		cmocka_unit_test(test_odd_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
