/* Unit tests: the rules file's parser (every key, every error with its
 * line) and a rule in words. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_rules.h"
#include "sw_test.h"

static struct sw_rules *ok(const char *text)
{
	char *err = NULL;
	struct sw_rules *rs = sw_rules_parse(text, "t.rules", NULL, &err);

	if (!rs)
		fail_msg("refused: %s", err ? err : "(no message)");
	assert_null(err);
	return rs;
}

/* text is refused with an error on line `line` containing want. */
static void bad(const char *text, unsigned line, const char *want)
{
	char *err = NULL, at[32];
	struct sw_rules *rs = sw_rules_parse(text, "t.rules", NULL, &err);

	if (rs)
		fail_msg("accepted: %s", text);
	assert_non_null(err);
	snprintf(at, sizeof(at), "t.rules:%u: ", line);
	if (!strstr(err, at) || !strstr(err, want))
		fail_msg("expected '%s%s' in:\n%s", at, want, err);
	free(err);
}

static void test_every_key(void **state)
{
	struct sw_rules *rs;
	const struct sw_rule *r;

	(void)state;
	rs = ok("# a comment\n"
		"[defaults]\n"
		"ban = 5m   # inline comment\n"
		"breaker = 20\n"
		"\n"
		"[web]\n"
		"match = tcp and sport 80\n"
		"states = established syn-recv\n"
		"incoming = yes\n"
		"group = /24 v6 /64\n"
		"when = conns > 100 and new_per_s >= 5.5\n"
		"idle_after = 1m\n"
		"for = 3\n"
		"ban = 1h\n"
		"kill = yes\n"
		"escalate = 2 max 1d window 7d\n"
		"prefix_after = 4 /16 v6 /48\n"
		"dry_run = yes\n"
		"breaker = 7\n"
		"[plain]\n"
		"when = tw > 1000\n");
	assert_int_equal(sw_rules_count(rs), 2);
	r = sw_rules_get(rs, 0);
	assert_string_equal(r->name, "web");
	assert_int_equal(r->line, 6);
	assert_non_null(r->match);
	assert_string_equal(r->match_text, "tcp and sport 80");
	assert_int_equal(r->states, SW_STATE_BIT(SW_ESTABLISHED) |
					    SW_STATE_BIT(SW_SYN_RECV));
	assert_true(r->states_set);
	assert_true(r->incoming);
	assert_int_equal(r->group_v4, 24);
	assert_int_equal(r->group_v6, 64);
	assert_int_equal(r->nconds, 2);
	assert_int_equal(r->cond[0].metric, SW_RM_CONNS);
	assert_int_equal(r->cond[0].cmp, SW_RC_GT);
	assert_true(r->cond[0].value == 100);
	assert_int_equal(r->cond[1].metric, SW_RM_NEW_PER_S);
	assert_int_equal(r->cond[1].cmp, SW_RC_GE);
	assert_true(r->cond[1].value == 5.5);
	assert_true(r->idle_after_s == 60);
	assert_int_equal(r->hold, 3);
	assert_true(r->ban_s == 3600);
	assert_true(r->kill);
	assert_true(r->esc_factor == 2);
	assert_true(r->esc_max_s == 86400);
	assert_true(r->esc_window_s == 7 * 86400);
	assert_int_equal(r->prefix_after, 4);
	assert_int_equal(r->prefix_v4, 16);
	assert_int_equal(r->prefix_v6, 48);
	assert_true(r->dry_run);
	assert_int_equal(r->breaker, 7);
	/* the defaults section, and the built-in defaults */
	r = sw_rules_get(rs, 1);
	assert_true(r->ban_s == 300);
	assert_int_equal(r->breaker, 20);
	assert_null(r->match);
	assert_int_equal(r->group_v4, 32);
	assert_int_equal(r->group_v6, 128);
	assert_int_equal(r->hold, 1);
	assert_false(r->kill);
	assert_false(r->dry_run);
	assert_true(r->esc_factor == 1);
	assert_int_equal(r->prefix_after, 0);
	assert_int_equal(r->cond[0].metric, SW_RM_TW);
	assert_int_equal(r->states, SW_TCP_ALL_STATES & ~(SW_STATE_BIT(SW_TIME_WAIT) |
							 SW_STATE_BIT(SW_LISTEN)));
	sw_rules_free(rs);
}

