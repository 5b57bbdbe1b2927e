/* test_nft_syntax.c - the pure parts of the nftables edge: which set a
 * target goes to, the end element of a prefix, comments, timeouts and
 * the dry-run text. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_test.h"
#include "sw_nft.h"

#define P sw_test_prefix

static void test_set_for(void **state)
{
	struct sw_prefix p;

	(void)state;
	p = P("192.0.2.7");
	assert_string_equal(sw_nft_set_name(sw_nft_set_for(&p)), "addr4");
	p = P("192.0.2.0/24");
	assert_string_equal(sw_nft_set_name(sw_nft_set_for(&p)), "net4");
	p = P("2001:db8::1");
	assert_string_equal(sw_nft_set_name(sw_nft_set_for(&p)), "addr6");
	p = P("2001:db8::/48");
	assert_string_equal(sw_nft_set_name(sw_nft_set_for(&p)), "net6");
	p = P("::ffff:192.0.2.9");
	assert_string_equal(sw_nft_set_name(sw_nft_set_for(&p)), "addr4");
}

static void expect_end(const char *pfx, const char *want)
{
	struct sw_prefix p = P(pfx), e;
	uint8_t end[16];
	char buf[SW_ADDR_STRLEN];

	if (!want) {
		if (sw_nft_prefix_end(&p, end))
			fail_msg("%s: expected no end element", pfx);
		return;
	}
	if (!sw_nft_prefix_end(&p, end))
		fail_msg("%s: expected end %s, got none", pfx, want);
	sw_prefix_make(&e, p.family, end, sw_family_bits(p.family));
	assert_string_equal(sw_prefix_format(&e, buf, sizeof(buf)), want);
}

static void test_prefix_end(void **state)
{
	(void)state;
	expect_end("192.0.2.0/24", "192.0.3.0");
	expect_end("198.51.100.128/25", "198.51.101.0");
	expect_end("192.0.2.255/32", "192.0.3.0");
	expect_end("10.255.255.0/24", "11.0.0.0");
	expect_end("192.0.0.0/16", "192.1.0.0");
	expect_end("128.0.0.0/1", NULL);      /* reaches the top */
	expect_end("255.255.255.0/24", NULL);
	expect_end("0.0.0.0/0", NULL);
	expect_end("2001:db8::/48", "2001:db8:1::");
	expect_end("2001:db8:ffff::/48", "2001:db9::");
	expect_end("2001:db8::/33", "2001:db8:8000::");
	expect_end("ffff:ffff:ffff::/48", NULL);
}

static void test_comment_clean(void **state)
{
	char out[SW_BLOCK_COMMENT_LEN], long_in[400];

	(void)state;
	sw_nft_comment_clean(out, "say \"hi\"\\ now\n\ttab");
	assert_string_equal(out, "say 'hi'' now  tab");
	sw_nft_comment_clean(out, "caf\xc3\xa9");
	assert_string_equal(out, "caf  ");
	sw_nft_comment_clean(out, NULL);
	assert_string_equal(out, "");
	memset(long_in, 'x', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	sw_nft_comment_clean(out, long_in);
	assert_int_equal(strlen(out), SW_BLOCK_COMMENT_LEN - 1);
}

static void test_timeout(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(sw_nft_format_timeout(600000, buf, sizeof(buf)), "600s");
	assert_string_equal(sw_nft_format_timeout(2000, buf, sizeof(buf)), "2s");
	assert_string_equal(sw_nft_format_timeout(1500, buf, sizeof(buf)), "1500ms");
	assert_string_equal(sw_nft_format_timeout(1, buf, sizeof(buf)), "1ms");
}

static void test_syntax_add(void **state)
{
	struct sw_prefix p = P("198.51.100.0/24");
	char *t;

	(void)state;
	t = sw_nft_syntax_add(&p, 90000, "by \"x\"", false);
	assert_non_null(t);
	assert_string_equal(t, "add element inet sockwatch net4 { 198.51.100.0/24 "
			       "timeout 90s comment \"by 'x'\" }\n");
	free(t);
	p = P("2001:db8::7");
	t = sw_nft_syntax_add(&p, 1500, "", true);
	assert_non_null(t);
	/* the table, 4 sets, the chain and 4 rules come first */
	assert_non_null(strstr(t, "add table inet sockwatch\n"));
	assert_non_null(strstr(t, "add set inet sockwatch net6 { type ipv6_addr; "
				  "flags interval,timeout; counter; }\n"));
	assert_non_null(strstr(t, "add chain inet sockwatch prerouting { type filter "
				  "hook prerouting priority raw; policy accept; }\n"));
	assert_non_null(strstr(t, "add rule inet sockwatch prerouting ip6 saddr @addr6 drop\n"));
	assert_non_null(strstr(t, "add element inet sockwatch addr6 { 2001:db8::7 "
				  "timeout 1500ms }\n"));
	assert_true(strstr(t, "add table") < strstr(t, "add element"));
	free(t);
}

static void test_syntax_other(void **state)
{
	struct sw_prefix p = P("2001:db8:1::/48");
	char *t;

	(void)state;
	t = sw_nft_syntax_del(&p, NULL);
	assert_string_equal(t, "delete element inet sockwatch net6 { 2001:db8:1::/48 }\n");
	free(t);
	{
		struct sw_prefix a = P("192.0.2.10"), l = P("192.0.2.20");

		t = sw_nft_syntax_del(&a, l.bytes);
		assert_string_equal(t, "delete element inet sockwatch net4 "
				       "{ 192.0.2.10-192.0.2.20 }\n");
		free(t);
	}
	t = sw_nft_syntax_flush();
	assert_string_equal(t, "flush set inet sockwatch addr4\nflush set inet sockwatch addr6\n"
			       "flush set inet sockwatch net4\nflush set inet sockwatch net6\n");
	free(t);
	t = sw_nft_syntax_destroy();
	assert_string_equal(t, "delete table inet sockwatch\n");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_for),
		cmocka_unit_test(test_prefix_end),
		cmocka_unit_test(test_comment_clean),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_syntax_add),
		cmocka_unit_test(test_syntax_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
