/* Unit tests: no number may lie. Every pane rendered at 80, 100, 132 and
 * 200 columns from a fixture of wide values (6-digit counts, full IPv6
 * addresses with /64, 7-digit pids): a cell is cut only between whole
 * items or in the middle of an address, and every number it still shows
 * equals the one in the JSON report of the same frame. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_frame.h"
#include "sw_report.h"
#include "sw_test.h"
#include "sw_view.h"

#define ELL "\u2026"

struct wide {
	struct sw_remote remotes[3];
	struct sw_listener listeners[2];
	struct sw_agg agg;
	struct sw_snapshot snap;
	struct sw_frame f;
	struct sw_view_model m;
	struct sw_view v;
	struct sw_buf json;
};

static void wide_remote(struct sw_remote *r, const char *pfx, uint32_t est,
			uint32_t sr, uint32_t fw1, uint32_t tw, double rate)
{
	memset(r, 0, sizeof(*r));
	r->pfx = sw_test_prefix(pfx);
	r->states[SW_ESTABLISHED] = est;
	r->states[SW_SYN_RECV] = sr;
	r->states[SW_FIN_WAIT1] = fw1;
	r->states[SW_TIME_WAIT] = tw;
	r->count = est + sr + fw1;
	r->tw = tw;
	r->new_conns = (uint32_t)rate;
	r->new_per_s = rate;
}

static void wide_listener(struct sw_listener *l, const char *addr,
			  unsigned port, uint32_t q, uint32_t backlog,
			  uint32_t syn, uint32_t est, int pid)
{
	struct sw_sock s = sw_test_sock(SW_TCP, SW_LISTEN, addr, port, addr, 0, 1);

	memset(l, 0, sizeof(*l));
	memcpy(l->addr, s.src, 16);
	l->family = s.family;
	l->proto = SW_TCP;
	l->port = (uint16_t)port;
	l->accept_queue = q;
	l->backlog = backlog;
	l->syn_recv = syn;
	l->established = est;
	l->pid = pid;
	snprintf(l->process, sizeof(l->process), "nginx-worker-pr");
}

static void wide_init(struct wide *w)
{
	struct sw_report_opts ro = { .group_v4 = 32, .group_v6 = 64 };
	unsigned st;

	memset(w, 0, sizeof(*w));
	wide_remote(&w->remotes[0], "2001:db8:aaaa:bbbb::/64", 123456, 234567,
		    15, 654321, 12345.6);
	wide_remote(&w->remotes[1], "203.0.113.103", 28, 999999, 15, 300, 7.5);
	wide_remote(&w->remotes[2], "2001:db8:ffff:eeee::/64", 140650, 0, 0,
		    14065, 0);
	wide_listener(&w->listeners[0], "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
		      65535, 65535, 65535, 123456, 654321, 4194304);
	wide_listener(&w->listeners[1], "198.51.100.200", 8443, 12, 511, 511,
		      100000, 1234567);
	sw_agg_init(&w->agg);
	w->agg.have_prev = true;
	w->agg.interval_s = 2;
	for (st = 1; st < SW_ST_MAX; st++) {
		w->agg.states[st].count = 100000 + 11111 * st;
		w->agg.states[st].delta = -(int64_t)(10000 * st);
		w->agg.states[st].entered_per_s = 123456.0 + st;
	}
	w->agg.total = w->agg.tcp = 999999;
	w->agg.remotes = w->remotes;
	w->agg.nremotes = 3;
	w->agg.listeners = w->listeners;
	w->agg.nlisteners = 2;
	sw_snapshot_init(&w->snap);
	{
		struct sw_sock s = sw_test_sock(SW_TCP, SW_ESTABLISHED,
						"2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
						65535, "2001:db8:aaaa:bbbb:1234:5678:9abc:def0",
						54321, 7);

		s.rqueue = 123456;
		s.wqueue = 654321;
		assert_int_equal(sw_snapshot_add(&w->snap, &s), 1);
	}
	w->f.seq = 2;
	w->f.interval_s = 2;
	w->f.agg = &w->agg;
	w->f.snap = &w->snap;
	sw_buf_init(&w->json);
	sw_report_json(&w->json, &w->f, &ro);
	sw_view_model_init(&w->m);
	assert_int_equal(sw_view_model_fill(&w->m, &w->f), 0);
	sw_view_init(&w->v, 2, NULL);
	assert_int_equal(sw_view_sync(&w->v, &w->m), 0);
}

static void wide_free(struct wide *w)
{
	sw_view_free(&w->v);
	sw_view_model_free(&w->m);
	sw_buf_free(&w->json);
	sw_snapshot_free(&w->snap);
	/* the arrays are the fixture's own */
	w->agg.remotes = NULL;
	w->agg.listeners = NULL;
	sw_agg_free(&w->agg);
}

