/* Unit tests: the host settings text (parse, format, values), the reader
 * on a made-up /proc/sys tree, and host settings through a recording: a
 * live engine records them once, a replay sees them, an old recording
 * has none. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_buf.h"
#include "sw_engine.h"
#include "sw_hostcfg.h"
#include "sw_hostcfg_read.h"
#include "sw_record.h"
#include "sw_test.h"

static void test_parse_known_and_unknown(void **state)
{
	static const char text[] =
		"net.ipv4.tcp_syncookies 0\n"
		"net.core.somaxconn 16\n"
		"net.ipv4.ip_local_port_range 32768 60999\n"
		"net.ipv4.tcp_fin_timeout -5\n"       /* negative: unknown */
		"net.ipv4.tcp_max_tw_buckets 12x\n"   /* malformed: unknown */
		"net.ipv4.some_future_setting 7\n"    /* not ours: skipped */
		"net.ipv4.tcp_synack_retries\n"       /* no value */
		"net.netfilter.nf_conntrack_max 262144"; /* no final newline */
	struct sw_hostcfg h;

	(void)state;
	h.time_ns = 42;
	assert_int_equal(sw_hostcfg_parse(&h, text, sizeof(text) - 1), 5);
	assert_int_equal(h.val[SW_H_TCP_SYNCOOKIES], 0);
	assert_int_equal(h.val[SW_H_SOMAXCONN], 16);
	assert_int_equal(h.val[SW_H_PORT_RANGE_LOW], 32768);
	assert_int_equal(h.val[SW_H_PORT_RANGE_HIGH], 60999);
	assert_int_equal(h.val[SW_H_TCP_FIN_TIMEOUT], -1);
	assert_int_equal(h.val[SW_H_TCP_MAX_TW_BUCKETS], -1);
	assert_int_equal(h.val[SW_H_TCP_SYNACK_RETRIES], -1);
	assert_int_equal(h.val[SW_H_CONNTRACK_MAX], 262144);
	assert_int_equal(h.val[SW_H_CONNTRACK_COUNT], -1);
	assert_int_equal(h.val[SW_H_TCP_MAX_SYN_BACKLOG], -1);
	assert_int_equal(h.time_ns, 42);
	/* a name that only starts like ours is not ours */
	assert_int_equal(sw_hostcfg_parse(&h, "net.core.somaxconnx 5\n", 22), 0);
	assert_int_equal(h.val[SW_H_SOMAXCONN], -1);
	/* a port range line with one value sets the low end only */
	assert_int_equal(sw_hostcfg_parse(&h, "net.ipv4.ip_local_port_range 1024\n",
					  34), 1);
	assert_int_equal(h.val[SW_H_PORT_RANGE_LOW], 1024);
	assert_int_equal(h.val[SW_H_PORT_RANGE_HIGH], -1);
	{ /* and formats back to the same */
		struct sw_buf b;
		struct sw_hostcfg g;

		sw_buf_init(&b);
		sw_hostcfg_format(&h, &b);
		assert_string_equal(b.data, "net.ipv4.ip_local_port_range 1024\n");
		sw_hostcfg_parse(&g, b.data, b.len);
		assert_memory_equal(g.val, h.val, sizeof(h.val));
		sw_buf_free(&b);
	}
}

static void test_format_round_trip(void **state)
{
	struct sw_hostcfg h, g;
	struct sw_buf b;
	char v[64];

	(void)state;
	sw_hostcfg_init(&h);
	assert_int_equal(h.val[SW_H_SOMAXCONN], -1);
	h.val[SW_H_TCP_SYNCOOKIES] = 1;
	h.val[SW_H_SOMAXCONN] = 4096;
	h.val[SW_H_PORT_RANGE_LOW] = 10000;
	h.val[SW_H_PORT_RANGE_HIGH] = 20000;
	sw_buf_init(&b);
	sw_hostcfg_format(&h, &b);
	assert_string_equal(b.data, "net.ipv4.tcp_syncookies 1\n"
				    "net.core.somaxconn 4096\n"
				    "net.ipv4.ip_local_port_range 10000 20000\n");
	assert_int_equal(sw_hostcfg_parse(&g, b.data, b.len), 4);
	assert_memory_equal(g.val, h.val, sizeof(h.val));
	assert_string_equal(sw_hostcfg_value(&h, "net.ipv4.ip_local_port_range",
					     v, sizeof(v)), "10000 20000");
	assert_string_equal(sw_hostcfg_value(&h, "net.ipv4.tcp_tw_reuse", v,
					     sizeof(v)), "unknown");
	assert_string_equal(sw_hostcfg_value(&h, "no.such", v, sizeof(v)),
			    "unknown");
	sw_buf_free(&b);
}

