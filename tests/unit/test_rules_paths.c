/* Unit tests: the three ways a rule is counted (the aggregate's rows, per
 * flow, per socket) agree on a large mixed population, over refreshes
 * with churn; and the shipped example rules ban nobody in a busy healthy
 * population. */
#include "rules_fixture.h"
#include "sw_rules_file.h"

/* xorshift: the same population on every run */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const unsigned states[] = {
	SW_ESTABLISHED, SW_ESTABLISHED, SW_ESTABLISHED, SW_ESTABLISHED,
	SW_TIME_WAIT, SW_TIME_WAIT, SW_SYN_RECV, SW_CLOSE_WAIT, SW_FIN_WAIT2,
	SW_LAST_ACK,
};

/* n sockets over 300 peers (v4 and v6), a tenth outbound, some UDP;
 * socket k keeps its cookie (k + 10) from one refresh to the next, and a
 * refresh drops and adds some (churn from round). */
static void population(struct fx *x, unsigned n, unsigned round)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	fx_begin(x);
	for (unsigned k = 0; k < n + round * 50; k++) {
		uint64_t r = rnd(&seed);
		unsigned peer = (unsigned)(r % 300), st = states[(r >> 12) % NELEM(states)];
		char a[64];
		bool v6 = peer % 5 == 0, out = (r >> 20) % 10 == 0, udp = (r >> 24) % 15 == 0;
		struct sw_sock s;

		if ((k + round) % 37 == 0)
			continue; /* closed this round */
		snprintf(a, sizeof(a), v6 ? "2001:db8:%x::%x" : "198.18.%u.%u",
			 peer % 7, peer / 7 + 1);
		s = sw_test_sock(udp ? SW_UDP : SW_TCP, udp ? SW_ESTABLISHED : st,
				 v6 ? "2001:db8::1" : "192.0.2.1",
				 out ? 40000 + (unsigned)(r % 1000) : (r >> 30) % 2 ? 80 : 443, a,
				 10000 + (unsigned)((r >> 32) % 50000), k + 10);
		assert_int_equal(sw_snapshot_add(fx_snap(x), &s), 1);
	}
}

static void same_candidates(struct fx *x, unsigned nrules, const char *what)
{
	size_t n;
	const struct sw_rule_candidate *c = sw_rules_eval_candidates(x->ev, &n);
	unsigned per[8] = {0};

	for (size_t i = 0; i < n; i++) {
		per[c[i].rule]++;
		for (unsigned other = 0; other < nrules; other++) {
			const struct sw_rule_candidate *o = NULL;

			if (other == c[i].rule)
				continue;
			for (size_t j = 0; j < n && !o; j++)
				if (c[j].rule == other && sw_prefix_eq(&c[j].target, &c[i].target))
					o = &c[j];
			if (!o) {
				char t[SW_ADDR_STRLEN];

				fail_msg("%s: rule %u holds for %s, rule %u does not", what,
					 c[i].rule,
					 sw_prefix_format(&c[i].target, t, sizeof(t)), other);
			}
			if (o->count != c[i].count || o->value != c[i].value) {
				char t[SW_ADDR_STRLEN];

				fail_msg("%s: %s: rule %u counts %u (value %g), rule %u %u (%g)",
					 what, sw_prefix_format(&c[i].target, t, sizeof(t)),
					 c[i].rule, c[i].count, c[i].value, other, o->count,
					 o->value);
			}
		}
	}
	for (unsigned r = 1; r < nrules; r++)
		if (per[r] != per[0])
			fail_msg("%s: rule %u holds for %u groups, rule 0 for %u", what,
				 r, per[r], per[0]);
}

