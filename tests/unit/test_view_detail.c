/* Unit tests: the detail view's tcp_info and process columns
 * (view_pane_detail.c) from a frame with an info set, the model's copy
 * of the set and its owners (view_model.c), and what an 80-column screen
 * leaves out. */
#include "view_fixture.h"

#include "sw_view_fmt.h"

#define S 1000000000ull

/* The text of column name for model row row. */
static const char *cell(const struct sw_view_model *m, uint32_t row,
			const char *name, struct sw_view_cell *c)
{
	const struct sw_view_pane_def *d = sw_view_pane(SW_PANE_DETAIL);

	for (int i = 0; i < d->ncols; i++)
		if (!strcmp(d->cols[i].name, name)) {
			c->text[0] = '\0';
			d->cols[i].cell(m, row, c);
			return c->text;
		}
	fail_msg("no column %s", name);
	return NULL;
}

static int col_index(const char *name)
{
	const struct sw_view_pane_def *d = sw_view_pane(SW_PANE_DETAIL);

	for (int i = 0; i < d->ncols; i++)
		if (!strcmp(d->cols[i].name, name))
			return i;
	return -1;
}

/* The model row of the socket with this cookie. */
static uint32_t row_of(const struct fixture *f, uint64_t cookie)
{
	for (uint32_t i = 0; i < f->m.nsocks; i++)
		if (f->m.socks[i].cookie == cookie)
			return i;
	fail_msg("no socket %llu", (unsigned long long)cookie);
	return 0;
}

static void test_cells(void **state)
{
	struct fixture f;
	struct sw_conn_info v[2];
	struct sw_conninfo ci = { .v = v, .n = 2, .time_ns = 100 * S };
	struct sw_view_owner own[2] = {
		{ .inode = 900, .pid = 4321, .name = "nginx" },
		{ .inode = 901, .pid = 0 },
	};
	struct sw_view_cell c;
	uint32_t r1, r2, r3;

	(void)state;
	fx_init(&f);
	fx_listener(&f, 80, 0, 128);
	fx_conns(&f, "198.51.100.7", 3, SW_ESTABLISHED); /* cookies 2, 3, 4 */
	f.snap.socks[1].inode = 900; /* cookie 2 */
	f.snap.socks[2].inode = 901; /* cookie 3; cookie 4 has none */
	memset(v, 0, sizeof(v));
	v[0] = (struct sw_conn_info){ .cookie = 2, .bytes_received = 1234,
				      .bytes_acked = 250000, .last_data_recv_ms = 950,
				      .last_data_sent_ms = 61000, .rtt_us = 420,
				      .retrans = 3, .first_seen_s = 40,
				      .seen_at_start = true };
	v[1] = (struct sw_conn_info){ .cookie = 3, .bytes_received = 0,
				      .rtt_us = 25300, .first_seen_s = 95 };
	fx_publish_info(&f, &ci, 100 * S);
	assert_true(f.m.have_conn);
	assert_int_equal(f.m.nconn, 2);
	r1 = row_of(&f, 2);
	r2 = row_of(&f, 3);
	r3 = row_of(&f, 4);
	assert_string_equal(cell(&f.m, r1, "AGE", &c), "1m00s+");
	assert_string_equal(cell(&f.m, r2, "AGE", &c), "5s");
	assert_string_equal(cell(&f.m, r1, "RECV", &c), "1234");
	assert_string_equal(cell(&f.m, r1, "ACKED", &c),
			    sw_view_fmt_count(250000, (char[24]){0}, 24));
	assert_string_equal(cell(&f.m, r1, "IDLE-R", &c), "950ms");
	assert_string_equal(cell(&f.m, r1, "IDLE-S", &c), "1m01s");
	assert_string_equal(cell(&f.m, r1, "RTT", &c), "420us");
	assert_string_equal(cell(&f.m, r2, "RTT", &c), "25ms");
	assert_string_equal(cell(&f.m, r1, "RETR", &c), "3");
	/* a socket the set does not hold: "-" everywhere */
	assert_string_equal(cell(&f.m, r3, "AGE", &c), "-");
	assert_string_equal(cell(&f.m, r3, "RECV", &c), "-");
	assert_string_equal(cell(&f.m, r3, "RTT", &c), "-");
	/* owners: unresolved "-", then name/pid; not found or no inode "-" */
	assert_string_equal(cell(&f.m, r1, "PROCESS", &c), "-");
	assert_int_equal(sw_view_model_set_owners(&f.m, own, 2), 0);
	assert_string_equal(cell(&f.m, r1, "PROCESS", &c), "nginx/4321");
	assert_string_equal(cell(&f.m, r2, "PROCESS", &c), "-");
	assert_string_equal(cell(&f.m, r3, "PROCESS", &c), "-");
	assert_int_equal(sw_view_pane(SW_PANE_DETAIL)->owner_inode(&f.m, r1), 900);
	assert_int_equal(sw_view_pane(SW_PANE_DETAIL)->owner_inode(&f.m, r3), 0);
	/* a new frame drops the owners (they are the shown rows') */
	fx_publish_info(&f, &ci, 101 * S);
	assert_int_equal(f.m.nowners, 0);
	/* without an info set nothing is known */
	fx_publish_info(&f, NULL, 102 * S);
	assert_false(f.m.have_conn);
	assert_string_equal(cell(&f.m, row_of(&f, 2), "RECV", &c), "-");
	fx_free(&f);
}

