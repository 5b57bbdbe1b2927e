/* Unit tests: address parsing, formatting and CIDR math. */
#include "sw_addr.h"
#include "sw_test.h"

static void test_parse_format(void **state)
{
	struct sw_prefix p;
	const char *err = NULL;
	char buf[SW_ADDR_STRLEN];

	(void)state;
	assert_int_equal(sw_prefix_parse("192.0.2.77/24", &p, &err), 0);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.plen, 24);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "192.0.2.0/24");
	assert_int_equal(sw_prefix_parse("2001:db8::1", &p, &err), 0);
	assert_int_equal(p.plen, 128);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "2001:db8::1");
	assert_int_equal(sw_prefix_parse("2001:db8:1:2::/33", &p, &err), 0);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "2001:db8::/33");
	/* IPv4-mapped IPv6 is IPv4 to an operator */
	assert_int_equal(sw_prefix_parse("::ffff:203.0.113.9", &p, &err), 0);
	assert_int_equal(p.family, 4);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "203.0.113.9");
	assert_int_equal(sw_prefix_parse("::ffff:203.0.113.9/120", &p, &err), 0);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "203.0.113.0/24");
}

static void test_parse_errors(void **state)
{
	static const char *bad[] = {"", "192.0.2.1/33", "2001:db8::/129",
				    "192.0.2.1/", "192.0.2.1/x", "300.1.1.1",
				    "example.org", "192.0.2.1/-1"};
	struct sw_prefix p;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_int_equal(sw_prefix_parse(bad[i], &p, &err), -1);
		assert_non_null(err);
	}
	sw_prefix_parse("192.0.2.1/33", &p, &err);
	assert_string_equal(err, "prefix length is larger than 32 for IPv4");
}

static void test_contains_overlaps(void **state)
{
	struct sw_prefix net, host, other, v6;
	const char *err;
	uint8_t a[16] = {0};

	(void)state;
	sw_prefix_parse("198.51.100.0/24", &net, &err);
	sw_prefix_parse("198.51.100.200", &host, &err);
	sw_prefix_parse("198.51.101.0/24", &other, &err);
	sw_prefix_parse("2001:db8::/32", &v6, &err);
	assert_true(sw_prefix_overlaps(&net, &host));
	assert_true(sw_prefix_overlaps(&host, &net));
	assert_false(sw_prefix_overlaps(&net, &other));
	assert_false(sw_prefix_overlaps(&net, &v6));
	inet_pton(AF_INET, "198.51.100.9", a);
	assert_true(sw_prefix_contains_addr(&net, 4, a));
	assert_false(sw_prefix_contains_addr(&other, 4, a));
	assert_false(sw_prefix_contains_addr(&v6, 4, a));
}

static void test_normalise_mask_cmp(void **state)
{
	uint8_t m[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 5};
	uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	uint8_t out[16];

	(void)state;
	assert_int_equal(sw_addr_normalise(m, 6), 4);
	assert_int_equal(m[0], 192);
	assert_int_equal(m[3], 5);
	assert_int_equal(m[12], 0);
	assert_int_equal(sw_addr_normalise(v6, 6), 6);
	sw_addr_mask(out, v6, 6, 36);
	assert_int_equal(out[4], 0xf0);
	assert_int_equal(out[5], 0);
	assert_true(sw_addr_cmp(4, m, 6, v6) < 0);
	assert_int_equal(sw_addr_cmp(6, v6, 6, v6), 0);
	/* the last address: host bits set up to the family's width only */
	sw_addr_last(out, v6, 6, 36);
	assert_int_equal(out[3], 0xb8);
	assert_int_equal(out[4], 0xff);
	assert_int_equal(out[15], 0xff);
	sw_addr_last(out, m, 4, 30);
	assert_int_equal(out[3], 7);
	assert_int_equal(out[4], 0);
	sw_addr_last(out, m, 4, 32);
	assert_int_equal(out[3], 5);
}

static void test_make_norm(void **state)
{
	uint8_t m[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 5};
	uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	struct sw_prefix p;
	char buf[SW_ADDR_STRLEN];

	(void)state;
	sw_prefix_make_norm(&p, 6, m, 120);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "192.0.2.0/24");
	assert_int_equal(m[12], 192); /* the input is left alone */
	assert_int_equal(m[10], 0xff);
	sw_prefix_make_norm(&p, 6, m, 128);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "192.0.2.5");
	sw_prefix_make_norm(&p, 6, m, 64);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.plen, 0);
	sw_prefix_make_norm(&p, 6, v6, 48);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "2001:db8::/48");
	sw_prefix_make_norm(&p, 4, m, 32); /* IPv4 bytes are never "mapped" */
	assert_int_equal(p.family, 4);
	assert_int_equal(p.bytes[0], 0);
}

/* sw_addr_mask against a bit-by-bit reference, every length of both
 * families (and lengths past the family's width). */
static void test_mask_every_length(void **state)
{
	uint8_t in[16], out[16], want[16];

	(void)state;
	for (unsigned i = 0; i < 16; i++)
		in[i] = (uint8_t)(0xa5 ^ (i * 37));
	for (unsigned fam = 4; fam <= 6; fam += 2) {
		unsigned bits = fam == 4 ? 32 : 128;

		for (unsigned plen = 0; plen <= 130; plen++) {
			memset(want, 0, sizeof(want));
			for (unsigned b = 0; b < plen && b < bits; b++)
				want[b / 8] |= in[b / 8] & (0x80 >> (b % 8));
			memset(out, 0x11, sizeof(out));
			sw_addr_mask(out, in, fam, plen);
			if (memcmp(out, want, 16) != 0)
				fail_msg("family %u plen %u", fam, plen);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_contains_overlaps),
		cmocka_unit_test(test_normalise_mask_cmp),
		cmocka_unit_test(test_mask_every_length),
		cmocka_unit_test(test_make_norm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
