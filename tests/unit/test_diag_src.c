/* Unit tests: the diagnosis' source list (diagnosis_util.c): many
 * connections from few sources are merged by (prefix, port) as they are
 * added, so it stays as small as the sources, and the counts and the port
 * each source is most seen on come out as without merging; a new list
 * after one that was counted (its hash left over) counts right. */
#include <stdlib.h>

#include "sw_test.h"
#include "sw_diagnosis.h"
#include "../../src/core/diagnosis_int.h"

static struct sw_prefix pfx(unsigned i)
{
	struct sw_prefix p;

	memset(&p, 0, sizeof(p));
	p.family = SW_V4;
	p.plen = 32;
	p.bytes[0] = 198;
	p.bytes[1] = 51;
	p.bytes[2] = 100;
	p.bytes[3] = (uint8_t)(1 + i);
	return p;
}

static void test_many_from_few(void **state)
{
	enum { N = 300000 };
	struct sw_diagnosis *d = sw_diagnosis_new();

	(void)state;
	assert_non_null(d);
	d->nsrc = 0;
	for (unsigned i = 0; i < N; i++) {
		/* source k gets (k + 1) shares; source 2 mostly on :443 */
		unsigned k = i % 6 < 1 ? 0 : i % 6 < 3 ? 1 : 2;
		uint16_t port = k == 2 && i % 5 ? 443 : 80;
		struct sw_prefix p = pfx(k);

		assert_int_equal(sw_diag_src_add(d, &p, port), 0);
	}
	assert_int_equal(d->nsrc, 4); /* (prefix, port) pairs, not N */
	assert_true(d->src_cap <= 256);
	sw_diag_src_count(d);
	assert_int_equal(d->nsrc, 3);
	assert_int_equal(d->src[0].pfx.bytes[3], 3);
	assert_int_equal(d->src[0].n, N / 2);
	assert_int_equal(d->src[0].port, 443);
	assert_int_equal(d->src[1].n, N / 3);
	assert_int_equal(d->src[1].port, 80);
	assert_int_equal(d->src[2].n, N / 6);
	sw_diagnosis_free(d);
}

/* As many sources as connections: the list grows to hold them all. */
static void test_all_distinct(void **state)
{
	enum { N = 200000 };
	struct sw_diagnosis *d = sw_diagnosis_new();

	(void)state;
	assert_non_null(d);
	d->nsrc = 0;
	for (unsigned i = 0; i < N; i++) {
		struct sw_prefix p = pfx(0);

		p.bytes[2] = (uint8_t)(i >> 16);
		p.bytes[3] = (uint8_t)(i >> 8);
		p.bytes[1] = (uint8_t)i;
		assert_int_equal(sw_diag_src_add(d, &p, 80), 0);
	}
	sw_diag_src_count(d);
	assert_int_equal(d->nsrc, N);
	for (size_t i = 0; i < d->nsrc; i++)
		assert_int_equal(d->src[i].n, 1);
	sw_diagnosis_free(d);
}

/* Lists one after another, as the detectors make them (nsrc = 0 and the
 * hash of the list before left as it was, its entries reordered by the
 * count): each counts its own sources only, against a plain count. */
static void test_lists_in_turn(void **state)
{
	struct sw_diagnosis *d = sw_diagnosis_new();
	unsigned seed = 7;

	(void)state;
	assert_non_null(d);
	for (unsigned round = 0; round < 40; round++) {
		enum { K = 300 };
		unsigned want[K], nk = 1 + round * 37 % K, n = round * 997 % 20000;
		size_t total = 0;

		memset(want, 0, sizeof(want));
		d->nsrc = 0;
		for (unsigned i = 0; i < n; i++) {
			unsigned k;
			struct sw_prefix p;

			seed = seed * 1103515245u + 12345u;
			k = (seed >> 8) % nk;
			p = pfx(k % 200);
			p.bytes[2] = (uint8_t)(k / 200); /* k itself, over 200 */
			want[k]++;
			assert_int_equal(sw_diag_src_add(d, &p, (uint16_t)(round % 3)), 0);
		}
		sw_diag_src_count(d);
		for (size_t i = 0; i < d->nsrc; i++) {
			unsigned k = d->src[i].pfx.bytes[3] - 1u +
				     200u * d->src[i].pfx.bytes[2];

			assert_true(k < nk);
			assert_int_equal(d->src[i].n, want[k]);
			assert_int_equal(d->src[i].port, round % 3);
			if (i)
				assert_true(d->src[i - 1].n >= d->src[i].n);
			total += d->src[i].n;
			want[k] = 0; /* each source once */
		}
		assert_int_equal(total, n);
		for (unsigned k = 0; k < nk; k++)
			assert_int_equal(want[k], 0);
	}
	sw_diagnosis_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_from_few),
		cmocka_unit_test(test_all_distinct),
		cmocka_unit_test(test_lists_in_turn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
