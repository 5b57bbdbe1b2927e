/* Unit tests: the diagnosis of one source against the server
 * (connection_flood, slow_clients) at the thresholds' edges. */
#include "diag_fixture.h"

/* nclients remotes 198.51.100.10.. with each conns connections to :80. */
static void clients(struct dfx *x, unsigned nclients, unsigned each)
{
	char addr[32];

	for (unsigned i = 0; i < nclients; i++) {
		snprintf(addr, sizeof(addr), "198.51.%u.%u", 100 + i / 200,
			 10 + i % 200);
		dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, addr, 30000,
			  each);
	}
}

static void flood_scene(struct dfx *x, const char *attacker, unsigned n,
			unsigned nclients, unsigned each)
{
	dfx_begin(x);
	dfx_listen(x, 80, 0, 511);
	clients(x, nclients, each);
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, attacker, 40000, n);
}

static size_t flood_runs(struct dfx *x, const char *attacker, unsigned n,
			 unsigned nclients, unsigned each)
{
	for (int r = 0; r < 3; r++) {
		flood_scene(x, attacker, n, nclients, each);
		dfx_run(x);
	}
	return dfx_count_kind(x, SW_FK_CONNECTION_FLOOD);
}

static void test_flood_min_conns_edge(void **state)
{
	unsigned min = (unsigned)dfx_lim(SW_FK_CONNECTION_FLOOD, "min_conns");
	const struct sw_finding *f;
	char buf[SW_ADDR_STRLEN];
	struct dfx x;

	(void)state;
	dfx_init(&x);
	assert_int_equal(flood_runs(&x, "203.0.113.7", min - 1, 20, 5), 0);
	dfx_free(&x);
	dfx_init(&x);
	assert_int_equal(flood_runs(&x, "203.0.113.7", min, 20, 5), 1);
	f = dfx_find(&x, SW_FK_CONNECTION_FLOOD);
	assert_int_equal(f->subject.kind, SW_SUBJ_REMOTE);
	assert_int_equal(f->action, SW_ACT_BLOCK);
	assert_string_equal(sw_prefix_format(&f->target, buf, sizeof(buf)),
			    "203.0.113.7");
	assert_int_equal(f->severity, SW_SEV_CRIT); /* 2/3 of all */
	assert_true(dfx_ev(f, "inbound") == min);
	assert_non_null(strstr(f->text, "203.0.113.7"));
	dfx_free(&x);
}

static void test_flood_share_edge(void **state)
{
	double share = dfx_lim(SW_FK_CONNECTION_FLOOD, "min_share");
	struct dfx x;
	/* 400 others, 4 each: 1600; the attacker just below / at the share */
	unsigned others = 1600;
	unsigned below = (unsigned)(share * others / (1 - share)) - 1;

	(void)state;
	dfx_init(&x);
	assert_int_equal(flood_runs(&x, "203.0.113.7", below, 400, 4), 0);
	dfx_free(&x);
	dfx_init(&x);
	assert_int_equal(flood_runs(&x, "203.0.113.7", below + 2, 400, 4), 1);
	assert_int_equal(x.out[0].severity, SW_SEV_WARN);
	dfx_free(&x);
}

/* A server behind a proxy: one remote holds everything, nobody to
 * compare with. */
static void test_flood_needs_others(void **state)
{
	struct dfx x;

	(void)state;
	dfx_init(&x);
	assert_int_equal(flood_runs(&x, "203.0.113.7", 900,
				    (unsigned)dfx_lim(SW_FK_CONNECTION_FLOOD,
						      "min_others") - 1, 3), 0);
	dfx_free(&x);
}

/* Opening fast with few live at a time: the rate path. */
static void test_flood_by_rate(void **state)
{
	unsigned min = (unsigned)dfx_lim(SW_FK_CONNECTION_FLOOD, "min_new_per_s");
	struct dfx x;

	(void)state;
	for (unsigned n = min - 1; n <= min; n++) {
		dfx_init(&x);
		for (int r = 0; r < 4; r++) {
			flood_scene(&x, "203.0.113.8", 0, 50, 2);
			x.cookie = 100000 + (uint64_t)r * 1000; /* new ones */
			dfx_socks(&x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
				  "203.0.113.8", 50000 + r * 1000, n);
			dfx_run(&x);
		}
		assert_int_equal(dfx_count_kind(&x, SW_FK_CONNECTION_FLOOD),
				 n >= min ? 1 : 0);
		dfx_free(&x);
	}
}

