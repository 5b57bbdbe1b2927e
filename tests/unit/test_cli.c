/* Unit tests: command line parsing and its error messages. */
#include <stdlib.h>

#include "sw_cli.h"
#include "sw_duration.h"
#include "sw_metrics.h"
#include "sw_test.h"

static int parse(struct sw_opts *o, char *err, size_t len, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	char *a;

	argv[argc++] = "sockwatch";
	va_start(ap, len);
	while ((a = va_arg(ap, char *)) != NULL)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return sw_cli_parse(argc, argv, o, err, len);
}

static void test_defaults_and_batch(void **state)
{
	struct sw_opts o;
	char err[256];

	(void)state;
	unsetenv("NO_COLOR");
	assert_int_equal(parse(&o, err, sizeof(err), NULL), 0);
	assert_int_equal(o.mode, SW_MODE_TUI);
	assert_true(o.delay_s == 1.0);
	assert_int_equal(o.top, 20);
	assert_int_equal(o.engine.group.group_v4, 32);
	assert_int_equal(o.engine.group.group_v6, 128);
	assert_false(o.no_color);
	assert_true(o.engine.info_every_s == 5);
	assert_int_equal(parse(&o, err, sizeof(err), "--info-every", "0", NULL), 0);
	assert_true(o.engine.info_every_s == 0);
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "--info-every", "2.5", NULL), 0);
	assert_true(o.engine.info_every_s == 2.5);
	assert_false(o.no_diagnosis);
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "--no-diagnosis", NULL), 0);
	assert_true(o.no_diagnosis);
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "-n", "3", "-d", "0.25",
			       "--json", "-t", "-4", "-f", "state syn_recv", "-g",
			       "24,64", "--top", "0", "--netns", "web1", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_BATCH);
	assert_int_equal(o.iterations, 3);
	assert_true(o.delay_s == 0.25);
	assert_true(o.json && o.engine.tcp && o.engine.v4 && !o.engine.udp);
	assert_string_equal(o.engine.filter, "state syn_recv");
	assert_int_equal(o.engine.group.group_v4, 24);
	assert_int_equal(o.engine.group.group_v6, 64);
	assert_int_equal(o.top, 0);
	assert_string_equal(o.engine.netns, "web1");
	/* a replay prints every refresh unless -n says otherwise */
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "--replay", "f", NULL), 0);
	assert_int_equal(o.iterations, 0);
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(parse(&o, err, sizeof(err), NULL), 0);
	assert_true(o.no_color);
	unsetenv("NO_COLOR");
}

static void test_subcommands_any_order(void **state)
{
	struct sw_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--netns", "srv", "block",
			       "203.0.113.7/32", "--for", "2h", "--kill", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_BLOCK);
	assert_string_equal(o.target, "203.0.113.7/32");
	assert_true(o.block_for_s == 7200);
	assert_true(o.kill);
	assert_string_equal(o.engine.netns, "srv");
	assert_int_equal(parse(&o, err, sizeof(err), "unblock", "--all", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_UNBLOCK);
	assert_true(o.all);
	assert_int_equal(parse(&o, err, sizeof(err), "blocks", "--json", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_BLOCKS);
	assert_int_equal(parse(&o, err, sizeof(err), "--cleanup", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_CLEANUP);
	assert_int_equal(parse(&o, err, sizeof(err), "--netns", "srv", "doctor",
			       "--json", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_DOCTOR);
	assert_true(o.json);
	assert_string_equal(o.engine.netns, "srv");
	assert_int_equal(parse(&o, err, sizeof(err), "block", "192.0.2.1", "--dry-run",
			       "--reason", "flood", NULL), 0);
	assert_true(o.dry_run);
	assert_string_equal(o.reason, "flood");
	/* the TUI's b takes its defaults from the same options */
	assert_int_equal(parse(&o, err, sizeof(err), "--for", "1h", "--reason", "x",
			       "--kill", "--dry-run", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_TUI);
	assert_true(o.block_for_s == 3600 && o.kill && o.dry_run);
}

static void test_errors_name_the_option(void **state)
{
	static const struct {
		const char *a, *b, *c, *want;
	} cases[] = {
		{"-d", "abc", NULL, "-d/--delay: 'abc' is not a number of seconds"},
		{"-d", "-1", NULL, "-d/--delay: '-1'"},
		{"-b", "-n", "0", "-n/--iterations: '0' is not a positive whole number"},
		{"-b", "--top", "x", "--top: 'x' is not a number of rows"},
		{"-b", "--info-every", "-1", "--info-every: '-1' is not a number of seconds between 0 and 86400 (0 = no tcp_info"},
		{"--info-every", "5s", NULL, "--info-every: '5s' is not a number of seconds"},
		{"block", "192.0.2.1", "--info-every=1", "--info-every means nothing with block: it belongs to the TUI and batch mode"},
		{"-g", "33", NULL, "--group: '33' is not V4[,V6] prefix lengths"},
		{"-g", "24,129", NULL, "--group: '24,129'"},
		{"--bogus", NULL, NULL, "unknown option '--bogus'"},
		{"-x", NULL, NULL, "unknown option '-x'"},
		{"-b", "-d", NULL, "-d needs a value"},
		{"frobnicate", NULL, NULL, "unknown command 'frobnicate'"},
		{"block", NULL, NULL, "block: which address?"},
		{"unblock", NULL, NULL, "unblock: give ADDR[/PREFIX] or --all"},
		{"block", "192.0.2.1", "--for=10x", "--for: '10x' is not a duration"},
		{"block", "192.0.2.1", "--for=0s", "--for: '0s' is out of range: a block lasts 1s to 365d"},
		{"block", "192.0.2.1", "--for=400d", "--for: '400d' is out of range: a block lasts 1s to 365d"},
		{"-n", "5", NULL, "-n/--iterations only applies to batch mode"},
		{"--netns", "../etc", NULL, "--netns: '../etc' is not a namespace name"},
		{"--replay", "f", "--record=g", "--record and --replay cannot be used together"},
		{"-b", "--for", "1h", "--for/--kill/--reason/--dry-run/--force belong to"},
		{"--all", NULL, NULL, "--all belongs to 'unblock'"},
	};
	struct sw_opts o;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), cases[i].a, cases[i].b,
				       cases[i].c, NULL), -1);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].want);
		assert_null(strchr(err, '\n'));
	}
}

