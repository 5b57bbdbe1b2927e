/* test_sockkill.c - what the operator reads when ending connections
 * cannot work, the states a kill covers and the peers it matches. */
#include <errno.h>

#include "sw_test.h"
#include "sw_sockkill.h"

static void test_messages(void **state)
{
	(void)state;
	/* a kernel without SOCK_DESTROY answers EOPNOTSUPP: say so, clearly */
	assert_non_null(strstr(sw_sockkill_strerror(EOPNOTSUPP),
			       "CONFIG_INET_DIAG_DESTROY"));
	assert_non_null(strstr(sw_sockkill_strerror(EOPNOTSUPP),
			       "existing connections stay open"));
	assert_non_null(strstr(sw_sockkill_strerror(EPERM), "CAP_NET_ADMIN"));
	assert_null(sw_sockkill_strerror(ENOMEM));
}

static struct sw_prefix pfx(const char *text)
{
	struct sw_prefix p;
	const char *err = NULL;

	assert_int_equal(sw_prefix_parse(text, &p, &err), 0);
	return p;
}

/* does a kill of target end a TCP/UDP socket in state with peer addr? */
static bool wants(const char *target, unsigned proto, unsigned state,
		  const char *peer)
{
	struct sw_prefix t = pfx(target);
	uint8_t dst[16] = {0};
	unsigned fam = strchr(peer, ':') ? SW_V6 : SW_V4;

	assert_int_equal(inet_pton(fam == SW_V6 ? AF_INET6 : AF_INET, peer, dst), 1);
	return sw_sockkill_wants(&t, proto, state, fam, dst);
}

static void test_states(void **state)
{
	static const struct {
		unsigned state;
		bool tcp, udp;
	} want[] = {
		{ SW_ESTABLISHED, true, true }, { SW_SYN_SENT, true, false },
		{ SW_SYN_RECV, true, false },   { SW_FIN_WAIT1, true, false },
		{ SW_FIN_WAIT2, true, false },  { SW_TIME_WAIT, false, false },
		{ SW_CLOSE, false, false },     { SW_CLOSE_WAIT, true, false },
		{ SW_LAST_ACK, true, false },   { SW_LISTEN, false, false },
		{ SW_CLOSING, true, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(wants("192.0.2.7", SW_TCP, want[i].state, "192.0.2.7"),
				 want[i].tcp);
		assert_int_equal(wants("192.0.2.7", SW_UDP, want[i].state, "192.0.2.7"),
				 want[i].udp);
	}
	assert_false(wants("192.0.2.7", SW_TCP, 99, "192.0.2.7"));
}

static void test_peers(void **state)
{
	(void)state;
	/* an address: that peer only */
	assert_true(wants("198.51.100.10", SW_TCP, SW_ESTABLISHED, "198.51.100.10"));
	assert_false(wants("198.51.100.10", SW_TCP, SW_ESTABLISHED, "198.51.100.11"));
	/* a prefix: its first and last address, not the ones around it */
	assert_true(wants("198.51.100.0/24", SW_TCP, SW_SYN_RECV, "198.51.100.0"));
	assert_true(wants("198.51.100.0/24", SW_TCP, SW_SYN_RECV, "198.51.100.255"));
	assert_false(wants("198.51.100.0/24", SW_TCP, SW_SYN_RECV, "198.51.101.0"));
	assert_false(wants("198.51.100.0/24", SW_TCP, SW_SYN_RECV, "198.51.99.255"));
	/* an IPv4 peer of an AF_INET6 socket comes mapped: it is IPv4 */
	assert_true(wants("198.51.100.10", SW_TCP, SW_CLOSE_WAIT, "::ffff:198.51.100.10"));
	assert_true(wants("198.51.100.0/24", SW_UDP, SW_ESTABLISHED, "::ffff:198.51.100.77"));
	assert_false(wants("198.51.100.0/24", SW_TCP, SW_ESTABLISHED, "::ffff:198.51.101.1"));
	/* an IPv6 prefix, and no IPv4 target matches a native v6 peer whose
	 * first bytes spell it (2001:db8:: is 32.1.13.184) */
	assert_true(wants("2001:db8:1::/48", SW_TCP, SW_ESTABLISHED, "2001:db8:1:ffff::1"));
	assert_false(wants("2001:db8:1::/48", SW_TCP, SW_ESTABLISHED, "2001:db8:2::1"));
	assert_false(wants("32.1.13.184", SW_TCP, SW_ESTABLISHED, "2001:db8::"));
	assert_false(wants("2001:db8::/32", SW_TCP, SW_ESTABLISHED, "32.1.13.184"));
	assert_false(wants("::ffff:0:0/96", SW_TCP, SW_ESTABLISHED, "2001:db8::1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_peers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
