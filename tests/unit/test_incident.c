/* test_incident.c - the report's core: series in bounded memory (merging
 * keeps the max and the mean exact), audit lines read back (as
 * sw_audit_format writes them, and hostile ones), episodes from the
 * numbers and from findings, the summary paragraph, the JSON and the
 * HTML page (escaped, self-contained, every chart). */
#include <math.h>
#include <stdlib.h>

#include "sw_test.h"

#include "frame_fixture.h"
#include "sw_audit.h"
#include "sw_audit_event.h"
#include "sw_incident.h"

static void test_series_merge_exact(void **state)
{
	struct sw_sset s;
	int k;

	(void)state;
	assert_int_equal(sw_sset_init(&s, 4), 0);
	k = sw_sset_add(&s);
	/* 1..16: after 4 points the pairs merge, twice */
	for (unsigned i = 1; i <= 16; i++) {
		sw_sset_tick(&s, i * 1000);
		sw_sset_put(&s, k, (float)i);
	}
	assert_int_equal(s.n, 4);
	assert_int_equal(s.per, 4);
	for (unsigned p = 0; p < 4; p++) {
		assert_float_equal(sw_sset_max(&s, k, p), 4 * p + 4, 0);
		assert_float_equal(sw_sset_mean(&s, k, p), 4 * p + 2.5, 1e-6);
	}
	/* the first point starts with the first frame, the last ends with it */
	assert_true(s.t0[0] == 1000 && s.t1[3] == 16000);
	assert_true(isnan(sw_sset_max(&s, k, 4)));
	/* a series added late is unknown before it */
	int late = sw_sset_add(&s);
	sw_sset_tick(&s, 17000);
	sw_sset_put(&s, late, 7);
	assert_true(isnan(sw_sset_max(&s, late, 0)));
	assert_float_equal(sw_sset_max(&s, late, s.n - 1), 7, 0);
	sw_sset_free(&s);
}

static void test_series_bounded(void **state)
{
	struct sw_sset s;
	uint64_t before;
	int k;

	(void)state;
	assert_int_equal(sw_sset_init(&s, SW_INC_POINTS), 0);
	k = sw_sset_add(&s);
	before = sw_sset_bytes(&s);
	for (unsigned i = 0; i < 100000; i++) { /* 28 hours at 1 s */
		sw_sset_tick(&s, (uint64_t)i * 1000000000ull);
		sw_sset_put(&s, k, i == 54321 ? 1e6f : 1);
	}
	assert_true(s.n <= SW_INC_POINTS);
	assert_int_equal(sw_sset_bytes(&s), before);
	float m = 0;
	for (unsigned p = 0; p < s.n; p++)
		m = sw_sset_max(&s, k, p) > m ? sw_sset_max(&s, k, p) : m;
	assert_float_equal(m, 1e6, 0); /* a one-second spike survives */
	sw_sset_free(&s);
}

static void test_audit_round_trip(void **state)
{
	struct sw_audit_rec r = {
		.action = "block", .target = "203.0.113.0/24", .timeout_s = 600,
		.connections = 12, .reason = "flood \"<b>\"\n\xc3\xa9", .outcome = "sent",
		.detail = "by me", .count = 3,
	};
	struct sw_audit_event ev;
	struct sw_buf b;

	(void)state;
	sw_buf_init(&b);
	sw_audit_format(&b, &r, 1700000000123000000ull, "root", NULL);
	assert_int_equal(sw_audit_event_parse(b.data, b.len, &ev), 0);
	assert_true(ev.time_ns == 1700000000123000000ull);
	assert_string_equal(ev.action, "block");
	assert_string_equal(ev.target, "203.0.113.0/24");
	assert_string_equal(ev.reason, "flood \"<b>\"\n\xc3\xa9");
	assert_string_equal(ev.user, "root");
	assert_string_equal(ev.outcome, "sent");
	assert_int_equal(ev.count, 3);
	assert_float_equal(ev.timeout_s, 600, 0);
	assert_string_equal(ev.rule, "");
	sw_buf_free(&b);
}

