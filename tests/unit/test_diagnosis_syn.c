/* Unit tests: the diagnosis of the listeners' queues (syn_flood,
 * accept_queue_full) at their thresholds' edges. */
#include "diag_fixture.h"

/* A listener :80 with backlog b and h half-open sockets from nsrc
 * sources of 203.0.113.0/24 (spread evenly), plus 20 real clients. */
static void spread_scene(struct dfx *x, unsigned b, unsigned h, unsigned nsrc)
{
	char addr[32];

	dfx_begin(x);
	dfx_listen(x, 80, 0, b);
	for (unsigned i = 0; i < h; i++) {
		snprintf(addr, sizeof(addr), "203.0.113.%u", 1 + i % nsrc);
		dfx_socks(x, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, addr,
			  20000 + i, 1);
	}
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.50",
		  30000, 20);
}

static void test_spoofed_flood(void **state)
{
	struct dfx x;
	const struct sw_finding *f;

	(void)state;
	dfx_init(&x);
	dfx_host(&x, SW_H_TCP_SYNCOOKIES, 0);
	spread_scene(&x, 128, 128, 128);
	/* one refresh is a spike, not yet a flood */
	assert_int_equal(dfx_run(&x), 0);
	spread_scene(&x, 128, 128, 128);
	dfx_count(&x, SW_C_LISTEN_DROPS, 300);
	assert_int_equal(dfx_run(&x), 1);
	f = dfx_find(&x, SW_FK_SYN_FLOOD);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_CRIT);
	assert_int_equal(f->subject.kind, SW_SUBJ_LISTENER);
	assert_int_equal(f->subject.port, 80);
	/* spoofed: nothing to block, the SYN cookie advice */
	assert_int_equal(f->action, SW_ACT_NONE);
	assert_non_null(strstr(f->text, "spoofed"));
	assert_non_null(strstr(f->advice, "blocking sources will not help"));
	assert_non_null(strstr(f->advice, "sysctl -w net.ipv4.tcp_syncookies=1"));
	assert_true(dfx_ev(f, "half_open") == 128);
	assert_true(dfx_ev(f, "sources") == 128);
	assert_true(dfx_ev(f, "tcp_syncookies") == 0);
	/* since: the first refresh it held */
	assert_true(f->since_ns == 1000 * DFX_NS);
	/* cookies on: the advice says so, and still no block */
	dfx_host(&x, SW_H_TCP_SYNCOOKIES, 1);
	spread_scene(&x, 128, 128, 128);
	assert_int_equal(dfx_run(&x), 1);
	assert_non_null(strstr(x.out[0].advice, "SYN cookies are on"));
	assert_true(x.out[0].since_ns == 1000 * DFX_NS);
	dfx_free(&x);
}

/* With SYN cookies off, the limit is also 3/4 of tcp_max_syn_backlog. */
static void test_limit_follows_max_syn_backlog(void **state)
{
	struct dfx x;

	(void)state;
	dfx_init(&x);
	dfx_host(&x, SW_H_TCP_SYNCOOKIES, 0);
	dfx_host(&x, SW_H_TCP_MAX_SYN_BACKLOG, 128);
	for (int r = 0; r < 2; r++) {
		spread_scene(&x, 4096, 96, 96);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_true(dfx_ev(&x.out[0], "limit") == 96);
	assert_int_equal(x.out[0].severity, SW_SEV_CRIT);
	dfx_free(&x);
}

/* min_half_open: one below is nothing (without the counters' signal),
 * at it a finding. */
static void test_min_half_open_edge(void **state)
{
	unsigned min = (unsigned)dfx_lim(SW_FK_SYN_FLOOD, "min_half_open");
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		spread_scene(&x, min, min - 1, 100);
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
	dfx_init(&x);
	for (int r = 0; r < 2; r++) {
		spread_scene(&x, min, min, 100);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].kind, SW_FK_SYN_FLOOD);
	dfx_free(&x);
	/* below the minimum, SYN cookies sent say it is a flood */
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		spread_scene(&x, 16, 16, 16);
		dfx_count(&x, SW_C_SYNCOOKIES_SENT,
			  (uint64_t)dfx_lim(SW_FK_SYN_FLOOD, "signal_per_s"));
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].kind, SW_FK_SYN_FLOOD);
	dfx_free(&x);
}

/* SYN cookies sent (tcp_syncookies=1) mean the queue was full in the
 * interval: crit, even when the refresh counts fewer than the limit, and a
 * flood still when it counts fewer than near_full (a full queue's request
 * sockets expire together; min_half_open of them are left); not so with
 * tcp_syncookies=2 (cookies always). TCPReqQFullDrop (cookies off) the
 * same. */
