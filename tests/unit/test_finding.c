/* test_finding.c - names of finding kinds and the conninfo lookup. */
#include "sw_test.h"

#include "sw_conninfo.h"
#include "sw_finding.h"

static void test_kind_names_round_trip(void **state)
{
	(void)state;
	for (unsigned k = 0; k < SW_FK_MAX; k++) {
		const char *n = sw_finding_kind_name(k);

		assert_string_not_equal(n, "unknown");
		assert_int_equal(sw_finding_kind_parse(n), (int)k);
	}
	assert_string_equal(sw_finding_kind_name(SW_FK_MAX), "unknown");
	assert_int_equal(sw_finding_kind_parse("syn-flood"), -1);
	assert_string_equal(sw_severity_name(SW_SEV_CRIT), "crit");
	assert_string_equal(sw_severity_name(SW_SEV_WARN), "warn");
	assert_string_equal(sw_severity_name(0), "unknown");
}

static void test_conninfo_find(void **state)
{
	struct sw_conn_info v[5];
	struct sw_conninfo ci = {.v = v, .n = 5};

	(void)state;
	for (unsigned i = 0; i < 5; i++)
		v[i] = (struct sw_conn_info){.cookie = 10 * (i + 1)};
	for (unsigned i = 0; i < 5; i++)
		assert_ptr_equal(sw_conninfo_find(&ci, 10 * (i + 1)), &v[i]);
	assert_null(sw_conninfo_find(&ci, 5));
	assert_null(sw_conninfo_find(&ci, 35));
	assert_null(sw_conninfo_find(&ci, 51));
	assert_null(sw_conninfo_find(NULL, 10));
	ci.n = 0;
	assert_null(sw_conninfo_find(&ci, 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names_round_trip),
		cmocka_unit_test(test_conninfo_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
