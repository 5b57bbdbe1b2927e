/* test_agg_sort.c - the radix sort of the remotes gives exactly
 * sw_agg_remote_cmp's order (what qsort gave), at sizes on both sides of
 * the radix threshold, with ties on counts, both families, addresses
 * differing only in their last bytes, and huge counts; and families
 * other than 4 and 6 with bytes anywhere (the sort splits at IPv4). */
#include "sw_test.h"

#include <stdlib.h>

#include "sw_agg.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Families other than 4 and 6 too (below, between and above), and
 * bytes anywhere in every address: the sort splits the rows at IPv4. */
static bool odd_rows;

static void fill(struct sw_agg *a, uint32_t n)
{
	a->remotes = calloc(n, sizeof(*a->remotes));
	assert_non_null(a->remotes);
	a->nremotes = a->rcap = n;
	for (uint32_t i = 0; i < n; i++) {
		struct sw_remote *r = &a->remotes[i];
		uint32_t x = rnd();

		r->pfx.family = x & 1 ? SW_V6 : SW_V4;
		r->pfx.plen = r->pfx.family == SW_V4 ? 32 : 128;
		/* few distinct counts and tws: many ties to break */
		r->count = x % 7 == 0 ? rnd() : (rnd() % 4);
		r->tw = rnd() % 3 == 0 ? rnd() % 70000 : 0;
		if (r->pfx.family == SW_V4) {
			uint32_t v = i * 2654435761u;

			memcpy(r->pfx.bytes, &v, 4);
		} else {
			r->pfx.bytes[0] = 0x20;
			r->pfx.bytes[1] = 0x01;
			r->pfx.bytes[15] = (uint8_t)i;
			r->pfx.bytes[14] = (uint8_t)(i >> 8);
			r->pfx.bytes[7] = (uint8_t)(i >> 16);
		}
		if (odd_rows) {
			static const uint8_t fams[] = { 0, 4, 5, 6, 9, 4 };
			uint32_t w[4] = { rnd() % 3, rnd(), rnd() % 5, rnd() };

			r->pfx.family = fams[x % NELEM(fams)];
			memcpy(r->pfx.bytes, w, 16);
		}
		r->udp = i; /* a payload to see rows moved whole */
	}
}

static void check_n(uint32_t n)
{
	struct sw_agg a, ref;

	sw_agg_init(&a);
	sw_agg_init(&ref);
	fill(&a, n);
	ref.remotes = malloc(n * sizeof(*ref.remotes) + 1);
	assert_non_null(ref.remotes);
	memcpy(ref.remotes, a.remotes, n * sizeof(*a.remotes));
	qsort(ref.remotes, n, sizeof(*ref.remotes), sw_agg_remote_cmp);
	sw_agg_sort_remotes(&a);
	for (uint32_t i = 0; i < n; i++) {
		if (memcmp(&a.remotes[i], &ref.remotes[i], sizeof(a.remotes[i])) != 0)
			fail_msg("n=%u: row %u differs (udp %u, want %u)", n, i,
				 a.remotes[i].udp, ref.remotes[i].udp);
		if (i)
			assert_true(sw_agg_remote_cmp(&a.remotes[i - 1], &a.remotes[i]) < 0);
	}
	/* sorting again (the buffers reused) keeps it */
	sw_agg_sort_remotes(&a);
	assert_memory_equal(a.remotes, ref.remotes, n * sizeof(*a.remotes));
	free(ref.remotes);
	sw_agg_free(&a);
}

static void test_radix_equals_qsort(void **state)
{
	(void)state;
	check_n(0);
	check_n(1);
	check_n(100);    /* qsort below the threshold */
	check_n(511);
	check_n(512);    /* radix from here */
	check_n(5000);
	check_n(70001);  /* more rows than digits */
}

static void test_odd_families_and_bytes(void **state)
{
	(void)state;
	odd_rows = true;
	check_n(600);
	check_n(5000);
	check_n(40000);
	odd_rows = false;
}

/* All rows alike but for the last byte of an IPv6 address: only the
 * lowest digit pass moves anything. */
static void test_only_low_digit_differs(void **state)
{
	struct sw_agg a;
	const uint32_t n = 1000;

	(void)state;
	sw_agg_init(&a);
	a.remotes = calloc(n, sizeof(*a.remotes));
	a.nremotes = a.rcap = n;
	for (uint32_t i = 0; i < n; i++) {
		a.remotes[i].pfx.family = SW_V6;
		a.remotes[i].pfx.plen = 128;
		a.remotes[i].pfx.bytes[15] = (uint8_t)(n - 1 - i);
		a.remotes[i].pfx.bytes[14] = (uint8_t)((n - 1 - i) >> 8);
		a.remotes[i].count = 5;
	}
	sw_agg_sort_remotes(&a);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(a.remotes[i].pfx.bytes[15] | a.remotes[i].pfx.bytes[14] << 8, i);
	sw_agg_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radix_equals_qsort),
		cmocka_unit_test(test_odd_families_and_bytes),
		cmocka_unit_test(test_only_low_digit_differs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
