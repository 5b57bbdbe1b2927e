/* Unit tests: /proc/net/snmp and /proc/net/netstat parsing. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_counters.h"
#include "sw_test.h"

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

static void test_fixtures_fill_every_counter(void **state)
{
	static char buf[65536];
	struct sw_counters c;
	size_t n;
	unsigned i;

	(void)state;
	sw_counters_clear(&c);
	n = slurp("tests/fixtures/proc_net_snmp.txt", buf, sizeof(buf));
	assert_int_equal(sw_counters_parse(&c, buf, n), 9); /* 7 Tcp, 2 Udp */
	n = slurp("tests/fixtures/proc_net_netstat.txt", buf, sizeof(buf));
	assert_int_equal(sw_counters_parse(&c, buf, n), 8);
	for (i = 0; i < SW_C_MAX; i++)
		assert_true(c.have[i]);
}

static void test_values_by_section(void **state)
{
	/* Udp's InErrors is its own counter, not Tcp's InErrs. */
	const char *t = "Tcp: RtoAlgorithm PassiveOpens InErrs OutRsts\n"
			"Tcp: 1 42 7 9\n"
			"Udp: InDatagrams InErrors\n"
			"Udp: 5 1000\n"
			"TcpExt: SyncookiesSent ListenOverflows\n"
			"TcpExt: 123456789012 3\n";
	struct sw_counters a, b;

	(void)state;
	sw_counters_clear(&a);
	assert_int_equal(sw_counters_parse(&a, t, strlen(t)), 6);
	assert_int_equal(a.val[SW_C_PASSIVE_OPENS], 42);
	assert_int_equal(a.val[SW_C_IN_ERRS], 7);
	assert_int_equal(a.val[SW_C_UDP_IN_ERRORS], 1000);
	assert_string_equal(sw_counter_name(SW_C_UDP_IN_ERRORS), "UdpInErrors");
	assert_string_equal(sw_counter_name(SW_C_IN_ERRS), "InErrs");
	assert_int_equal(a.val[SW_C_OUT_RSTS], 9);
	assert_true(a.val[SW_C_SYNCOOKIES_SENT] == 123456789012ull);
	assert_false(a.have[SW_C_ACTIVE_OPENS]);
	b = a;
	b.val[SW_C_LISTEN_OVERFLOWS] = 13;
	assert_true(sw_counters_rate(&a, &b, SW_C_LISTEN_OVERFLOWS, 2.0) == 5.0);
	assert_true(sw_counters_rate(&a, &b, SW_C_ACTIVE_OPENS, 2.0) == 0.0);
	assert_true(sw_counters_rate(&b, &a, SW_C_LISTEN_OVERFLOWS, 2.0) == 0.0);
	assert_true(sw_counters_rate(&a, &b, SW_C_LISTEN_OVERFLOWS, 0) == 0.0);
	assert_string_equal(sw_counter_name(SW_C_REQQ_FULL_DO_COOKIES),
			    "TCPReqQFullDoCookies");
}

static void test_malformed(void **state)
{
	static const char *bad[] = {
		"Tcp: A B C\n",                   /* no value line */
		"Tcp: A B C\nTcp: 1 2\n",         /* counts differ */
		"Tcp: A B\nUdp: 1 2\n",           /* value line of another section */
		"garbage without colon\n",
	};
	struct sw_counters c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sw_counters_clear(&c);
		assert_int_equal(sw_counters_parse(&c, bad[i], strlen(bad[i])), -1);
	}
	assert_int_equal(sw_counters_parse(&c, "", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_fill_every_counter),
		cmocka_unit_test(test_values_by_section),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