/* What an option means where it is given, said by name. */
static void test_metrics_options(void **state)
{
	static const struct {
		const char *a, *b, *c, *want;
	} bad[] = {
		{"--metrics", "127.0.0.1:0", NULL, "--metrics: '127.0.0.1:0': the port is not a number from 1 to 65535"},
		{"--metrics", "::1:10025", NULL, "an IPv6 address goes in brackets: [::1]:10025"},
		{"--metrics", "[::1", NULL, "an IPv6 address goes in brackets"},
		{"--metrics", "300.1.1.1:80", NULL, "--metrics: '300.1.1.1:80'"},
		{"--metrics", "10.0.0.0/8:80", NULL, "has no /length"},
		{"--metrics", "x", "--metrics-allow=10.0.0.0/33", "--metrics: 'x'"},
		{"--metrics", "10025", "--metrics-allow=10.0.0.0/33",
		 "--metrics-allow: '10.0.0.0/33': prefix length is larger than 32 for IPv4"},
		{"--metrics", "10025", "--metrics-allow=10.0.0.1,,::1", "--metrics-allow: '' is not an address"},
		{"--metrics-allow", "127.0.0.1", NULL, "--metrics-allow only applies with --metrics"},
		{"--metrics-top", "5", NULL, "--metrics-top only applies with --metrics, --textfile or --prom"},
		{"-b", "--prom", "--metrics-top=0", "--metrics-top: '0' is not a number of remote prefixes from 1 to 1000"},
		{"--prom", NULL, NULL, "--prom only applies to batch mode: add -b"},
		{"-b", "--prom", "--json", "--prom and --json cannot be used together"},
		{"--textfile", "", NULL, "--textfile needs a directory"},
		{"block", "192.0.2.1", "--metrics=10025", "--metrics means nothing with block"},
	};
	struct sw_opts o;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), bad[i].a, bad[i].b,
				       bad[i].c, NULL), -1);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].want);
	}
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "--prom", "--metrics-top", "3",
			       "--metrics", "[::]:9999", "--metrics-allow",
			       "192.0.2.0/24,2001:db8::/32", "--textfile", "/tmp", NULL), 0);
	assert_true(o.prom);
	assert_int_equal(o.metrics_top, 3);
	assert_string_equal(o.metrics, "[::]:9999");
	assert_string_equal(o.metrics_allow, "192.0.2.0/24,2001:db8::/32");
	assert_string_equal(o.textfile, "/tmp");
	assert_int_equal(parse(&o, err, sizeof(err), "--metrics", "192.0.2.1", NULL), 0);
	assert_int_equal(o.metrics_top, 10);
}

