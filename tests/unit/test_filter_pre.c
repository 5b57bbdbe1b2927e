/* test_filter_pre.c - the pre-filter the BPF iterators test
 * (sw_filter_pre.h): what each kind of filter pushes, and the property
 * that it never drops a socket the filter keeps, on random filters and
 * random sockets as the kernel has them (IPv4-mapped peers, ::). */
#include <stdio.h>
#include <stdlib.h>

#include "sw_test.h"
#include "filter_gen.h"
#include "sw_filter.h"
#include "sw_filter_pre.h"

static struct sw_filter_pre derive(const char *text)
{
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse(text, &err);
	struct sw_filter_pre p;

	if (!f)
		fail_msg("'%s' did not parse: %s", text, err.msg);
	sw_filter_pre_derive(f, &p);
	sw_filter_free(f);
	return p;
}

/* Does the pre-filter of text keep a socket (kernel family fam)? */
static int keeps(const char *text, int fam, const char *src, unsigned sport,
		 const char *dst, unsigned dport)
{
	struct sw_filter_pre p = derive(text);
	unsigned char s[16] = {0}, d[16] = {0};

	if (inet_pton(fam, src, s) != 1 || inet_pton(fam, dst, d) != 1)
		fail_msg("bad address in the test");
	return sw_filter_pre_match(&p, fam == AF_INET6, s, d, sport, dport);
}

static void test_nothing_pushed(void **state)
{
	static const char *const none[] = {
		"", "state listen", "tcp", "v6", "not src 10.0.0.0/8",
		"sport = :1 or state listen", "not (dst 10.0.0.1 and dport = :80)",
		/* 17 ports: longer than a table */
		"sport = :1 or sport = :2 or sport = :3 or sport = :4 or sport = :5 "
		"or sport = :6 or sport = :7 or sport = :8 or sport = :9 or sport = "
		":10 or sport = :11 or sport = :12 or sport = :13 or sport = :14 or "
		"sport = :15 or sport = :16 or sport = :17",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		struct sw_filter_pre p = derive(none[i]);
		if (p.on)
			fail_msg("'%s' pushed %u clauses", none[i], p.n);
	}
}

static void test_ports(void **state)
{
	struct sw_filter_pre p;
	(void)state;

	p = derive("sport = :8000");
	assert_int_equal(p.on, 1);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.c[0].port_lo[0], 8000);
	assert_int_equal(p.c[0].port_hi[0], 8000);
	assert_int_equal(p.c[0].port_lo[1], 0);
	assert_int_equal(p.c[0].port_hi[1], 65535);
	p = derive("dport >= :1024 and state established");
	assert_int_equal(p.n, 1);
	assert_int_equal(p.c[0].port_lo[1], 1024);
	assert_int_equal(p.c[0].port_hi[1], 65535);
	p = derive("sport != :22"); /* two ranges round 22 */
	assert_int_equal(p.n, 2);
	assert_int_equal(p.c[0].port_hi[0], 21);
	assert_int_equal(p.c[1].port_lo[0], 23);
	p = derive("sport = :1 and sport = :2");
	assert_int_equal(p.on, 1);
	assert_int_equal(p.n, 0); /* nothing can match */
	assert_true(keeps("sport = :80 or sport = :443", AF_INET, "10.0.0.1", 443,
			  "10.0.0.2", 5000));
	assert_false(keeps("sport = :80 or sport = :443", AF_INET, "10.0.0.1", 444,
			   "10.0.0.2", 5000));
	assert_true(keeps("port = :80", AF_INET, "10.0.0.1", 5000, "10.0.0.2", 80));
	assert_false(keeps("not port = :80", AF_INET, "10.0.0.1", 5000, "10.0.0.2", 80));
	assert_true(keeps("not port = :80", AF_INET, "10.0.0.1", 5000, "10.0.0.2", 81));
	assert_false(keeps("sport > :1000", AF_INET, "10.0.0.1", 1000, "10.0.0.2", 1));
	assert_true(keeps("sport > :1000", AF_INET, "10.0.0.1", 1001, "10.0.0.2", 1));
	assert_false(keeps("sport < :1000", AF_INET, "10.0.0.1", 1000, "10.0.0.2", 1));
	assert_false(keeps("not sport = *", AF_INET, "10.0.0.1", 1, "10.0.0.2", 1));
}

