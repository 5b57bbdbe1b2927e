/* Unit tests: the offender history's text form: a round trip, and
 * corrupt or cut-short input refused whole, leaving the history as it
 * was. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_rules.h"
#include "sw_test.h"

#define GOOD "# sockwatch offenders v1\n" \
	     "198.51.100.7 2 1700000000.000 1700001200.000 86400 ddos\n" \
	     "2001:db8::/64 1 1700000100.500 1700000700.500 3600 syn-v6\n"

static struct sw_rules_history *load(const char *text)
{
	struct sw_rules_history *h = sw_rules_history_new();
	char *cause = NULL;

	assert_non_null(h);
	if (sw_rules_history_parse(h, text, strlen(text), &cause))
		fail_msg("refused: %s", cause);
	return h;
}

static void test_round_trip(void **state)
{
	struct sw_rules_history *h = load(GOOD), *h2;
	const struct sw_offender *o, *o2;
	size_t n, n2;
	char *text;

	(void)state;
	o = sw_rules_history_list(h, &n);
	assert_int_equal(n, 2);
	assert_int_equal(o[0].target.family, SW_V4);
	assert_int_equal(o[0].offences, 2);
	assert_true(o[0].last_ns == 1700000000ull * 1000000000ull);
	assert_true(o[0].until_ns == 1700001200ull * 1000000000ull);
	assert_true(o[0].window_s == 86400);
	assert_string_equal(o[0].rule, "ddos");
	assert_int_equal(o[1].target.plen, 64);
	assert_true(o[1].last_ns == 1700000100500000000ull);
	assert_false(sw_rules_history_dirty(h));
	text = sw_rules_history_format(h);
	assert_string_equal(text, GOOD);
	h2 = load(text);
	o2 = sw_rules_history_list(h2, &n2);
	assert_int_equal(n2, n);
	assert_memory_equal(o, o2, n * sizeof(*o));
	free(text);
	/* forgetting marks it changed */
	struct sw_prefix p = sw_test_prefix("198.51.100.7");
	assert_true(sw_rules_history_forget(h2, &p));
	assert_false(sw_rules_history_forget(h2, &p));
	assert_true(sw_rules_history_dirty(h2));
	text = sw_rules_history_format(h2);
	assert_false(sw_rules_history_dirty(h2));
	assert_null(strstr(text, "198.51.100.7"));
	free(text);
	sw_rules_history_free(h);
	sw_rules_history_free(h2);
}

static void test_empty(void **state)
{
	struct sw_rules_history *h = load("# sockwatch offenders v1\n");
	char *text = sw_rules_history_format(h);
	size_t n;

	(void)state;
	sw_rules_history_list(h, &n);
	assert_int_equal(n, 0);
	assert_string_equal(text, "# sockwatch offenders v1\n");
	free(text);
	sw_rules_history_free(h);
}

static void test_corrupt_refused_whole(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{"", "empty"},
		{"# something else\n", "line 1: not a sockwatch offender history"},
		{GOOD "198.51.100.8 1 1700000000 1700000600 60 r", "cut short"},
		{GOOD "198.51.100.8 1 1700000000 1700000600 60\n", "line 4: expected TARGET"},
		{GOOD "198.51.100.800 1 1700000000 1700000600 60 r\n", "line 4: the target is not"},
		{GOOD "198.51.100.8 0 1700000000 1700000600 60 r\n", "line 4: offences out of range"},
		{GOOD "198.51.100.8 1 -5 1700000600 60 r\n", "line 4: a time is out of range"},
		{GOOD "198.51.100.8 1 nan 1700000600 60 r\n", "line 4: a time is out of range"},
		{GOOD "198.51.100.8 1 1 2 3 r extra\n", "line 4: expected TARGET"},
		{GOOD "198.51.100.7 1 1 2 3 r\n", "line 4: the target is listed twice"},
		{"# sockwatch offenders v1\n198.51.100.8 1 1 2 3 r\0x\n", "line 2: not a history line"},
	};
	size_t lens[NELEM(cases)];

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++)
		lens[i] = strlen(cases[i].text);
	lens[NELEM(cases) - 1] = strlen(cases[NELEM(cases) - 1].text) + 3;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_rules_history *h = load(GOOD);
		char *cause = NULL, *text;
		size_t n;

		assert_int_equal(sw_rules_history_parse(h, cases[i].text, lens[i],
							&cause), -1);
		assert_non_null(cause);
		if (!strstr(cause, cases[i].want))
			fail_msg("case %zu: expected '%s' in '%s'", i,
				 cases[i].want, cause);
		free(cause);
		/* unchanged */
		sw_rules_history_list(h, &n);
		assert_int_equal(n, 2);
		text = sw_rules_history_format(h);
		assert_string_equal(text, GOOD);
		free(text);
		sw_rules_history_free(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_corrupt_refused_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
