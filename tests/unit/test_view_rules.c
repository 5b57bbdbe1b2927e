/* test_view_rules.c - the TUI's rules (--rules): a remote over a rule's
 * threshold leads its STATES cell with the rule and when it bans, and is
 * highlighted; A arms and disarms, only with rules and blocking. */
#include "view_fixture.h"

/* The remotes pane's row of addr, and the cell of its column name. */
static void cell_of(struct fixture *f, const char *addr, const char *col,
		    struct sw_view_cell *c, unsigned *flags)
{
	const struct sw_view_pane_def *p = sw_view_pane(SW_PANE_REMOTES);
	struct sw_prefix want = sw_test_prefix(addr);
	int k = -1;

	for (int i = 0; i < p->ncols; i++)
		if (!strcmp(p->cols[i].name, col))
			k = i;
	assert_true(k >= 0);
	for (uint32_t r = 0; r < f->m.nremotes; r++) {
		if (!sw_prefix_eq(&f->m.remotes[r].pfx, &want))
			continue;
		p->cols[k].cell(&f->m, r, c);
		*flags = p->flags(&f->v, &f->m, r);
		return;
	}
	fail_msg("no row for %s", addr);
}

static void test_marks(void **state)
{
	struct fixture f;
	struct sw_view_cell c;
	unsigned flags;
	struct sw_view_rule_mark marks[2] = {
		{ .target = sw_test_prefix("198.51.100.1"),
		  .text = "flood: bans in 1 refresh" },
		{ .target = sw_test_prefix("203.0.113.0/24"),
		  .text = "subnet: bans now" },
	};

	(void)state;
	fx_init(&f);
	fx_conns(&f, "198.51.100.1", 30, SW_ESTABLISHED);
	fx_conns(&f, "198.51.100.2", 3, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.9", 2, SW_ESTABLISHED);
	fx_publish(&f);

	/* no rules: the cell is the states alone */
	cell_of(&f, "198.51.100.1", "STATES", &c, &flags);
	assert_null(strchr(c.text, '['));
	assert_false(flags & SW_ROW_WARN);

	assert_int_equal(sw_view_model_set_rule_marks(&f.m, marks, 2), 0);
	cell_of(&f, "198.51.100.1", "STATES", &c, &flags);
	assert_true(!strncmp(c.text, "[flood: bans in 1 refresh] ", 27));
	assert_non_null(strstr(c.text + 27, "30"));
	assert_true(flags & SW_ROW_WARN);
	/* a rule grouping /24 marks the remotes inside it */
	cell_of(&f, "203.0.113.9", "STATES", &c, &flags);
	assert_true(!strncmp(c.text, "[subnet: bans now] ", 19));
	/* the others stay as they were */
	cell_of(&f, "198.51.100.2", "STATES", &c, &flags);
	assert_null(strchr(c.text, '['));
	assert_false(flags & SW_ROW_WARN);

	/* a new list replaces the old one; at most SW_VIEW_MAX_RULE_MARKS */
	assert_int_equal(sw_view_model_set_rule_marks(&f.m, marks + 1, 1), 0);
	cell_of(&f, "198.51.100.1", "STATES", &c, &flags);
	assert_null(strchr(c.text, '['));
	{
		static struct sw_view_rule_mark many[SW_VIEW_MAX_RULE_MARKS + 5];

		assert_int_equal(sw_view_model_set_rule_marks(&f.m, many,
							      NELEM(many)), 0);
		assert_int_equal(f.m.nrule_marks, SW_VIEW_MAX_RULE_MARKS);
	}
	fx_free(&f);
}

static void test_arm_key(void **state)
{
	struct fixture f;
	unsigned r;

	(void)state;
	fx_init(&f);
	fx_publish(&f);
	/* without --rules: said how to get them, nothing armed */
	r = sw_view_key(&f.v, &f.m, 'A');
	assert_false(r & SW_R_ARM);
	assert_false(f.v.armed);
	assert_non_null(strstr(f.v.msg, "--rules"));
	f.v.msg[0] = '\0';

	/* rules but no blocking: refused with why */
	f.v.rules = true;
	snprintf(f.v.block_why, sizeof(f.v.block_why), "no CAP_NET_ADMIN");
	r = sw_view_key(&f.v, &f.m, 'A');
	assert_false(r & SW_R_ARM);
	assert_false(f.v.armed);
	assert_non_null(strstr(f.v.msg, "no CAP_NET_ADMIN"));

	/* rules and blocking: A arms, A again disarms */
	f.v.block_ok = true;
	f.v.block_why[0] = '\0';
	r = sw_view_key(&f.v, &f.m, 'A');
	assert_true(r & SW_R_ARM);
	assert_true(f.v.armed);
	assert_non_null(strstr(f.v.msg, "armed"));
	r = sw_view_key(&f.v, &f.m, 'A');
	assert_true(r & SW_R_ARM);
	assert_false(f.v.armed);
	assert_non_null(strstr(f.v.msg, "disarmed"));
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_arm_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