/* A proxy reconnecting for each request beside clients that reconnect
 * too: the fastest, but not ten times the others' rate. */
static void test_flood_rate_against_others(void **state)
{
	char addr[32];
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 4; r++) {
		flood_scene(&x, "203.0.113.8", 0, 50, 2);
		x.cookie = 100000 + (uint64_t)r * 1000;
		dfx_socks(&x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
			  "203.0.113.8", 50000 + r * 1000, 150);
		for (unsigned i = 0; i < 5; i++) {
			snprintf(addr, sizeof(addr), "198.51.100.%u", 10 + i);
			x.cookie = 200000 + (uint64_t)r * 1000 + i * 100;
			dfx_socks(&x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, addr,
				  40000 + r * 100, 20);
		}
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
}

static void test_flood_from_loopback_no_block(void **state)
{
	struct dfx x;

	(void)state;
	dfx_init(&x);
	assert_int_equal(flood_runs(&x, "127.0.0.9", 500, 20, 5), 1);
	assert_int_equal(x.out[0].action, SW_ACT_NONE);
	dfx_free(&x);
}

/* The grouping of the remotes pane: the subject is its row. */
static void flood_by_prefix(struct dfx *x, unsigned naddr, unsigned each)
{
	char addr[32];

	dfx_init(x);
	x->group.group_v4 = 24;
	for (int r = 0; r < 2; r++) {
		dfx_begin(x);
		dfx_listen(x, 80, 0, 511);
		/* the other clients in rows of their own */
		for (unsigned i = 1; i <= 20; i++) {
			snprintf(addr, sizeof(addr), "2001:db8::%x", i);
			dfx_socks(x, SW_TCP, SW_ESTABLISHED, "2001:db8:ffff::1", 80,
				  addr, 30000, 5);
		}
		for (unsigned i = 1; i <= naddr; i++) {
			snprintf(addr, sizeof(addr), "203.0.113.%u", i);
			dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, addr,
				  40000, each);
		}
		dfx_run(x);
	}
}

/* Grouped by /24: a /24 whose 20 addresses hold 30 connections each is a
 * flood from the /24; one whose 100 addresses hold 3 each (a campus, a
 * mobile carrier's clients) is not, however big its row: the row holds
 * min_per_addr = 20 per address at least, or it is ordinary clients. */
static void test_flood_by_prefix(void **state)
{
	struct dfx x;
	char buf[SW_ADDR_STRLEN];

	(void)state;
	flood_by_prefix(&x, 20, 30);
	assert_int_equal(x.n, 1);
	assert_string_equal(sw_prefix_format(&x.out[0].target, buf, sizeof(buf)),
			    "203.0.113.0/24");
	dfx_free(&x);
	flood_by_prefix(&x, 100, 3);
	assert_int_equal(x.n, 0);
	dfx_free(&x);
	/* the edge: 19 a address is below it, 20 is at it */
	flood_by_prefix(&x, 12, 19);
	assert_int_equal(x.n, 0);
	dfx_free(&x);
	flood_by_prefix(&x, 12, 20);
	assert_int_equal(x.n, 1);
	dfx_free(&x);
}

/* Slowloris: conns connections from src, each with this tcp_info. */
struct slow {
	struct sw_conn_info v[1024];
};

static void slow_scene(struct dfx *x, struct slow *ci, unsigned nslow,
		       unsigned nnormal, uint64_t age_s, uint64_t acked)
{
	size_t n = 0;
	uint64_t c0;

	dfx_begin(x);
	dfx_listen(x, 80, 0, 511);
	c0 = x->cookie;
	clients(x, nnormal, 2);
	for (uint64_t c = c0; c < x->cookie; c++)
		ci->v[n++] = (struct sw_conn_info){
			.cookie = c, .bytes_received = 900, .bytes_acked = 40000,
			.last_data_recv_ms = 20000, .first_seen_s = (uint32_t)(x->t / DFX_NS - 60),
		};
	c0 = x->cookie;
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "203.0.113.66",
		  40000, nslow);
	for (uint64_t c = c0; c < x->cookie; c++)
		ci->v[n++] = (struct sw_conn_info){
			.cookie = c, .bytes_received = 120, .bytes_acked = acked,
			.last_data_recv_ms = 4000,
			.first_seen_s = (uint32_t)(x->t / DFX_NS - age_s), .rx_per_s = 4,
		};
	x->ci.v = ci->v;
	x->ci.n = n;
	x->ci.time_ns = x->t;
	x->have_ci = true;
}