static void test_metrics_listen(void **state)
{
	static const struct {
		const char *text, *addr;
		unsigned port;
	} good[] = {
		{"10025", "127.0.0.1", 10025},
		{":9100", "127.0.0.1", 9100},
		{"0.0.0.0:80", "0.0.0.0", 80},
		{"192.0.2.1", "192.0.2.1", 10025},
		{"[::]:10025", "::", 10025},
		{"[2001:db8::1]", "2001:db8::1", 10025},
	};
	struct sw_prefix a;
	const char *why;
	char text[SW_ADDR_STRLEN];
	uint16_t port;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(sw_metrics_parse_listen(good[i].text, &a, &port, &why), 0);
		sw_addr_format(a.family, a.bytes, text, sizeof(text));
		assert_string_equal(text, good[i].addr);
		assert_int_equal(port, good[i].port);
	}
	assert_int_equal(sw_metrics_parse_listen("65536", &a, &port, &why), -1);
	assert_int_equal(sw_metrics_parse_listen("[::1]x", &a, &port, &why), -1);
	assert_int_equal(sw_metrics_parse_listen("1.2.3.4:", &a, &port, &why), -1);
}

static void test_scope_and_names(void **state)
{
	static const struct {
		const char *a, *b, *c, *d, *want;
	} cases[] = {
		{"--help=foo", NULL, NULL, NULL, "option '--help' takes no value"},
		{"-b", "--re", "x", NULL, "ambiguous option '--re': could be --record, --replay, --reason"},
		{"-b", "--bogus=1", NULL, NULL, "unknown option '--bogus' "},
		{"block", "192.0.2.9", "--record", "f", "--record means nothing with block"},
		{"blocks", "--dry-run", NULL, NULL, "--dry-run means nothing with blocks"},
		{"unblock", "--all", "--kill", NULL, "--kill means nothing with unblock"},
		{"--cleanup", "-t", NULL, NULL, "-t/--tcp means nothing with --cleanup"},
		{"-b", "blocks", NULL, NULL, "-b/--batch means nothing with blocks"},
		{"doctor", "--top", "5", NULL, "--top means nothing with doctor"},
		{"doctor", "web1", NULL, NULL, "doctor takes no argument (for a namespace: --netns NAME)"},
		{"block", "192.0.2.9", "--no-diagnosis", NULL,
		 "--no-diagnosis means nothing with block: it belongs to the TUI "
		 "and batch mode"},
		{"-b", "-g", "000000000000002499", NULL, "--group: '000000000000002499'"},
		{"report", NULL, NULL, NULL, "report: which recording?"},
		{"report", "f.rec", "--for", "1h", "--for means nothing with report"},
		{"report", "f.rec", "--replay", "g", "--replay means nothing with report"},
		{"-b", "-o", "x.html", NULL, "-o/--output belongs to 'report'"},
		{"--audit", "a.log", NULL, NULL, "--audit belongs to 'report'"},
		{"blocks", "-o", "x", NULL, "-o/--output means nothing with blocks"},
	};
	struct sw_opts o;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), cases[i].a, cases[i].b,
				       cases[i].c, cases[i].d, NULL), -1);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].want);
	}
	/* long -g values are read whole, not cut to 15 characters */
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "-g", "0000000000000024,0000000000000064",
			       NULL), 0);
	assert_int_equal(o.engine.group.group_v4, 24);
	assert_int_equal(o.engine.group.group_v6, 64);
	/* with -6 alone one length is IPv6's, whichever comes first */
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "-6", "-g", "64", NULL), 0);
	assert_int_equal(o.engine.group.group_v4, 32);
	assert_int_equal(o.engine.group.group_v6, 64);
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "-g", "48", "-6", NULL), 0);
	assert_int_equal(o.engine.group.group_v6, 48);
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "-6", "-g", "129", NULL), -1);
	assert_non_null(strstr(err, "not an IPv6 prefix length"));
	assert_int_equal(parse(&o, err, sizeof(err), "-b", "-4", "-6", "-g", "64", NULL), -1);
	/* what does belong is taken */
	assert_int_equal(parse(&o, err, sizeof(err), "--netns", "x", "blocks", "--json",
			       "--audit-log", "-", NULL), 0);
	assert_int_equal(parse(&o, err, sizeof(err), "unblock", "--all", "--dry-run", NULL), 0);
	assert_int_equal(parse(&o, err, sizeof(err), "report", "f.rec", "--audit", "a.log", "-o",
			       "x.html", "--json", "-g", "24", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_REPORT);
	assert_string_equal(o.target, "f.rec");
	assert_string_equal(o.audit_in, "a.log");
	assert_string_equal(o.output, "x.html");
	assert_true(o.json);
	assert_int_equal(o.engine.group.group_v4, 24);
	/* --audit-log keeps its own meaning beside --audit */
	assert_int_equal(parse(&o, err, sizeof(err), "blocks", "--audit-log", "-", NULL), 0);
	assert_null(o.audit_in);
}

