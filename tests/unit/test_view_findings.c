/* Unit tests: the findings pane of the TUI's pure view - hidden while all
 * is well, worst first, colored by severity, taking the focus until the
 * operator chooses one (so b then Enter blocks the worst finding's target
 * from launch), Enter selecting a finding's subject in its pane, b on a
 * finding that proposes no block, and the band's height. */
#include "view_fixture.h"

static struct sw_finding fnd_remote(unsigned kind, unsigned sev,
				    const char *who, bool block)
{
	struct sw_finding x;

	memset(&x, 0, sizeof(x));
	x.kind = kind;
	x.severity = sev;
	x.subject.kind = SW_SUBJ_REMOTE;
	x.subject.remote = sw_test_prefix(who);
	snprintf(x.text, sizeof(x.text), "%s holds most connections", who);
	snprintf(x.advice, sizeof(x.advice), "block %s", who);
	if (block) {
		x.action = SW_ACT_BLOCK;
		x.target = x.subject.remote;
	}
	return x;
}

static struct sw_finding fnd_listener(unsigned kind, unsigned sev,
				      unsigned port)
{
	struct sw_finding x;

	memset(&x, 0, sizeof(x));
	x.kind = kind;
	x.severity = sev;
	x.subject.kind = SW_SUBJ_LISTENER;
	x.subject.proto = SW_TCP;
	x.subject.port = (uint16_t)port;
	snprintf(x.subject.process, sizeof(x.subject.process), "nginx");
	snprintf(x.text, sizeof(x.text), "SYN flood on :%u", port);
	snprintf(x.advice, sizeof(x.advice), "sysctl -w net.ipv4.tcp_syncookies=1");
	return x;
}

static const char *cell(const struct fixture *f, enum sw_pane p, uint32_t i,
			int col, struct sw_view_cell *c)
{
	const struct sw_view_list *l = &f->v.list[p];

	assert_true(i < l->n);
	c->text[0] = '\0';
	sw_view_pane(p)->cols[col].cell(&f->m, l->order[i], c);
	return c->text;
}

/* A flood from one client beside normal ones: from launch, b and Enter
 * block the flooder, whatever the remotes pane's top row is. */
static void test_launch_b_enter_blocks_the_flooder(void **state)
{
	struct sw_finding fs[1];
	struct sw_view_layout l;
	struct fixture f;
	char a[SW_ADDR_STRLEN];
	unsigned fl;

	(void)state;
	fx_init(&f);
	f.v.block_ok = true;
	fx_listener(&f, 80, 0, 128);
	fx_conns(&f, "198.51.100.1", 300, SW_ESTABLISHED); /* a big NAT, first */
	fx_conns(&f, "203.0.113.66", 200, SW_ESTABLISHED);
	fs[0] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_CRIT, "203.0.113.66",
			   true);
	fx_publish_findings(&f, fs, 1);
	sw_view_layout(&f.v, 40, 120, &l);
	assert_true(l.pane[SW_PANE_FINDINGS].h > 0);
	assert_int_equal(l.pane[SW_PANE_FINDINGS].y, SW_VIEW_HEADER_ROWS);
	assert_int_equal(f.v.focus, SW_PANE_FINDINGS);
	assert_string_equal(sel_remote(&f, a), "198.51.100.1");
	sw_view_key(&f.v, &f.m, 'b');
	assert_int_equal(f.v.overlay, SW_O_CONFIRM);
	assert_string_equal(sw_prefix_format(&f.v.confirm.target, a, sizeof(a)),
			    "203.0.113.66");
	assert_int_equal(f.v.confirm.count, 200); /* its row's counts */
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_true(fl & SW_R_BLOCK);
	fx_free(&f);
}

/* Nothing wrong: no pane, no band, the remotes keep the focus; findings
 * then come and go: the pane takes the focus and gives it back. */