/* Sorting by RECV puts the biggest first, sockets without info last. */
static void test_sort_by_recv(void **state)
{
	struct fixture f;
	struct sw_conn_info v[2];
	struct sw_conninfo ci = { .v = v, .n = 2, .time_ns = S };
	const struct sw_view_pane_def *d = sw_view_pane(SW_PANE_DETAIL);
	int k = col_index("RECV");

	(void)state;
	fx_init(&f);
	fx_conns(&f, "198.51.100.7", 3, SW_ESTABLISHED); /* cookies 1, 2, 3 */
	memset(v, 0, sizeof(v));
	v[0].cookie = 1;
	v[0].bytes_received = 10;
	v[1].cookie = 3;
	v[1].bytes_received = 500;
	fx_publish_info(&f, &ci, S);
	assert_true(k >= 0);
	assert_true(d->cols[k].cmp(&f.m, row_of(&f, 3), row_of(&f, 1)) > 0);
	assert_true(d->cols[k].cmp(&f.m, row_of(&f, 1), row_of(&f, 2)) > 0);
	assert_int_equal(d->cols[k].cmp(&f.m, row_of(&f, 2), row_of(&f, 2)), 0);
	fx_free(&f);
}

/* 80 columns: PROTO LOCAL REMOTE STATE whole and every optional column
 * either whole or left out; 200: every column. */
static void test_widths(void **state)
{
	const struct sw_view_pane_def *d = sw_view_pane(SW_PANE_DETAIL);
	int xs[16], ws[16], n, i, shown = 0;

	(void)state;
	n = sw_view_columns(SW_PANE_DETAIL, 80, xs, ws, 16);
	for (i = 0; i < n; i++) {
		if (!d->cols[i].optional)
			assert_true(ws[i] >= d->cols[i].width);
		else
			assert_true(ws[i] == 0 || ws[i] >= d->cols[i].width);
		if (ws[i])
			assert_true(xs[i] + ws[i] <= 80), shown++;
	}
	assert_true(ws[col_index("AGE")] > 0 && ws[col_index("RECV")] > 0);
	assert_int_equal(ws[col_index("PROCESS")], 0);
	assert_true(shown < n);
	n = sw_view_columns(SW_PANE_DETAIL, 200, xs, ws, 16);
	for (i = 0; i < n; i++)
		assert_true(ws[i] >= d->cols[i].width);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_sort_by_recv),
		cmocka_unit_test(test_widths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
