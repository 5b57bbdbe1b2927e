/* Unit tests: what rules do with what they counted: `for` holding, no
 * second ask while a ban runs, escalation within its window, prefix
 * bans, the circuit breaker, dry runs, disarmed, refusals, and what the
 * candidates say. */
#include "rules_fixture.h"

static void flood(struct fx *x, const char *peer, unsigned n)
{
	fx_begin(x);
	if (n)
		fx_peer(x, peer, n, SW_ESTABLISHED);
	fx_peer(x, "203.0.113.50", 3, SW_ESTABLISHED); /* a normal client */
}

static void text_of(struct fx *x, const char *target, const char *want)
{
	char buf[64];
	const struct sw_rule_candidate *c = fx_cand(x, target);

	assert_non_null(c);
	sw_rule_candidate_text(x->ev, c, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_for_holds(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, "[r]\nwhen = conns > 10\nfor = 3\nkill = yes\n");
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 0);
	assert_int_equal(fx_cand(&x, "198.51.100.7")->left, 2);
	text_of(&x, "198.51.100.7", "bans in 2 refreshes");
	assert_null(fx_cand(&x, "203.0.113.50"));
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 0);
	text_of(&x, "198.51.100.7", "bans in 1 refresh");
	/* a refresh under the threshold starts the count again */
	flood(&x, "198.51.100.7", 5);
	fx_refresh(&x);
	assert_null(fx_cand(&x, "198.51.100.7"));
	for (unsigned i = 0; i < 2; i++) {
		flood(&x, "198.51.100.7", 20);
		fx_refresh(&x);
		assert_int_equal(x.nacts, 0);
	}
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 1);
	assert_true(x.acts[0].req.kill);
	assert_non_null(strstr(x.acts[0].text, "held 3 refreshes"));
	text_of(&x, "198.51.100.7", "banned");
	/* still there while the ban runs: not asked for again */
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 0);
	fx_free(&x);
}

static void test_escalation(void **state)
{
	struct fx x;
	const struct sw_rule_action *a;
	const struct sw_offender *o;
	size_t n;

	(void)state;
	fx_init(&x, "[r]\nwhen = conns > 10\nban = 10m\n"
		    "escalate = 3 max 1h window 1d\n");
	flood(&x, "198.51.100.7", 20);
	fx_refresh_step(&x, 601);
	a = fx_act(&x, "198.51.100.7");
	assert_non_null(a);
	assert_true(a->req.timeout_s == 600);
	assert_int_equal(a->offence, 1);
	o = sw_rules_history_list(x.h, &n);
	assert_int_equal(n, 1);
	assert_int_equal(o->offences, 1);
	assert_true(sw_rules_history_dirty(x.h));
	/* the ban ended; back again: x3 */
	flood(&x, "198.51.100.7", 20);
	fx_refresh_step(&x, 1801);
	a = fx_act(&x, "198.51.100.7");
	assert_non_null(a);
	assert_int_equal(a->offence, 2);
	assert_true(a->req.timeout_s == 1800);
	assert_non_null(strstr(a->text, "for 30m"));
	assert_non_null(strstr(a->text, "offence 2"));
	/* x9 = 90m, held to the max of 1h */
	flood(&x, "198.51.100.7", 20);
	fx_refresh_step(&x, 2 * 86400);
	a = fx_act(&x, "198.51.100.7");
	assert_true(a->req.timeout_s == 3600);
	assert_int_equal(a->offence, 3);
	/* two days later the window has passed: a first offence again, and
	 * the history forgot it in between */
	flood(&x, "198.51.100.8", 0);
	fx_refresh(&x);
	sw_rules_history_list(x.h, &n);
	assert_int_equal(n, 0);
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	a = fx_act(&x, "198.51.100.7");
	assert_true(a->req.timeout_s == 600);
	assert_int_equal(a->offence, 1);
	fx_free(&x);
}

static void test_prefix_after(void **state)
{
	struct fx x;
	const struct sw_rule_action *a;

	(void)state;
	fx_init(&x, "[r]\nwhen = conns > 10\nprefix_after = 3\nban = 10m\n");
	fx_begin(&x);
	fx_peer(&x, "198.51.100.7", 20, SW_ESTABLISHED);
	fx_peer(&x, "198.51.100.8", 20, SW_ESTABLISHED);
	fx_peer(&x, "192.0.2.9", 20, SW_ESTABLISHED);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 3);
	assert_null(fx_act(&x, "198.51.100.0/24"));
	/* the third address of 198.51.100.0/24 bans the /24 */
	fx_begin(&x);
	fx_peer(&x, "198.51.100.9", 20, SW_ESTABLISHED);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 2);
	assert_non_null(fx_act(&x, "198.51.100.9"));
	a = fx_act(&x, "198.51.100.0/24");
	assert_non_null(a);
	assert_true(a->prefix);
	assert_string_equal(a->reason,
			    "rule r: 3 banned addresses in 198.51.100.0/24 >= 3");
	/* not again while it runs */
	fx_begin(&x);
	fx_peer(&x, "198.51.100.10", 20, SW_ESTABLISHED);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 1);
	assert_non_null(fx_act(&x, "198.51.100.10"));
	fx_free(&x);
}

