/* Unit tests: the diagnosis of sockets piling up in a state and of
 * counters off their usual (close_wait_pileup, time_wait_pileup,
 * port_exhaustion, reset_storm, udp_drops) at the thresholds' edges. */
#include "diag_fixture.h"

/* n sockets from 192.0.2.1:sport0+i to dst:dport (outbound when nothing
 * listens on those ports). */
static void outbound(struct dfx *x, unsigned state, unsigned sport0,
		     const char *dst, unsigned dport, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		dfx_socks(x, SW_TCP, state, "192.0.2.1", sport0 + i, dst, dport, 1);
}

/* in CLOSE_WAIT on :8080 and out to 198.51.100.9:5432; the same sockets
 * (cookies) each refresh unless churn gives them new ones. */
static void cw_scene_churn(struct dfx *x, unsigned in, unsigned out,
			   uint64_t churn)
{
	dfx_begin(x);
	dfx_listen(x, 8080, 0, 128);
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 8080, "198.51.100.7",
		  30000, 40);
	x->cookie = 1000 + churn;
	dfx_socks(x, SW_TCP, SW_CLOSE_WAIT, "192.0.2.1", 8080, "198.51.100.8",
		  30000, in);
	x->cookie = 500000 + churn;
	outbound(x, SW_CLOSE_WAIT, 45000, "198.51.100.9", 5432, out);
}

static void cw_scene(struct dfx *x, unsigned in, unsigned out)
{
	cw_scene_churn(x, in, out, 0);
}

static void test_close_wait_edges(void **state)
{
	unsigned min = (unsigned)dfx_lim(SW_FK_CLOSE_WAIT_PILEUP, "min_close_wait");
	const struct sw_finding *f;
	char buf[SW_ADDR_STRLEN];
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 5; r++) {
		cw_scene(&x, min - 1, min - 1);
		assert_int_equal(dfx_run(&x), 0);
	}
	/* at the minimum: stuck from the second, said from the third */
	cw_scene(&x, min, 0);
	assert_int_equal(dfx_run(&x), 0);
	cw_scene(&x, min, 0);
	assert_int_equal(dfx_run(&x), 0);
	cw_scene(&x, min, 0);
	assert_int_equal(dfx_run(&x), 1);
	f = &x.out[0];
	assert_int_equal(f->kind, SW_FK_CLOSE_WAIT_PILEUP);
	assert_int_equal(f->subject.kind, SW_SUBJ_LISTENER);
	assert_int_equal(f->subject.port, 8080);
	assert_int_equal(f->action, SW_ACT_NONE);
	assert_true(dfx_ev(f, "close_wait") == min);
	dfx_free(&x);
	/* outbound ones: the remote they were connected to */
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		cw_scene(&x, 0, min + 50);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	f = &x.out[0];
	assert_int_equal(f->subject.kind, SW_SUBJ_REMOTE);
	assert_int_equal(f->subject.port, 5432);
	assert_string_equal(sw_prefix_format(&f->subject.remote, buf, sizeof(buf)),
			    "198.51.100.9");
	dfx_free(&x);
	/* a busy server's sockets passing through CLOSE_WAIT: new ones each
	 * refresh, none stuck, nothing said */
	dfx_init(&x);
	for (int r = 0; r < 6; r++) {
		cw_scene_churn(&x, 10 * min, 10 * min, (uint64_t)r * 100000);
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
}

static void tw_scene(struct dfx *x, unsigned tw_one, unsigned tw_spread)
{
	char addr[32];

	dfx_begin(x);
	dfx_listen(x, 80, 0, 128);
	outbound(x, SW_TIME_WAIT, 20000, "198.51.100.30", 80, tw_one);
	for (unsigned i = 0; i < tw_spread; i++) {
		snprintf(addr, sizeof(addr), "203.0.113.%u", 1 + i % 250);
		dfx_socks(x, SW_TCP, SW_TIME_WAIT, "192.0.2.1", 80, addr,
			  1024 + i, 1);
	}
}

