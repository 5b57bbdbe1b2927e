/* Unit tests: the diagnosis as a whole - a busy healthy server says
 * nothing, findings come worst first, the same frames give the same
 * findings (a replay diagnoses as the live run did), a reset forgets. */
#include "diag_fixture.h"

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* A busy healthy server at refresh r: 3,000 clients with 1-3
 * connections each to :443 or :80, a tenth of them reconnected since the
 * last refresh, TIME_WAIT of the closed ones, a NAT gateway with 150, a
 * few handshakes in progress, a few CLOSE_WAIT on their way out, a pool
 * of 50 connections to a database, counters rising at normal rates, the
 * default settings, and tcp_info of every inbound connection: busy ones,
 * idle keep-alive ones (answered), a few young ones. */
static struct sw_conn_info healthy_ci[16384];

static void healthy_scene(struct dfx *x, unsigned r, uint32_t *seed)
{
	char addr[32];
	size_t nci = 0;

	dfx_begin(x);
	x->cookie = 90000000;
	dfx_listen(x, 443, (unsigned)(lcg(seed) % 5), 4096);
	dfx_listen(x, 80, (unsigned)(lcg(seed) % 3), 4096);
	dfx_listen(x, 22, 0, 128);
	dfx_socks(x, SW_UDP, SW_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0, 1);
	for (unsigned i = 0; i < 3000; i++) {
		unsigned conns = 1 + i % 3, port = i % 4 ? 443 : 80;
		bool churned = (i + r) % 10 == 0;
		const char *local = i < 250 ? "192.0.2.1" : "2001:db8::1";

		if (i < 250)
			snprintf(addr, sizeof(addr), "198.51.100.%u", 1 + i);
		else
			snprintf(addr, sizeof(addr), "2001:db8:1::%x", i);
		x->cookie = churned ? 1000000 + (uint64_t)r * 20000 + i * 4
				    : 1 + (uint64_t)i * 4;
		for (unsigned k = 0; k < conns; k++) {
			uint64_t c = x->cookie;

			dfx_socks(x, SW_TCP, SW_ESTABLISHED, local, port, addr,
				  10000 + k + (churned ? r * 8 : 0), 1);
			if (nci < sizeof(healthy_ci) / sizeof(healthy_ci[0]))
				healthy_ci[nci++] = (struct sw_conn_info){
					.cookie = c,
					.bytes_received = k ? 420 : 80000,
					.bytes_acked = k ? 3000 : 900000,
					.last_data_recv_ms = k ? 25000 : 40,
					.first_seen_s = (uint32_t)((churned ? x->t - DFX_NS / 2
									     : x->t - 120 * DFX_NS) / DFX_NS),
				};
		}
		/* the connections it closed: TIME_WAIT on this side */
		if (i % 3 == 0) {
			x->cookie = 5000000 + (uint64_t)r * 20000 + i;
			dfx_socks(x, SW_TCP, SW_TIME_WAIT, local, port, addr,
				  20000 + r, 1);
		}
	}
	/* a NAT gateway: many users behind one address */
	x->cookie = 7000000;
	dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 443, "203.0.113.200",
		  30000, 150);
	/* handshakes in progress, sockets being closed */
	x->cookie = 8000000 + (uint64_t)r * 100;
	for (unsigned i = 0; i < 30; i++) {
		snprintf(addr, sizeof(addr), "203.0.113.%u", 1 + (i * 7 + r) % 199);
		dfx_socks(x, SW_TCP, i < 20 ? SW_SYN_RECV : SW_CLOSE_WAIT,
			  "192.0.2.1", 443, addr, 40000 + r, 1);
	}
	/* the application's database pool, and its short outbound calls */
	x->cookie = 9000000;
	for (unsigned i = 0; i < 50; i++)
		dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 41000 + i,
			  "198.51.100.250", 5432, 1);
	x->cookie = 9100000 + (uint64_t)r * 1000;
	for (unsigned i = 0; i < 200; i++)
		dfx_socks(x, SW_TCP, SW_TIME_WAIT, "192.0.2.1",
			  42000 + (r * 200 + i) % 15000, "198.51.100.251", 8080, 1);
	x->ci.v = healthy_ci;
	x->ci.n = nci;
	x->ci.time_ns = x->t;
	x->have_ci = true;
	/* per second: 900 handshakes, a few resets with jitter, no drops */
	dfx_count(x, SW_C_PASSIVE_OPENS, 900);
	dfx_count(x, SW_C_ACTIVE_OPENS, 200);
	dfx_count(x, SW_C_ESTAB_RESETS, 2 + lcg(seed) % 6);
	dfx_count(x, SW_C_OUT_RSTS, 4 + lcg(seed) % 10);
	dfx_count(x, SW_C_RETRANS_SEGS, 30 + lcg(seed) % 30);
	dfx_count(x, SW_C_LISTEN_OVERFLOWS, 0);
}

