/* Unit tests: the doctor's verdict on settings against what listens, its
 * thresholds' edges, a healthy host with no risk, the tcp_tw_recycle scan
 * of configuration texts, and its text and JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_doctor.h"
#include "sw_finding.h"
#include "sw_test.h"

struct dfx {
	struct sw_snapshot snap;
	struct sw_agg agg;
	struct sw_hostcfg h;
	struct sw_doctor d;
	uint64_t cookie;
};

/* A healthy host: the defaults of a current kernel. */
static const char healthy[] =
	"net.ipv4.tcp_syncookies 1\n"
	"net.ipv4.tcp_max_syn_backlog 2048\n"
	"net.core.somaxconn 4096\n"
	"net.ipv4.tcp_synack_retries 5\n"
	"net.ipv4.tcp_max_tw_buckets 131072\n"
	"net.ipv4.tcp_tw_reuse 2\n"
	"net.ipv4.tcp_fin_timeout 60\n"
	"net.ipv4.ip_local_port_range 32768 60999\n"
	"net.netfilter.nf_conntrack_count 100\n"
	"net.netfilter.nf_conntrack_max 262144\n";

static void dfx_init(struct dfx *f)
{
	memset(f, 0, sizeof(*f));
	sw_snapshot_init(&f->snap);
	sw_agg_init(&f->agg);
	sw_hostcfg_parse(&f->h, healthy, sizeof(healthy) - 1);
	f->cookie = 1;
}

static void dfx_free(struct dfx *f)
{
	sw_agg_free(&f->agg);
	sw_snapshot_free(&f->snap);
}

static void dfx_sock(struct dfx *f, unsigned state, const char *src,
		     unsigned sport, const char *dst, unsigned dport,
		     unsigned rq, unsigned wq)
{
	struct sw_sock s = sw_test_sock(SW_TCP, state, src, sport, dst, dport,
					f->cookie++);

	s.rqueue = rq;
	s.wqueue = wq;
	assert_int_equal(sw_snapshot_add(&f->snap, &s), 1);
}

static void dfx_listener(struct dfx *f, unsigned port, unsigned backlog)
{
	dfx_sock(f, SW_LISTEN, "0.0.0.0", port, "0.0.0.0", 0, 0, backlog);
}

static const struct sw_doctor_item *dfx_judge(struct dfx *f,
					      const char *setting)
{
	struct sw_agg_opts g = { 32, 128, false };

	assert_int_equal(sw_agg_build(&f->agg, NULL, &f->snap, &g), 0);
	assert_int_equal(sw_doctor_judge(&f->d, &f->h, &f->agg, &f->snap), 0);
	for (size_t i = 0; i < f->d.n; i++)
		if (!strcmp(f->d.item[i].setting, setting))
			return &f->d.item[i];
	fail_msg("no item for %s", setting);
	return NULL;
}

/* A busy healthy server: listeners with big backlogs, thousands of
 * clients, TIME_WAIT well under the limit, outbound connections spread. */
static void test_healthy_no_risk(void **state)
{
	struct dfx f;
	char a[32];

	(void)state;
	dfx_init(&f);
	dfx_listener(&f, 80, 4096);
	dfx_listener(&f, 443, 511);
	for (int i = 0; i < 3000; i++) {
		snprintf(a, sizeof(a), "198.51.100.%d", i % 250 + 1);
		dfx_sock(&f, i % 5 ? SW_ESTABLISHED : SW_TIME_WAIT, "192.0.2.1",
			 i % 2 ? 80 : 443, a, 10000 + i, 0, 0);
	}
	for (int i = 0; i < 500; i++) { /* to a database, outbound */
		snprintf(a, sizeof(a), "203.0.113.%d", i % 10 + 1);
		dfx_sock(&f, SW_ESTABLISHED, "192.0.2.1", 40000 + i, a, 5432, 0, 0);
	}
	dfx_judge(&f, "net.ipv4.tcp_syncookies");
	for (size_t i = 0; i < f.d.n; i++)
		if (f.d.item[i].severity)
			fail_msg("false alarm on %s: %s", f.d.item[i].setting,
				 f.d.item[i].why);
	assert_int_equal(f.d.risks, 0);
	assert_int_equal(f.d.tcp_listeners, 2);
	assert_int_equal(f.d.time_wait, 600);
	assert_int_equal(f.d.max_out_dest, 50);
	dfx_free(&f);
}