static void test_audit_hostile(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"time\":\"2023-11-14T22:13:20Z\"}", /* no action */
		"{\"action\":\"block\"}",                              /* no time */
		"{\"time\":\"yesterday\",\"action\":\"block\"}",
		"{\"time\":\"2023-11-14T22:13:20Z\",\"action\":\"block\"} x",
		"{\"time\":\"2023-11-14T22:13:20Z\",\"action\":\"bl",
		"{\"time\":\"2023-11-14T22:13:20Z\",\"action\":\"\\ud800\"}",
		"{\"time\":\"2023-11-14T22:13:20Z\",\"action\":\"a\\q\"}",
		"{\"time\":\"2023-11-14T22:13:20Z\" \"action\":\"a\"}",
	};
	struct sw_audit_event ev;
	const char *ok = "{\"time\":\"2023-11-14T22:13:20Z\",\"extra\":{\"a\":[1,{\"b\":null}]},"
			 "\"action\":\"kill\",\"rule\":\"syn\\u002dflood\",\"count\":null,"
			 "\"reason\":\"\\ud83d\\ude00\"}";
	char longr[600];

	(void)state;
	for (size_t i = 0; i < NELEM(bad); i++)
		assert_int_equal(sw_audit_event_parse(bad[i], strlen(bad[i]), &ev), -1);
	assert_int_equal(sw_audit_event_parse(ok, strlen(ok), &ev), 0);
	assert_string_equal(ev.action, "kill");
	assert_string_equal(ev.rule, "syn-flood");
	assert_string_equal(ev.reason, "\xf0\x9f\x98\x80");
	assert_int_equal(ev.count, -1);
	/* a rule's ban names its rule in the reason */
	const char *rl = "{\"time\":\"2023-11-14T22:13:20Z\",\"action\":\"block\","
			 "\"reason\":\"rule synflood: 120 SYN_RECV\"}";
	assert_int_equal(sw_audit_event_parse(rl, strlen(rl), &ev), 0);
	assert_string_equal(ev.rule, "synflood");
	/* a long reason is cut at a character, not inside one */
	strcpy(longr, "{\"time\":\"2023-11-14T22:13:20Z\",\"action\":\"block\",\"reason\":\"");
	for (int i = 0; i < 100; i++)
		strcat(longr, "\xc3\xa9");
	strcat(longr, "\"}");
	assert_int_equal(sw_audit_event_parse(longr, strlen(longr), &ev), 0);
	assert_int_equal(strlen(ev.reason) % 2, 0);
	assert_true(strlen(ev.reason) >= sizeof(ev.reason) - 2);
}

/* 10 frames a second apart: SYN_RECV on :80 is 150 in frames 2..5. */
static void fx_syn_incident(struct sw_incident *inc)
{
	struct fx x;
	unsigned conn[2] = {5, 3};

	assert_int_equal(sw_incident_init(inc), 0);
	for (unsigned s = 0; s < 10; s++) {
		fx_frame(&x, s, 2, conn, 8, s >= 2 && s <= 5 ? 150 + s : 0, 0);
		sw_incident_frame(inc, &x.f);
	}
}

static void audit(struct sw_incident *inc, uint64_t sec, const char *action,
		  const char *target, const char *reason)
{
	struct sw_audit_rec r = { .action = action, .target = target, .timeout_s = -1,
				  .connections = -1, .reason = reason,
				  .outcome = "sent", .count = -1 };
	struct sw_buf b;

	sw_buf_init(&b);
	sw_audit_format(&b, &r, (FX_T0 + sec) * 1000000000ull, "alice", NULL);
	sw_incident_audit_line(inc, b.data, b.len);
	sw_buf_free(&b);
}

static void test_episode_from_numbers(void **state)
{
	struct sw_incident inc;
	struct sw_report_src src = { .recording = "r.rec", .audit = "a.log" };
	struct sw_buf b;

	(void)state;
	fx_syn_incident(&inc);
	audit(&inc, 3, "block", "198.51.100.0/24", "SYN flood");
	audit(&inc, 9000, "block", "192.0.2.99", NULL); /* hours later: left out */
	sw_incident_audit_line(&inc, "garbage\n", 8);
	sw_incident_end(&inc);
	assert_int_equal(inc.frames, 10);
	assert_int_equal(inc.peak_state[SW_SYN_RECV], 155);
	assert_int_equal(inc.nepisodes, 1);
	assert_string_equal(inc.episodes[0].kind, "syn_recv");
	assert_string_equal(inc.episodes[0].subject, ":80");
	assert_true(inc.episodes[0].start_ns == (FX_T0 + 2) * 1000000000ull);
	assert_true(inc.episodes[0].end_ns == (FX_T0 + 5) * 1000000000ull);
	assert_float_equal(inc.episodes[0].peak, 155, 0);
	assert_int_equal(inc.events_bad, 1);
	assert_int_equal(inc.nremotes, 2);
	assert_int_equal(inc.listeners[0].port, 80);
	assert_int_equal(inc.listeners[0].peak_syn, 155);
	sw_buf_init(&b);
	sw_report_summary(&b, &inc, &src);
	/* FX_T0 is 22:13:20 UTC */
	assert_string_equal(b.data, "SYN_RECV pile-up on :80 from 22:13:22 to 22:13:25, "
			    "peak 155 half-open; 198.51.100.0/24 blocked at 22:13:23 "
			    "by alice (SYN flood).");
	sw_buf_free(&b);
	sw_incident_free(&inc);
}