static void test_conditions(void **state)
{
	static const struct {
		const char *when;
		enum sw_rule_metric m;
		enum sw_rule_cmp cmp;
		double v;
		unsigned extra; /* state or finding kind */
	} cases[] = {
		{"conns>150", SW_RM_CONNS, SW_RC_GT, 150, 0},
		{"tw >= 10", SW_RM_TW, SW_RC_GE, 10, 0},
		{"sockets < 3", SW_RM_SOCKETS, SW_RC_LT, 3, 0},
		{"idle <= 4", SW_RM_IDLE, SW_RC_LE, 4, 0},
		{"syn_recv == 7", SW_RM_STATE, SW_RC_EQ, 7, SW_SYN_RECV},
		{"close-wait != 0", SW_RM_STATE, SW_RC_NE, 0, SW_CLOSE_WAIT},
		{"established > 1", SW_RM_STATE, SW_RC_GT, 1, SW_ESTABLISHED},
		{"finding syn_flood", SW_RM_FINDING, SW_RC_GE, 1, SW_FK_SYN_FLOOD},
		{"finding reset_storm > 2", SW_RM_FINDING, SW_RC_GT, 2, SW_FK_RESET_STORM},
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_rules *rs;
		const struct sw_rule_cond *c;

		snprintf(text, sizeof(text), "[r]\nwhen = %s\n", cases[i].when);
		rs = ok(text);
		c = &sw_rules_get(rs, 0)->cond[0];
		assert_int_equal(c->metric, cases[i].m);
		assert_int_equal(c->cmp, cases[i].cmp);
		assert_true(c->value == cases[i].v);
		if (c->metric == SW_RM_STATE)
			assert_int_equal(c->state, cases[i].extra);
		if (c->metric == SW_RM_FINDING)
			assert_int_equal(c->kind, cases[i].extra);
		sw_rules_free(rs);
	}
	/* a finding as a gate beside a number */
	struct sw_rules *rs = ok("[r]\nwhen = finding syn_flood and syn_recv > 20\n");
	assert_int_equal(sw_rules_get(rs, 0)->nconds, 2);
	assert_int_equal(sw_rules_get(rs, 0)->cond[1].metric, SW_RM_STATE);
	sw_rules_free(rs);
}

