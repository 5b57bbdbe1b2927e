/* Unit tests: how rules count (thresholds, states, grouping, the
 * aggregate's rows against the walk over sockets, IPv4-mapped peers,
 * inbound only, new per second, idle, findings). */
#include <math.h>

#include "rules_fixture.h"

static void test_threshold_edges(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "[ddos]\nwhen = conns > 150\n"
		    "[ge]\nwhen = conns >= 150\n");
	fx_begin(&x);
	fx_peer(&x, "198.51.100.7", 150, SW_ESTABLISHED);
	fx_peer(&x, "198.51.100.8", 149, SW_ESTABLISHED);
	fx_refresh(&x);
	/* 150 is not more than 150; it is at least 150 */
	assert_int_equal(x.nacts, 1);
	assert_int_equal(x.acts[0].rule, 1);
	assert_non_null(fx_act(&x, "198.51.100.7"));
	assert_null(fx_act(&x, "198.51.100.8"));

	fx_begin(&x);
	fx_peer(&x, "198.51.100.9", 151, SW_ESTABLISHED);
	fx_refresh(&x);
	const struct sw_rule_action *a = fx_act(&x, "198.51.100.9");
	assert_non_null(a);
	assert_int_equal(a->kind, SW_RA_BLOCK);
	assert_int_equal(a->rule, 0);
	assert_int_equal(a->req.connections, 151);
	assert_true(a->req.timeout_s == 600);
	assert_false(a->req.kill);
	assert_int_equal(a->states[SW_ESTABLISHED], 151);
	assert_string_equal(a->req.reason, "rule ddos: conns 151 > 150");
	assert_string_equal(a->text, "rule ddos: block 198.51.100.9 for 10m "
				     "(conns 151 > 150, held 1 refresh)");
	fx_free(&x);
}

/* Default states leave TIME_WAIT out; "exclude listen" counts it. */
static void test_states(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "[live]\nwhen = conns > 10\n"
		    "[deflate]\nstates = exclude listen\nwhen = conns > 10\n"
		    "[tw]\nwhen = tw >= 8\n"
		    "[sr]\nwhen = syn_recv > 2\n"
		    "[all]\nwhen = sockets == 12\n");
	fx_begin(&x);
	fx_peer(&x, "198.51.100.7", 4, SW_ESTABLISHED);
	fx_peer_port(&x, "198.51.100.7", 8, SW_TCP, SW_TIME_WAIT, 80, 100);
	fx_refresh(&x);
	const struct sw_rule_action *a = fx_act(&x, "198.51.100.7");
	assert_non_null(a);
	/* deflate (12 > 10) bans first; tw and all see a ban running */
	assert_int_equal(a->rule, 1);
	assert_int_equal(x.nacts, 1);
	assert_null(fx_cand(&x, "198.51.100.8"));
	size_t n;
	const struct sw_rule_candidate *c = sw_rules_eval_candidates(x.ev, &n);
	/* deflate, tw and all hold; live (4) and sr (0) do not */
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_true(c[i].rule == 1 || c[i].rule == 2 || c[i].rule == 4);
	fx_free(&x);
}

/* The same rule counted from the aggregate (no match) and from the
 * sockets (a match that takes every socket) gives the same groups. */