static void test_hidden_when_none(void **state)
{
	struct sw_finding fs[1];
	struct sw_view_layout l, l0;
	struct fixture f;

	(void)state;
	fx_init(&f);
	fx_remotes(&f, 5);
	fx_publish(&f);
	sw_view_layout(&f.v, 40, 120, &l0);
	assert_int_equal(l0.pane[SW_PANE_FINDINGS].h, 0);
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	assert_false(sw_view_pane_on(&f.v, SW_PANE_FINDINGS, SW_V_MAIN));
	fs[0] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_WARN, "198.51.100.1", true);
	fx_publish_findings(&f, fs, 1);
	assert_int_equal(f.v.focus, SW_PANE_FINDINGS);
	sw_view_layout(&f.v, 40, 120, &l);
	assert_int_equal(l.pane[SW_PANE_FINDINGS].h, 3); /* title, header, 1 row */
	/* the rest moved down by the band */
	assert_int_equal(l.pane[SW_PANE_REMOTES].y,
			 l0.pane[SW_PANE_REMOTES].y + 3);
	fx_publish_findings(&f, fs, 0);
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	sw_view_layout(&f.v, 40, 120, &l);
	assert_int_equal(l.pane[SW_PANE_FINDINGS].h, 0);
	/* the operator moved the remotes' selection: a finding that comes
	 * now shows, but leaves the focus (and what b acts on) there */
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	fx_publish_findings(&f, fs, 1);
	assert_true(sw_view_pane_on(&f.v, SW_PANE_FINDINGS, SW_V_MAIN));
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	fx_free(&f);
}

/* Worst first: crit before warn; of one severity, those b can act on
 * first, then the diagnosis' order. Colors by severity. */
static void test_order_and_colors(void **state)
{
	struct sw_finding fs[4];
	struct sw_view_cell c;
	struct fixture f;
	const struct sw_view_pane_def *def = sw_view_pane(SW_PANE_FINDINGS);

	(void)state;
	fx_init(&f);
	fx_listener(&f, 80, 0, 128);
	fx_remotes(&f, 3);
	fs[0] = fnd_listener(SW_FK_SYN_FLOOD, SW_SEV_CRIT, 80);
	fs[1] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_CRIT, "198.51.100.2", true);
	fs[2] = fnd_listener(SW_FK_ACCEPT_QUEUE_FULL, SW_SEV_WARN, 80);
	fs[3] = fnd_listener(SW_FK_CLOSE_WAIT_PILEUP, SW_SEV_CRIT, 8080);
	/* the diagnosis gives them worst first; the model keeps its order */
	struct sw_finding in[4] = { fs[0], fs[1], fs[3], fs[2] };

	fx_publish_findings(&f, in, 4);
	assert_int_equal(f.v.list[SW_PANE_FINDINGS].n, 4);
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 0, 1, &c), "connection_flood");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 1, 1, &c), "syn_flood");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 2, 1, &c), "close_wait_pileup");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 3, 1, &c), "accept_queue_full");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 0, 0, &c), "crit");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 3, 0, &c), "warn");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 1, 2, &c), ":80 (nginx)");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 0, 2, &c), "198.51.100.2");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 0, 4, &c), "block 198.51.100.2");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 1, 4, &c),
			    "sysctl -w net.ipv4.tcp_syncookies=1");
	assert_string_equal(cell(&f, SW_PANE_FINDINGS, 1, 3, &c), "SYN flood on :80");
	{ /* the bottom line's text while it has the focus: the whole advice */
		char h[300];

		def->hint(&f.m, f.v.list[SW_PANE_FINDINGS].order[1], h, sizeof(h));
		assert_string_equal(h, "syn_flood: sysctl -w net.ipv4.tcp_syncookies=1");
	}
	assert_true(def->flags(&f.v, &f.m, f.v.list[SW_PANE_FINDINGS].order[0]) &
		    SW_ROW_CRIT);
	assert_true(def->flags(&f.v, &f.m, f.v.list[SW_PANE_FINDINGS].order[3]) &
		    SW_ROW_CAUTION);
	assert_false(def->flags(&f.v, &f.m, f.v.list[SW_PANE_FINDINGS].order[3]) &
		     SW_ROW_CRIT);
	fx_free(&f);
}