static void test_errors_name_their_line(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *want;
	} cases[] = {
		{"ban = 10m\n", 1, "ban is set outside a rule; start a rule with [name]"},
		{"[r\nwhen = tw > 1\n", 1, "a section is [name] alone on its line"},
		{"[r] x\nwhen = tw > 1\n", 1, "a section is [name] alone"},
		{"[a b]\nwhen = tw > 1\n", 1, "rule name 'a b' is not"},
		{"[]\n", 1, "rule name '' is not"},
		{"[r]\nwhen = tw > 1\n[r]\nwhen = tw > 1\n", 3,
		 "rule 'r' is defined twice (first on line 1)"},
		{"[r]\n", 1, "rule 'r' has no 'when'"},
		{"[r]\nwhen tw > 1\n", 2, "expected key = value or [name]"},
		{"[r]\nwhen = tw > 1\nbann = 10m\n", 3, "unknown key 'bann'; keys: match"},
		{"[r]\nwhen = tw > 1\nban =\n", 3, "ban has no value; e.g. ban = 10m"},
		{"[r]\nwhen = tw > 1\nban = 1m\nban = 2m\n", 4, "ban is set twice"},
		{"[defaults]\nmatch = tcp\n", 2, "match belongs to a rule, not to [defaults]"},
		{"[defaults]\nwhen = tw > 1\n", 2, "when belongs to a rule"},
		{"[r]\nwhen = tw > 1\nmatch = tcp and sport 8o\n", 3, "match: bad port '8o'"},
		{"[r]\nwhen = tw > 1\nstates = estab syn_rcv\n", 3, "states: unknown state 'syn_rcv'"},
		{"[r]\nwhen = tw > 1\nstates =   \n", 3, "states has no value"},
		{"[r]\nwhen = tw > 1\nincoming = maybe\n", 3, "incoming 'maybe' is not yes or no"},
		{"[r]\nwhen = tw > 1\nkill = 2\n", 3, "kill '2' is not yes or no"},
		{"[r]\nwhen = tw > 1\ndry_run = y\n", 3, "dry_run 'y' is not yes or no"},
		{"[r]\nwhen = tw > 1\ngroup = /33\n", 3, "group: '/33' is not a prefix length"},
		{"[r]\nwhen = tw > 1\ngroup = v6 /129\n", 3, "group: '/129' is not a prefix length"},
		{"[r]\nwhen = tw > 1\ngroup = v6\n", 3, "group needs a prefix length"},
		{"[r]\nwhen = conns\n", 2, "when: conns needs a comparison"},
		{"[r]\nwhen = conns > x\n", 2, "when: 'x' after conns > is not a number"},
		{"[r]\nwhen = conns > -1\n", 2, "is not a number (0 or more)"},
		{"[r]\nwhen = conns > 1 or tw > 2\n", 2, "expected 'and' or the end at 'or tw > 2'"},
		{"[r]\nwhen = bytes > 1\n", 2, "when: unknown number 'bytes'"},
		{"[r]\nwhen = finding syn_flod\n", 2, "unknown finding kind 'syn_flod'; kinds: syn_flood"},
		{"[r]\nwhen = finding\n", 2, "finding needs a kind"},
		{"[r]\nwhen = tw>1 and tw>2 and tw>3 and tw>4 and tw>5\n", 2,
		 "at most 4 conditions"},
		{"[r]\nwhen = tw > 1\nidle_after = soon\n", 3, "idle_after 'soon' is not a duration"},
		{"[r]\nwhen = tw > 1\nfor = 0\n", 3, "for '0' is not a count of refreshes"},
		{"[r]\nwhen = tw > 1\nfor = 3x\n", 3, "for '3x' is not a count"},
		{"[r]\nwhen = tw > 1\nban = 10x\n", 3, "ban '10x' is not a duration"},
		{"[r]\nwhen = tw > 1\nban = 400d\n", 3, "ban '400d' is out of range; give 1s to 365d"},
		{"[r]\nwhen = tw > 1\nescalate = 0.5\n", 3, "escalate: factor '0.5' is not a number from 1 to 100"},
		{"[r]\nwhen = tw > 1\nescalate = 2 upto 1d\n", 3, "escalate: unexpected 'upto'"},
		{"[r]\nwhen = tw > 1\nescalate = 2 max\n", 3, "escalate: max needs a duration"},
		{"[r]\nwhen = tw > 1\nescalate = 2 window 0s\n", 3, "escalate window '0s' is out of range"},
		{"[r]\nwhen = tw > 1\nban = 1h\nescalate = 2 max 10m\n", 1,
		 "escalate max is shorter than ban"},
		{"[r]\nwhen = tw > 1\nprefix_after = 1\n", 3, "prefix_after '1' needs a count of addresses from 2"},
		{"[r]\nwhen = tw > 1\nprefix_after = 3 /40\n", 3, "prefix_after: '/40' is not a prefix length"},
		{"[r]\nwhen = tw > 1\ngroup = /24\nprefix_after = 3\n", 1,
		 "prefix_after's /24 must be wider than the group's /24"},
		{"[r]\nwhen = tw > 1\ngroup = v6 /48\nprefix_after = 3\n", 1,
		 "prefix_after's v6 /64 must be wider than the group's v6 /48"},
		{"[r]\nwhen = tw > 1\nbreaker = 0\n", 3, "breaker '0' is not a number of targets per minute"},
		{"[r]\nwhen = tw > 1\nban = \x01 1m\n", 3, "control character"},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++)
		bad(cases[i].text, cases[i].line, cases[i].want);
}

