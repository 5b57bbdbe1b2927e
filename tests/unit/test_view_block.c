/* Unit tests: blocking from the TUI's pure view - the confirmation (its
 * defaults, the outbound warning), marks when blocking is off, u on a
 * remote or a block, and foreign elements (ranges, no timeout) as the
 * kernel lists them. No terminal involved. */
#include "view_fixture.h"

/* The confirmation warns before Enter blocks a peer this host connects
 * to; --kill and --reason set its defaults; i leaves outbound out. */
static void test_confirm_outbound_kill_reason(void **state)
{
	struct fixture f;
	char w[160], b[SW_ADDR_STRLEN];
	unsigned fl, i;

	(void)state;
	fx_init(&f);
	fx_layout(&f, 24, 80);
	fx_listener(&f, 80, 0, 128);
	fx_conns(&f, "198.51.100.7", 5, SW_ESTABLISHED);
	for (i = 0; i < 60; i++) {
		struct sw_sock s = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1",
						40000 + i, "192.0.2.58", 5432,
						f.cookie++);

		assert_int_equal(sw_snapshot_add(&f.snap, &s), 1);
	}
	fx_publish(&f);
	f.v.block_ok = true;
	f.v.default_kill = true;
	snprintf(f.v.default_reason, sizeof(f.v.default_reason), "syn flood");
	assert_string_equal(sel_remote(&f, b), "192.0.2.58");
	sw_view_key(&f.v, &f.m, 'b');
	assert_int_equal(f.v.overlay, SW_O_CONFIRM);
	assert_string_equal(sw_view_confirm_warning(&f.v.confirm, w, sizeof(w)),
			    "outbound: this host connects to it (port 5432); "
			    "blocking it cuts your own service");
	assert_true(f.v.confirm.kill);
	assert_string_equal(f.v.confirm.reason.buf, "syn flood");
	/* the reason takes any text, k included */
	sw_view_key(&f.v, &f.m, SW_KEY_TAB);
	sw_view_key(&f.v, &f.m, SW_KEY_TAB);
	assert_int_equal(f.v.confirm.field, SW_CONFIRM_REASON);
	type(&f, " kk", &fl);
	assert_true(f.v.confirm.kill);
	assert_string_equal(f.v.confirm.reason.buf, "syn flood kk");
	sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	/* an inbound client: no warning */
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	sw_view_key(&f.v, &f.m, 'b');
	assert_string_equal(sw_prefix_format(&f.v.confirm.target, b, sizeof(b)),
			    "198.51.100.7");
	assert_string_equal(sw_view_confirm_warning(&f.v.confirm, w, sizeof(w)), "");
	sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	/* i: inbound only, kept across g */
	fl = sw_view_key(&f.v, &f.m, 'i');
	assert_true(fl & SW_R_GROUP);
	assert_true(f.v.grouping.inbound_only);
	sw_view_key(&f.v, &f.m, 'g');
	assert_true(f.v.grouping.inbound_only);
	assert_int_equal(f.v.grouping.group_v4, 24);
	fx_free(&f);
}