static void test_three_paths_agree(void **state)
{
	static const char *const whens[] = {
		"conns >= 4",
		"tw >= 2 and established >= 1",
		"syn_recv >= 1",
		"sockets > 5",
		"new_per_s > 0.5",
		"close_wait >= 1 and conns < 20",
	};
	static const char *const groups[] = {"/32", "/24 v6 /64"};
	char rules[1024], what[128];

	(void)state;
	for (size_t w = 0; w < NELEM(whens); w++)
		for (size_t g = 0; g < NELEM(groups); g++)
			for (int in = 0; in < 2; in++) {
				struct fx x;
				struct sw_rule_status st[3];

				/* rows; flows (a match that takes all); sockets (one
				 * that reads the remote port) */
				snprintf(rules, sizeof(rules),
					 "[defaults]\ndry_run = yes\nbreaker = 100000\n"
					 "group = %s\nincoming = %s\n"
					 "[rows]\nwhen = %s\n"
					 "[flows]\nmatch = tcp or udp\nwhen = %s\n"
					 "[socks]\nmatch = dport >= 0\nwhen = %s\n",
					 groups[g], in ? "yes" : "no", whens[w], whens[w],
					 whens[w]);
				fx_init(&x, rules);
				for (unsigned round = 0; round < 3; round++) {
					population(&x, 3000, round);
					fx_refresh(&x);
					snprintf(what, sizeof(what), "when %s, group %s, "
						 "incoming %d, refresh %u", whens[w],
						 groups[g], in, round + 1);
					same_candidates(&x, 3, what);
				}
				for (unsigned r = 0; r < 3; r++)
					sw_rules_eval_status(x.ev, r, &st[r]);
				/* the rows answer; inbound, what they count in
				 * (conns, sockets, tw) */
				if (!in || w == 0 || w == 3)
					assert_true(st[0].from_agg);
				assert_false(st[1].from_agg);
				assert_false(st[2].from_agg);
				fx_free(&x);
			}
}

/* A busy healthy server: 2,000 clients with up to 100 connections each
 * (most a few), TIME_WAIT from churn, a few half-open handshakes: the
 * shipped examples ban nobody. */
static void test_examples_quiet_on_healthy(void **state)
{
	static const char *const files[] = {
		"contrib/rules/ddos-deflate.rules",
		"contrib/rules/port-connections.rules",
		"contrib/rules/syn-flood.rules",
		"contrib/rules/slowloris.rules",
		"contrib/rules/dry-run.rules",
	};

	(void)state;
	for (size_t i = 0; i < NELEM(files); i++) {
		struct fx x;
		char *cause = NULL;
		uint64_t seed = 42;

		fx_init(&x, "");
		sw_rules_eval_free(x.ev);
		sw_rules_free(x.rs);
		x.rs = sw_rules_load(files[i], &cause);
		if (!x.rs)
			fail_msg("%s: %s", files[i], cause);
		x.ev = sw_rules_eval_new(x.rs, x.h, NULL);
		for (unsigned round = 0; round < 4; round++) {
			fx_begin(&x);
			for (unsigned c = 0; c < 2000; c++) {
				char a[32];
				uint64_t r = rnd(&seed);
				unsigned n = c < 20 ? 60 + (unsigned)(r % 40) : 1 + (unsigned)(r % 4);

				snprintf(a, sizeof(a), "198.%u.%u.%u", 18 + c / 65536 % 2,
					 c / 256 % 256, c % 256);
				fx_peer_port(&x, a, n, SW_TCP, SW_ESTABLISHED, c % 2 ? 80 : 443, 0);
				fx_peer_port(&x, a, (unsigned)(r >> 8) % 3, SW_TCP, SW_TIME_WAIT,
					     80, 1000 + round * 10);
				if (c % 100 == 0)
					fx_peer_port(&x, a, 1, SW_TCP, SW_SYN_RECV, 443, 2000);
			}
			fx_refresh(&x);
			if (x.nacts)
				fail_msg("%s: '%s' on a healthy population", files[i],
					 x.acts[0].text);
		}
		fx_free(&x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_paths_agree),
		cmocka_unit_test(test_examples_quiet_on_healthy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