/* In a dry run the would-be bans count towards the prefix the same way. */
static void test_prefix_after_dry(void **state)
{
	struct fx x;
	const struct sw_rule_action *a;

	(void)state;
	fx_init(&x, "[r]\nwhen = conns > 10\nprefix_after = 2\ndry_run = yes\n");
	fx_begin(&x);
	fx_peer(&x, "198.51.100.7", 20, SW_ESTABLISHED);
	fx_peer(&x, "203.0.113.8", 20, SW_ESTABLISHED);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 2);
	fx_begin(&x);
	fx_peer(&x, "198.51.100.200", 20, SW_ESTABLISHED);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 2);
	a = fx_act(&x, "198.51.100.0/24");
	assert_non_null(a);
	assert_int_equal(a->kind, SW_RA_WOULD_BLOCK);
	assert_null(fx_act(&x, "203.0.113.0/24"));
	fx_free(&x);
}

static void test_breaker(void **state)
{
	struct fx x;
	struct sw_rule_status st;
	char a[32];

	(void)state;
	fx_init(&x, "[everyone]\nwhen = conns >= 1\nbreaker = 5\n");
	/* 4 now, 2 more later in the minute: 6 > 5 trips it */
	fx_begin(&x);
	for (unsigned i = 0; i < 4; i++) {
		snprintf(a, sizeof(a), "198.51.100.%u", 10 + i);
		fx_peer(&x, a, 1, SW_ESTABLISHED);
	}
	fx_refresh_step(&x, 10);
	assert_int_equal(fx_count(&x, SW_RA_BLOCK), 4);
	fx_begin(&x);
	for (unsigned i = 0; i < 6; i++) {
		snprintf(a, sizeof(a), "198.51.100.%u", 10 + i);
		fx_peer(&x, a, 1, SW_ESTABLISHED);
	}
	fx_refresh_step(&x, 10);
	assert_int_equal(x.nacts, 1);
	assert_int_equal(x.acts[0].kind, SW_RA_TRIPPED);
	assert_string_equal(x.acts[0].text,
			    "rule everyone: breaker tripped: 6 targets in a minute "
			    "> 5; banning stops, counting goes on");
	sw_rules_eval_status(x.ev, 0, &st);
	assert_int_equal(st.mode, SW_RULE_TRIPPED);
	assert_string_equal(sw_rule_mode_name(st.mode), "tripped");
	assert_int_equal(st.bans_minute, 4);
	assert_int_equal(st.would_minute, 6);
	text_of(&x, "198.51.100.14", "breaker tripped");
	/* still 2 held back (plus the 4 of the minute): no bans, no second
	 * trip message */
	for (unsigned r = 0; r < 3; r++) {
		fx_begin(&x);
		for (unsigned i = 0; i < 6; i++) {
			snprintf(a, sizeof(a), "198.51.100.%u", 10 + i);
			fx_peer(&x, a, 1, SW_ESTABLISHED);
		}
		fx_refresh_step(&x, 10);
		assert_int_equal(x.nacts, 0);
	}
	/* a minute after the trip the 4 bans have left the tally: 2 <= 5
	 * closes it */
	x.now_ns += 20 * FX_NS;
	fx_begin(&x);
	for (unsigned i = 4; i < 6; i++) {
		snprintf(a, sizeof(a), "198.51.100.%u", 10 + i);
		fx_peer(&x, a, 1, SW_ESTABLISHED);
	}
	fx_refresh_step(&x, 30);
	assert_int_equal(fx_count(&x, SW_RA_RESET), 1);
	assert_int_equal(fx_count(&x, SW_RA_BLOCK), 2);
	sw_rules_eval_status(x.ev, 0, &st);
	assert_int_equal(st.mode, SW_RULE_ARMED);
	fx_free(&x);
}

static void test_dry_run(void **state)
{
	static const char *const rules[] = {
		"[r]\nwhen = conns > 10\ndry_run = yes\n",
		"[r]\nwhen = conns > 10\n", /* global dry run */
	};

	(void)state;
	for (size_t i = 0; i < NELEM(rules); i++) {
		struct fx x;
		struct sw_rules_eval_opts o = {.dry_run = i == 1};
		struct sw_rule_status st;
		const struct sw_rule_action *a;
		size_t n;

		fx_init(&x, rules[i]);
		sw_rules_eval_set(x.ev, &o);
		flood(&x, "198.51.100.7", 20);
		fx_refresh(&x);
		a = fx_act(&x, "198.51.100.7");
		assert_non_null(a);
		assert_int_equal(a->kind, SW_RA_WOULD_BLOCK);
		assert_string_equal(a->text, "rule r: would block 198.51.100.7 for "
					     "10m (conns 20 > 10, held 1 refresh)");
		assert_int_equal(fx_count(&x, SW_RA_BLOCK), 0);
		/* nothing remembered as an offence */
		sw_rules_history_list(x.h, &n);
		assert_int_equal(n, 0);
		sw_rules_eval_status(x.ev, 0, &st);
		assert_int_equal(st.mode, SW_RULE_DRY_RUN);
		/* said once per ban period, not every refresh */
		flood(&x, "198.51.100.7", 20);
		fx_refresh_step(&x, 600);
		assert_int_equal(x.nacts, 0);
		flood(&x, "198.51.100.7", 20);
		fx_refresh(&x);
		assert_int_equal(fx_count(&x, SW_RA_WOULD_BLOCK), 1);
		fx_free(&x);
	}
}