static void test_time_wait_edges(void **state)
{
	double near = dfx_lim(SW_FK_TIME_WAIT_PILEUP, "near_max");
	unsigned max = 10000, at = (unsigned)(near * max);
	struct dfx x;

	(void)state;
	dfx_init(&x);
	dfx_host(&x, SW_H_TCP_MAX_TW_BUCKETS, max);
	dfx_host(&x, SW_H_TCP_TW_REUSE, 2);
	for (int r = 0; r < 3; r++) {
		tw_scene(&x, 0, at - 1);
		assert_int_equal(dfx_run(&x), 0);
	}
	for (int r = 0; r < 2; r++) {
		tw_scene(&x, 0, at);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].kind, SW_FK_TIME_WAIT_PILEUP);
	assert_int_equal(x.out[0].severity, SW_SEV_WARN);
	assert_int_equal(x.out[0].subject.kind, SW_SUBJ_HOST);
	assert_non_null(strstr(x.out[0].advice, "tcp_tw_reuse=1"));
	/* the kernel dropping TIME_WAIT is crit; one remote holds most */
	tw_scene(&x, 6000, 3000);
	dfx_count(&x, SW_C_TIMEWAIT_OVERFLOW, 30);
	dfx_run(&x);
	tw_scene(&x, 6000, 3000);
	dfx_count(&x, SW_C_TIMEWAIT_OVERFLOW, 30);
	assert_int_equal(dfx_run(&x), 1);
	assert_int_equal(x.out[0].severity, SW_SEV_CRIT);
	assert_int_equal(x.out[0].subject.kind, SW_SUBJ_REMOTE);
	assert_int_equal(x.out[0].subject.port, 80);
	dfx_free(&x);
	/* a tiny tcp_max_tw_buckets alone is no pile-up */
	dfx_init(&x);
	dfx_host(&x, SW_H_TCP_MAX_TW_BUCKETS, 100);
	for (int r = 0; r < 3; r++) {
		tw_scene(&x, 0, 99);
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
}

static void pe_scene(struct dfx *x, unsigned est, unsigned tw)
{
	dfx_begin(x);
	dfx_listen(x, 22, 0, 128);
	outbound(x, SW_ESTABLISHED, 40000, "198.51.100.20", 5432, est);
	outbound(x, SW_TIME_WAIT, 40000 + est, "198.51.100.20", 5432, tw);
}

static void test_port_exhaustion_edges(void **state)
{
	double near = dfx_lim(SW_FK_PORT_EXHAUSTION, "near_range");
	unsigned range = 1000, at = (unsigned)(near * range);
	const struct sw_finding *f;
	struct dfx x;

	(void)state;
	dfx_init(&x);
	dfx_host(&x, SW_H_PORT_RANGE_LOW, 40000);
	dfx_host(&x, SW_H_PORT_RANGE_HIGH, 40000 + range - 1);
	for (int r = 0; r < 3; r++) {
		pe_scene(&x, at / 2, at / 2 - 1);
		assert_int_equal(dfx_run(&x), 0);
	}
	for (int r = 0; r < 2; r++) {
		pe_scene(&x, at / 2, at / 2);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	f = &x.out[0];
	assert_int_equal(f->kind, SW_FK_PORT_EXHAUSTION);
	assert_int_equal(f->severity, SW_SEV_WARN);
	assert_int_equal(f->subject.kind, SW_SUBJ_REMOTE);
	assert_int_equal(f->subject.port, 5432);
	assert_true(dfx_ev(f, "port_range") == range);
	assert_non_null(strstr(f->advice, "ip_local_port_range"));
	pe_scene(&x, 950, 0);
	assert_int_equal(dfx_run(&x), 1);
	assert_int_equal(x.out[0].severity, SW_SEV_CRIT);
	dfx_free(&x);
	/* the default range (28232 ports) when it is not known */
	dfx_init(&x);
	for (int r = 0; r < 3; r++) {
		pe_scene(&x, 950, 0);
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
}

static void rs_scene(struct dfx *x, unsigned est443, uint64_t resets)
{
	dfx_begin(x);
	dfx_listen(x, 443, 0, 128);
	dfx_listen(x, 80, 0, 128);
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.3",
		  20000, 50);
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 443, "198.51.100.4",
		  20000, est443);
	dfx_count(x, SW_C_ESTAB_RESETS, resets);
}