/* A file with several errors is refused whole, each error named. */
static void test_all_errors_at_once(void **state)
{
	char *err = NULL;
	struct sw_rules *rs;

	(void)state;
	rs = sw_rules_parse("[good]\nwhen = conns > 1\n"
			    "[bad]\nwhen = conns > 1\nban = never\nfor = -1\n",
			    "f", NULL, &err);
	assert_null(rs);
	assert_non_null(strstr(err, "f:5: ban 'never'"));
	assert_non_null(strstr(err, "f:6: for '-1'"));
	assert_null(strstr(err, "f:1"));
	free(err);
}

static void test_empty_and_comments(void **state)
{
	struct sw_rules *rs;

	(void)state;
	rs = ok("");
	assert_int_equal(sw_rules_count(rs), 0);
	sw_rules_free(rs);
	rs = ok("# nothing\n   \n\t# still nothing\n[defaults]\nban = 1m\n");
	assert_int_equal(sw_rules_count(rs), 0);
	sw_rules_free(rs);
	/* '#' inside a word is not a comment; CRLF and no final newline */
	rs = ok("[r-1.x]\r\nwhen = conns > 3 # three\r\nban = 90s");
	assert_int_equal(sw_rules_count(rs), 1);
	assert_string_equal(sw_rules_get(rs, 0)->name, "r-1.x");
	assert_true(sw_rules_get(rs, 0)->ban_s == 90);
	sw_rules_free(rs);
}

static void words(const char *text, const char *want)
{
	struct sw_rules *rs = ok(text);
	char buf[1024];

	sw_rule_describe(sw_rules_get(rs, 0), buf, sizeof(buf));
	if (!strstr(buf, want))
		fail_msg("expected '%s' in '%s'", want, buf);
	sw_rules_free(rs);
}

static void test_in_words(void **state)
{
	(void)state;
	words("[ddos]\nstates = exclude listen\nwhen = conns > 150\nban = 600\n",
	      "ban for 10m any address holding more than 150 connections in "
	      "any state but LISTEN, after 1 refresh");
	words("[r]\nwhen = conns > 5\n",
	      "more than 5 connections in any state but TIME_WAIT and LISTEN");
	/* too big for a long long: said as printf's %g (undefined before) */
	words("[r]\nwhen = conns > 1000000000000000000000000000000\n",
	      "more than 1e+30 connections");
	words("[r]\nstates = established syn-recv\nwhen = conns >= 5\nfor = 3\n",
	      "at least 5 connections in ESTABLISHED or SYN_RECV, after 3 "
	      "refreshes in a row");
	words("[r]\nmatch = tcp and sport 80\nincoming = yes\ngroup = /24 v6 /64\n"
	      "when = syn_recv > 20\n",
	      "any /24 (IPv6: /64) holding more than 20 connections in SYN_RECV, counting "
	      "only inbound sockets and sockets matching 'tcp and sport 80'");
	words("[r]\nwhen = idle > 10\nidle_after = 20s\n",
	      "more than 10 inbound connections idle for 20s");
	words("[r]\nwhen = finding syn_flood and new_per_s > 50\n",
	      "a syn_flood finding about it or the host and more than 50 new "
	      "connections a second");
	words("[r]\nwhen = tw > 1\nkill = yes\nescalate = 3 max 1d window 2h\n",
	      "; end its open connections; a repeat offender within 2h gets the "
	      "ban x3 each time, up to 24h");
	words("[r]\nwhen = tw > 1\nprefix_after = 3\n",
	      "3 banned addresses in one /24 (IPv6 /64) ban the prefix");
	words("[r]\nwhen = tw > 1\ndry_run = yes\nbreaker = 1\n",
	      "dry run: log (never send) a ban for 10m");
	words("[r]\nwhen = tw > 1\nbreaker = 1\n", "at most 1 ban a minute");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_errors_name_their_line),
		cmocka_unit_test(test_all_errors_at_once),
		cmocka_unit_test(test_empty_and_comments),
		cmocka_unit_test(test_in_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