static void test_syncookies_off(void **state)
{
	const struct sw_doctor_item *it;
	struct dfx f;

	(void)state;
	dfx_init(&f);
	f.h.val[SW_H_TCP_SYNCOOKIES] = 0;
	/* nothing listening: off is no risk yet */
	it = dfx_judge(&f, "net.ipv4.tcp_syncookies");
	assert_int_equal(it->severity, 0);
	assert_string_equal(it->value, "0");
	dfx_listener(&f, 80, 128);
	it = dfx_judge(&f, "net.ipv4.tcp_syncookies");
	assert_int_equal(it->severity, SW_SEV_CRIT);
	assert_non_null(strstr(it->why, ":80"));
	assert_string_equal(it->advice, "sysctl -w net.ipv4.tcp_syncookies=1");
	assert_int_equal(f.d.risks, 1);
	/* in a namespace the command runs there */
	f.d.netns = "web1";
	it = dfx_judge(&f, "net.ipv4.tcp_syncookies");
	assert_string_equal(it->advice, "ip netns exec web1 sysctl -w "
					"net.ipv4.tcp_syncookies=1");
	dfx_free(&f);
}

/* somaxconn: a risk when small and a listener sits at it (it was capped);
 * the edges of both. */
static void test_somaxconn_caps(void **state)
{
	const struct sw_doctor_item *it;
	struct dfx f;

	(void)state;
	dfx_init(&f);
	f.h.val[SW_H_SOMAXCONN] = 16;
	dfx_listener(&f, 8080, 15); /* asked for less: not capped */
	it = dfx_judge(&f, "net.core.somaxconn");
	assert_int_equal(it->severity, 0);
	dfx_listener(&f, 9090, 16); /* at the cap: it asked for 16 or more */
	it = dfx_judge(&f, "net.core.somaxconn");
	assert_int_equal(it->severity, SW_SEV_WARN);
	assert_non_null(strstr(it->why, ":9090"));
	assert_int_equal(f.d.nlisteners, 2);
	assert_int_equal(f.d.listener[0].port, 8080);
	assert_false(f.d.listener[0].capped);
	assert_int_equal(f.d.listener[1].port, 9090);
	assert_int_equal(f.d.listener[1].backlog, 16);
	assert_true(f.d.listener[1].capped);
	assert_null(strstr(it->why, ":8080"));
	assert_non_null(strstr(it->advice, "sysctl -w net.core.somaxconn=4096"));
	/* listened before somaxconn was lowered: above it, capped when it
	 * listens again - a risk too */
	dfx_free(&f);
	dfx_init(&f);
	f.h.val[SW_H_SOMAXCONN] = 16;
	dfx_listener(&f, 6060, 511);
	it = dfx_judge(&f, "net.core.somaxconn");
	assert_int_equal(it->severity, SW_SEV_WARN);
	assert_non_null(strstr(it->why, "at the cap of 16 or above (:6060)"));
	/* at the threshold of "small", a capped listener is no risk */
	f.h.val[SW_H_SOMAXCONN] = SW_DOCTOR_SOMAXCONN_SMALL;
	dfx_listener(&f, 7070, SW_DOCTOR_SOMAXCONN_SMALL);
	it = dfx_judge(&f, "net.core.somaxconn");
	assert_int_equal(it->severity, 0);
	f.h.val[SW_H_SOMAXCONN] = SW_DOCTOR_SOMAXCONN_SMALL - 1;
	it = dfx_judge(&f, "net.core.somaxconn");
	assert_int_equal(it->severity, SW_SEV_WARN);
	dfx_free(&f);
}

static void test_syn_backlog_and_retries(void **state)
{
	const struct sw_doctor_item *it;
	struct dfx f;

	(void)state;
	dfx_init(&f);
	dfx_listener(&f, 80, 128);
	f.h.val[SW_H_TCP_MAX_SYN_BACKLOG] = SW_DOCTOR_SYN_BACKLOG_SMALL;
	assert_int_equal(dfx_judge(&f, "net.ipv4.tcp_max_syn_backlog")->severity, 0);
	f.h.val[SW_H_TCP_MAX_SYN_BACKLOG] = SW_DOCTOR_SYN_BACKLOG_SMALL - 1;
	it = dfx_judge(&f, "net.ipv4.tcp_max_syn_backlog");
	assert_int_equal(it->severity, SW_SEV_WARN);
	assert_string_equal(it->advice, "sysctl -w net.ipv4.tcp_max_syn_backlog=4096");
	f.h.val[SW_H_TCP_SYNACK_RETRIES] = SW_DOCTOR_SYNACK_RETRIES_HIGH + 1;
	it = dfx_judge(&f, "net.ipv4.tcp_synack_retries");
	assert_int_equal(it->severity, SW_SEV_WARN);
	assert_non_null(strstr(it->why, "127s"));
	dfx_free(&f);
}