static void test_episode_from_findings(void **state)
{
	struct sw_incident inc;
	struct sw_report_src src = { .recording = "r.rec", .note = "r.rec: truncated item at offset 99" };
	struct sw_finding fd;
	struct sw_buf b;
	struct fx x;

	(void)state;
	assert_int_equal(sw_incident_init(&inc), 0);
	memset(&fd, 0, sizeof(fd));
	fd.kind = SW_FK_SYN_FLOOD;
	fd.severity = SW_SEV_CRIT;
	fd.subject.kind = SW_SUBJ_LISTENER;
	fd.subject.proto = SW_TCP;
	fd.subject.port = 80;
	fd.evidence[0] = (struct sw_evidence){ "syn_recv", 4097 };
	fd.nevidence = 1;
	snprintf(fd.text, sizeof(fd.text), "SYN flood on :80: 4,097 half-open");
	for (unsigned s = 0; s < 6; s++) {
		fx_frame(&x, s, 0, NULL, 1, 0, 0);
		if (s >= 1) { /* still on at the end */
			x.f.findings = &fd;
			x.f.nfindings = 1;
		}
		sw_incident_frame(&inc, &x.f);
	}
	sw_incident_end(&inc);
	assert_true(inc.saw_findings);
	assert_true(inc.episodes[0].finding);
	assert_string_equal(inc.episodes[0].label, "SYN flood on :80");
	sw_buf_init(&b);
	sw_report_summary(&b, &inc, &src);
	assert_string_equal(b.data, "SYN flood on :80 from 22:13:21, still on at the end of "
			    "the recording (22:13:25), peak 4,097 half-open. The recording "
			    "ends early: r.rec: truncated item at offset 99.");
	sw_buf_reset(&b);
	sw_report_summary_json(&b, &inc, &src);
	assert_non_null(strstr(b.data, "\"complete\":false"));
	assert_non_null(strstr(b.data, "\"kind\":\"syn_flood\",\"source\":\"diagnosis\","
			       "\"subject\":\":80\""));
	assert_non_null(strstr(b.data, "\"ongoing\":true,\"peak\":4097"));
	assert_int_equal(b.data[b.len - 1], '\n');
	sw_buf_free(&b);
	sw_incident_free(&inc);
}

/* A source of a flood on a port: both in its label; episodes of other
 * sources stay apart. */
static void test_finding_of_a_source(void **state)
{
	struct sw_incident inc;
	struct sw_finding fd[2];
	struct fx x;

	(void)state;
	assert_int_equal(sw_incident_init(&inc), 0);
	memset(fd, 0, sizeof(fd));
	for (int i = 0; i < 2; i++) {
		fd[i].kind = SW_FK_SYN_FLOOD;
		fd[i].severity = SW_SEV_WARN;
		fd[i].subject.kind = SW_SUBJ_REMOTE;
		fd[i].subject.port = 80;
		fd[i].subject.remote = sw_test_prefix(i ? "203.0.113.0/24" : "198.51.100.0/24");
		fd[i].evidence[0] = (struct sw_evidence){ "half_open", 100.0 + i };
		fd[i].nevidence = 1;
	}
	for (unsigned s = 0; s < 3; s++) {
		fx_frame(&x, s, 0, NULL, 1, 0, 0);
		x.f.findings = fd;
		x.f.nfindings = 2;
		sw_incident_frame(&inc, &x.f);
	}
	sw_incident_end(&inc);
	assert_int_equal(inc.nepisodes, 2);
	assert_string_equal(inc.episodes[0].label, "SYN flood on :80 (198.51.100.0/24)");
	assert_string_equal(inc.episodes[1].label, "SYN flood on :80 (203.0.113.0/24)");
	assert_int_equal(inc.episodes[1].nframes, 3);
	sw_incident_free(&inc);
}

/* The summary speaks of every finding and of the numbers' episodes on
 * subjects no finding covers: a reset storm found at the kill does not
 * hide the many connections before it; a source's burst of new
 * connections gives way to its many connections. */