static void test_agg_and_walk_agree(void **state)
{
	static const char *const groupings[] = {"/32", "/24 v6 /64", "/16 v6 /48"};
	char rules[512];

	(void)state;
	for (size_t gi = 0; gi < NELEM(groupings); gi++) {
		struct fx x;
		size_t n;
		const struct sw_rule_candidate *c;
		unsigned byrule[2] = {0, 0};
		struct sw_rule_status st0, st1;

		snprintf(rules, sizeof(rules),
			 "[defaults]\ndry_run = yes\nbreaker = 1000\n"
			 "[agg]\ngroup = %s\nwhen = conns >= 3 and tw >= 1\n"
			 "[walk]\nmatch = tcp or udp\ngroup = %s\n"
			 "when = conns >= 3 and tw >= 1\n",
			 groupings[gi], groupings[gi]);
		fx_init(&x, rules);
		fx_begin(&x);
		for (unsigned i = 0; i < 40; i++) {
			char a[64];

			snprintf(a, sizeof(a), i % 2 ? "198.51.%u.%u" : "2001:db8:%x::%x",
				 i % 3, i);
			fx_peer(&x, a, i % 5, SW_ESTABLISHED);
			fx_peer_port(&x, a, i % 3, SW_TCP, SW_TIME_WAIT, 80, 100);
			fx_peer_port(&x, a, i % 2, SW_UDP, SW_ESTABLISHED, 53, 200);
		}
		fx_refresh(&x);
		sw_rules_eval_status(x.ev, 0, &st0);
		sw_rules_eval_status(x.ev, 1, &st1);
		assert_true(st0.from_agg);
		assert_false(st1.from_agg);
		assert_int_equal(st0.groups, st1.groups);
		c = sw_rules_eval_candidates(x.ev, &n);
		assert_true(n > 2);
		for (size_t i = 0; i < n; i++) {
			const struct sw_rule_candidate *o = NULL;

			byrule[c[i].rule]++;
			for (size_t j = 0; j < n; j++)
				if (c[j].rule != c[i].rule &&
				    sw_prefix_eq(&c[j].target, &c[i].target))
					o = &c[j];
			assert_non_null(o);
			assert_int_equal(o->count, c[i].count);
			assert_true(o->value == c[i].value);
		}
		assert_int_equal(byrule[0], byrule[1]);
		assert_int_equal(fx_count(&x, SW_RA_WOULD_BLOCK), n);
		fx_free(&x);
	}
}

/* An IPv4 flood arriving as IPv4-mapped IPv6 is banned as IPv4 (the
 * DDoS-Deflate bug), counted together with its plain IPv4 sockets. */
static void test_mapped_ipv4_is_ipv4(void **state)
{
	static const char *const rules[] = {
		"[r]\nwhen = conns > 100\n",
		"[r]\nmatch = tcp\nwhen = conns > 100\n",
		"[r]\ngroup = /24\nwhen = conns > 100\n",
	};
	static const char *const want[] = {"198.51.100.7", "198.51.100.7",
					   "198.51.100.0/24"};

	(void)state;
	for (size_t i = 0; i < NELEM(rules); i++) {
		struct fx x;
		const struct sw_rule_action *a;

		fx_init(&x, rules[i]);
		fx_begin(&x);
		fx_peer(&x, "::ffff:198.51.100.7", 80, SW_ESTABLISHED);
		fx_peer_port(&x, "198.51.100.7", 30, SW_TCP, SW_ESTABLISHED, 80, 500);
		fx_refresh(&x);
		a = fx_act(&x, want[i]);
		assert_non_null(a);
		assert_int_equal(a->req.target.family, SW_V4);
		assert_int_equal(a->req.connections, 110);
		assert_int_equal(x.nacts, 1);
		fx_free(&x);
	}
}

static void test_incoming_only(void **state)
{
	struct fx x;

	(void)state;
	/* agg path (live states) and walk path (a state) alike */
	fx_init(&x, "[in]\nincoming = yes\nwhen = conns > 5\ndry_run = yes\n"
		    "[in_est]\nincoming = yes\nwhen = established > 5\ndry_run = yes\n"
		    "[any]\nwhen = conns > 5\ndry_run = yes\n");
	fx_begin(&x);
	/* outbound: local port 40000 is not listened on */
	fx_peer_port(&x, "198.51.100.7", 9, SW_TCP, SW_ESTABLISHED, 40000, 0);
	fx_peer(&x, "198.51.100.8", 9, SW_ESTABLISHED);
	fx_refresh(&x);
	size_t n;
	const struct sw_rule_candidate *c = sw_rules_eval_candidates(x.ev, &n);
	/* in and in_est: .8 only; any: both */
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		if (c[i].rule != 2)
			assert_int_equal(c[i].target.bytes[3], 8);
	assert_non_null(fx_act(&x, "198.51.100.7"));
	assert_int_equal(fx_act(&x, "198.51.100.7")->rule, 2);
	fx_free(&x);
}