/* TIME_WAIT against tcp_max_tw_buckets: warn from 80%, crit from 95%. */
static void test_time_wait_near_limit(void **state)
{
	const struct sw_doctor_item *it;
	struct dfx f;

	(void)state;
	dfx_init(&f);
	f.h.val[SW_H_TCP_MAX_TW_BUCKETS] = 100;
	for (int i = 0; i < 79; i++)
		dfx_sock(&f, SW_TIME_WAIT, "192.0.2.1", 80, "198.51.100.1", 1000 + i,
			 0, 0);
	assert_int_equal(dfx_judge(&f, "net.ipv4.tcp_max_tw_buckets")->severity, 0);
	dfx_sock(&f, SW_TIME_WAIT, "192.0.2.1", 80, "198.51.100.2", 1, 0, 0);
	it = dfx_judge(&f, "net.ipv4.tcp_max_tw_buckets");
	assert_int_equal(it->severity, SW_SEV_WARN);
	assert_string_equal(it->advice, "sysctl -w net.ipv4.tcp_max_tw_buckets=200");
	for (int i = 0; i < 15; i++)
		dfx_sock(&f, SW_TIME_WAIT, "192.0.2.1", 80, "198.51.100.3", 1 + i, 0, 0);
	assert_int_equal(dfx_judge(&f, "net.ipv4.tcp_max_tw_buckets")->severity,
			 SW_SEV_CRIT);
	dfx_free(&f);
}

/* Outbound connections to one destination against the port range; inbound
 * ones (to a port the host listens on) do not count. */
static void test_port_range_exhaustion(void **state)
{
	const struct sw_doctor_item *it;
	struct dfx f;

	(void)state;
	dfx_init(&f);
	f.h.val[SW_H_PORT_RANGE_LOW] = 1000;
	f.h.val[SW_H_PORT_RANGE_HIGH] = 1099; /* 100 ports */
	f.h.val[SW_H_TCP_TW_REUSE] = 0;
	dfx_listener(&f, 80, 128);
	for (int i = 0; i < 200; i++) /* inbound from one client */
		dfx_sock(&f, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.9",
			 2000 + i, 0, 0);
	for (int i = 0; i < 79; i++)
		dfx_sock(&f, i % 2 ? SW_TIME_WAIT : SW_ESTABLISHED, "192.0.2.1",
			 1000 + i, "203.0.113.5", 3306, 0, 0);
	assert_int_equal(dfx_judge(&f, "net.ipv4.ip_local_port_range")->severity, 0);
	assert_int_equal(f.d.max_out_dest, 79);
	dfx_sock(&f, SW_ESTABLISHED, "192.0.2.1", 1090, "203.0.113.5", 3306, 0, 0);
	it = dfx_judge(&f, "net.ipv4.ip_local_port_range");
	assert_int_equal(it->severity, SW_SEV_WARN);
	assert_non_null(strstr(it->why, "80 outbound"));
	it = dfx_judge(&f, "net.ipv4.tcp_tw_reuse");
	assert_int_equal(it->severity, SW_SEV_WARN);
	assert_string_equal(it->advice, "sysctl -w net.ipv4.tcp_tw_reuse=1");
	dfx_free(&f);
}

static void test_conntrack(void **state)
{
	const struct sw_doctor_item *it;
	struct dfx f;

	(void)state;
	dfx_init(&f);
	f.h.val[SW_H_CONNTRACK_MAX] = 1000;
	f.h.val[SW_H_CONNTRACK_COUNT] = 799;
	assert_int_equal(dfx_judge(&f, "net.netfilter.nf_conntrack_count")->severity, 0);
	f.h.val[SW_H_CONNTRACK_COUNT] = 950;
	it = dfx_judge(&f, "net.netfilter.nf_conntrack_count");
	assert_int_equal(it->severity, SW_SEV_CRIT);
	assert_string_equal(it->advice, "sysctl -w net.netfilter.nf_conntrack_max=2000");
	/* not loaded: unknown, no risk */
	f.h.val[SW_H_CONNTRACK_MAX] = -1;
	f.h.val[SW_H_CONNTRACK_COUNT] = -1;
	it = dfx_judge(&f, "net.netfilter.nf_conntrack_count");
	assert_int_equal(it->severity, 0);
	assert_string_equal(it->value, "unknown");
	assert_non_null(strstr(it->why, "not loaded"));
	dfx_free(&f);
}