static void test_table(void **state)
{
	char path[64];
	unsigned n = 0;

	(void)state;
	assert_string_equal(sw_hostcfg_name(SW_H_PORT_RANGE_HIGH),
			    "net.ipv4.ip_local_port_range");
	assert_string_equal(sw_hostcfg_name(SW_H_MAX), "unknown");
	while (sw_hostcfg_sysctl(n))
		n++;
	assert_int_equal(n, SW_H_MAX - 1); /* the port range is one file */
	assert_string_equal(sw_hostcfg_path("/proc/sys", "net.ipv4.tcp_syncookies",
					    path, sizeof(path)),
			    "/proc/sys/net/ipv4/tcp_syncookies");
	assert_null(sw_hostcfg_path("/proc/sys", "net.ipv4.tcp_syncookies",
				    path, 20));
}

static void put(const char *root, const char *rel, const char *text)
{
	char p[256], d[300];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	snprintf(d, sizeof(d), "mkdir -p \"$(dirname '%s')\"", p);
	assert_int_equal(system(d), 0);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The reader on a tree shaped like /proc/sys: tabs and newlines of the
 * files become one line each; a missing file (conntrack) is left out. */
static void test_read_tree(void **state)
{
	char root[] = "/tmp/sw-test-hostcfg-XXXXXX", cmd[300];
	struct sw_hostcfg h;
	struct sw_buf b;

	(void)state;
	assert_non_null(mkdtemp(root));
	put(root, "net/ipv4/tcp_syncookies", "2\n");
	put(root, "net/core/somaxconn", "128\n");
	put(root, "net/ipv4/ip_local_port_range", "32768\t60999\n");
	put(root, "net/ipv4/tcp_tw_reuse", "\n"); /* empty: unknown */
	sw_buf_init(&b);
	assert_int_equal(sw_hostcfg_read(root, &b), 3);
	assert_string_equal(b.data, "net.ipv4.tcp_syncookies 2\n"
				    "net.core.somaxconn 128\n"
				    "net.ipv4.ip_local_port_range 32768 60999\n");
	assert_int_equal(sw_hostcfg_parse(&h, b.data, b.len), 4);
	assert_int_equal(h.val[SW_H_PORT_RANGE_HIGH], 60999);
	sw_buf_free(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* This process's own namespace: what the engine shows is what /proc/sys
 * says, read once per SW_SOURCE_HOST_EVERY_S and kept between reads; the
 * recording holds it once, and its replay shows the same. */
static void test_engine_records_and_replays(void **state)
{
	char path[] = "/tmp/sw-test-hostcfg-rec-XXXXXX", *cause = NULL;
	struct sw_engine_opts o;
	struct sw_engine *e;
	struct sw_hostcfg live, want;
	struct sw_rec_reader *r;
	struct sw_rec_item it;
	struct sw_buf b;
	int fd = mkstemp(path), hosts = 0;

	(void)state;
	close(fd);
	unlink(path);
	sw_buf_init(&b);
	assert_true(sw_hostcfg_read(NULL, &b) > 0);
	sw_hostcfg_parse(&want, b.data, b.len);
	sw_buf_free(&b);

	memset(&o, 0, sizeof(o));
	o.record = path;
	e = sw_engine_open(&o, &cause);
	if (!e)
		fail_msg("live engine: %s", cause);
	assert_null(sw_engine_frame(e)->host);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sw_engine_refresh(e, &cause), 1);
		assert_non_null(sw_engine_frame(e)->host);
	}
	live = *sw_engine_frame(e)->host;
	/* the conntrack count moves with the host's traffic: known alike */
	assert_int_equal(live.val[SW_H_CONNTRACK_COUNT] >= 0,
			 want.val[SW_H_CONNTRACK_COUNT] >= 0);
	want.val[SW_H_CONNTRACK_COUNT] = live.val[SW_H_CONNTRACK_COUNT];
	assert_memory_equal(live.val, want.val, sizeof(want.val));
	assert_true(live.time_ns > 0);
	sw_engine_close(e);

	r = sw_rec_reader_open(path, &cause);
	assert_non_null(r);
	while (sw_rec_next(r, &it, &cause) == 1)
		hosts += it.type == SW_REC_HOST;
	sw_rec_reader_close(r);
	assert_int_equal(hosts, 1); /* two refreshes within 10 s */
	assert_string_equal(sw_rec_type_name(SW_REC_HOST), "HOST");

	memset(&o, 0, sizeof(o));
	o.replay = path;
	e = sw_engine_open(&o, &cause);
	assert_non_null(e);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sw_engine_refresh(e, &cause), 1);
		assert_non_null(sw_engine_frame(e)->host);
		assert_memory_equal(sw_engine_frame(e)->host->val, live.val,
				    sizeof(live.val));
	}
	sw_engine_close(e);
	unlink(path);

	/* a recording made before host settings were recorded */
	o.replay = "tests/fixtures/diag.rec";
	e = sw_engine_open(&o, &cause);
	assert_non_null(e);
	assert_int_equal(sw_engine_refresh(e, &cause), 1);
	assert_null(sw_engine_frame(e)->host);
	sw_engine_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_known_and_unknown),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_read_tree),
		cmocka_unit_test(test_engine_records_and_replays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
