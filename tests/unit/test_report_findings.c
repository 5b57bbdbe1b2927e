/* Unit tests: the diagnosis in the reports - the JSON "diagnosis" array
 * and the findings section at the top of the text, from findings the
 * diagnosis made of fixture frames. */
#include "diag_fixture.h"
#include "json_check.h"
#include "sw_report.h"

/* A spoofed SYN flood on :80 and a connection flood from 203.0.113.7,
 * diagnosed; the frame carries the findings. */
static void attacked(struct dfx *x)
{
	char addr[32];

	dfx_init(x);
	dfx_host(x, SW_H_TCP_SYNCOOKIES, 0);
	for (int r = 0; r < 2; r++) {
		dfx_begin(x);
		dfx_listen(x, 80, 0, 128);
		for (unsigned i = 0; i < 128; i++) {
			snprintf(addr, sizeof(addr), "198.51.100.%u", 1 + i);
			dfx_socks(x, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, addr,
				  20000, 1);
		}
		for (unsigned i = 0; i < 10; i++) {
			snprintf(addr, sizeof(addr), "2001:db8::%x", 1 + i);
			dfx_socks(x, SW_TCP, SW_ESTABLISHED, "2001:db8::ff", 80, addr,
				  20000, 3);
		}
		dfx_socks(x, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "203.0.113.7",
			  30000, 300);
		dfx_run(x);
	}
	assert_int_equal(x->n, 2);
	x->frame.findings = x->out;
	x->frame.nfindings = x->n;
}

static void test_json_diagnosis(void **state)
{
	struct sw_report_opts ro = { .top = 5 };
	struct sw_buf b;
	const char *end, *p;
	struct dfx x;

	(void)state;
	attacked(&x);
	sw_buf_init(&b);
	sw_report_json(&b, &x.frame, &ro);
	assert_false(b.oom);
	end = json_value(b.data);
	assert_non_null(end);
	assert_string_equal(end, "\n");
	/* worst first: both crit, syn_flood's kind first */
	p = strstr(b.data, "\"diagnosis\": [{\"kind\": \"syn_flood\", "
			   "\"severity\": \"crit\", \"subject\": {\"kind\": "
			   "\"listener\", \"proto\": \"tcp\", \"port\": 80}, "
			   "\"text\": \"SYN flood on :80: 128 half-open");
	assert_non_null(p);
	assert_non_null(strstr(p, "\"evidence\": {\"half_open\": 128, \"limit\": "
				  "128, \"sources\": 128, "));
	assert_non_null(strstr(p, "\"tcp_syncookies\": 0, "
				  "\"sampled_sources_established\": 0}, \"advice\": "
				  "\"blocking sources will not help; SYN cookies "
				  "are off"));
	assert_non_null(strstr(p, "\"action\": null, \"since\": \""));
	p = strstr(p, "{\"kind\": \"connection_flood\", \"severity\": \"crit\", "
		      "\"subject\": {\"kind\": \"remote\", \"proto\": \"tcp\", "
		      "\"addr\": \"203.0.113.7\", \"prefix\": 32}");
	assert_non_null(p);
	assert_non_null(strstr(p, "\"share\": 0.909,"));
	assert_non_null(strstr(p, "\"action\": {\"block\": \"203.0.113.7\"}"));
	assert_non_null(strstr(p, "}], \"states\": ["));

	/* all is well: an empty array; not diagnosed: null */
	x.frame.nfindings = 0;
	x.frame.findings = NULL;
	sw_buf_reset(&b);
	sw_report_json(&b, &x.frame, &ro);
	assert_non_null(strstr(b.data, ", \"diagnosis\": [], \"states\": ["));
	ro.no_diagnosis = true;
	sw_buf_reset(&b);
	sw_report_json(&b, &x.frame, &ro);
	assert_non_null(strstr(b.data, ", \"diagnosis\": null, \"states\": ["));
	assert_non_null(json_value(b.data));
	sw_buf_free(&b);
	dfx_free(&x);
}

/* A process name from /proc is escaped in JSON and made safe in text;
 * subjects with an address say it; a v6 prefix block. */