/* b on a finding that proposes no block says so with its advice; Enter
 * on it selects the listener in the listeners pane. */
static void test_no_block_and_enter_listener(void **state)
{
	struct sw_finding fs[1];
	struct fixture f;
	long row;

	(void)state;
	fx_init(&f);
	f.v.block_ok = true;
	fx_listener(&f, 22, 0, 128);
	fx_listener(&f, 80, 0, 128);
	fx_listener(&f, 443, 0, 128);
	fx_remotes(&f, 3);
	fs[0] = fnd_listener(SW_FK_SYN_FLOOD, SW_SEV_CRIT, 443);
	fx_publish_findings(&f, fs, 1);
	fx_layout(&f, 40, 120);
	sw_view_key(&f.v, &f.m, 'b');
	assert_int_equal(f.v.overlay, SW_O_NONE);
	assert_string_equal(f.v.msg, "syn_flood proposes no block: sysctl -w "
				     "net.ipv4.tcp_syncookies=1");
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_int_equal(f.v.mode, SW_V_MAIN); /* no detail: a jump */
	assert_int_equal(f.v.focus, SW_PANE_LISTENERS);
	row = sw_view_selected(&f.v, SW_PANE_LISTENERS);
	assert_true(row >= 0);
	assert_int_equal(f.m.listeners[row].port, 443);
	assert_true(f.v.list[SW_PANE_LISTENERS].pinned);
	/* the operator chose: later refreshes with findings leave the focus */
	fx_publish_findings(&f, fs, 1);
	assert_int_equal(f.v.focus, SW_PANE_LISTENERS);
	assert_int_equal(f.m.listeners[sw_view_selected(&f.v, SW_PANE_LISTENERS)].port,
			 443);
	fx_free(&f);
}

/* Enter on a remote finding selects the remote; a prefix finding over
 * /32 rows selects its busiest address; one not listed says so. */
static void test_enter_remote(void **state)
{
	struct sw_finding fs[3];
	struct fixture f;
	char a[SW_ADDR_STRLEN];

	(void)state;
	fx_init(&f);
	fx_remotes(&f, 5); /* 198.51.100.1 .. .5, 100 .. 96 connections */
	fx_conns(&f, "203.0.113.9", 3, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.10", 7, SW_ESTABLISHED);
	fs[0] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_CRIT, "198.51.100.4", true);
	fs[1] = fnd_remote(SW_FK_SLOW_CLIENTS, SW_SEV_WARN, "203.0.113.0/24", true);
	fs[2] = fnd_remote(SW_FK_SLOW_CLIENTS, SW_SEV_WARN, "192.0.2.200", true);
	fx_publish_findings(&f, fs, 3);
	fx_layout(&f, 40, 120);
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	assert_string_equal(sel_remote(&f, a), "198.51.100.4");
	/* Tab back to the findings (the focus cycle starts with them) */
	sw_view_key(&f.v, &f.m, SW_KEY_BTAB);
	sw_view_key(&f.v, &f.m, SW_KEY_BTAB);
	assert_int_equal(f.v.focus, SW_PANE_FINDINGS);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	assert_string_equal(sel_remote(&f, a), "203.0.113.10");
	f.v.focus = SW_PANE_FINDINGS;
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_int_equal(f.v.focus, SW_PANE_FINDINGS);
	assert_string_equal(f.v.msg, "192.0.2.200 is not listed now (a filter or i "
				     "may hide it)");
	/* b on the prefix finding proposes the prefix */
	f.v.block_ok = true;
	sw_view_key(&f.v, &f.m, SW_KEY_UP);
	sw_view_key(&f.v, &f.m, 'b');
	assert_int_equal(f.v.overlay, SW_O_CONFIRM);
	assert_string_equal(sw_prefix_format(&f.v.confirm.target, a, sizeof(a)),
			    "203.0.113.0/24");
	fx_free(&f);
}