static void healthy_host(struct dfx *x)
{
	dfx_host(x, SW_H_TCP_SYNCOOKIES, 1);
	dfx_host(x, SW_H_TCP_MAX_SYN_BACKLOG, 4096);
	dfx_host(x, SW_H_SOMAXCONN, 4096);
	dfx_host(x, SW_H_TCP_MAX_TW_BUCKETS, 262144);
	dfx_host(x, SW_H_TCP_TW_REUSE, 2);
	dfx_host(x, SW_H_PORT_RANGE_LOW, 32768);
	dfx_host(x, SW_H_PORT_RANGE_HIGH, 60999);
}

static void test_busy_healthy_server_says_nothing(void **state)
{
	uint32_t seed = 7;
	struct dfx x;

	(void)state;
	dfx_init(&x);
	healthy_host(&x);
	for (unsigned r = 0; r < 2 * SW_DIAGNOSIS_HISTORY; r++) {
		healthy_scene(&x, r, &seed);
		dfx_run(&x);
		if (x.n)
			dfx_dump(&x);
		assert_int_equal(x.n, 0);
		assert_null(x.out);
	}
	/* the scene is busy: thousands of remotes, churn, TIME_WAIT */
	assert_true(x.agg.nremotes > 3000);
	assert_true(x.agg.states[SW_TIME_WAIT].count > 1000);
	assert_true(x.agg.opened > 500);
	/* and the same server without host settings or tcp_info */
	dfx_free(&x);
	dfx_init(&x);
	seed = 7;
	for (unsigned r = 0; r < SW_DIAGNOSIS_HISTORY; r++) {
		healthy_scene(&x, r, &seed);
		x.have_ci = false;
		assert_int_equal(dfx_run(&x), 0);
	}
	dfx_free(&x);
}

/* The healthy server with an attack added is found: the scene is not
 * too quiet to find anything. */
static void test_busy_server_attacked(void **state)
{
	uint32_t seed = 7;
	struct dfx x;

	(void)state;
	dfx_init(&x);
	healthy_host(&x);
	for (unsigned r = 0; r < 4; r++) {
		healthy_scene(&x, r, &seed);
		x.cookie = 20000000;
		/* 2,400 live from one address: a quarter of all */
		dfx_socks(&x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 443,
			  "203.0.113.99", 2000, 2400);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 1);
	assert_int_equal(x.out[0].kind, SW_FK_CONNECTION_FLOOD);
	assert_int_equal(x.out[0].action, SW_ACT_BLOCK);
	dfx_free(&x);
}

/* crit before warn, then by kind, then subject. */
static void test_worst_first(void **state)
{
	struct dfx x;
	char addr[32];

	(void)state;
	dfx_init(&x);
	dfx_host(&x, SW_H_TCP_MAX_TW_BUCKETS, 2000);
	for (int r = 0; r < 3; r++) {
		dfx_begin(&x);
		dfx_listen(&x, 9090, 0, 128);
		dfx_listen(&x, 8080, 0, 128);
		dfx_listen(&x, 80, 0, 128);
		dfx_socks(&x, SW_TCP, SW_CLOSE_WAIT, "192.0.2.1", 9090,
			  "198.51.100.8", 30000, 150);
		dfx_socks(&x, SW_TCP, SW_CLOSE_WAIT, "192.0.2.1", 8080,
			  "198.51.100.8", 30000, 150);
		for (unsigned i = 0; i < 128; i++) {
			snprintf(addr, sizeof(addr), "203.0.113.%u", 1 + i);
			dfx_socks(&x, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, addr,
				  20000, 1);
		}
		dfx_socks(&x, SW_TCP, SW_TIME_WAIT, "192.0.2.1", 80,
			  "198.51.100.9", 1024, 1700);
		dfx_run(&x);
	}
	assert_int_equal(x.n, 4);
	assert_int_equal(x.out[0].kind, SW_FK_SYN_FLOOD);
	assert_int_equal(x.out[0].severity, SW_SEV_CRIT);
	assert_int_equal(x.out[1].kind, SW_FK_CLOSE_WAIT_PILEUP);
	assert_int_equal(x.out[1].subject.port, 8080);
	assert_int_equal(x.out[2].kind, SW_FK_CLOSE_WAIT_PILEUP);
	assert_int_equal(x.out[2].subject.port, 9090);
	assert_int_equal(x.out[3].kind, SW_FK_TIME_WAIT_PILEUP);
	for (size_t i = 0; i < x.n; i++) {
		assert_true(x.out[i].text[0]);
		assert_true(x.out[i].advice[0]);
		assert_true(x.out[i].nevidence > 0);
	}
	dfx_free(&x);
}

/* Two diagnoses of the same frames say the same (a replay is the same
 * frames as the live run). */
