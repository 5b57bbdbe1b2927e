/* test_policy.c - never-block list, allow list, floors, overlaps. */
#include <stdio.h>

#include "sw_test.h"
#include "sw_policy.h"

#define P sw_test_prefix

/* A policy as a server in the integration test would see it. */
static void fixture(struct sw_policy *p)
{
	struct sw_prefix x;
	char err[256];
	const char *allow = "# operators\n"
			    "203.0.113.0/28   # monitoring\n"
			    "\n"
			    "  2001:db8:aa::/48\n";

	assert_int_equal(sw_policy_init(p), 0);
	x = P("192.0.2.1");
	assert_int_equal(sw_policy_add(p, &x, SW_POLICY_HOST, "veth0"), 0);
	x = P("2001:db8::1");
	assert_int_equal(sw_policy_add(p, &x, SW_POLICY_HOST, "veth0"), 0);
	x = P("192.0.2.254");
	assert_int_equal(sw_policy_add(p, &x, SW_POLICY_GATEWAY, "veth0"), 0);
	x = P("198.51.100.77");
	assert_int_equal(sw_policy_add(p, &x, SW_POLICY_SSH, "SSH_CONNECTION"), 0);
	assert_int_equal(sw_policy_parse_allow(p, allow, strlen(allow), "allow",
					       err, sizeof(err)),
			 2);
}

static void expect_refused(const struct sw_policy *p, const char *target,
			   bool force, const char *want)
{
	struct sw_prefix t = P(target);
	char why[256] = "";

	if (sw_policy_check(p, &t, force, why, sizeof(why)))
		fail_msg("%s was allowed, expected refusal '%s'", target, want);
	if (!strstr(why, want))
		fail_msg("%s: reason '%s' lacks '%s'", target, why, want);
}

static void expect_allowed(const struct sw_policy *p, const char *target,
			   bool force)
{
	struct sw_prefix t = P(target);
	char why[256] = "";

	if (!sw_policy_check(p, &t, force, why, sizeof(why)))
		fail_msg("%s refused: %s", target, why);
}

static void test_allow_parse_ok(void **state)
{
	struct sw_policy p;
	char err[256] = "";
	const char *text = "10.1.0.0/16\n# c\n\t::ffff:192.0.2.9 \r\n2001:db8::/32#x";

	(void)state;
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_policy_parse_allow(&p, text, strlen(text),
					       "/etc/sockwatch/allow", err,
					       sizeof(err)),
			 3);
	assert_int_equal(p.n, 5); /* two loopback + three lines */
	assert_int_equal(p.v[2].kind, SW_POLICY_ALLOW);
	assert_string_equal(p.v[2].note, "/etc/sockwatch/allow:1");
	/* the mapped address became IPv4 */
	assert_int_equal(p.v[3].pfx.family, 4);
	assert_int_equal(p.v[3].pfx.plen, 32);
	assert_string_equal(p.v[3].note, "/etc/sockwatch/allow:3");
	assert_int_equal(p.v[4].pfx.family, 6);
	assert_int_equal(p.v[4].pfx.plen, 32);
	sw_policy_free(&p);
}

static void test_allow_parse_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"192.0.2.0/24\n10.0.0.0/33\n", "allow:2: '10.0.0.0/33': prefix length"},
		{"# only\nfoo.example\n", "allow:2: 'foo.example': not an IPv4"},
		{"192.0.2.1 192.0.2.2\n", "allow:1: '192.0.2.1 192.0.2.2': one address"},
		{"\n\n\n2001:db8::/129", "allow:4: '2001:db8::/129'"},
		{"192.0.2.0/x\n", "allow:1: '192.0.2.0/x': prefix length after"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sw_policy p;
		char err[256] = "";

		assert_int_equal(sw_policy_init(&p), 0);
		assert_int_equal(sw_policy_parse_allow(&p, cases[i].text,
						       strlen(cases[i].text),
						       "allow", err, sizeof(err)),
				 -1);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].want);
		/* nothing from a bad file is kept */
		assert_int_equal(p.n, 2);
		sw_policy_free(&p);
	}
}

static void test_allow_empty(void **state)
{
	struct sw_policy p;
	char err[64];

	(void)state;
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_policy_parse_allow(&p, "", 0, "a", err, sizeof(err)), 0);
	assert_int_equal(sw_policy_parse_allow(&p, "  # x\n\n", 7, "a", err,
					       sizeof(err)),
			 0);
	assert_int_equal(p.n, 2);
	sw_policy_free(&p);
}

