/* Unit tests: the TUI's pure view - key table, sorting with stable ties,
 * selection that follows its address, scrolling, detail, pause, grouping,
 * filter prompt. Blocking from the view: test_view_block.c. No terminal
 * involved. */
#include "view_fixture.h"

static void test_key_table(void **state)
{
	int a;

	(void)state;
	assert_int_equal(sw_view_key_action('q'), SW_A_QUIT);
	assert_int_equal(sw_view_key_action(SW_KEY_F10), SW_A_QUIT);
	assert_int_equal(sw_view_key_action('?'), SW_A_HELP);
	assert_int_equal(sw_view_key_action(SW_KEY_F1), SW_A_HELP);
	assert_int_equal(sw_view_key_action('\t'), SW_A_FOCUS_NEXT);
	assert_int_equal(sw_view_key_action(SW_KEY_BTAB), SW_A_FOCUS_PREV);
	assert_int_equal(sw_view_key_action(' '), SW_A_PAUSE);
	assert_int_equal(sw_view_key_action('<'), SW_A_SORT_PREV);
	assert_int_equal(sw_view_key_action('>'), SW_A_SORT_NEXT);
	assert_int_equal(sw_view_key_action('r'), SW_A_SORT_REVERSE);
	assert_int_equal(sw_view_key_action('/'), SW_A_FILTER);
	assert_int_equal(sw_view_key_action('g'), SW_A_GROUP);
	assert_int_equal(sw_view_key_action('+'), SW_A_INTERVAL_UP);
	assert_int_equal(sw_view_key_action('-'), SW_A_INTERVAL_DOWN);
	assert_int_equal(sw_view_key_action(SW_KEY_ENTER), SW_A_OPEN);
	assert_int_equal(sw_view_key_action(SW_KEY_ESC), SW_A_CLOSE);
	assert_int_equal(sw_view_key_action('b'), SW_A_BLOCK);
	assert_int_equal(sw_view_key_action('u'), SW_A_UNBLOCK);
	assert_int_equal(sw_view_key_action('B'), SW_A_BLOCKS);
	assert_int_equal(sw_view_key_action('Z'), SW_A_NONE);
	/* every action has a key, and every key's action is documented */
	for (a = SW_A_NONE + 1; a < SW_A_MAX; a++) {
		const struct sw_view_binding *b;
		bool bound = false;

		for (b = sw_view_bindings; b->action != SW_A_NONE; b++)
			bound |= b->action == (enum sw_action)a;
		assert_true(bound);
		assert_non_null(sw_view_action_def(a)->keys);
	}
}