static void test_disarmed(void **state)
{
	struct fx x;
	struct sw_rules_eval_opts o = {.disarmed = true};
	struct sw_rule_status st;

	(void)state;
	fx_init(&x, "[r]\nwhen = conns > 10\nfor = 2\n");
	sw_rules_eval_set(x.ev, &o);
	for (unsigned i = 0; i < 3; i++) {
		flood(&x, "198.51.100.7", 20);
		fx_refresh(&x);
		assert_int_equal(x.nacts, 0);
	}
	text_of(&x, "198.51.100.7", "disarmed: bans now");
	sw_rules_eval_status(x.ev, 0, &st);
	assert_int_equal(st.mode, SW_RULE_DISARMED);
	assert_int_equal(st.ncandidates, 1);
	/* armed: the held count carries on, it bans at once */
	o.disarmed = false;
	sw_rules_eval_set(x.ev, &o);
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	assert_int_equal(fx_count(&x, SW_RA_BLOCK), 1);
	fx_free(&x);
}

static void test_refused(void **state)
{
	struct fx x;
	size_t n;

	(void)state;
	fx_init(&x, "[r]\nwhen = conns > 10\nescalate = 2\n");
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 1);
	sw_rules_history_list(x.h, &n);
	assert_int_equal(n, 1);
	/* the blocker refused it (allow list): no offence kept, not asked
	 * again within the ban */
	sw_rules_eval_refused(x.ev, &x.acts[0]);
	sw_rules_history_list(x.h, &n);
	assert_int_equal(n, 0);
	flood(&x, "198.51.100.7", 20);
	fx_refresh_step(&x, 599);
	assert_int_equal(x.nacts, 0);
	/* after it: asked again, still a first offence */
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	assert_int_equal(x.nacts, 1);
	assert_int_equal(x.acts[0].offence, 1);
	fx_free(&x);
}

static void test_candidate_of_a_row(void **state)
{
	struct fx x;
	const struct sw_rule_candidate *c;
	struct sw_prefix row = sw_test_prefix("198.51.100.7");

	(void)state;
	fx_init(&x, "[wide]\ngroup = /24\nwhen = conns > 10\nfor = 5\n"
		    "[near]\nwhen = conns > 10\nfor = 2\n");
	flood(&x, "198.51.100.7", 20);
	fx_refresh(&x);
	/* the more urgent of the two covers the row */
	c = sw_rules_eval_candidate_of(x.ev, &row);
	assert_non_null(c);
	assert_int_equal(c->rule, 1);
	assert_int_equal(c->left, 1);
	row = sw_test_prefix("198.51.100.8");
	c = sw_rules_eval_candidate_of(x.ev, &row);
	assert_non_null(c);
	assert_int_equal(c->rule, 0);
	row = sw_test_prefix("203.0.113.50");
	assert_null(sw_rules_eval_candidate_of(x.ev, &row));
	fx_free(&x);
}

/* Many bans in one refresh: the actions' array grows while it is filled,
 * and every request must still point at its own action's reason and
 * states (they dangled after the growth). */
static void test_many_actions_keep_their_pointers(void **state)
{
	struct fx x;
	char peer[32];

	(void)state;
	fx_init(&x, "[r]\nwhen = conns > 10\nbreaker = 1000\n");
	fx_begin(&x);
	for (unsigned i = 1; i <= 100; i++) {
		snprintf(peer, sizeof(peer), "198.51.%u.%u", 100 + i / 50, i % 50 + 1);
		fx_peer(&x, peer, 20, SW_ESTABLISHED);
	}
	fx_refresh(&x);
	assert_int_equal(x.nacts, 100);
	for (size_t i = 0; i < x.nacts; i++) {
		assert_ptr_equal(x.acts[i].req.reason, x.acts[i].reason);
		assert_true(x.acts[i].req.states == NULL ||
			    x.acts[i].req.states == x.acts[i].states);
		assert_non_null(strstr(x.acts[i].reason, "conns 20"));
	}
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_for_holds),
		cmocka_unit_test(test_many_actions_keep_their_pointers),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_prefix_after),
		cmocka_unit_test(test_prefix_after_dry),
		cmocka_unit_test(test_breaker),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_disarmed),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_candidate_of_a_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