static void test_scan_conf(void **state)
{
	static const char conf[] =
		"# net.ipv4.tcp_tw_recycle = 1   (a comment)\n"
		"; net.ipv4.tcp_tw_recycle = 1\n"
		"net.ipv4.tcp_tw_reuse = 1\n"
		"net.ipv4.tcp_tw_recycle = 1\n"
		"  -net/ipv4/tcp_tw_recycle=1\r\n"
		"net.ipv4.tcp_tw_recycled = 1\n";
	struct dfx f;

	(void)state;
	dfx_init(&f);
	dfx_judge(&f, "net.ipv4.tcp_syncookies");
	assert_int_equal(f.d.risks, 0);
	assert_int_equal(sw_doctor_scan_conf(&f.d, "/etc/sysctl.d/99-tune.conf",
					     conf, sizeof(conf) - 1), 2);
	assert_int_equal(f.d.risks, 2);
	assert_string_equal(f.d.item[f.d.n - 2].where, "/etc/sysctl.d/99-tune.conf:4");
	assert_string_equal(f.d.item[f.d.n - 1].where, "/etc/sysctl.d/99-tune.conf:5");
	assert_string_equal(f.d.item[f.d.n - 1].value, "1");
	assert_non_null(strstr(f.d.item[f.d.n - 1].why, "NAT"));
	assert_non_null(strstr(f.d.item[f.d.n - 1].why, "4.12"));
	dfx_free(&f);
}

static void test_text_and_json(void **state)
{
	struct dfx f;
	struct sw_buf b;
	char *crit, *ok;

	(void)state;
	dfx_init(&f);
	f.h.val[SW_H_TCP_SYNCOOKIES] = 0;
	dfx_listener(&f, 80, 128);
	dfx_judge(&f, "net.ipv4.tcp_syncookies");
	sw_doctor_scan_conf(&f.d, "/etc/sysctl.conf", "net.ipv4.tcp_tw_recycle=1\n",
			    26);
	sw_buf_init(&b);
	sw_doctor_text(&f.d, &b);
	assert_non_null(strstr(b.data, "1 TCP listener, 0 TIME_WAIT; 2 risks\n"));
	crit = strstr(b.data, "RISK crit  net.ipv4.tcp_syncookies = 0\n");
	ok = strstr(b.data, "ok         net.core.somaxconn = 4096\n");
	assert_non_null(crit);
	assert_non_null(ok);
	assert_true(crit < ok); /* risks first */
	assert_non_null(strstr(b.data, "fix: sysctl -w net.ipv4.tcp_syncookies=1\n"));
	assert_non_null(strstr(b.data, "RISK warn  net.ipv4.tcp_tw_recycle = 1  "
				       "(/etc/sysctl.conf:1)\n"));
	sw_buf_reset(&b);
	sw_doctor_json(&f.d, &b);
	assert_non_null(strstr(b.data, "\"risks\":2,"));
	assert_non_null(strstr(b.data, "\"listeners\":[{\"addr\":\"0.0.0.0\",\"port\":80,"
				       "\"backlog\":128,\"capped\":false,\"process\":null}],"));
	assert_non_null(strstr(b.data, "{\"setting\":\"net.ipv4.tcp_syncookies\","
				       "\"value\":\"0\",\"risk\":\"crit\","));
	assert_non_null(strstr(b.data, "\"advice\":\"sysctl -w "
				       "net.ipv4.tcp_syncookies=1\"}"));
	assert_non_null(strstr(b.data, "\"config\":[{\"setting\":"
				       "\"net.ipv4.tcp_tw_recycle\",\"where\":"
				       "\"/etc/sysctl.conf:1\",\"value\":\"1\","
				       "\"risk\":\"warn\","));
	assert_int_equal(b.data[b.len - 1], '\n');
	sw_buf_free(&b);
	dfx_free(&f);
}

/* Nothing readable: every value unknown, no risk claimed. */
static void test_no_settings(void **state)
{
	struct sw_doctor d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(sw_doctor_judge(&d, NULL, NULL, NULL), 0);
	assert_int_equal(d.risks, 0);
	for (size_t i = 0; i < d.n; i++)
		assert_string_equal(d.item[i].value, "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy_no_risk),
		cmocka_unit_test(test_syncookies_off),
		cmocka_unit_test(test_somaxconn_caps),
		cmocka_unit_test(test_syn_backlog_and_retries),
		cmocka_unit_test(test_time_wait_near_limit),
		cmocka_unit_test(test_port_range_exhaustion),
		cmocka_unit_test(test_conntrack),
		cmocka_unit_test(test_scan_conf),
		cmocka_unit_test(test_text_and_json),
		cmocka_unit_test(test_no_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