static void test_subject_forms(void **state)
{
	struct sw_finding f[3];
	struct sw_frame fr;
	struct sw_buf b;
	struct dfx x;
	struct sw_report_opts ro = { .top = 1 };

	(void)state;
	attacked(&x);
	memset(f, 0, sizeof(f));
	f[0].kind = SW_FK_ACCEPT_QUEUE_FULL;
	f[0].severity = SW_SEV_WARN;
	f[0].subject.kind = SW_SUBJ_LISTENER;
	f[0].subject.proto = SW_TCP;
	f[0].subject.port = 8080;
	f[0].subject.family = 4;
	f[0].subject.addr[0] = 192;
	f[0].subject.addr[1] = 0;
	f[0].subject.addr[2] = 2;
	f[0].subject.addr[3] = 1;
	strcpy(f[0].subject.process, "we\"b\x01");
	strcpy(f[0].text, "accept queue full on :8080 (we\"b\x01)");
	strcpy(f[0].advice, "raise it");
	f[1].kind = SW_FK_SLOW_CLIENTS;
	f[1].severity = SW_SEV_WARN;
	f[1].subject.kind = SW_SUBJ_REMOTE;
	f[1].subject.remote = sw_test_prefix("2001:db8:7::/48");
	f[1].action = SW_ACT_BLOCK;
	f[1].target = f[1].subject.remote;
	f[1].evidence[0] = (struct sw_evidence){ "slow_conns", 480 };
	f[1].nevidence = 1;
	f[2].kind = SW_FK_TIME_WAIT_PILEUP;
	f[2].severity = SW_SEV_WARN;
	f[2].subject.kind = SW_SUBJ_HOST;
	fr = x.frame;
	fr.findings = f;
	fr.nfindings = 3;
	sw_buf_init(&b);
	sw_report_json(&b, &fr, &ro);
	assert_non_null(json_value(b.data));
	assert_non_null(strstr(b.data, "\"subject\": {\"kind\": \"listener\", "
				       "\"proto\": \"tcp\", \"port\": 8080, \"addr\": "
				       "\"192.0.2.1\", \"process\": \"we\\\"b\\u0001\"}"));
	assert_non_null(strstr(b.data, "\"subject\": {\"kind\": \"remote\", "
				       "\"proto\": \"tcp\", \"addr\": \"2001:db8:7::\", "
				       "\"prefix\": 48}"));
	assert_non_null(strstr(b.data, "\"evidence\": {\"slow_conns\": 480}"));
	assert_non_null(strstr(b.data, "{\"block\": \"2001:db8:7::/48\"}"));
	assert_non_null(strstr(b.data, "\"subject\": {\"kind\": \"host\"}, "));
	sw_buf_reset(&b);
	sw_report_text(&b, &fr, &ro);
	assert_non_null(strstr(b.data, "(we\"b\\x01)"));
	assert_null(strchr(b.data, '\x01'));
	assert_non_null(strstr(b.data, "action: sockwatch block 2001:db8:7::/48\n"));
	sw_buf_free(&b);
	dfx_free(&x);
}

static void test_text_section(void **state)
{
	struct sw_report_opts ro = { .top = 5 };
	struct sw_buf b;
	const char *st, *sf, *cf;
	struct dfx x;

	(void)state;
	attacked(&x);
	sw_buf_init(&b);
	sw_report_text(&b, &x.frame, &ro);
	st = strstr(b.data, "\nSTATE ");
	sf = strstr(b.data, "\ncrit syn_flood         SYN flood on :80: 128 half-open");
	cf = strstr(b.data, "\ncrit connection_flood  connection flood from "
			    "203.0.113.7: 300 inbound");
	/* at the top: after the two header lines, before the states */
	assert_non_null(st);
	assert_non_null(sf);
	assert_non_null(cf);
	assert_true(sf < cf && cf < st);
	assert_non_null(strstr(sf, "\n     advice: blocking sources will not help"));
	assert_non_null(strstr(cf, "\n     action: sockwatch block 203.0.113.7\n"));
	/* the spoofed flood proposes nothing: the first action is the flood's */
	assert_true(strstr(sf, "action:") > cf);
	/* nothing wrong: nothing said, the report starts as before */
	x.frame.nfindings = 0;
	sw_buf_reset(&b);
	sw_report_text(&b, &x.frame, &ro);
	assert_null(strstr(b.data, "advice"));
	assert_null(strstr(b.data, "finding"));
	st = strstr(b.data, "\n\nSTATE ");
	assert_non_null(st);
	assert_int_equal(strchr(strchr(b.data, '\n') + 1, '\n') + 1, st + 1);
	sw_buf_free(&b);
	dfx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_diagnosis),
		cmocka_unit_test(test_subject_forms),
		cmocka_unit_test(test_text_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