/* The unsigned number after key within the JSON object that starts at from. */
static uint64_t json_u(const char *from, const char *key)
{
	char k[64];
	const char *p;
	unsigned long long v;

	snprintf(k, sizeof(k), "\"%s\": ", key);
	p = strstr(from, k);
	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(k), "%llu", &v), 1);
	return v;
}

/* The JSON of the remote or listener with this address. */
static const char *json_find(const struct wide *w, const char *fmt,
			     const char *addr)
{
	char k[96];
	const char *p;

	snprintf(k, sizeof(k), fmt, addr);
	p = strstr(w->json.data, k);
	assert_non_null(p);
	return p;
}

#define json_remote(w, a) json_find(w, "{\"addr\": \"%s\"", a)
#define json_listener(w, a) json_find(w, "\"addr\": \"%s\", \"port\"", a)

/* A digit, or a hex digit of an IPv6 address's group. */
static bool is_num(const char *full, char c)
{
	return (c >= '0' && c <= '9') ||
	       (strchr(full, ':') && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/* cut is full, or whole items of full then " …", or head…tail of full
 * with neither end inside a group of digits. */
static void check_not_cut(const char *full, const char *cut)
{
	const char *e = strstr(cut, ELL);
	size_t h, t, fl = strlen(full);

	if (!e) {
		assert_string_equal(cut, full);
		return;
	}
	h = (size_t)(e - cut);
	t = strlen(e + strlen(ELL));
	assert_true(h + t < fl);
	assert_memory_equal(cut, full, h);
	assert_memory_equal(e + strlen(ELL), full + fl - t, t);
	if (h && is_num(full, full[h - 1]) && is_num(full, full[h])) {
		print_error("'%s' cuts '%s' inside a number\n", cut, full);
		fail();
	}
	if (t && is_num(full, full[fl - t]) && is_num(full, full[fl - t - 1])) {
		print_error("'%s' cuts '%s' inside a number\n", cut, full);
		fail();
	}
}

/* Each "NAME N" item of a states summary equals the remote's JSON. */
static void check_states(const char *remote_json, const char *cell)
{
	char buf[128], *save = NULL, *name, *num;

	snprintf(buf, sizeof(buf), "%s", cell);
	for (name = strtok_r(buf, " ", &save); name;
	     name = strtok_r(NULL, " ", &save)) {
		char want[24];
		uint64_t v = 0;
		unsigned st;

		if (!strcmp(name, ELL))
			break;
		num = strtok_r(NULL, " ", &save);
		assert_non_null(num);
		if (!strcmp(name, "UDP")) {
			v = json_u(remote_json, "udp");
		} else {
			for (st = 1; st < SW_ST_MAX; st++)
				if (!strcmp(sw_state_short(st), name))
					break;
			assert_true(st < SW_ST_MAX);
			v = json_u(strstr(remote_json, "\"states\": {"),
				   sw_state_name(st));
		}
		assert_string_equal(num, sw_view_fmt_count(v, want, sizeof(want)));
	}
}

/* A count cell: "…" or the JSON's value in the pane's format. */
static void check_count(const char *cell, uint64_t json)
{
	char want[24];

	if (strcmp(cell, ELL))
		assert_string_equal(cell, sw_view_fmt_count(json, want, sizeof(want)));
}

/* "q/limit" against two JSON values. */
static void check_pair(const char *cell, uint64_t a, uint64_t b)
{
	char want[64], x[24], y[24];

	snprintf(want, sizeof(want), "%s/%s", sw_view_fmt_count(a, x, sizeof(x)),
		 sw_view_fmt_count(b, y, sizeof(y)));
	check_not_cut(want, cell);
}

static void check_remote_row(const struct wide *w, uint32_t row, int col,
			     const char *cell)
{
	const struct sw_remote *r = &w->m.remotes[row];
	char a[SW_ADDR_STRLEN];
	const char *j;

	sw_addr_format(r->pfx.family, r->pfx.bytes, a, sizeof(a));
	j = json_remote(w, a);
	if (col == 0 && r->pfx.family == SW_V6)
		assert_non_null(strstr(cell, "/64"));
	if (col == 1)
		check_count(cell, json_u(j, "count"));
	if (col == 2)
		check_count(cell, json_u(j, "time_wait"));
	if (col == 4) { /* RX/S: "-" exactly when the JSON says null */
		const char *rx = strstr(j, "\"rx_bytes_per_s\": ");

		assert_non_null(rx);
		rx += strlen("\"rx_bytes_per_s\": ");
		if (!strncmp(rx, "null", 4))
			assert_string_equal(cell, "-");
		else
			check_count(cell, json_u(j, "rx_bytes_per_s"));
	}
	if (col == 5)
		check_states(j, cell);
}

static void check_listener_row(const struct wide *w, uint32_t row, int col,
			       const char *cell)
{
	const struct sw_listener *l = &w->m.listeners[row];
	char a[SW_ADDR_STRLEN], port[16];
	const char *j;

	sw_addr_format(l->family, l->addr, a, sizeof(a));
	j = json_listener(w, a);
	snprintf(port, sizeof(port), ":%u", (unsigned)json_u(j, "port"));
	if (col == 1) /* the port always shows */
		assert_non_null(strstr(cell, port));
	if (col == 3)
		check_pair(cell, json_u(j, "accept_queue"), json_u(j, "backlog"));
	if (col == 5)
		check_pair(cell, json_u(j, "syn_recv"), json_u(j, "backlog"));
	if (col == 7)
		check_count(cell, json_u(j, "established"));
}

static void check_state_row(const struct wide *w, uint32_t row, int col,
			    const char *cell)
{
	const char *name = sw_state_name(sw_state_order[row]);
	char k[64];
	const char *j;

	snprintf(k, sizeof(k), "{\"state\": \"%s\"", name);
	j = strstr(w->json.data, k);
	if (!j || col != 1)
		return;
	check_count(cell, json_u(j, "count"));
}

/* Render pane p at width pw; returns how many cells were shortened. */
static unsigned render(struct wide *w, enum sw_pane p, int pw)
{
	const struct sw_view_pane_def *def = sw_view_pane(p);
	const struct sw_view_list *l = &w->v.list[p];
	int xs[16], ws[16], n = sw_view_columns(p, pw, xs, ws, 16), i;
	unsigned cut = 0;
	uint32_t at;

	for (at = 0; at < l->n; at++) {
		uint32_t row = l->order[at];

		for (i = 0; i < n; i++) {
			struct sw_view_cell c = { .bar = -1 };
			char full[64];
			int cells;

			if (def->cols[i].bar || ws[i] <= 0)
				continue;
			def->cols[i].cell(&w->m, row, &c);
			snprintf(full, sizeof(full), "%s", c.text);
			cells = sw_view_fit(c.text, sizeof(c.text), ws[i], true);
			assert_true(cells <= ws[i]);
			assert_int_equal(cells, sw_view_text_cells(c.text));
			check_not_cut(full, c.text);
			cut += strcmp(full, c.text) != 0;
			if (p == SW_PANE_REMOTES)
				check_remote_row(w, row, i, c.text);
			else if (p == SW_PANE_LISTENERS)
				check_listener_row(w, row, i, c.text);
			else if (p == SW_PANE_STATES)
				check_state_row(w, row, i, c.text);
		}
	}
	return cut;
}

static void test_wide_values_every_width(void **state)
{
	static const int widths[] = { 80, 100, 132, 200 };
	struct wide w;
	unsigned k, cut80 = 0;

	(void)state;
	wide_init(&w);
	for (k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		struct sw_view_layout lay;
		enum sw_pane p;

		sw_view_layout(&w.v, 40, widths[k], &lay);
		assert_false(lay.too_small);
		for (p = 0; p < SW_PANE_MAX; p++) {
			int pw = lay.pane[p].w > 0 ? lay.pane[p].w : widths[k];
			unsigned c = render(&w, p, pw);

			if (widths[k] == 80)
				cut80 += c;
		}
	}
	/* the fixture is wide enough to need shortening at 80 columns */
	assert_true(cut80 > 0);
	wide_free(&w);
}

/* The shortening rules themselves. */
static void test_fit_rules(void **state)
{
	char b[64];

	(void)state;
	snprintf(b, sizeof(b), "TW 14065 EST 28 FW1 15");
	assert_int_equal(sw_view_fit(b, sizeof(b), 13, true), 10);
	assert_string_equal(b, "TW 14065 " ELL);
	snprintf(b, sizeof(b), "TW 300 EST 2");
	sw_view_fit(b, sizeof(b), 5, true);
	assert_string_equal(b, ELL);
	snprintf(b, sizeof(b), "2001:db8:aaaa:bbbb::/64");
	sw_view_fit(b, sizeof(b), 15, true);
	assert_string_equal(b, "2001:db8:" ELL "/64");
	snprintf(b, sizeof(b), "[2001:db8::1234:5678]:443");
	sw_view_fit(b, sizeof(b), 16, true);
	assert_string_equal(b, "[2001:db8:" ELL "]:443");
	snprintf(b, sizeof(b), "65535/65535");
	sw_view_fit(b, sizeof(b), 9, true);
	assert_string_equal(b, ELL "/65535");
	snprintf(b, sizeof(b), "123456");
	sw_view_fit(b, sizeof(b), 5, false);
	assert_string_equal(b, "~");
	snprintf(b, sizeof(b), "nginx-worker/4194304");
	sw_view_fit(b, sizeof(b), 13, true);
	assert_string_equal(b, "ngin" ELL "/4194304");
	snprintf(b, sizeof(b), "192.0.2.1");
	assert_int_equal(sw_view_fit(b, sizeof(b), 9, true), 9);
	assert_string_equal(b, "192.0.2.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_values_every_width),
		cmocka_unit_test(test_fit_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