static void test_floors(void **state)
{
	struct sw_policy p;

	(void)state;
	assert_int_equal(sw_policy_init(&p), 0);
	expect_allowed(&p, "198.51.0.0/16", false);
	expect_refused(&p, "198.50.0.0/15", false, "wider than the /16 floor for IPv4");
	expect_allowed(&p, "198.50.0.0/15", true);
	expect_allowed(&p, "2001:db8:1::/48", false);
	expect_refused(&p, "2001:db8::/47", false, "/48 floor for IPv6; add --force");
	expect_allowed(&p, "2001:db8::/32", true);
	/* force never opens loopback */
	expect_refused(&p, "0.0.0.0/0", true, "0.0.0.0/0 contains 127.0.0.0/8, loopback");
	sw_policy_free(&p);
}

static void test_never_block(void **state)
{
	struct sw_policy p;

	(void)state;
	fixture(&p);
	expect_refused(&p, "127.0.0.1", false, "127.0.0.1 is loopback (127.0.0.0/8)");
	expect_refused(&p, "::1", false, "::1 is loopback");
	expect_refused(&p, "::ffff:127.0.0.9", false, "loopback");
	expect_refused(&p, "192.0.2.1", false, "192.0.2.1 is an address of this host (veth0)");
	expect_refused(&p, "2001:db8::1", false, "an address of this host");
	expect_refused(&p, "192.0.2.254", false, "192.0.2.254 is a default gateway (veth0)");
	expect_refused(&p, "198.51.100.77", false, "SSH peer");
	expect_allowed(&p, "192.0.2.7", false);
	expect_allowed(&p, "198.51.100.78", false);
	expect_allowed(&p, "2001:db8::2", false);
	sw_policy_free(&p);
}

static void test_containment_both_ways(void **state)
{
	struct sw_policy p;

	(void)state;
	fixture(&p);
	/* a prefix containing a protected address */
	expect_refused(&p, "192.0.2.0/24", false,
		       "192.0.2.0/24 contains 192.0.2.1, an address of this host");
	expect_refused(&p, "192.0.2.128/25", false, "contains 192.0.2.254, a default gateway");
	expect_refused(&p, "198.51.100.0/24", false, "contains 198.51.100.77");
	expect_refused(&p, "2001:db8::/48", false, "contains 2001:db8::1");
	/* an address inside an allowed prefix */
	expect_refused(&p, "203.0.113.5", false,
		       "203.0.113.5 is on the allow list (203.0.113.0/28, allow:2)");
	expect_refused(&p, "2001:db8:aa:1::/64", false, "on the allow list (2001:db8:aa::/48, allow:4)");
	/* a prefix containing an allowed prefix */
	expect_refused(&p, "203.0.113.0/24", false,
		       "203.0.113.0/24 contains 203.0.113.0/28, on the allow list (allow:2)");
	/* neighbours just outside */
	expect_allowed(&p, "203.0.113.16/28", false);
	expect_allowed(&p, "192.0.2.2/31", false);
	expect_refused(&p, "192.0.2.0/31", false, "contains 192.0.2.1");
	expect_allowed(&p, "2001:db8:ab::/48", false);
	/* families never mix */
	expect_allowed(&p, "2001:db8:c000::/48", false);
	sw_policy_free(&p);
}

static void test_order_loopback_first(void **state)
{
	struct sw_policy p;
	struct sw_prefix x = P("127.0.0.5");
	char why[256];

	(void)state;
	assert_int_equal(sw_policy_init(&p), 0);
	/* added as allow first: the loopback reason still wins */
	assert_int_equal(sw_policy_add(&p, &x, SW_POLICY_ALLOW, "a:1"), 0);
	assert_false(sw_policy_check(&p, &x, false, why, sizeof(why)));
	assert_non_null(strstr(why, "loopback"));
	sw_policy_free(&p);
}

static void test_overlaps(void **state)
{
	struct sw_prefix v[] = {P("192.0.2.0/24"), P("198.51.100.0/25"),
				P("2001:db8:1::/48")};
	struct sw_prefix t;

	(void)state;
	t = P("192.0.2.128/25");
	assert_int_equal(sw_policy_find_overlap(&t, v, 3), 0);
	t = P("192.0.0.0/16");
	assert_int_equal(sw_policy_find_overlap(&t, v, 3), 0);
	t = P("198.51.100.128/25");
	assert_int_equal(sw_policy_find_overlap(&t, v, 3), -1);
	t = P("198.51.100.0/24");
	assert_int_equal(sw_policy_find_overlap(&t, v, 3), 1);
	t = P("2001:db8::/32");
	assert_int_equal(sw_policy_find_overlap(&t, v, 3), 2);
	t = P("2001:db8:2::/48");
	assert_int_equal(sw_policy_find_overlap(&t, v, 3), -1);
	assert_int_equal(sw_policy_find_overlap(&t, v, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allow_parse_ok),
		cmocka_unit_test(test_allow_parse_errors),
		cmocka_unit_test(test_allow_empty),
		cmocka_unit_test(test_floors),
		cmocka_unit_test(test_never_block),
		cmocka_unit_test(test_containment_both_ways),
		cmocka_unit_test(test_order_loopback_first),
		cmocka_unit_test(test_overlaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
