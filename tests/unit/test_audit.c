/* test_audit.c - audit lines (JSON), the SSH_CONNECTION parser and the
 * time-left format of the blocks list. */
#include <stdlib.h>

#include "sw_test.h"
#include "sw_audit.h"
#include "sw_block.h"
#include "sw_sshpeer.h"

static void test_format_full(void **state)
{
	struct sw_buf b;
	struct sw_audit_rec r = {
		.action = "block", .target = "192.0.2.7", .timeout_s = 600,
		.connections = 42, .reason = "syn \"flood\"\n",
		.outcome = "sent", .detail = "by root", .count = -1,
	};

	(void)state;
	sw_buf_init(&b);
	/* 2026-01-02T03:04:05.678Z */
	sw_audit_format(&b, &r, 1767323045678000000ull, "alice", "web1");
	assert_string_equal(b.data,
		"{\"time\":\"2026-01-02T03:04:05.678Z\",\"action\":\"block\","
		"\"target\":\"192.0.2.7\",\"timeout\":600.000,\"connections\":42,"
		"\"reason\":\"syn \\\"flood\\\"\\u000a\",\"user\":\"alice\","
		"\"netns\":\"web1\",\"outcome\":\"sent\",\"detail\":\"by root\"}\n");
	sw_buf_free(&b);
}

static void test_format_nulls(void **state)
{
	struct sw_buf b;
	struct sw_audit_rec r = {
		.action = "unblock-all", .target = "all", .timeout_s = -1,
		.connections = -1, .outcome = "sent", .count = 3,
	};

	(void)state;
	sw_buf_init(&b);
	sw_audit_format(&b, &r, 0, "root", NULL);
	assert_string_equal(b.data,
		"{\"time\":\"1970-01-01T00:00:00.000Z\",\"action\":\"unblock-all\","
		"\"target\":\"all\",\"timeout\":null,\"connections\":null,"
		"\"reason\":null,\"user\":\"root\",\"netns\":null,\"outcome\":\"sent\","
		"\"detail\":null,\"count\":3}\n");
	sw_buf_free(&b);
}

static void test_ssh_env(void **state)
{
	struct sw_prefix p;
	char buf[SW_ADDR_STRLEN];

	(void)state;
	assert_int_equal(sw_sshpeer_parse_env("198.51.100.5 52144 192.0.2.1 22", &p), 0);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "198.51.100.5");
	assert_int_equal(sw_sshpeer_parse_env("2001:db8::5 52144 2001:db8::1 22", &p), 0);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), "2001:db8::5");
	assert_int_equal(sw_sshpeer_parse_env("::ffff:198.51.100.6 1 ::1 22", &p), 0);
	assert_int_equal(p.family, 4);
	assert_int_equal(sw_sshpeer_parse_env(NULL, &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("198.51.100.5", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("198.51.100.0/24 1 2 3", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("nonsense 1 2 3", &p), -1);
}

static void test_format_left(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(sw_block_format_left(0, buf, sizeof(buf)), "-");
	assert_string_equal(sw_block_format_left(1.6, buf, sizeof(buf)), "2s");
	assert_string_equal(sw_block_format_left(598.2, buf, sizeof(buf)), "9m58s");
	assert_string_equal(sw_block_format_left(3720, buf, sizeof(buf)), "1h02m");
	assert_string_equal(sw_block_format_left(90000, buf, sizeof(buf)), "1d01h");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_full),
		cmocka_unit_test(test_format_nulls),
		cmocka_unit_test(test_ssh_env),
		cmocka_unit_test(test_format_left),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