static void test_summary_findings_and_numbers(void **state)
{
	struct sw_incident inc;
	struct sw_report_src src = { .recording = "r.rec" };
	struct sw_finding fd;
	unsigned conn[1] = {300};
	struct sw_buf b;
	struct fx x;

	(void)state;
	assert_int_equal(sw_incident_init(&inc), 0);
	memset(&fd, 0, sizeof(fd));
	fd.kind = SW_FK_RESET_STORM;
	fd.severity = SW_SEV_WARN;
	fd.subject.kind = SW_SUBJ_HOST;
	fd.evidence[0] = (struct sw_evidence){ "estab_resets_per_s", 1034 };
	fd.nevidence = 1;
	for (unsigned s = 0; s < 5; s++) {
		fx_frame(&x, s, s < 3 ? 1 : 0, conn, 300, 0, 0);
		x.r[0].new_per_s = 100; /* a burst too */
		if (s == 3) {
			x.f.findings = &fd;
			x.f.nfindings = 1;
		}
		sw_incident_frame(&inc, &x.f);
	}
	sw_incident_end(&inc);
	sw_buf_init(&b);
	sw_report_summary(&b, &inc, &src);
	assert_string_equal(b.data, "Many connections (192.0.2.1) from 22:13:20 to 22:13:22, "
			    "peak 300 connections; Reset storm from 22:13:23 to 22:13:23, "
			    "peak 1,034 estab resets per s.");
	sw_buf_free(&b);
	sw_incident_free(&inc);
}

static void test_quiet_summary(void **state)
{
	struct sw_incident inc;
	struct sw_report_src src = { .recording = "r.rec" };
	struct sw_buf b;

	(void)state;
	assert_int_equal(sw_incident_init(&inc), 0);
	sw_incident_end(&inc);
	sw_buf_init(&b);
	sw_report_summary(&b, &inc, &src);
	assert_string_equal(b.data, "The recording holds no readable refresh.");
	sw_buf_reset(&b);
	sw_report_html(&b, &inc, &src); /* no frames: still a page */
	assert_non_null(strstr(b.data, "no data"));
	sw_buf_free(&b);
	sw_incident_free(&inc);
}

static void test_html_page(void **state)
{
	struct sw_incident inc;
	struct sw_report_src src = { .recording = "<evil>&.rec", .audit = "a.log" };
	struct sw_buf b;

	(void)state;
	fx_syn_incident(&inc);
	audit(&inc, 4, "block", "198.51.100.0/24", "<script>alert('x')</script> & \"q\"");
	const char *kill = "{\"time\":\"2023-11-14T22:13:24Z\",\"action\":\"kill\","
			   "\"target\":\"\\u003cimg src=x\\u003e\",\"reason\":\"\xff\"}";

	sw_incident_audit_line(&inc, kill, strlen(kill));
	sw_incident_end(&inc);
	sw_buf_init(&b);
	sw_report_html(&b, &inc, &src);
	assert_false(b.oom);
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "<img"));
	assert_null(strstr(b.data, "<evil>"));
	assert_non_null(strstr(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
	assert_non_null(strstr(b.data, "&lt;img src=x&gt;"));
	assert_non_null(strstr(b.data, "&#xfffd;")); /* the byte that is not UTF-8 */
	assert_non_null(strstr(b.data, "&lt;evil&gt;&amp;.rec"));
	assert_non_null(strstr(b.data, "<p id=\"summary\" class=\"summary\">SYN_RECV pile-up on :80"));
	assert_non_null(strstr(b.data, "<svg id=\"chart-states\""));
	assert_non_null(strstr(b.data, "<svg id=\"chart-counters\""));
	assert_non_null(strstr(b.data, "<svg id=\"chart-sources\""));
	assert_non_null(strstr(b.data, "<svg id=\"chart-listeners\""));
	assert_non_null(strstr(b.data, "<table id=\"actions\">"));
	/* nothing from elsewhere */
	assert_null(strstr(b.data, "src=\""));
	assert_null(strstr(b.data, "href=\""));
	assert_null(strstr(b.data, "url("));
	sw_buf_free(&b);
	sw_incident_free(&inc);
}

static void test_thousands(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(sw_report_thousands(4097, b, sizeof(b)), "4,097");
	assert_string_equal(sw_report_thousands(1234567, b, sizeof(b)), "1,234,567");
	assert_string_equal(sw_report_thousands(999, b, sizeof(b)), "999");
	assert_string_equal(sw_report_thousands(-1500, b, sizeof(b)), "-1,500");
	assert_string_equal(sw_report_thousands(55.44, b, sizeof(b)), "55.4");
	assert_string_equal(sw_report_thousands(NAN, b, sizeof(b)), "-");
	assert_string_equal(sw_report_clock((FX_T0 + 3661) * 1000000000ull, b, sizeof(b)),
			    "23:14:21");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series_merge_exact),
		cmocka_unit_test(test_series_bounded),
		cmocka_unit_test(test_audit_round_trip),
		cmocka_unit_test(test_audit_hostile),
		cmocka_unit_test(test_episode_from_numbers),
		cmocka_unit_test(test_episode_from_findings),
		cmocka_unit_test(test_finding_of_a_source),
		cmocka_unit_test(test_summary_findings_and_numbers),
		cmocka_unit_test(test_quiet_summary),
		cmocka_unit_test(test_html_page),
		cmocka_unit_test(test_thousands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