static void test_cookies_mean_full(void **state)
{
	unsigned below = (unsigned)(dfx_lim(SW_FK_SYN_FLOOD, "near_full") * 128) - 1;

	(void)state;
	for (int mode = 1; mode <= 2; mode++) {
		struct dfx x;

		dfx_init(&x);
		dfx_host(&x, SW_H_TCP_SYNCOOKIES, mode);
		for (int r = 0; r < 3; r++) {
			spread_scene(&x, 128, 110, 100);
			dfx_count(&x, SW_C_SYNCOOKIES_SENT, 300);
			dfx_run(&x);
		}
		assert_int_equal(dfx_count_kind(&x, SW_FK_SYN_FLOOD), 1);
		assert_int_equal(dfx_find(&x, SW_FK_SYN_FLOOD)->severity,
				 mode == 1 ? SW_SEV_CRIT : SW_SEV_WARN);
		/* the cohort expires: fewer than near_full for a refresh */
		spread_scene(&x, 128, below, 100);
		dfx_count(&x, SW_C_SYNCOOKIES_SENT, 300);
		dfx_run(&x);
		assert_int_equal(dfx_count_kind(&x, SW_FK_SYN_FLOOD), mode == 1 ? 1 : 0);
		dfx_free(&x);
	}
	/* tcp_syncookies=0: TCPReqQFullDrop says the same */
	{
		struct dfx x;

		dfx_init(&x);
		dfx_host(&x, SW_H_TCP_SYNCOOKIES, 0);
		for (int r = 0; r < 3; r++) {
			spread_scene(&x, 128, r < 2 ? 128 : below, 100);
			dfx_count(&x, SW_C_REQQ_FULL_DROP, 300);
			dfx_run(&x);
		}
		assert_int_equal(dfx_count_kind(&x, SW_FK_SYN_FLOOD), 1);
		dfx_free(&x);
	}
}

/* near_full: a big busy queue far from its limit is no flood. */
static void test_near_full_edge(void **state)
{
	double nf = dfx_lim(SW_FK_SYN_FLOOD, "near_full");
	unsigned b = 1000, h = (unsigned)(nf * b);
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		spread_scene(&x, b, h - 1, 200);
		assert_int_equal(dfx_run(&x), 0);
	}
	for (int r = 0; r < 2; r++) {
		spread_scene(&x, b, h, 200);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].severity, SW_SEV_WARN); /* not full, no drops */
	dfx_free(&x);
}

/* Three sources hold it: each is a finding that proposes its block. */
static void test_concentrated_flood(void **state)
{
	static const char *const src[] = {"198.51.100.1", "198.51.100.2",
					  "198.51.100.3"};
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 2; r++) {
		dfx_begin(&x);
		dfx_listen(&x, 443, 0, 128);
		for (unsigned s = 0; s < 3; s++)
			dfx_socks(&x, SW_TCP, SW_SYN_RECV, "192.0.2.1", 443, src[s],
				  10000, 40);
		dfx_socks(&x, SW_TCP, SW_SYN_RECV, "192.0.2.1", 443, "203.0.113.9",
			  10000, 2);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct sw_finding *f = &x.out[i];
		char buf[SW_ADDR_STRLEN];

		assert_int_equal(f->kind, SW_FK_SYN_FLOOD);
		assert_int_equal(f->subject.kind, SW_SUBJ_REMOTE);
		assert_int_equal(f->subject.port, 443);
		assert_int_equal(f->action, SW_ACT_BLOCK);
		/* sorted by subject: .1, .2, .3 */
		assert_string_equal(sw_prefix_format(&f->target, buf, sizeof(buf)),
				    src[i]);
		assert_true(sw_prefix_eq(&f->target, &f->subject.remote));
		assert_true(dfx_ev(f, "source_half_open") == 40);
	}
	dfx_free(&x);
}

/* A flood from this host's own address or loopback proposes no block. */
static void test_no_block_of_own_address(void **state)
{
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 2; r++) {
		dfx_begin(&x);
		dfx_listen(&x, 80, 0, 100);
		dfx_socks(&x, SW_TCP, SW_SYN_RECV, "127.0.0.1", 80, "127.0.0.5",
			  10000, 50);
		dfx_socks(&x, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "192.0.2.1",
			  20000, 50);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 2);
	for (size_t i = 0; i < x.n; i++)
		assert_int_equal(x.out[i].action, SW_ACT_NONE);
	dfx_free(&x);
}

/* A filter/grouping change is a new baseline: the streak starts again. */
static void test_reset_forgets(void **state)
{
	struct dfx x;

	(void)state;
	dfx_init(&x);
	spread_scene(&x, 128, 128, 128);
	dfx_run(&x);
	sw_diagnosis_reset(x.d);
	spread_scene(&x, 128, 128, 128);
	assert_int_equal(dfx_run(&x), 0);
	spread_scene(&x, 128, 128, 128);
	assert_int_equal(dfx_run(&x), 1);
	dfx_free(&x);
}

