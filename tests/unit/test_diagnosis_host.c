/* Unit tests: the diagnosis of the host's tables (conntrack_full) at its
 * thresholds' edges. */
#include "diag_fixture.h"

static size_t ct_runs(struct dfx *x, int64_t count, int64_t max, int runs)
{
	dfx_host(x, SW_H_CONNTRACK_COUNT, count);
	dfx_host(x, SW_H_CONNTRACK_MAX, max);
	for (int r = 0; r < runs; r++) {
		dfx_begin(x);
		dfx_listen(x, 80, 0, 128);
		dfx_run(x);
	}
	return x->n;
}

static void test_conntrack_edges(void **state)
{
	double near = dfx_lim(SW_FK_CONNTRACK_FULL, "near_max");
	int64_t max = 262144, at = (int64_t)(near * max) + 1;
	const struct sw_finding *f;
	struct dfx x;

	(void)state;
	dfx_init(&x);
	/* not loaded (unknown): silent */
	assert_int_equal(ct_runs(&x, -1, -1, 3), 0);
	assert_int_equal(ct_runs(&x, at - 2, max, 3), 0);
	/* at it: said on the second refresh */
	assert_int_equal(ct_runs(&x, at, max, 1), 0);
	assert_int_equal(ct_runs(&x, at, max, 1), 1);
	f = &x.out[0];
	assert_int_equal(f->kind, SW_FK_CONNTRACK_FULL);
	assert_int_equal(f->severity, SW_SEV_WARN);
	assert_int_equal(f->subject.kind, SW_SUBJ_HOST);
	assert_int_equal(f->action, SW_ACT_NONE);
	assert_non_null(strstr(f->advice, "nf_conntrack_max=524288"));
	assert_true(dfx_ev(f, "conntrack_max") == max);
	assert_int_equal(ct_runs(&x, max, max, 1), 1);
	assert_int_equal(x.out[0].severity, SW_SEV_CRIT);
	dfx_free(&x);
	/* a tiny table alone is no flood */
	dfx_init(&x);
	assert_int_equal(ct_runs(&x, 99, 100, 3), 0);
	dfx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conntrack_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
