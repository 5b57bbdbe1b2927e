/* Unit tests: JSON and text reports of a frame. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_report.h"
#include "sw_test.h"
#include "json_check.h"

static void build_frame(struct sw_frame *f, struct sw_snapshot *prev,
			struct sw_snapshot *cur, struct sw_agg *a)
{
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	struct sw_sock r;
	uint64_t c;

	sw_snapshot_init(prev);
	sw_snapshot_init(cur);
	sw_agg_init(a);
	prev->mono_ns = 1000000000ull;
	cur->mono_ns = 3000000000ull;
	r = sw_test_sock(SW_TCP, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1);
	r.rqueue = 3;
	r.wqueue = 128;
	sw_snapshot_add(prev, &r);
	sw_snapshot_add(cur, &r);
	for (c = 10; c < 16; c++) {
		r = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
				 "198.51.100.66", (unsigned)(1000 + c), c);
		sw_snapshot_add(cur, &r);
	}
	r = sw_test_sock(SW_TCP, SW_SYN_RECV, "2001:db8::1", 80, "2001:db8::66", 999, 99);
	sw_snapshot_add(cur, &r);
	assert_int_equal(sw_agg_build(a, prev, cur, &o), 0);
	memset(f, 0, sizeof(*f));
	f->seq = 2;
	f->time_ns = 1795000000123456789ull;
	f->interval_s = a->interval_s;
	f->refresh_ms = 1.25;
	f->snap = cur;
	f->agg = a;
	f->have_prev_counters = true;
	f->counters.have[SW_C_SYNCOOKIES_SENT] = true;
	f->prev_counters.have[SW_C_SYNCOOKIES_SENT] = true;
	f->counters.val[SW_C_SYNCOOKIES_SENT] = 10;
	strcpy(a->listeners[0].process, "we\"b\x01");
	a->listeners[0].pid = 77;
}

static void test_json_contract(void **state)
{
	struct sw_snapshot prev, cur;
	struct sw_agg a;
	struct sw_frame f;
	struct sw_buf b;
	struct sw_report_opts ro = {.top = 20, .filter = "port 80", .group_v4 = 32,
				    .group_v6 = 128};
	const char *end;

	(void)state;
	build_frame(&f, &prev, &cur, &a);
	sw_buf_init(&b);
	sw_report_json(&b, &f, &ro);
	end = json_value(b.data);
	assert_non_null(end);
	assert_string_equal(end, "\n");
	assert_int_equal(strchr(b.data, '\n') - b.data, (long)b.len - 1);
	assert_non_null(strstr(b.data, "\"time\": \"2026-11-18T"));
	assert_non_null(strstr(b.data, "\"interval_s\": 2.000000"));
	assert_non_null(strstr(b.data, "\"sockets\": {\"total\": 8, \"tcp\": 8, \"udp\": 0"));
	assert_non_null(strstr(b.data, "{\"state\": \"ESTABLISHED\", \"count\": 6, "
				       "\"delta\": 6, \"entered\": 6, \"entered_per_s\": 3.000}"));
	assert_non_null(strstr(b.data, "{\"addr\": \"198.51.100.66\", \"prefix\": 32, "
				       "\"count\": 6, \"time_wait\": 0, \"inbound\": 6, "
				       "\"outbound\": 0, \"new\": 6, \"new_per_s\": 3.000"));
	assert_non_null(strstr(b.data, "\"addr\": \"2001:db8::66\", \"prefix\": 128"));
	assert_non_null(strstr(b.data, "{\"proto\": \"tcp\", \"addr\": \"0.0.0.0\", "
				       "\"port\": 80, \"accept_queue\": 3, \"backlog\": 128, "
				       "\"syn_recv\": 1, \"established\": 6, "
				       "\"process\": \"we\\\"b\\u0001\", \"pid\": 77}"));
	assert_non_null(strstr(b.data, "\"SyncookiesSent\": {\"total\": 10, \"per_s\": 5.000}"));
	/* --top limits remotes but says how many there are */
	ro.top = 1;
	sw_buf_reset(&b);
	sw_report_json(&b, &f, &ro);
	assert_non_null(json_value(b.data));
	assert_null(strstr(b.data, "2001:db8::66"));
	assert_non_null(strstr(b.data, "\"remotes_total\": 2"));
	sw_buf_free(&b);
	sw_agg_free(&a);
	sw_snapshot_free(&prev);
	sw_snapshot_free(&cur);
}