static void aq_scene(struct dfx *x, unsigned q, unsigned b, uint64_t ovf)
{
	dfx_begin(x);
	dfx_listen(x, 8080, q, b);
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 8080, "198.51.100.7",
		  40000, 10);
	dfx_count(x, SW_C_LISTEN_OVERFLOWS, ovf);
	dfx_count(x, SW_C_LISTEN_DROPS, ovf);
}

static void test_accept_queue_full(void **state)
{
	struct dfx x;
	const struct sw_finding *f;

	(void)state;
	dfx_init(&x);
	dfx_host(&x, SW_H_SOMAXCONN, 128);
	aq_scene(&x, 129, 128, 0);
	assert_int_equal(dfx_run(&x), 0);
	aq_scene(&x, 129, 128, 20);
	assert_int_equal(dfx_run(&x), 1);
	f = &x.out[0];
	assert_int_equal(f->kind, SW_FK_ACCEPT_QUEUE_FULL);
	assert_int_equal(f->severity, SW_SEV_CRIT);
	assert_int_equal(f->subject.kind, SW_SUBJ_LISTENER);
	assert_int_equal(f->subject.port, 8080);
	assert_int_equal(f->subject.family, 4);
	assert_int_equal(f->action, SW_ACT_NONE);
	assert_non_null(strstr(f->advice, "net.core.somaxconn=128"));
	assert_true(dfx_ev(f, "backlog") == 128);
	/* the drops of a full accept queue are not a SYN flood */
	assert_null(dfx_find(&x, SW_FK_SYN_FLOOD));
	/* overflows stop: nothing, though the queue is still full */
	aq_scene(&x, 129, 128, 0);
	assert_int_equal(dfx_run(&x), 0);
	dfx_free(&x);
}

static void test_accept_queue_edges(void **state)
{
	struct dfx x;

	(void)state;
	/* one below the backlog: nothing, overflowing or not */
	dfx_init(&x);
	dfx_host(&x, SW_H_SOMAXCONN, 4096);
	for (int r = 0; r < 3; r++) {
		aq_scene(&x, 9, 10, 5);
		assert_int_equal(dfx_run(&x), 0);
	}
	/* at the backlog, a slow overflow: warn; the backlog is the app's */
	for (int r = 0; r < 2; r++) {
		aq_scene(&x, 10, 10, 1);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].severity, SW_SEV_WARN);
	assert_non_null(strstr(x.out[0].advice, "listen() backlog is 10"));
	assert_non_null(strstr(x.out[0].advice, "allows 4096"));
	dfx_free(&x);
}

/* Cookies sent, but the flooded port is not shown (a filter): a finding
 * for the host; with tcp_syncookies=2 every SYN gets one: nothing. */
static void test_cookies_without_queue(void **state)
{
	unsigned sig = (unsigned)dfx_lim(SW_FK_SYN_FLOOD, "signal_per_s");
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		spread_scene(&x, 128, 0, 1);
		dfx_count(&x, SW_C_SYNCOOKIES_SENT, sig - 1);
		assert_int_equal(dfx_run(&x), 0);
	}
	for (int r = 0; r < 2; r++) {
		spread_scene(&x, 128, 0, 1);
		dfx_count(&x, SW_C_SYNCOOKIES_SENT, 500);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].kind, SW_FK_SYN_FLOOD);
	assert_int_equal(x.out[0].subject.kind, SW_SUBJ_HOST);
	assert_int_equal(x.out[0].severity, SW_SEV_WARN);
	assert_true(dfx_ev(&x.out[0], "syncookies_sent_per_s") == 500);
	dfx_host(&x, SW_H_TCP_SYNCOOKIES, 2);
	spread_scene(&x, 128, 0, 1);
	dfx_count(&x, SW_C_SYNCOOKIES_SENT, 500);
	assert_int_equal(dfx_run(&x), 0);
	dfx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spoofed_flood),
		cmocka_unit_test(test_limit_follows_max_syn_backlog),
		cmocka_unit_test(test_min_half_open_edge),
		cmocka_unit_test(test_near_full_edge),
		cmocka_unit_test(test_cookies_mean_full),
		cmocka_unit_test(test_concentrated_flood),
		cmocka_unit_test(test_no_block_of_own_address),
		cmocka_unit_test(test_reset_forgets),
		cmocka_unit_test(test_accept_queue_full),
		cmocka_unit_test(test_accept_queue_edges),
		cmocka_unit_test(test_cookies_without_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