static void test_block_confirm(void **state)
{
	struct fixture f;
	unsigned fl;

	(void)state;
	fx_init(&f);
	f.v.block_ok = true;
	fx_conns(&f, "203.0.113.7", 4, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.7", 2, SW_SYN_RECV);
	fx_publish(&f);
	fl = sw_view_key(&f.v, &f.m, 'b');
	assert_int_equal(f.v.overlay, SW_O_CONFIRM);
	assert_false(fl & SW_R_BLOCK);
	assert_int_equal(f.v.confirm.count, 6);
	assert_int_equal(f.v.confirm.states[SW_SYN_RECV], 2);
	assert_string_equal(f.v.confirm.duration.buf, "10m");
	assert_false(f.v.confirm.kill);
	/* edit the duration to something wrong: Enter refuses */
	sw_view_key(&f.v, &f.m, SW_KEY_BACKSPACE);
	sw_view_key(&f.v, &f.m, 'x');
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_false(fl & SW_R_BLOCK);
	assert_true(f.v.confirm.error[0] != '\0');
	/* 90s, and end its connections */
	sw_view_key(&f.v, &f.m, 0x15);
	type(&f, "90s", &fl);
	sw_view_key(&f.v, &f.m, '\t');
	sw_view_key(&f.v, &f.m, ' ');
	assert_true(f.v.confirm.kill);
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_true(fl & SW_R_BLOCK);
	assert_int_equal(f.v.overlay, SW_O_NONE);
	assert_true(f.v.confirm.seconds == 90);
	assert_int_equal(f.v.confirm.target.plen, 32);
	/* Esc cancels */
	sw_view_key(&f.v, &f.m, 'b');
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	assert_false(fl & SW_R_BLOCK);
	assert_int_equal(f.v.overlay, SW_O_NONE);
	fx_free(&f);
}

static void test_marks_and_unblock(void **state)
{
	struct fixture f;
	struct sw_view_block kb;
	const char *err;
	long row;
	unsigned fl;

	(void)state;
	fx_init(&f);
	fx_conns(&f, "203.0.113.7", 4, SW_ESTABLISHED);
	fx_conns(&f, "198.51.100.1", 2, SW_ESTABLISHED);
	fx_publish(&f);
	/* no blocking: b marks, the mark is listed and flagged */
	fl = sw_view_key(&f.v, &f.m, 'b');
	assert_true(fl & SW_R_MARK);
	assert_int_equal(f.v.nmarks, 1);
	assert_true(f.v.msg[0] != '\0');
	sw_view_model_set_marks(&f.m, f.v.marks, f.v.nmarks);
	assert_int_equal(f.m.nblocks, 1);
	assert_true(f.m.blocks[0].marked);
	row = sw_view_selected(&f.v, SW_PANE_REMOTES);
	assert_true(sw_view_pane(SW_PANE_REMOTES)->flags(&f.v, &f.m, row) &
		    SW_ROW_MARKED);
	/* B shows the blocks pane, focus follows */
	sw_view_key(&f.v, &f.m, '\t');
	assert_true(sw_view_key(&f.v, &f.m, 'B') & SW_R_BLOCKS);
	assert_int_equal(f.v.focus, SW_PANE_BLOCKS);
	assert_int_equal(f.v.list[SW_PANE_BLOCKS].n, 1);
	/* u there removes the mark */
	assert_true(sw_view_key(&f.v, &f.m, 'u') & SW_R_MARK);
	assert_int_equal(f.v.nmarks, 0);

	/* a kernel block of the /24 covers the remote: marked B, u unblocks it */
	memset(&kb, 0, sizeof(kb));
	assert_int_equal(sw_prefix_parse("203.0.113.0/24", &kb.target, &err), 0);
	kb.expires_s = 300;
	assert_int_equal(sw_view_model_set_blocks(&f.m, &kb, 1), 0);
	sw_view_key(&f.v, &f.m, 'B');
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	sw_view_key(&f.v, &f.m, SW_KEY_HOME);
	row = sw_view_selected(&f.v, SW_PANE_REMOTES);
	assert_int_equal(f.m.remotes[row].pfx.bytes[0], 203);
	assert_true(sw_view_pane(SW_PANE_REMOTES)->flags(&f.v, &f.m, row) &
		    SW_ROW_BLOCKED);
	fl = sw_view_key(&f.v, &f.m, 'u');
	assert_true(fl & SW_R_UNBLOCK);
	assert_int_equal(f.v.unblock_target.plen, 24);
	/* the other remote is not blocked: u says so */
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	fl = sw_view_key(&f.v, &f.m, 'u');
	assert_false(fl & SW_R_UNBLOCK);
	assert_non_null(strstr(f.v.msg, "not blocked"));
	fx_free(&f);
}

/* A range added by hand (not a CIDR block) and an element without a
 * timeout, as the kernel lists them: shown as they are, a remote inside
 * the range is blocked, u on the range's row unblocks exactly the range. */
static void test_foreign_blocks(void **state)
{
	struct fixture f;
	struct sw_view_block kb[2];
	struct sw_view_cell c;
	struct sw_prefix p;
	const struct sw_view_pane_def *bp = sw_view_pane(SW_PANE_BLOCKS);
	const char *err;
	uint8_t last[16] = {192, 0, 2, 20};
	long row;

	(void)state;
	fx_init(&f);
	fx_conns(&f, "192.0.2.15", 3, SW_ESTABLISHED);
	fx_conns(&f, "192.0.2.21", 2, SW_ESTABLISHED);
	fx_publish(&f);
	memset(kb, 0, sizeof(kb));
	/* the range's target is the widest prefix at its start: /31 */
	assert_int_equal(sw_prefix_parse("192.0.2.10/31", &kb[0].target, &err), 0);
	kb[0].range = true;
	memcpy(kb[0].last, last, sizeof(last));
	kb[0].expires_s = 3000;
	assert_int_equal(sw_prefix_parse("198.51.100.20", &kb[1].target, &err), 0);
	kb[1].never = true;
	kb[1].expires_s = -1;
	assert_int_equal(sw_view_model_set_blocks(&f.m, kb, 2), 0);

	bp->cols[0].cell(&f.m, 0, &c);
	assert_string_equal(c.text, "192.0.2.10-192.0.2.20");
	bp->cols[1].cell(&f.m, 1, &c);
	assert_string_equal(c.text, "never");

	/* inside the range (not inside its /31) is blocked; outside is not */
	assert_int_equal(sw_prefix_parse("192.0.2.15", &p, &err), 0);
	assert_int_equal(sw_view_model_blocked(&f.m, &p), 0);
	assert_int_equal(sw_prefix_parse("192.0.2.20", &p, &err), 0);
	assert_int_equal(sw_view_model_blocked(&f.m, &p), 0);
	assert_int_equal(sw_prefix_parse("192.0.2.21", &p, &err), 0);
	assert_int_equal(sw_view_model_blocked(&f.m, &p), -1);
	assert_int_equal(sw_prefix_parse("192.0.2.8/29", &p, &err), 0);
	assert_int_equal(sw_view_model_blocked(&f.m, &p), -1);
	assert_int_equal(sw_prefix_parse("198.51.100.20", &p, &err), 0);
	assert_int_equal(sw_view_model_blocked(&f.m, &p), 1);

	/* u on the range's row in the blocks pane: exactly the range */
	sw_view_key(&f.v, &f.m, '\t');
	sw_view_key(&f.v, &f.m, 'B');
	assert_int_equal(f.v.focus, SW_PANE_BLOCKS);
	sw_view_sync(&f.v, &f.m);
	sw_view_key(&f.v, &f.m, SW_KEY_HOME);
	row = sw_view_selected(&f.v, SW_PANE_BLOCKS);
	assert_int_equal(row, 0);
	assert_true(sw_view_key(&f.v, &f.m, 'u') & SW_R_UNBLOCK);
	assert_true(f.v.unblock_range);
	assert_memory_equal(f.v.unblock_last, last, 16);
	/* u on the never-expiring element: a plain target */
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_true(sw_view_key(&f.v, &f.m, 'u') & SW_R_UNBLOCK);
	assert_false(f.v.unblock_range);
	assert_int_equal(f.v.unblock_target.bytes[0], 198);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confirm_outbound_kill_reason),
		cmocka_unit_test(test_block_confirm),
		cmocka_unit_test(test_marks_and_unblock),
		cmocka_unit_test(test_foreign_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