static void test_same_frames_same_findings(void **state)
{
	static struct sw_finding first[3][8];
	size_t nfirst[3];
	uint32_t seed;
	struct dfx x;

	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		dfx_init(&x);
		healthy_host(&x);
		seed = 3;
		for (unsigned r = 0; r < 5; r++) {
			healthy_scene(&x, r, &seed);
			x.cookie = 30000000;
			dfx_socks(&x, SW_TCP, SW_CLOSE_WAIT, "192.0.2.1", 443,
				  "198.51.100.77", 2000, 300);
			dfx_socks(&x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 443,
				  "203.0.113.99", 2000, 3000);
			dfx_run(&x);
			if (r < 2)
				continue;
			assert_true(x.n > 0 && x.n <= 8);
			if (pass == 0) {
				memcpy(first[r - 2], x.out, x.n * sizeof(*x.out));
				nfirst[r - 2] = x.n;
				continue;
			}
			assert_int_equal(x.n, nfirst[r - 2]);
			for (size_t i = 0; i < x.n; i++) {
				const struct sw_finding *a = &first[r - 2][i], *b = &x.out[i];

				assert_int_equal(a->kind, b->kind);
				assert_string_equal(a->text, b->text);
				assert_string_equal(a->advice, b->advice);
				assert_true(a->since_ns == b->since_ns);
				assert_int_equal(a->nevidence, b->nevidence);
			}
		}
		dfx_free(&x);
	}
}

/* A frame without sockets (a replay's damage) or with nothing: nothing. */
static void test_empty_frame(void **state)
{
	struct dfx x;

	(void)state;
	dfx_init(&x);
	dfx_begin(&x);
	assert_int_equal(dfx_run(&x), 0);
	assert_null(x.out);
	memset(&x.frame, 0, sizeof(x.frame));
	assert_int_equal(sw_diagnosis_run(x.d, &x.frame, &x.out, &x.n), 0);
	assert_int_equal(x.n, 0);
	dfx_free(&x);
}

/* Every kind has a detector with documented thresholds. */
static void test_every_kind_has_limits(void **state)
{
	const char *keys[16], *what[16];
	double values[16];

	(void)state;
	for (unsigned k = 0; k < SW_FK_MAX; k++) {
		unsigned n = sw_diagnosis_limits(k, keys, values, what, 16);

		assert_true(n > 0);
		for (unsigned i = 0; i < n && i < 16; i++) {
			assert_true(keys[i] && *keys[i]);
			assert_true(what[i] && *what[i]);
			assert_true(values[i] == sw_diagnosis_limit(k, keys[i]));
		}
	}
	assert_true(isnan(sw_diagnosis_limit(SW_FK_SYN_FLOOD, "nope")));
}

/* The README's "What sockwatch tells you" lists each kind with each of
 * its thresholds as "`key` = value": the docs say what the code does. */
static void test_readme_lists_thresholds(void **state)
{
	static char readme[200000];
	const char *keys[16], *what[16];
	double values[16];
	char *sec, *end;
	FILE *fp = fopen("README.md", "r");
	size_t n;

	(void)state;
	assert_non_null(fp);
	n = fread(readme, 1, sizeof(readme) - 1, fp);
	fclose(fp);
	readme[n] = '\0';
	/* lines wrap anywhere: every run of white space is one space */
	for (char *r = readme, *w = readme;; r++) {
		if (*r == '\n' && r[1] == '-') {
			*w++ = '\n'; /* a list item starts a line */
			continue;
		}
		if ((*r == ' ' || *r == '\n') && w > readme && w[-1] == ' ')
			continue;
		*w++ = *r == '\n' ? ' ' : *r;
		if (!*r)
			break;
	}
	sec = strstr(readme, "### What sockwatch tells you");
	assert_non_null(sec);
	end = strstr(sec + 4, " ### ");
	assert_non_null(end);
	*end = '\0';
	for (unsigned k = 0; k < SW_FK_MAX; k++) {
		char head[64], want[96], *item, *next;
		unsigned nl = sw_diagnosis_limits(k, keys, values, what, 16);

		snprintf(head, sizeof(head), "- **`%s`**", sw_finding_kind_name(k));
		item = strstr(sec, head);
		if (!item)
			fail_msg("README does not describe %s", sw_finding_kind_name(k));
		next = strstr(item + 2, "\n- **`");
		if (next)
			*next = '\0';
		for (unsigned i = 0; i < nl; i++) {
			snprintf(want, sizeof(want), "`%s` = %g", keys[i], values[i]);
			if (!strstr(item, want))
				fail_msg("README's %s does not say %s",
					 sw_finding_kind_name(k), want);
		}
		if (next)
			*next = '\n';
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_busy_healthy_server_says_nothing),
		cmocka_unit_test(test_busy_server_attacked),
		cmocka_unit_test(test_worst_first),
		cmocka_unit_test(test_same_frames_same_findings),
		cmocka_unit_test(test_empty_frame),
		cmocka_unit_test(test_every_kind_has_limits),
		cmocka_unit_test(test_readme_lists_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