static void test_durations(void **state)
{
	char buf[16];
	double d;

	(void)state;
	assert_int_equal(sw_duration_parse("90s", &d), 0);
	assert_true(d == 90);
	assert_int_equal(sw_duration_parse("10m", &d), 0);
	assert_true(d == 600);
	assert_int_equal(sw_duration_parse("1.5", &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(sw_duration_parse("1d", &d), 0);
	assert_true(d == 86400);
	assert_int_equal(sw_duration_parse("0s", &d), -2);
	assert_int_equal(sw_duration_parse("0.5", &d), -2);
	assert_int_equal(sw_duration_parse("m", &d), -1);
	assert_int_equal(sw_duration_parse("5 m", &d), -1);
	assert_int_equal(sw_duration_parse("5ms", &d), -1);
	assert_int_equal(sw_duration_parse(" 2H ", &d), 0);
	assert_true(d == 7200);
	assert_int_equal(sw_duration_parse("400d", &d), -2);
	assert_string_equal(sw_duration_format(45, buf, sizeof(buf)), "45s");
	assert_string_equal(sw_duration_format(598.2, buf, sizeof(buf)), "9m58s");
	assert_string_equal(sw_duration_format(7500, buf, sizeof(buf)), "2h05m");
	assert_string_equal(sw_duration_format(90000, buf, sizeof(buf)), "1d01h");
	assert_string_equal(sw_duration_format(-1, buf, sizeof(buf)), "-");
}

/* rules check [FILE]: two words after the subcommand, and its errors. */
static void test_rules_command(void **state)
{
	static const struct {
		const char *a, *b, *c, *d, *want;
	} bad[] = {
		{"rules", NULL, NULL, NULL, "rules needs what to do: sockwatch rules check [FILE]"},
		{"rules", "frob", NULL, NULL, "rules: unknown action 'frob'; expected check"},
		{"rules", "check", "a", "b", "unexpected argument 'b'"},
		{"block", "192.0.2.1", "extra", NULL, "unexpected argument 'extra'"},
		{"rules", "check", "--json", NULL, "--json"},
		{"rules", "check", "--for", "1h", "--for"},
	};
	struct sw_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "rules", "check", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_RULES);
	assert_string_equal(o.target, "check");
	assert_null(o.arg2);
	assert_int_equal(parse(&o, err, sizeof(err), "rules", "check",
			       "contrib/rules/ddos-deflate.rules", NULL), 0);
	assert_string_equal(o.arg2, "contrib/rules/ddos-deflate.rules");
	for (size_t i = 0; i < NELEM(bad); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), bad[i].a, bad[i].b,
				       bad[i].c, bad[i].d, NULL), -1);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].want);
	}
}

/* daemon: its options, where --rules and --state belong, its refusals. */
static void test_daemon_command(void **state)
{
	static const struct {
		const char *a, *b, *c, *want;
	} bad[] = {
		{"daemon", "x", NULL, "daemon takes no argument ('x'): the rules file is --rules FILE"},
		{"daemon", "-d", "0.1", "-d/--delay: 0.1 is too short for the daemon: at least 0.2 seconds"},
		{"daemon", "--for", "1h", "--for means nothing with daemon"},
		{"daemon", "-f", "tcp", "-f/--filter means nothing with daemon"},
		{"daemon", "--replay", "x.rec", "--replay means nothing with daemon"},
		{"daemon", "-b", NULL, "-b/--batch means nothing with daemon"},
		{"--state", "s", NULL, "--state belongs to 'daemon'"},
		{"-b", "--rules", "r", "--rules belongs to 'daemon' or the TUI, not batch mode"},
		{"block", "--rules", "r", "--rules means nothing with block: it belongs to 'daemon' and the TUI"},
		{"unblock", "192.0.2.1", "--state", "--state needs a value"},
	};
	struct sw_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "daemon", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_DAEMON);
	assert_null(o.rules_file);
	assert_null(o.state_file);
	assert_false(o.dry_run);
	assert_true(o.delay_s == 1);
	assert_int_equal(parse(&o, err, sizeof(err), "--netns", "web1", "daemon",
			       "--rules", "r", "--state", "s", "--dry-run", "-d", "0.5",
			       NULL), 0);
	assert_string_equal(o.rules_file, "r");
	assert_string_equal(o.state_file, "s");
	assert_true(o.dry_run);
	assert_true(o.delay_s == 0.5);
	assert_string_equal(o.engine.netns, "web1");
	/* the TUI takes --rules */
	assert_int_equal(parse(&o, err, sizeof(err), "--rules", "r", NULL), 0);
	assert_int_equal(o.mode, SW_MODE_TUI);
	assert_string_equal(o.rules_file, "r");
	for (size_t i = 0; i < NELEM(bad); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), bad[i].a, bad[i].b,
				       bad[i].c, NULL), -1);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_batch),
		cmocka_unit_test(test_subcommands_any_order),
		cmocka_unit_test(test_errors_name_the_option),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_scope_and_names),
		cmocka_unit_test(test_metrics_options),
		cmocka_unit_test(test_metrics_listen),
		cmocka_unit_test(test_rules_command),
		cmocka_unit_test(test_daemon_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