static void test_sort_ties_stable(void **state)
{
	struct fixture f;
	char b[SW_ADDR_STRLEN];

	(void)state;
	fx_init(&f);
	fx_conns(&f, "198.51.100.9", 5, SW_ESTABLISHED);
	fx_conns(&f, "198.51.100.3", 5, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.1", 9, SW_ESTABLISHED);
	fx_conns(&f, "198.51.100.7", 5, SW_ESTABLISHED);
	fx_publish(&f);
	/* CONN descending, ties by address ascending */
	assert_string_equal(remote_at(&f, 0, b), "203.0.113.1");
	assert_string_equal(remote_at(&f, 1, b), "198.51.100.3");
	assert_string_equal(remote_at(&f, 2, b), "198.51.100.7");
	assert_string_equal(remote_at(&f, 3, b), "198.51.100.9");
	/* reversed: the whole order flips, ties included */
	assert_true(sw_view_key(&f.v, &f.m, 'r') & SW_R_REDRAW);
	assert_string_equal(remote_at(&f, 0, b), "198.51.100.9");
	assert_string_equal(remote_at(&f, 3, b), "203.0.113.1");
	/* by address (column 0): ascending */
	sw_view_key(&f.v, &f.m, '<');
	assert_int_equal(f.v.list[SW_PANE_REMOTES].sort, 0);
	assert_false(f.v.list[SW_PANE_REMOTES].reverse);
	assert_string_equal(remote_at(&f, 0, b), "198.51.100.3");
	assert_string_equal(remote_at(&f, 3, b), "203.0.113.1");
	fx_free(&f);
}

static void test_selection_follows_address(void **state)
{
	struct fixture f;
	char b[SW_ADDR_STRLEN];

	(void)state;
	fx_init(&f);
	fx_layout(&f, 24, 80);
	fx_conns(&f, "203.0.113.1", 9, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.2", 7, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.3", 5, SW_ESTABLISHED);
	fx_publish(&f);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_string_equal(sel_remote(&f, b), "203.0.113.3");
	/* .3 grows to the top: the selection moves with it */
	fx_conns(&f, "203.0.113.3", 10, SW_ESTABLISHED);
	fx_publish(&f);
	assert_int_equal(f.v.list[SW_PANE_REMOTES].sel, 0);
	assert_string_equal(sel_remote(&f, b), "203.0.113.3");
	/* and across a change of sort column */
	sw_view_key(&f.v, &f.m, '<');
	assert_string_equal(sel_remote(&f, b), "203.0.113.3");
	assert_int_equal(f.v.list[SW_PANE_REMOTES].sel, 2);
	/* the selected address vanishes: the selection stays in place */
	sw_snapshot_reset(&f.snap);
	fx_conns(&f, "203.0.113.1", 9, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.2", 7, SW_ESTABLISHED);
	fx_publish(&f);
	assert_int_equal(f.v.list[SW_PANE_REMOTES].sel, 1);
	assert_string_equal(sel_remote(&f, b), "203.0.113.2");
	fx_free(&f);
}

/* Until the operator moves it, the selection follows row 1: a flood that
 * comes to the top after the TUI started is what b offers to block. */
static void test_selection_follows_top(void **state)
{
	struct fixture f;
	char b[SW_ADDR_STRLEN], label[64];

	(void)state;
	fx_init(&f);
	fx_layout(&f, 24, 80);
	fx_conns(&f, "192.0.2.50", 4, SW_ESTABLISHED);
	fx_conns(&f, "192.0.2.51", 3, SW_ESTABLISHED);
	fx_publish(&f);
	assert_string_equal(sel_remote(&f, b), "192.0.2.50");
	assert_false(sw_view_list_pinned_label(&f.v, &f.m, SW_PANE_REMOTES,
					       label, sizeof(label)));
	fx_conns(&f, "203.0.113.103", 119, SW_SYN_RECV);
	fx_publish(&f);
	assert_string_equal(sel_remote(&f, b), "203.0.113.103");
	f.v.block_ok = true;
	sw_view_key(&f.v, &f.m, 'b');
	assert_int_equal(f.v.overlay, SW_O_CONFIRM);
	assert_string_equal(sw_prefix_format(&f.v.confirm.target, b, sizeof(b)),
			    "203.0.113.103");
	sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	/* moved: it stays on that address, and says so */
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_string_equal(sel_remote(&f, b), "192.0.2.50");
	fx_conns(&f, "198.51.100.7", 200, SW_ESTABLISHED);
	fx_publish(&f);
	assert_string_equal(sel_remote(&f, b), "192.0.2.50");
	assert_true(sw_view_list_pinned_label(&f.v, &f.m, SW_PANE_REMOTES,
					      label, sizeof(label)));
	assert_string_equal(label, "192.0.2.50");
	/* Home (and f) go back to following the top */
	sw_view_key(&f.v, &f.m, 'f');
	assert_string_equal(sel_remote(&f, b), "198.51.100.7");
	assert_false(sw_view_list_pinned_label(&f.v, &f.m, SW_PANE_REMOTES,
					       label, sizeof(label)));
	fx_conns(&f, "203.0.113.9", 300, SW_ESTABLISHED);
	fx_publish(&f);
	assert_string_equal(sel_remote(&f, b), "203.0.113.9");
	/* every pane: the states pane too */
	sw_view_key(&f.v, &f.m, SW_KEY_BTAB);
	assert_int_equal(f.v.focus, SW_PANE_STATES);
	assert_int_equal(f.v.list[SW_PANE_STATES].sel, 0);
	assert_false(f.v.list[SW_PANE_STATES].pinned);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_true(f.v.list[SW_PANE_STATES].pinned);
	sw_view_key(&f.v, &f.m, SW_KEY_HOME);
	assert_false(f.v.list[SW_PANE_STATES].pinned);
	fx_free(&f);
}

/* Enter then Esc with more remotes than fit: row 1 is still in view, and
 * a taller screen shows as many rows as fit. */
static void test_scroll_keeps_top(void **state)
{
	struct fixture f;
	struct sw_view_list *l;
	int i;

	(void)state;
	fx_init(&f);
	fx_remotes(&f, 40);
	fx_layout(&f, 24, 80);
	fx_publish(&f);
	l = &f.v.list[SW_PANE_REMOTES];
	for (i = 0; i < 4; i++)
		sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_int_equal(l->sel, 4);
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_int_equal(f.v.mode, SW_V_DETAIL);
	fx_layout(&f, 24, 80);
	fx_publish(&f);
	sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	fx_layout(&f, 24, 80);
	fx_publish(&f);
	assert_int_equal(l->sel, 4);
	assert_int_equal(l->top, 0);
	/* scrolled down, then a taller screen: back to the top if it fits */
	for (i = 0; i < 20; i++)
		sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_true(l->top > 0);
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	fx_layout(&f, 24, 80);
	sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	fx_layout(&f, 60, 200);
	assert_true(l->sel < l->height);
	assert_int_equal(l->top, 0);
	fx_free(&f);
}

static void test_scrolling(void **state)
{
	struct fixture f;
	struct sw_view_list *l;

	(void)state;
	fx_init(&f);
	fx_remotes(&f, 40);
	fx_layout(&f, 24, 80);
	fx_publish(&f);
	l = &f.v.list[SW_PANE_REMOTES];
	assert_true(l->height > 3 && l->height < 40);
	sw_view_key(&f.v, &f.m, SW_KEY_PGDN);
	assert_int_equal(l->sel, l->height - 1);
	assert_int_equal(l->top, 0);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_int_equal(l->top, 1);
	sw_view_key(&f.v, &f.m, SW_KEY_END);
	assert_int_equal(l->sel, 39);
	assert_int_equal(l->top, 40 - l->height);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	assert_int_equal(l->sel, 39);
	sw_view_key(&f.v, &f.m, SW_KEY_HOME);
	assert_int_equal(l->sel, 0);
	assert_int_equal(l->top, 0);
	sw_view_key(&f.v, &f.m, SW_KEY_UP);
	assert_int_equal(l->sel, 0);
	/* a taller screen shows more rows and no blank tail */
	sw_view_key(&f.v, &f.m, SW_KEY_END);
	fx_layout(&f, 40, 120);
	assert_true(l->height < 40);
	assert_int_equal(l->top + l->height, 40);
	/* the bottom band's unused rows go to the remotes: all 40 fit */
	fx_layout(&f, 60, 120);
	assert_true(l->height >= 40);
	assert_int_equal(l->top, 0);
	fx_free(&f);
}

static void test_focus_and_detail(void **state)
{
	struct fixture f;
	struct sw_view_list *d;
	uint32_t i;

	(void)state;
	fx_init(&f);
	fx_layout(&f, 24, 80);
	fx_listener(&f, 80, 0, 128);
	fx_listener(&f, 443, 128, 128);
	fx_conns(&f, "203.0.113.1", 6, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.2", 3, SW_SYN_RECV);
	fx_publish(&f);
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	/* Enter on the top remote lists exactly its sockets */
	assert_true(sw_view_key(&f.v, &f.m, SW_KEY_ENTER) & SW_R_REDRAW);
	assert_int_equal(f.v.mode, SW_V_DETAIL);
	d = &f.v.list[SW_PANE_DETAIL];
	assert_int_equal(d->n, 6);
	for (i = 0; i < d->n; i++)
		assert_int_equal(f.m.socks[d->order[i]].dst[3], 1);
	assert_int_equal(sw_view_active(&f.v), SW_PANE_DETAIL);
	/* Tab does nothing in the detail view; Esc returns */
	assert_int_equal(sw_view_key(&f.v, &f.m, '\t'), 0);
	sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	assert_int_equal(f.v.mode, SW_V_MAIN);
	/* Tab cycles states -> remotes -> listeners -> states */
	sw_view_key(&f.v, &f.m, '\t');
	assert_int_equal(f.v.focus, SW_PANE_LISTENERS);
	sw_view_key(&f.v, &f.m, '\t');
	assert_int_equal(f.v.focus, SW_PANE_STATES);
	sw_view_key(&f.v, &f.m, SW_KEY_BTAB);
	assert_int_equal(f.v.focus, SW_PANE_LISTENERS);
	/* listener on 443 is full: flagged, and row 1 (sorted by pressure);
	 * Enter lists its port's sockets */
	assert_int_equal(f.m.listeners[sw_view_selected(&f.v, SW_PANE_LISTENERS)].port,
			 443);
	assert_true(sw_view_pane(SW_PANE_LISTENERS)
			    ->flags(&f.v, &f.m, sw_view_selected(&f.v, SW_PANE_LISTENERS)) &
		    SW_ROW_FULL);
	sw_view_key(&f.v, &f.m, SW_KEY_DOWN);
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	/* port 80: the listener and the 9 connections */
	assert_int_equal(d->n, 10);
	sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	/* states pane: Enter on SYN_RECV lists the 3 half-open sockets */
	sw_view_key(&f.v, &f.m, '\t');
	sw_view_list_select(&f.v, &f.m, SW_PANE_STATES, SW_SYN_RECV - 1);
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_int_equal(d->n, 3);
	fx_free(&f);
}

/* Enter on one of two listeners of a port lists the sockets it owns, not
 * the port's: [::]:80 (v6only beside 0.0.0.0:80) has only the IPv6 ones. */
static void test_listener_detail_owned(void **state)
{
	struct fixture f;
	const struct sw_view_list *d;
	uint32_t i, row = 0;
	struct sw_sock s = sw_test_sock(SW_TCP, SW_LISTEN, "::", 80, "::", 0, 900);

	(void)state;
	fx_init(&f);
	fx_listener(&f, 80, 0, 128);
	assert_int_equal(sw_snapshot_add(&f.snap, &s), 1);
	fx_conns(&f, "203.0.113.1", 4, SW_ESTABLISHED);
	for (i = 0; i < 2; i++) {
		s = sw_test_sock(SW_TCP, SW_ESTABLISHED, "2001:db8::1", 80,
				 "2001:db8::7", 20000 + i, 901 + i);
		assert_int_equal(sw_snapshot_add(&f.snap, &s), 1);
	}
	fx_publish(&f);
	for (i = 0; i < f.m.nlisteners; i++)
		if (f.m.listeners[i].family == SW_V6)
			row = i;
	for (i = 0; i < f.v.list[SW_PANE_LISTENERS].n; i++)
		if (f.v.list[SW_PANE_LISTENERS].order[i] == row)
			sw_view_list_select(&f.v, &f.m, SW_PANE_LISTENERS, i);
	f.v.focus = SW_PANE_LISTENERS;
	sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_int_equal(f.v.mode, SW_V_DETAIL);
	d = &f.v.list[SW_PANE_DETAIL];
	assert_int_equal(d->n, 3); /* [::]:80 and its 2 connections */
	for (i = 0; i < d->n; i++)
		assert_int_equal(f.m.socks[d->order[i]].family, SW_V6);
	fx_free(&f);
}

/* Listeners sort by pressure: a full queue (accept or SYN: a red row)
 * first, then accept-queue fill, then SYN-queue fill. */
static void test_listeners_by_pressure(void **state)
{
	static const unsigned want[] = { 81, 443, 22, 80 };
	struct fixture f;
	const struct sw_view_list *l;
	unsigned i;

	(void)state;
	fx_init(&f);
	fx_listener(&f, 80, 0, 128);  /* idle */
	fx_listener(&f, 443, 10, 128); /* accept queue 8% */
	fx_listener(&f, 22, 0, 8);     /* SYN queue 5/8 */
	fx_listener(&f, 81, 0, 4);     /* SYN queue 4/4: full */
	for (i = 0; i < 5; i++) {
		struct sw_sock s = sw_test_sock(SW_TCP, SW_SYN_RECV, "192.0.2.1", 22,
						"203.0.113.5", 30000 + i, 700 + i);

		assert_int_equal(sw_snapshot_add(&f.snap, &s), 1);
	}
	for (i = 0; i < 4; i++) {
		struct sw_sock s = sw_test_sock(SW_TCP, SW_SYN_RECV, "192.0.2.1", 81,
						"203.0.113.6", 31000 + i, 800 + i);

		assert_int_equal(sw_snapshot_add(&f.snap, &s), 1);
	}
	fx_publish(&f);
	l = &f.v.list[SW_PANE_LISTENERS];
	assert_int_equal(l->n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(f.m.listeners[l->order[i]].port, want[i]);
	/* the full SYN queue is a red row */
	assert_true(sw_view_pane(SW_PANE_LISTENERS)->flags(&f.v, &f.m, l->order[0]) &
		    SW_ROW_FULL);
	assert_false(sw_view_pane(SW_PANE_LISTENERS)->flags(&f.v, &f.m, l->order[2]) &
		     SW_ROW_FULL);
	fx_free(&f);
}

static void test_pause_group_interval(void **state)
{
	struct fixture f;
	struct sw_agg_opts g;

	(void)state;
	fx_init(&f);
	assert_true(sw_view_key(&f.v, &f.m, ' ') & SW_R_PAUSE);
	assert_true(f.v.paused);
	/* keys still work while paused */
	assert_true(sw_view_key(&f.v, &f.m, '\t') & SW_R_REDRAW);
	assert_true(sw_view_key(&f.v, &f.m, ' ') & SW_R_PAUSE);
	assert_false(f.v.paused);

	assert_true(sw_view_key(&f.v, &f.m, 'g') & SW_R_GROUP);
	sw_view_group_opts(f.v.group, &g);
	assert_int_equal(g.group_v4, 24);
	assert_int_equal(g.group_v6, 64);
	sw_view_key(&f.v, &f.m, 'g');
	sw_view_group_opts(f.v.group, &g);
	assert_int_equal(g.group_v4, 16);
	assert_int_equal(g.group_v6, 48);
	sw_view_key(&f.v, &f.m, 'g');
	sw_view_group_opts(f.v.group, &g);
	assert_int_equal(g.group_v4, 32);
	assert_int_equal(g.group_v6, 128);

	assert_true(sw_view_key(&f.v, &f.m, '+') & SW_R_INTERVAL);
	assert_true(f.v.interval_s == 2);
	sw_view_key(&f.v, &f.m, '-');
	sw_view_key(&f.v, &f.m, '-');
	sw_view_key(&f.v, &f.m, '-');
	assert_true(f.v.interval_s == 0.2);
	/* the floor: no change, no flag */
	assert_int_equal(sw_view_key(&f.v, &f.m, '-'), 0);
	assert_true(sw_view_interval_step(60, 1) == 60);
	assert_true(sw_view_interval_step(0.7, 1) == 1);
	assert_true(sw_view_interval_step(0.7, -1) == 0.5);
	fx_free(&f);
}

static void test_grouped_remotes(void **state)
{
	struct fixture f;
	char b[SW_ADDR_STRLEN];

	(void)state;
	fx_init(&f);
	fx_conns(&f, "198.51.100.1", 2, SW_ESTABLISHED);
	fx_conns(&f, "198.51.100.2", 2, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.5", 3, SW_ESTABLISHED);
	fx_publish(&f);
	assert_int_equal(f.v.list[SW_PANE_REMOTES].n, 3);
	sw_view_key(&f.v, &f.m, 'g');
	fx_publish(&f);
	assert_int_equal(f.v.list[SW_PANE_REMOTES].n, 2);
	assert_string_equal(remote_at(&f, 0, b), "198.51.100.0/24");
	assert_int_equal(f.m.remotes[f.v.list[SW_PANE_REMOTES].order[0]].count, 4);
	fx_free(&f);
}

static void test_filter_prompt(void **state)
{
	struct fixture f;
	unsigned fl = 0;

	(void)state;
	fx_init(&f);
	sw_view_key(&f.v, &f.m, '/');
	assert_int_equal(f.v.overlay, SW_O_PROMPT);
	/* keys go to the prompt, not the key table */
	type(&f, "state syn_rcv", &fl);
	assert_int_equal(f.v.overlay, SW_O_PROMPT);
	assert_string_equal(f.v.prompt.buf, "state syn_rcv");
	assert_true(f.v.filter_error[0] != '\0');
	assert_int_equal(f.v.filter_error_pos, 6);
	/* Enter on a bad filter keeps the prompt, nothing applied */
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_false(fl & SW_R_FILTER);
	assert_int_equal(f.v.overlay, SW_O_PROMPT);
	/* fix it: "syn_rcv" -> "syn_r" + "ecv" */
	sw_view_key(&f.v, &f.m, SW_KEY_BACKSPACE);
	sw_view_key(&f.v, &f.m, SW_KEY_BACKSPACE);
	type(&f, "ecv", &fl);
	assert_string_equal(f.v.filter_error, "");
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_true(fl & SW_R_FILTER);
	assert_int_equal(f.v.overlay, SW_O_NONE);
	assert_string_equal(f.v.prompt.buf, "state syn_recv");
	/* Esc in the prompt drops the edit, the filter stays in force */
	sw_view_key(&f.v, &f.m, '/');
	type(&f, " and port 80", &fl);
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ESC);
	assert_false(fl & SW_R_FILTER);
	assert_int_equal(f.v.overlay, SW_O_NONE);
	assert_string_equal(f.v.prompt.buf, "state syn_recv");
	assert_string_equal(f.v.filter_on, "state syn_recv");
	/* an empty Enter clears it */
	sw_view_key(&f.v, &f.m, '/');
	for (int i = 0; i < 14; i++)
		sw_view_key(&f.v, &f.m, SW_KEY_BACKSPACE);
	assert_string_equal(f.v.prompt.buf, "");
	fl = sw_view_key(&f.v, &f.m, SW_KEY_ENTER);
	assert_true(fl & SW_R_FILTER);
	assert_string_equal(f.v.filter_on, "");
	fx_free(&f);
}

/* The REMOTE column is only as wide as its longest address; the rest of
 * a wide screen goes to STATES. Clicks use the same geometry. */
static void test_remote_column_fits(void **state)
{
	struct fixture f;
	struct sw_view_layout l;
	int xs[16], ws[16];

	(void)state;
	fx_init(&f);
	fx_conns(&f, "198.51.100.7", 3, SW_ESTABLISHED);
	fx_conns(&f, "192.0.2.5", 2, SW_ESTABLISHED);
	sw_view_layout(&f.v, 60, 200, &l);
	fx_publish(&f);
	assert_int_equal(f.v.list[SW_PANE_REMOTES].fit_w, 15);
	sw_view_columns_fit(SW_PANE_REMOTES, l.pane[SW_PANE_REMOTES].w,
			    f.v.list[SW_PANE_REMOTES].fit_w, xs, ws, 16);
	assert_int_equal(ws[0], 15);
	/* RX/S, then the trend: both have room at 200 columns */
	assert_true(ws[4] >= 5);
	assert_true(ws[5] >= 16);
	assert_true(ws[6] > 60); /* STATES */
	assert_int_equal(xs[6] + ws[6], l.pane[SW_PANE_REMOTES].w);
	/* a long IPv6 address widens it to its length */
	{
		struct sw_sock s = sw_test_sock(SW_TCP, SW_ESTABLISHED, "2001:db8::1", 80,
						"2001:db8:1234:5678:9abc:def0:1234:5678",
						10000, f.cookie++);

		assert_int_equal(sw_snapshot_add(&f.snap, &s), 1);
	}
	fx_publish(&f);
	assert_int_equal(f.v.list[SW_PANE_REMOTES].fit_w, 38);
	sw_view_columns_fit(SW_PANE_REMOTES, l.pane[SW_PANE_REMOTES].w,
			    f.v.list[SW_PANE_REMOTES].fit_w, xs, ws, 16);
	assert_int_equal(ws[0], 38);
	fx_free(&f);
}

/* A filter that hides every listener says so, not "none". */
static void test_listeners_hidden_by_filter(void **state)
{
	const struct sw_view_pane_def *d = sw_view_pane(SW_PANE_LISTENERS);
	struct fixture f;

	(void)state;
	fx_init(&f);
	fx_conns(&f, "198.51.100.9", 2, SW_ESTABLISHED);
	fx_publish(&f);
	assert_int_equal(f.v.list[SW_PANE_LISTENERS].n, 0);
	assert_non_null(d->empty);
	assert_string_equal(d->empty(&f.v, &f.m), "none");
	snprintf(f.v.filter_on, sizeof(f.v.filter_on), "dport = :9");
	assert_string_equal(d->empty(&f.v, &f.m), "listeners hidden by the filter");
	fx_free(&f);
}

/* Past its limit the prompt refuses a key visibly, never silently. */
static void test_filter_prompt_full(void **state)
{
	struct fixture f;
	unsigned fl = 0;
	int i;

	(void)state;
	fx_init(&f);
	sw_view_key(&f.v, &f.m, '/');
	type(&f, "port 1", &fl);
	for (i = 6; i < SW_VIEW_LINE_MAX; i++)
		sw_view_key(&f.v, &f.m, ' ');
	assert_int_equal(f.v.prompt.len, SW_VIEW_LINE_MAX);
	assert_string_equal(f.v.filter_error, "");
	fl = sw_view_key(&f.v, &f.m, '2');
	assert_true(fl & SW_R_REDRAW);
	assert_int_equal(f.v.prompt.len, SW_VIEW_LINE_MAX);
	assert_non_null(strstr(f.v.filter_error, "at most 255 characters"));
	/* an edit that fits clears it */
	sw_view_key(&f.v, &f.m, SW_KEY_BACKSPACE);
	assert_string_equal(f.v.filter_error, "");
	fx_free(&f);
}

/* The first refresh has nothing to compare with: the states' +/- is "-",
 * not +0; with a previous refresh it is the change. */
static void test_first_refresh_delta_unknown(void **state)
{
	struct fixture f;
	struct sw_view_cell c;
	const struct sw_view_pane_def *sp = sw_view_pane(SW_PANE_STATES);
	struct sw_agg_opts g;
	struct sw_frame fr;
	struct sw_snapshot prev;
	uint32_t row;
	int col = -1;

	(void)state;
	fx_init(&f);
	fx_conns(&f, "203.0.113.7", 4, SW_ESTABLISHED);
	fx_publish(&f);
	for (int i = 0; i < sp->ncols; i++)
		if (!strcmp(sp->cols[i].name, "+/-"))
			col = i;
	assert_true(col >= 0);
	for (row = 0; row < sp->nrows(&f.m); row++) {
		sp->cols[col].cell(&f.m, row, &c);
		assert_string_equal(c.text, "-");
	}
	/* a second build against an earlier copy: changes are known */
	prev = f.snap; /* shallow: read only, freed once with f.snap */
	prev.mono_ns = f.snap.mono_ns;
	f.snap.mono_ns = prev.mono_ns + 1000000000ull;
	sw_view_group_opts(f.v.group, &g);
	assert_int_equal(sw_agg_build(&f.agg, &prev, &f.snap, &g), 0);
	memset(&fr, 0, sizeof(fr));
	fr.seq = 2;
	fr.snap = &f.snap;
	fr.agg = &f.agg;
	assert_int_equal(sw_view_model_fill(&f.m, &fr), 0);
	sp->cols[col].cell(&f.m, 0, &c);
	assert_string_not_equal(c.text, "-");
	fx_free(&f);
}

static void test_state_warnings(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f);
	f.v.warn[SW_SYN_RECV] = 3;
	fx_conns(&f, "203.0.113.2", 3, SW_SYN_RECV);
	fx_publish(&f);
	assert_false(sw_view_pane(SW_PANE_STATES)->flags(&f.v, &f.m, SW_SYN_RECV - 1) &
		     SW_ROW_WARN);
	fx_conns(&f, "203.0.113.3", 1, SW_SYN_RECV);
	fx_publish(&f);
	assert_true(sw_view_pane(SW_PANE_STATES)->flags(&f.v, &f.m, SW_SYN_RECV - 1) &
		    SW_ROW_WARN);
	fx_free(&f);
}

static void test_click(void **state)
{
	struct fixture f;
	struct sw_view_layout l;
	int xs[16], ws[16];
	const struct sw_rect *r;
	char b[SW_ADDR_STRLEN];

	(void)state;
	fx_init(&f);
	fx_conns(&f, "203.0.113.1", 9, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.2", 7, SW_ESTABLISHED);
	fx_conns(&f, "203.0.113.3", 5, SW_ESTABLISHED);
	sw_view_layout(&f.v, 24, 80, &l);
	fx_publish(&f);
	f.v.focus = SW_PANE_STATES;
	r = &l.pane[SW_PANE_REMOTES];
	/* a click on the third row selects it and focuses the pane */
	sw_view_click(&f.v, &f.m, &l, r->y + 2 + 2, r->x + 3);
	assert_int_equal(f.v.focus, SW_PANE_REMOTES);
	assert_string_equal(sel_remote(&f, b), "203.0.113.3");
	/* a click on the REMOTE header sorts by it; again reverses */
	sw_view_columns(SW_PANE_REMOTES, r->w, xs, ws, 16);
	sw_view_click(&f.v, &f.m, &l, r->y + 1, r->x + xs[0]);
	assert_int_equal(f.v.list[SW_PANE_REMOTES].sort, 0);
	assert_string_equal(remote_at(&f, 0, b), "203.0.113.1");
	sw_view_click(&f.v, &f.m, &l, r->y + 1, r->x + xs[0] + 1);
	assert_true(f.v.list[SW_PANE_REMOTES].reverse);
	assert_string_equal(remote_at(&f, 0, b), "203.0.113.3");
	/* the selection stayed on its address */
	assert_string_equal(sel_remote(&f, b), "203.0.113.3");
	/* a click below the rows selects nothing new */
	sw_view_click(&f.v, &f.m, &l, r->y + r->h - 1, r->x + 3);
	assert_string_equal(sel_remote(&f, b), "203.0.113.3");
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_sort_ties_stable),
		cmocka_unit_test(test_selection_follows_address),
		cmocka_unit_test(test_selection_follows_top),
		cmocka_unit_test(test_scroll_keeps_top),
		cmocka_unit_test(test_scrolling),
		cmocka_unit_test(test_listeners_hidden_by_filter),
		cmocka_unit_test(test_remote_column_fits),
		cmocka_unit_test(test_focus_and_detail),
		cmocka_unit_test(test_listener_detail_owned),
		cmocka_unit_test(test_listeners_by_pressure),
		cmocka_unit_test(test_pause_group_interval),
		cmocka_unit_test(test_grouped_remotes),
		cmocka_unit_test(test_filter_prompt),
		cmocka_unit_test(test_filter_prompt_full),
		cmocka_unit_test(test_first_refresh_delta_unknown),
		cmocka_unit_test(test_state_warnings),
		cmocka_unit_test(test_click),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