static void test_reset_storm(void **state)
{
	const struct sw_finding *f;
	struct dfx x;

	(void)state;
	dfx_init(&x);
	/* a storm from the start is the level: nothing to compare with */
	for (int r = 0; r < 4; r++) {
		rs_scene(&x, 300, 500);
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
	dfx_init(&x);
	for (int r = 0; r < 6; r++) {
		rs_scene(&x, 300, 5);
		assert_int_equal(dfx_run(&x), 0);
	}
	/* 10 times the level less one: nothing */
	rs_scene(&x, 300, 49);
	assert_int_equal(dfx_run(&x), 0);
	rs_scene(&x, 300, 49);
	assert_int_equal(dfx_run(&x), 0);
	/* at 10 times: said on the second refresh; :443 lost connections */
	rs_scene(&x, 200, 600);
	assert_int_equal(dfx_run(&x), 0);
	rs_scene(&x, 100, 600);
	assert_int_equal(dfx_run(&x), 1);
	f = &x.out[0];
	assert_int_equal(f->kind, SW_FK_RESET_STORM);
	assert_int_equal(f->severity, SW_SEV_CRIT); /* >= 100 x 5/s */
	assert_int_equal(f->subject.kind, SW_SUBJ_HOST);
	assert_true(dfx_ev(f, "port") == 443);
	assert_non_null(strstr(f->text, ":443"));
	assert_true(dfx_ev(f, "usual_per_s") == 5);
	assert_true(dfx_ev(f, "established_fell") == 100);
	/* a long storm keeps its level: still said past the history */
	for (int r = 0; r < SW_DIAGNOSIS_HISTORY + 2; r++) {
		rs_scene(&x, 100, 600);
		assert_int_equal(dfx_run(&x), 1);
	}
	/* the level is the calm refreshes' (the 49/s ones are left) */
	assert_true(dfx_ev(&x.out[0], "usual_per_s") == 49);
	assert_true(dfx_ev(&x.out[0], "port") == 443);
	assert_true(x.out[0].since_ns == x.t - (SW_DIAGNOSIS_HISTORY + 4) * DFX_NS);
	dfx_free(&x);
	/* below min_per_s over a level of 0: nothing */
	dfx_init(&x);
	for (int r = 0; r < 5; r++) {
		rs_scene(&x, 300, 0);
		dfx_run(&x);
	}
	for (int r = 0; r < 3; r++) {
		rs_scene(&x, 300, (uint64_t)dfx_lim(SW_FK_RESET_STORM, "min_per_s") - 1);
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
}

static void udp_scene(struct dfx *x, uint64_t drops)
{
	dfx_begin(x);
	dfx_socks(x, SW_UDP, SW_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0, 1);
	dfx_last(x)->rqueue = 1000;
	dfx_socks(x, SW_UDP, SW_CLOSE, "0.0.0.0", 5353, "0.0.0.0", 0, 1);
	dfx_last(x)->rqueue = 212992;
	dfx_count(x, SW_C_UDP_IN_ERRORS, drops);
	dfx_count(x, SW_C_UDP_RCVBUF_ERRORS, drops);
}

static void test_udp_drops(void **state)
{
	unsigned min = (unsigned)dfx_lim(SW_FK_UDP_DROPS, "min_per_s");
	struct dfx x;

	(void)state;
	dfx_init(&x);
	for (int r = 0; r < 4; r++) {
		udp_scene(&x, min - 1);
		assert_int_equal(dfx_run(&x), 0);
	}
	udp_scene(&x, min);
	assert_int_equal(dfx_run(&x), 0);
	udp_scene(&x, min);
	assert_int_equal(dfx_run(&x), 1);
	assert_int_equal(x.out[0].kind, SW_FK_UDP_DROPS);
	assert_int_equal(x.out[0].subject.kind, SW_SUBJ_LISTENER);
	assert_int_equal(x.out[0].subject.proto, SW_UDP);
	assert_int_equal(x.out[0].subject.port, 5353);
	assert_true(dfx_ev(&x.out[0], "recv_queue") == 212992);
	dfx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_wait_edges),
		cmocka_unit_test(test_time_wait_edges),
		cmocka_unit_test(test_port_exhaustion_edges),
		cmocka_unit_test(test_reset_storm),
		cmocka_unit_test(test_udp_drops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
