/* test_sshpeer.c - the operator's SSH peers: SSH_CONNECTION values and
 * sshd's sockets, as canned records. */
#include "sw_test.h"

#include <stdio.h>

#include "sw_policy.h"
#include "sw_sshpeer.h"

static void expect_env(const char *value, const char *want)
{
	struct sw_prefix p;
	char buf[SW_ADDR_STRLEN];

	if (sw_sshpeer_parse_env(value, &p) < 0)
		fail_msg("SSH_CONNECTION '%s' not parsed", value);
	assert_string_equal(sw_prefix_format(&p, buf, sizeof(buf)), want);
}

static void test_env(void **state)
{
	struct sw_prefix p;

	(void)state;
	expect_env("198.51.100.5 52144 192.0.2.1 22", "198.51.100.5");
	expect_env("2001:db8::5 52144 2001:db8::1 22", "2001:db8::5");
	/* sshd writes link-local peers with their zone */
	expect_env("fe80::5%eth0 52144 fe80::1%eth0 22", "fe80::5");
	expect_env("fe80::a:b:c:d%enp0s31f6 1 fe80::1%enp0s31f6 22", "fe80::a:b:c:d");
	/* a mapped peer is the IPv4 address it carries */
	expect_env("::ffff:198.51.100.5 52144 ::ffff:192.0.2.1 22", "198.51.100.5");
	assert_int_equal(sw_sshpeer_parse_env(NULL, &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("198.51.100.5", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("198.51.100.0/24 1 2 3", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("198.51.100.5%eth0 1 2 3", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("fe80::5% 1 2 3", &p), -1);
	assert_int_equal(sw_sshpeer_parse_env("nonsense 1 2 3", &p), -1);
}

static struct sw_sock sock(unsigned state, const char *src, unsigned sport,
			   const char *dst, uint32_t inode)
{
	struct sw_sock s = sw_test_sock(SW_TCP, state, src, sport,
					dst ? dst : (strchr(src, ':') ? "::" : "0.0.0.0"),
					dst ? 40000 : 0, inode);

	s.inode = inode;
	return s;
}

static bool has(const struct sw_policy *p, const char *text)
{
	struct sw_prefix x = sw_test_prefix(text);

	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == SW_POLICY_SSH && sw_prefix_eq(&p->v[i].pfx, &x))
			return !strcmp(p->v[i].note, "sshd");
	return false;
}

static void test_socks(void **state)
{
	/* sshd holds its listeners (1, 2) and one session (3); the session
	 * on port 22 with inode 7 belongs to a child sshd we could not read;
	 * 8 is another program's connection; 9 a TIME_WAIT peer of sshd */
	const uint32_t held[] = {3, 1, 2};
	struct sw_sock s[] = {
		sock(SW_LISTEN, "0.0.0.0", 22, NULL, 1),
		sock(SW_LISTEN, "::", 22, NULL, 2),
		sock(SW_ESTABLISHED, "192.0.2.1", 2222, "198.51.100.30", 3),
		sock(SW_ESTABLISHED, "2001:db8::1", 22, "2001:db8:1::10", 7),
		sock(SW_ESTABLISHED, "192.0.2.1", 22, "198.51.100.30", 3),
		sock(SW_ESTABLISHED, "192.0.2.1", 8080, "203.0.113.5", 8),
		sock(SW_TIME_WAIT, "192.0.2.1", 22, "203.0.113.10", 9),
		sock(SW_ESTABLISHED, "::ffff:192.0.2.1", 22, "::ffff:203.0.113.7", 0),
	};
	struct sw_policy p;

	(void)state;
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_sshpeer_from_socks(&p, held, 3, s, sizeof(s) / sizeof(s[0])), 3);
	assert_true(has(&p, "198.51.100.30"));
	assert_true(has(&p, "2001:db8:1::10"));
	assert_true(has(&p, "203.0.113.7"));
	assert_false(has(&p, "203.0.113.5"));
	assert_false(has(&p, "203.0.113.10"));
	sw_policy_free(&p);

	/* nothing held by sshd: no peers, however many on port 22 */
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_sshpeer_from_socks(&p, NULL, 0, s, sizeof(s) / sizeof(s[0])), 0);
	sw_policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_socks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