static void test_addresses(void **state)
{
	(void)state;

	assert_true(keeps("dst 198.51.100.0/24", AF_INET, "10.0.0.1", 1,
			  "198.51.100.7", 2));
	assert_false(keeps("dst 198.51.100.0/24", AF_INET, "10.0.0.1", 1,
			   "198.51.101.7", 2));
	/* an IPv4 prefix takes the mapped peer of an IPv6 socket */
	assert_true(keeps("dst 198.51.100.0/24", AF_INET6, "::ffff:10.0.0.1", 1,
			  "::ffff:198.51.100.7", 2));
	assert_false(keeps("dst 198.51.100.0/24", AF_INET6, "2001:db8::1", 1,
			   "2001:db8::2", 2));
	/* 0.0.0.0 next to a mapped address may have been :: */
	assert_true(keeps("src 0.0.0.0", AF_INET6, "::", 1, "::ffff:10.0.0.1", 2));
	assert_true(keeps("src 2001:db8::/32 and dport = :443", AF_INET6,
			  "2001:db8:1::5", 40000, "2001:db8::9", 443));
	assert_false(keeps("src 2001:db8::/32 and dport = :443", AF_INET6,
			   "2001:db9::5", 40000, "2001:db8::9", 443));
	assert_false(keeps("src 2001:db8::/32", AF_INET, "32.1.13.184", 1,
			   "10.0.0.1", 2));
	assert_true(keeps("addr 192.0.2.1", AF_INET, "10.0.0.1", 1, "192.0.2.1", 2));
	assert_true(keeps("addr 192.0.2.1", AF_INET, "192.0.2.1", 1, "10.0.0.1", 2));
	assert_false(keeps("addr 192.0.2.1", AF_INET, "192.0.2.2", 1, "10.0.0.1", 2));
	assert_false(keeps("src 10.0.0.0/8 and src 11.0.0.0/8", AF_INET, "10.0.0.1",
			   1, "10.0.0.2", 2));
	assert_true(keeps("src 10.0.0.0/8 and src 10.1.0.0/16", AF_INET, "10.1.2.3",
			  1, "10.0.0.2", 2));
	assert_false(keeps("src 10.0.0.0/8 and src 10.1.0.0/16", AF_INET, "10.2.2.3",
			   1, "10.0.0.2", 2));
}

/* Property: on random filters and sockets, whatever the filter keeps the
 * pre-filter keeps; and it narrows (drops a good part of the rest). */
static void test_property(void **state)
{
	struct gen g = {.s = 0x9e3779b97f4a7c15ull};
	char text[512];
	long kept = 0, dropped = 0, on = 0;
	(void)state;

	for (int i = 0; i < 4000; i++) {
		struct sw_filter_error err;
		struct sw_filter *f;
		struct sw_filter_pre p;

		gen_filter_text(&g, text, sizeof(text), 1 + i % 6);
		f = sw_filter_parse(text, &err);
		if (!f)
			fail_msg("'%s' did not parse: %s", text, err.msg);
		sw_filter_pre_derive(f, &p);
		on += p.on;
		assert_true(p.n <= SW_FILTER_PRE_MAX);
		for (int k = 0; k < 200; k++) {
			struct bci_entry e;
			struct sw_sock s;
			unsigned fam;
			int pre;

			gen_socket(&g, &e, &s, &fam);
			pre = sw_filter_pre_match(&p, e.family == AF_INET6, e.saddr,
						  e.daddr, e.sport, e.dport);
			if (sw_filter_match(f, &s)) {
				if (!pre)
					fail_msg("'%s': the pre-filter drops a matching "
						 "v%u socket %u->%u", text, fam,
						 s.sport, s.dport);
				kept++;
			} else {
				dropped += !pre;
			}
		}
		sw_filter_free(f);
	}
	print_message("4000 filters x 200 sockets: %ld pushed, %ld kept, %ld of "
		      "the rest dropped early\n", on, kept, dropped);
	assert_true(on > 1500);
	assert_true(dropped > 150000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_pushed),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