static void test_slow_clients(void **state)
{
	static struct slow ci;
	unsigned min = (unsigned)dfx_lim(SW_FK_SLOW_CLIENTS, "min_conns");
	const struct sw_finding *f;
	char buf[SW_ADDR_STRLEN];
	struct dfx x;

	(void)state;
	dfx_init(&x);
	slow_scene(&x, &ci, min - 1, 50, 30, 0);
	assert_int_equal(dfx_run(&x), 0);
	slow_scene(&x, &ci, min, 50, 30, 0);
	assert_int_equal(dfx_run(&x), 1);
	f = &x.out[0];
	assert_int_equal(f->kind, SW_FK_SLOW_CLIENTS);
	assert_int_equal(f->subject.kind, SW_SUBJ_REMOTE);
	assert_int_equal(f->subject.port, 80);
	assert_int_equal(f->action, SW_ACT_BLOCK);
	assert_string_equal(sw_prefix_format(&f->target, buf, sizeof(buf)),
			    "203.0.113.66");
	assert_non_null(strstr(f->advice, "timeout"));
	assert_true(dfx_ev(f, "slow_conns") == min);
	dfx_free(&x);
}

/* 500 slow connections are slowloris, not also a connection flood;
 * without tcp_info the same is a connection flood. */
static void test_slow_is_not_also_flood(void **state)
{
	static struct slow ci;
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		slow_scene(&x, &ci, 500, 50, 30, 0);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].kind, SW_FK_SLOW_CLIENTS);
	assert_int_equal(x.out[0].severity, SW_SEV_CRIT);
	dfx_free(&x);
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		slow_scene(&x, &ci, 500, 50, 30, 0);
		x.have_ci = false;
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].kind, SW_FK_CONNECTION_FLOOD);
	dfx_free(&x);
}

/* Young connections, or ones the server answered (idle keep-alive of a
 * proxy's pool), are not slow. */
static void test_slow_edges(void **state)
{
	static struct slow ci;
	unsigned age = (unsigned)dfx_lim(SW_FK_SLOW_CLIENTS, "min_age_s");
	unsigned sent = (unsigned)dfx_lim(SW_FK_SLOW_CLIENTS, "max_sent");
	struct dfx x;

	(void)state;
	dfx_init(&x);
	slow_scene(&x, &ci, 100, 50, age - 1, 0);
	assert_int_equal(dfx_run(&x), 0);
	slow_scene(&x, &ci, 100, 50, 120, sent);
	assert_int_equal(dfx_run(&x), 0);
	slow_scene(&x, &ci, 100, 50, age, sent - 1);
	assert_int_equal(dfx_run(&x), 1);
	dfx_free(&x);
}

/* Started during the attack: every connection is new to this sockwatch,
 * but the kernel's clocks say how old they are. */
static void test_slow_found_at_launch(void **state)
{
	static struct slow ci;
	unsigned age = (unsigned)dfx_lim(SW_FK_SLOW_CLIENTS, "min_age_s");
	struct dfx x;

	(void)state;
	for (unsigned sent_s = age - 1; sent_s <= age; sent_s++) {
		dfx_init(&x);
		slow_scene(&x, &ci, 100, 50, 0, 0);
		for (size_t i = 0; i < x.ci.n; i++)
			if (ci.v[i].bytes_acked == 0)
				ci.v[i].last_data_sent_ms = sent_s * 1000;
		assert_int_equal(dfx_run(&x), sent_s >= age ? 1 : 0);
		dfx_free(&x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_min_conns_edge),
		cmocka_unit_test(test_flood_share_edge),
		cmocka_unit_test(test_flood_needs_others),
		cmocka_unit_test(test_flood_by_rate),
		cmocka_unit_test(test_flood_rate_against_others),
		cmocka_unit_test(test_flood_from_loopback_no_block),
		cmocka_unit_test(test_flood_by_prefix),
		cmocka_unit_test(test_slow_clients),
		cmocka_unit_test(test_slow_is_not_also_flood),
		cmocka_unit_test(test_slow_edges),
		cmocka_unit_test(test_slow_found_at_launch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
