/* Unit tests: the UI model's block lookup. sw_view_model_blocked answers
 * from an index; it must give exactly what a scan of the kernel blocks in
 * list order gives (the first block that covers the prefix). And the
 * counter rates the header shows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_test.h"
#include "sw_frame.h"
#include "sw_view.h"

/* The plain scan the index replaces: first covering kernel block. */
static int ref_blocked(const struct sw_view_model *m, const struct sw_prefix *p)
{
	uint32_t i;

	for (i = 0; i < m->nkernel_blocks; i++) {
		const struct sw_prefix *t = &m->blocks[i].target;

		if (t->family == p->family && t->plen <= p->plen &&
		    sw_prefix_contains_addr(t, p->family, p->bytes))
			return (int)i;
	}
	return -1;
}

static struct sw_prefix pfx(const char *text)
{
	struct sw_prefix p;
	const char *err;

	assert_int_equal(sw_prefix_parse(text, &p, &err), 0);
	return p;
}

static void set_targets(struct sw_view_model *m, const char *const *t,
			uint32_t n)
{
	struct sw_view_block b[8];
	uint32_t i;

	assert_true(n <= 8);
	memset(b, 0, sizeof(b));
	for (i = 0; i < n; i++)
		b[i].target = pfx(t[i]);
	assert_int_equal(sw_view_model_set_blocks(m, b, n), 0);
}

static void test_first_in_list_order(void **state)
{
	static const char *const a[] = {
		"198.51.100.7", "203.0.113.0/24", "203.0.113.9", "203.0.113.9",
		"2001:db8::/32", "2001:db8::1",
	};
	static const char *const b[] = {
		"203.0.113.9", "203.0.113.0/24", "203.0.113.0/16",
	};
	struct sw_view_model m;
	struct sw_prefix p;

	(void)state;
	sw_view_model_init(&m);
	set_targets(&m, a, 6);
	/* the /24 comes before both copies of the address */
	p = pfx("203.0.113.9");
	assert_int_equal(sw_view_model_blocked(&m, &p), 1);
	p = pfx("198.51.100.7");
	assert_int_equal(sw_view_model_blocked(&m, &p), 0);
	p = pfx("2001:db8::1");
	assert_int_equal(sw_view_model_blocked(&m, &p), 4);
	/* a block longer than the prefix asked about does not cover it */
	p = pfx("198.51.100.0/24");
	assert_int_equal(sw_view_model_blocked(&m, &p), -1);
	p = pfx("203.0.113.0/25");
	assert_int_equal(sw_view_model_blocked(&m, &p), 1);
	p = pfx("203.0.112.0/23");
	assert_int_equal(sw_view_model_blocked(&m, &p), -1);
	/* same address, other family */
	p = pfx("::cb00:7109");
	assert_int_equal(sw_view_model_blocked(&m, &p), -1);

	/* an address listed first wins over the prefixes after it */
	set_targets(&m, b, 3);
	p = pfx("203.0.113.9");
	assert_int_equal(sw_view_model_blocked(&m, &p), 0);
	p = pfx("203.0.113.8");
	assert_int_equal(sw_view_model_blocked(&m, &p), 1);
	p = pfx("203.0.1.1");
	assert_int_equal(sw_view_model_blocked(&m, &p), 2);

	/* marks are not kernel blocks: never an answer */
	p = pfx("192.0.2.1");
	assert_int_equal(sw_view_model_set_marks(&m, &p, 1), 0);
	assert_int_equal(m.nblocks, 4);
	assert_int_equal(sw_view_model_blocked(&m, &p), -1);
	/* emptied: nothing covers anything */
	assert_int_equal(sw_view_model_set_blocks(&m, NULL, 0), 0);
	p = pfx("203.0.113.9");
	assert_int_equal(sw_view_model_blocked(&m, &p), -1);
	sw_view_model_free(&m);
}