static void test_new_per_s(void **state)
{
	static const char *const rules[] = {
		"[r]\nwhen = new_per_s > 9\n",
		"[r]\nmatch = dport >= 10000\nwhen = new_per_s > 9\n", /* per socket */
		"[r]\nmatch = sport 80\nwhen = new_per_s > 9\n",       /* per flow */
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rules); i++) {
		struct fx x;
		const struct sw_rule_action *a;

		fx_init(&x, rules[i]);
		fx_begin(&x);
		fx_peer(&x, "198.51.100.7", 50, SW_ESTABLISHED);
		fx_refresh_step(&x, 2);
		/* a first refresh knows no rate: not zero, not a ban */
		assert_int_equal(x.nacts, 0);
		assert_null(fx_cand(&x, "198.51.100.7"));
		/* the same 50 and 19 new in 2 s: 9.5/s */
		fx_begin(&x);
		fx_peer(&x, "198.51.100.7", 69, SW_ESTABLISHED);
		fx_refresh_step(&x, 2);
		a = fx_act(&x, "198.51.100.7");
		assert_non_null(a);
		assert_non_null(strstr(a->reason, "new_per_s 9.5 > 9"));
		/* 18 new in 2 s: 9/s, not more than 9 */
		fx_begin(&x);
		fx_peer(&x, "198.51.100.8", 0, SW_ESTABLISHED);
		fx_peer_port(&x, "198.51.100.9", 18, SW_TCP, SW_ESTABLISHED, 80, 0);
		fx_refresh(&x);
		assert_null(fx_cand(&x, "198.51.100.9"));
		fx_free(&x);
	}
}

static void test_idle(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "[slow]\nwhen = idle >= 3\nidle_after = 20s\n");
	fx_begin(&x);
	fx_peer(&x, "198.51.100.7", 5, SW_ESTABLISHED);
	fx_peer(&x, "198.51.100.8", 5, SW_ESTABLISHED);
	/* 4 idle from .7 (one just short of 20 s), 2 from .8 */
	for (unsigned i = 0; i < fx_snap(&x)->count; i++) {
		const struct sw_sock *s = &fx_snap(&x)->socks[i];
		unsigned last = s->dst[3] == 7 ? (i % 5 == 0 ? 19999 : 25000)
					       : (i % 5 < 2 ? 60000 : 10);

		if (s->state != SW_ESTABLISHED)
			continue;
		x.ci[x.conninfo.n].cookie = s->cookie;
		x.ci[x.conninfo.n].last_data_recv_ms = last;
		x.conninfo.n++;
	}
	/* sorted by cookie, as the info dump gives it */
	for (size_t i = 1; i < x.conninfo.n; i++)
		for (size_t j = i; j && x.ci[j - 1].cookie > x.ci[j].cookie; j--) {
			struct sw_conn_info t = x.ci[j];

			x.ci[j] = x.ci[j - 1];
			x.ci[j - 1] = t;
		}
	fx_refresh(&x);
	assert_non_null(fx_act(&x, "198.51.100.7"));
	assert_null(fx_cand(&x, "198.51.100.8"));
	assert_true(fx_cand(&x, "198.51.100.7")->value == 4);
	/* no info dump: nothing is idle */
	fx_begin(&x);
	fx_peer(&x, "198.51.100.9", 5, SW_ESTABLISHED);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 0);
	fx_free(&x);
}

static void test_findings(void **state)
{
	struct fx x;
	struct sw_finding *f;

	(void)state;
	fx_init(&x, "[gate]\nwhen = finding syn_flood and syn_recv > 5\n"
		    "[remote]\nwhen = finding connection_flood\n");
	fx_begin(&x);
	fx_peer(&x, "198.51.100.7", 10, SW_SYN_RECV);
	fx_peer(&x, "198.51.100.8", 3, SW_ESTABLISHED);
	fx_refresh(&x);
	/* no findings: nothing */
	assert_int_equal(x.nacts, 0);

	fx_begin(&x);
	fx_peer(&x, "198.51.100.7", 10, SW_SYN_RECV);
	fx_peer(&x, "198.51.100.8", 3, SW_ESTABLISHED);
	f = &x.findings[x.nfindings++];
	memset(f, 0, sizeof(*f));
	f->kind = SW_FK_SYN_FLOOD;
	f->subject.kind = SW_SUBJ_LISTENER;
	f->subject.port = 80;
	f = &x.findings[x.nfindings++];
	memset(f, 0, sizeof(*f));
	f->kind = SW_FK_CONNECTION_FLOOD;
	f->subject.kind = SW_SUBJ_REMOTE;
	f->subject.remote = sw_test_prefix("198.51.100.8");
	fx_refresh(&x);
	assert_int_equal(x.nacts, 2);
	assert_int_equal(fx_act(&x, "198.51.100.7")->rule, 0);
	assert_int_equal(fx_act(&x, "198.51.100.8")->rule, 1);
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threshold_edges),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_agg_and_walk_agree),
		cmocka_unit_test(test_mapped_ipv4_is_ipv4),
		cmocka_unit_test(test_incoming_only),
		cmocka_unit_test(test_new_per_s),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