/* The band: its rows up to a few, fewer on a short screen; the panes
 * under it still get their rows. */
static void test_band_height(void **state)
{
	struct sw_finding fs[8];
	struct sw_view_layout l;
	struct fixture f;
	char a[32];

	(void)state;
	fx_init(&f);
	fx_remotes(&f, 8);
	for (int i = 0; i < 8; i++) {
		snprintf(a, sizeof(a), "198.51.100.%d", i + 1);
		fs[i] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_WARN, a, true);
	}
	fx_publish_findings(&f, fs, 8);
	sw_view_layout(&f.v, 24, 80, &l);
	assert_false(l.too_small);
	assert_int_equal(l.pane[SW_PANE_FINDINGS].h, 2 + 2);
	assert_true(f.v.list[SW_PANE_LISTENERS].height >= 1);
	assert_true(f.v.list[SW_PANE_REMOTES].height >= 1);
	sw_view_layout(&f.v, 50, 160, &l);
	assert_int_equal(l.pane[SW_PANE_FINDINGS].h, 2 + 5);
	assert_int_equal(f.v.list[SW_PANE_FINDINGS].height, 5);
	fx_free(&f);
}

/* A moved selection stays on its finding when the list changes around it,
 * whatever bytes the filler left between the subject's fields. */
static void test_selection_follows_the_finding(void **state)
{
	const struct sw_view_pane_def *def = sw_view_pane(SW_PANE_FINDINGS);
	struct sw_finding fs[3], again[3];
	struct sw_view_key k1, k2;
	struct fixture f;
	long row;

	(void)state;
	fx_init(&f);
	fx_remotes(&f, 3);
	fs[0] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_CRIT, "198.51.100.1", true);
	fs[1] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_WARN, "198.51.100.2", true);
	fs[2] = fnd_remote(SW_FK_CONNECTION_FLOOD, SW_SEV_WARN, "198.51.100.3", true);
	fx_publish_findings(&f, fs, 3);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	row = sw_view_selected(&f.v, SW_PANE_FINDINGS);
	assert_true(sw_prefix_eq(&f.m.findings[row].subject.remote, &fs[2].subject.remote));
	/* the next refresh: .3 is now crit and first, the others follow;
	 * the subjects come with other padding bytes */
	for (int i = 0; i < 3; i++) {
		memset(&again[i], 0xa5, sizeof(again[i]));
		again[i].kind = fs[i].kind;
		again[i].severity = fs[i].severity;
		again[i].action = fs[i].action;
		again[i].target = fs[i].target;
		snprintf(again[i].text, sizeof(again[i].text), "x");
		snprintf(again[i].advice, sizeof(again[i].advice), "y");
		again[i].nevidence = 0;
		again[i].subject.kind = SW_SUBJ_REMOTE;
		again[i].subject.proto = 0;
		again[i].subject.family = 0;
		again[i].subject.port = 0;
		memset(again[i].subject.addr, 0, sizeof(again[i].subject.addr));
		again[i].subject.remote = fs[i].subject.remote;
		again[i].subject.process[0] = '\0';
	}
	again[2].severity = SW_SEV_CRIT;
	def->key(&f.m, (uint32_t)row, &k1);
	fx_publish_findings(&f, (struct sw_finding[]){ again[2], again[0], again[1] }, 3);
	row = sw_view_selected(&f.v, SW_PANE_FINDINGS);
	assert_true(sw_prefix_eq(&f.m.findings[row].subject.remote, &fs[2].subject.remote));
	def->key(&f.m, (uint32_t)row, &k2);
	assert_memory_equal(k1.b, k2.b, sizeof(k1.b));
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_launch_b_enter_blocks_the_flooder),
		cmocka_unit_test(test_hidden_when_none),
		cmocka_unit_test(test_order_and_colors),
		cmocka_unit_test(test_no_block_and_enter_listener),
		cmocka_unit_test(test_enter_remote),
		cmocka_unit_test(test_band_height),
		cmocka_unit_test(test_selection_follows_the_finding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