static void test_text_tables(void **state)
{
	struct sw_snapshot prev, cur;
	struct sw_agg a;
	struct sw_frame f;
	struct sw_buf b;
	struct sw_report_opts ro = {.top = 20, .filter = ""};

	(void)state;
	build_frame(&f, &prev, &cur, &a);
	sw_buf_init(&b);
	sw_report_text(&b, &f, &ro);
	assert_non_null(strstr(b.data, "ESTABLISHED         6       +6        3.0\n"));
	assert_non_null(strstr(b.data, "198.51.100.66"));
	assert_non_null(strstr(b.data, "EST 6"));
	assert_non_null(strstr(b.data, "0.0.0.0:80"));
	assert_non_null(strstr(b.data, "SyncookiesSent"));
	sw_buf_free(&b);
	sw_agg_free(&a);
	sw_snapshot_free(&prev);
	sw_snapshot_free(&cur);
}

/* One snapshot: every rate is not known. The JSON says null and the
 * text "-", never 0.0 (a rate of 0 is a claim). */
static void test_first_refresh_rates_unknown(void **state)
{
	struct sw_snapshot prev, cur;
	struct sw_agg a;
	struct sw_frame f;
	struct sw_buf b;
	struct sw_report_opts ro = {.top = 20, .filter = ""};
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };

	(void)state;
	build_frame(&f, &prev, &cur, &a);
	assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);
	f.seq = 1;
	f.interval_s = 0;
	f.have_prev_counters = false;
	f.counters.have[SW_C_LISTEN_OVERFLOWS] = true;
	f.counters.val[SW_C_LISTEN_OVERFLOWS] = 300;
	sw_buf_init(&b);
	sw_report_json(&b, &f, &ro);
	assert_non_null(strstr(b.data, "\"entered_per_s\": null}"));
	/* nothing to compare with: the change and the entries are not 0 */
	assert_non_null(strstr(b.data, "\"count\": 6, \"delta\": null, \"entered\": null,"));
	assert_non_null(strstr(b.data, "\"new_per_s\": null"));
	assert_non_null(strstr(b.data, "\"ListenOverflows\": {\"total\": 300, \"per_s\": null}"));
	assert_null(strstr(b.data, "per_s\": 0"));
	sw_buf_reset(&b);
	sw_report_text(&b, &f, &ro);
	assert_non_null(strstr(b.data, "ListenOverflows                   300          -\n"));
	assert_non_null(strstr(b.data, "ESTABLISHED         6        -          -\n"));
	assert_null(strstr(b.data, " 0.0\n"));
	sw_buf_free(&b);
	sw_agg_free(&a);
	sw_snapshot_free(&prev);
	sw_snapshot_free(&cur);
}

static void test_json_string_escapes(void **state)
{
	struct sw_buf b;

	(void)state;
	sw_buf_init(&b);
	sw_buf_json_str(&b, "a\"b\\c\n\xff\xc3\xa9");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\u000a\\u00ff\xc3\xa9\"");
	sw_buf_reset(&b);
	sw_buf_json_num(&b, 0.0 / 0.0, 3);
	assert_string_equal(b.data, "0.000");
	sw_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_contract),
		cmocka_unit_test(test_text_tables),
		cmocka_unit_test(test_first_refresh_rates_unknown),
		cmocka_unit_test(test_json_string_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