/* Filling the model's storage in place lists and indexes the same. */
static void test_fill_in_place(void **state)
{
	struct sw_view_model m;
	struct sw_view_block *b;
	struct sw_prefix p;

	(void)state;
	sw_view_model_init(&m);
	p = pfx("192.0.2.1");
	assert_int_equal(sw_view_model_set_marks(&m, &p, 1), 0);
	assert_int_equal(m.nblocks, 1);
	b = sw_view_model_blocks_room(&m, 2);
	assert_non_null(b);
	/* the marks went with the old list */
	assert_int_equal(m.nblocks, 0);
	memset(b, 0, 2 * sizeof(*b));
	b[0].target = pfx("198.51.100.0/24");
	b[1].target = pfx("203.0.113.5");
	b[1].packets = 7;
	assert_int_equal(sw_view_model_blocks_commit(&m, 2), 0);
	assert_int_equal(m.nblocks, 2);
	assert_int_equal(m.nkernel_blocks, 2);
	assert_int_equal(m.blocks[1].packets, 7);
	p = pfx("203.0.113.5");
	assert_int_equal(sw_view_model_blocked(&m, &p), 1);
	p = pfx("198.51.100.9");
	assert_int_equal(sw_view_model_blocked(&m, &p), 0);
	p = pfx("203.0.113.6");
	assert_int_equal(sw_view_model_blocked(&m, &p), -1);
	sw_view_model_free(&m);
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A prefix from a small address space, so blocks and queries overlap,
 * repeat and nest often. */
static struct sw_prefix rnd_prefix(uint32_t *s)
{
	static const unsigned lens4[] = { 21, 24, 24, 30, 32, 32, 32, 32 };
	static const unsigned lens6[] = { 64, 120, 124, 128, 128, 128 };
	uint8_t bytes[16] = { 0 };
	struct sw_prefix p;
	bool v6 = rnd(s) % 4 == 0;
	unsigned plen;

	if (v6) {
		bytes[0] = 0x20;
		bytes[1] = 0x01;
		bytes[2] = 0x0d;
		bytes[3] = 0xb8;
		bytes[5] = (uint8_t)(rnd(s) % 4);
		bytes[7] = (uint8_t)(rnd(s) % 4);
		bytes[15] = (uint8_t)(rnd(s) % 64);
		plen = lens6[rnd(s) % 6];
	} else {
		bytes[0] = 203;
		bytes[1] = (uint8_t)(rnd(s) % 16);
		bytes[2] = (uint8_t)(113 + rnd(s) % 16);
		bytes[3] = (uint8_t)(rnd(s) % 64);
		plen = lens4[rnd(s) % 8];
	}
	sw_prefix_make(&p, v6 ? SW_V6 : SW_V4, bytes, plen);
	return p;
}

static void test_index_matches_scan(void **state)
{
	struct sw_view_model m;
	struct sw_view_block *b;
	uint32_t seed = 0x5eed1234, n, i, round, hits = 0;

	(void)state;
	sw_view_model_init(&m);
	b = calloc(600, sizeof(*b));
	assert_non_null(b);
	for (round = 0; round < 40; round++) {
		n = rnd(&seed) % 300;
		for (i = 0; i < n; i++)
			b[i].target = rnd_prefix(&seed);
		assert_int_equal(sw_view_model_set_blocks(&m, b, n), 0);
		assert_int_equal(m.nkernel_blocks, n);
		for (i = 0; i < 500; i++) {
			struct sw_prefix p = rnd_prefix(&seed);
			int want = ref_blocked(&m, &p);

			assert_int_equal(sw_view_model_blocked(&m, &p), want);
			hits += want >= 0;
		}
	}
	/* the comparison meant something: both answers occurred */
	assert_true(hits > 1000 && hits < 40 * 500 - 1000);
	free(b);
	sw_view_model_free(&m);
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* The header's counter rates: the change over the frame's interval, not
 * per refresh or per second of a 1 s interval; unknown before a
 * previous frame. */
static void test_counter_rates(void **state)
{
	struct sw_view_model m;
	struct sw_frame f;

	(void)state;
	memset(&f, 0, sizeof(f));
	sw_counters_clear(&f.counters);
	sw_counters_clear(&f.prev_counters);
	f.seq = 2;
	f.interval_s = 2.5;
	f.have_prev_counters = true;
	f.prev_counters.have[SW_C_LISTEN_OVERFLOWS] = true;
	f.prev_counters.val[SW_C_LISTEN_OVERFLOWS] = 1000;
	f.counters.have[SW_C_LISTEN_OVERFLOWS] = true;
	f.counters.val[SW_C_LISTEN_OVERFLOWS] = 1040;
	f.prev_counters.have[SW_C_SYNCOOKIES_SENT] = true;
	f.prev_counters.val[SW_C_SYNCOOKIES_SENT] = 7;
	f.counters.have[SW_C_SYNCOOKIES_SENT] = true;
	f.counters.val[SW_C_SYNCOOKIES_SENT] = 12;
	sw_view_model_init(&m);
	assert_int_equal(sw_view_model_fill(&m, &f), 0);
	assert_near(m.rate[SW_C_LISTEN_OVERFLOWS], 16.0);
	assert_near(m.rate[SW_C_SYNCOOKIES_SENT], 2.0);
	assert_near(m.rate[SW_C_LISTEN_DROPS], 0.0);
	assert_near(m.interval_s, 2.5);
	/* a counter that went backwards (a namespace re-made) is no rate */
	f.counters.val[SW_C_SYNCOOKIES_SENT] = 3;
	f.interval_s = 0.5;
	assert_int_equal(sw_view_model_fill(&m, &f), 0);
	assert_near(m.rate[SW_C_SYNCOOKIES_SENT], 0.0);
	assert_near(m.rate[SW_C_LISTEN_OVERFLOWS], 80.0);
	/* the first frame has no previous counters: not known, not 0 */
	f.have_prev_counters = false;
	assert_int_equal(sw_view_model_fill(&m, &f), 0);
	assert_true(isnan(m.rate[SW_C_LISTEN_OVERFLOWS]));
	sw_view_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_rates),
		cmocka_unit_test(test_first_in_list_order),
		cmocka_unit_test(test_fill_in_place),
		cmocka_unit_test(test_index_matches_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
