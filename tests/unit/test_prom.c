/* Unit tests: the Prometheus exposition (sw_prom.h): its syntax in both
 * formats, names and types, label escaping, the values, and the bound on
 * the number of series whatever the host holds. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_prom.h"
#include "sw_test.h"

struct fx {
	struct sw_snapshot prev, cur;
	struct sw_agg a;
	struct sw_frame f;
	struct sw_finding fnd[3];
};

static void fx_build(struct fx *x, unsigned nremotes, unsigned nlisteners)
{
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	struct sw_sock r;
	uint64_t c = 1;
	unsigned i;
	char a[32];

	memset(x, 0, sizeof(*x));
	sw_snapshot_init(&x->prev);
	sw_snapshot_init(&x->cur);
	sw_agg_init(&x->a);
	x->prev.mono_ns = 1000000000ull;
	x->cur.mono_ns = 3000000000ull;
	r = sw_test_sock(SW_TCP, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, c++);
	r.rqueue = 32;
	r.wqueue = 128;
	sw_snapshot_add(&x->prev, &r);
	sw_snapshot_add(&x->cur, &r);
	for (i = 0; i < nlisteners; i++) {
		r = sw_test_sock(SW_TCP, SW_LISTEN, "0.0.0.0", 10000 + i, "0.0.0.0", 0, c++);
		r.wqueue = 4096;
		sw_snapshot_add(&x->cur, &r);
	}
	/* 6 from one address, then one each from nremotes others */
	for (i = 0; i < 6; i++) {
		r = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
				 "198.51.100.66", 1000 + i, c++);
		sw_snapshot_add(&x->cur, &r);
	}
	for (i = 0; i < nremotes; i++) {
		snprintf(a, sizeof(a), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		r = sw_test_sock(SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, a, 2000, c++);
		sw_snapshot_add(&x->cur, &r);
	}
	assert_int_equal(sw_agg_build(&x->a, &x->prev, &x->cur, &o), 0);
	x->f.seq = 7;
	x->f.time_ns = 1795000000500000000ull;
	x->f.refresh_ms = 12.5;
	x->f.cpu_ms = 3;
	x->f.snap = &x->cur;
	x->f.agg = &x->a;
	x->f.counters.have[SW_C_SYNCOOKIES_SENT] = true;
	x->f.counters.val[SW_C_SYNCOOKIES_SENT] = 1234567890123ull;
	x->f.counters.have[SW_C_LISTEN_OVERFLOWS] = true;
	x->f.counters.val[SW_C_LISTEN_OVERFLOWS] = 5;
	strcpy(x->a.listeners[0].process, "we\"b\\\n\x01\xc3");
	x->fnd[0].kind = SW_FK_SYN_FLOOD;
	x->fnd[0].severity = SW_SEV_CRIT;
	x->fnd[0].subject.kind = SW_SUBJ_LISTENER;
	x->fnd[0].subject.proto = SW_TCP;
	x->fnd[0].subject.port = 80;
	x->fnd[1].kind = SW_FK_CONNECTION_FLOOD;
	x->fnd[1].severity = SW_SEV_WARN;
	x->fnd[1].subject.kind = SW_SUBJ_REMOTE;
	x->fnd[1].subject.remote = sw_test_prefix("203.0.113.0/24");
	x->f.findings = x->fnd;
	x->f.nfindings = 2;
}

static void fx_free(struct fx *x)
{
	sw_agg_free(&x->a);
	sw_snapshot_free(&x->prev);
	sw_snapshot_free(&x->cur);
}

static bool name_ok(const char *p, size_t n)
{
	if (!n || !(isalpha((unsigned char)p[0]) || p[0] == '_' || p[0] == ':'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)p[i]) || p[i] == '_' || p[i] == ':'))
			return false;
	return n > 10 && !strncmp(p, "sockwatch_", 10);
}

/* A strict check of the exposition: HELP then TYPE once per family,
 * its samples right after; names sockwatch_*; counters' samples end in
 * _total; label sets well formed and escaped; values numbers. OpenMetrics
 * also: a counter family's name without _total, and # EOF last. Returns
 * the number of samples; fails the test on the first bad line. */
static unsigned check_exposition(const char *text, enum sw_prom_format fmt)
{
	char fam[128] = "", type[16] = "", seen[8192] = " ";
	const char *p = text, *eol;
	unsigned samples = 0;
	bool eof = false;

	while (*p) {
		char line[1024];
		size_t n;

		eol = strchr(p, '\n');
		assert_non_null(eol); /* every line ends in \n */
		n = (size_t)(eol - p);
		assert_true(n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol + 1;
		assert_false(eof); /* nothing after # EOF */
		if (!strcmp(line, "# EOF")) {
			eof = true;
			continue;
		}
		if (!strncmp(line, "# HELP ", 7)) {
			char *sp = strchr(line + 7, ' '), key[140];

			assert_non_null(sp);
			*sp = '\0';
			assert_true(name_ok(line + 7, strlen(line + 7)));
			snprintf(fam, sizeof(fam), "%s", line + 7);
			snprintf(key, sizeof(key), " %s ", fam);
			if (strstr(seen, key))
				fail_msg("family %s twice", fam);
			assert_true(strlen(seen) + strlen(key) < sizeof(seen));
			strcat(seen, key + 1);
			type[0] = '\0';
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			char want[160];

			snprintf(want, sizeof(want), "# TYPE %s ", fam);
			assert_true(!strncmp(line, want, strlen(want)));
			snprintf(type, sizeof(type), "%s", line + strlen(want));
			assert_true(!strcmp(type, "gauge") || !strcmp(type, "counter"));
			if (!strcmp(type, "counter")) {
				size_t fl = strlen(fam);
				bool total = fl > 6 && !strcmp(fam + fl - 6, "_total");

				assert_int_equal(total, fmt == SW_PROM_TEXT);
			} else {
				assert_null(strstr(fam, "_total"));
			}
			continue;
		}
		assert_true(line[0] != '#');
		/* a sample of the current family */
		{
			const char *q = line, *v;
			char want[160];
			size_t nl = strcspn(line, "{ ");

			assert_true(type[0] != '\0');
			snprintf(want, sizeof(want), "%s%s", fam,
				 !strcmp(type, "counter") && fmt == SW_PROM_OPENMETRICS
					 ? "_total" : "");
			if (nl != strlen(want) || strncmp(line, want, nl))
				fail_msg("sample '%s' outside its family %s", line, fam);
			q = line + nl;
			if (*q == '{') {
				q++;
				for (;;) {
					size_t kl = strcspn(q, "=");

					assert_true(kl > 0);
					for (size_t i = 0; i < kl; i++)
						assert_true(isalnum((unsigned char)q[i]) || q[i] == '_');
					q += kl;
					assert_int_equal(*q++, '=');
					assert_int_equal(*q++, '"');
					while (*q && *q != '"') {
						assert_true((unsigned char)*q >= 0x20 &&
							    (unsigned char)*q < 0x7f);
						if (*q == '\\') {
							q++;
							assert_non_null(strchr("\\\"n", *q));
						}
						q++;
					}
					assert_int_equal(*q++, '"');
					if (*q == ',') {
						q++;
						continue;
					}
					assert_int_equal(*q++, '}');
					break;
				}
			}
			assert_int_equal(*q++, ' ');
			v = q;
			{
				char *end;

				strtod(v, &end);
				assert_true(end != v && *end == '\0');
			}
			samples++;
		}
	}
	assert_int_equal(eof, fmt == SW_PROM_OPENMETRICS);
	return samples;
}

static char *render(const struct sw_prom_in *in, enum sw_prom_format fmt,
		    struct sw_buf *b)
{
	sw_buf_init(b);
	sw_prom_render(b, in, fmt);
	assert_false(b->oom);
	assert_true(b->len > 0);
	return b->data;
}

static void test_syntax_both_formats(void **state)
{
	struct sw_prom_set sets[2] = {{"addr4", 2, 10, 600}, {"net4", 1, 0, 0}};
	struct sw_prom_ban bans[1] = {{"syn \"flood\"", 3}};
	struct fx x;
	struct sw_prom_in in = { .top = 10, .sets = sets, .nsets = 2, .bans = bans,
				 .nbans = 1, .refresh_errors = 2, .version = "0.1.0" };
	struct sw_buf b;

	(void)state;
	fx_build(&x, 3, 2);
	in.f = &x.f;
	check_exposition(render(&in, SW_PROM_TEXT, &b), SW_PROM_TEXT);
	sw_buf_free(&b);
	check_exposition(render(&in, SW_PROM_OPENMETRICS, &b), SW_PROM_OPENMETRICS);
	assert_non_null(strstr(b.data, "# TYPE sockwatch_refresh_errors counter\n"));
	assert_non_null(strstr(b.data, "\nsockwatch_refresh_errors_total 2\n"));
	sw_buf_free(&b);
	fx_free(&x);
}

static void test_values(void **state)
{
	struct sw_prom_set sets[1] = {{"addr4", 2, 10, 600}};
	struct sw_prom_ban bans[1] = {{"syn-flood", 3}};
	struct fx x;
	struct sw_prom_in in = { .top = 10, .sets = sets, .nsets = 1, .bans = bans,
				 .nbans = 1, .refresh_errors = 2, .version = "0.1.0" };
	struct sw_buf b;
	const char *t;

	(void)state;
	fx_build(&x, 3, 0);
	in.f = &x.f;
	t = render(&in, SW_PROM_TEXT, &b);
	assert_non_null(strstr(t, "# TYPE sockwatch_refresh_errors_total counter\n"));
	assert_non_null(strstr(t, "\nsockwatch_refreshes_total 7\n"));
	assert_non_null(strstr(t, "\nsockwatch_refresh_duration_seconds 0.0125\n"));
	assert_non_null(strstr(t, "\nsockwatch_build_info{version=\"0.1.0\"} 1\n"));
	assert_non_null(strstr(t, "\nsockwatch_tcp_sockets{state=\"established\"} 6\n"));
	assert_non_null(strstr(t, "\nsockwatch_tcp_sockets{state=\"syn_recv\"} 3\n"));
	assert_non_null(strstr(t, "\nsockwatch_tcp_sockets{state=\"listen\"} 1\n"));
	assert_non_null(strstr(t, "\nsockwatch_tcp_sockets{state=\"closing\"} 0\n"));
	assert_non_null(strstr(t, "\nsockwatch_tcp_syncookies_sent_total 1234567890123\n"));
	assert_non_null(strstr(t, "\nsockwatch_tcp_listen_overflows_total 5\n"));
	/* a counter the kernel does not export is left out, not 0 */
	assert_null(strstr(t, "sockwatch_tcp_passive_opens_total"));
	/* the listener: queue, backlog, SYN queue and their fill */
	assert_non_null(strstr(t, "\nsockwatch_listener_accept_queue{family=\"ipv4\",addr=\"0.0.0.0\",port=\"80\",process=\"we\\\"b\\\\\\n??\"} 32\n"));
	assert_non_null(strstr(t, "\nsockwatch_listener_backlog{family=\"ipv4\",addr=\"0.0.0.0\",port=\"80\","));
	assert_non_null(strstr(t, "} 128\n"));
	assert_non_null(strstr(t, "\nsockwatch_listener_syn_queue{family=\"ipv4\",addr=\"0.0.0.0\",port=\"80\",process=\"we\\\"b\\\\\\n??\"} 3\n"));
	assert_non_null(strstr(t, "\nsockwatch_listener_accept_queue_fill_ratio{family=\"ipv4\",addr=\"0.0.0.0\",port=\"80\",process=\"we\\\"b\\\\\\n??\"} 0.25\n"));
	/* remotes, with /len on a single address too */
	assert_non_null(strstr(t, "\nsockwatch_remote_connections{prefix=\"198.51.100.66/32\"} 6\n"));
	assert_non_null(strstr(t, "\nsockwatch_remote_new_connections_per_second{prefix=\"198.51.100.66/32\"} 3\n"));
	assert_non_null(strstr(t, "\nsockwatch_remotes 4\n"));
	assert_non_null(strstr(t, "\nsockwatch_remotes_omitted 0\n"));
	/* findings, blocks, bans */
	assert_non_null(strstr(t, "\nsockwatch_finding{kind=\"syn_flood\",severity=\"crit\",subject=\"tcp/80\"} 1\n"));
	assert_non_null(strstr(t, "\nsockwatch_finding{kind=\"connection_flood\",severity=\"warn\",subject=\"203.0.113.0/24\"} 1\n"));
	assert_non_null(strstr(t, "\nsockwatch_findings 2\n"));
	assert_non_null(strstr(t, "\nsockwatch_block_targets{set=\"addr4\"} 2\n"));
	assert_non_null(strstr(t, "\nsockwatch_block_dropped_packets{set=\"addr4\"} 10\n"));
	assert_non_null(strstr(t, "\nsockwatch_block_dropped_bytes{set=\"addr4\"} 600\n"));
	assert_non_null(strstr(t, "\nsockwatch_rule_bans_total{rule=\"syn-flood\"} 3\n"));
	sw_buf_free(&b);

	/* no blocker, no rules: those families are absent; the first
	 * refresh has no rates */
	in.sets = NULL;
	in.bans = NULL;
	x.a.have_prev = false;
	t = render(&in, SW_PROM_TEXT, &b);
	assert_null(strstr(t, "sockwatch_block_"));
	assert_null(strstr(t, "sockwatch_rule_bans"));
	assert_null(strstr(t, "\nsockwatch_remote_new_connections_per_second{"));
	sw_buf_free(&b);
	fx_free(&x);
}

static unsigned count_prefix(const char *t, const char *name)
{
	unsigned n = 0;
	size_t len = strlen(name);

	for (const char *p = t; (p = strstr(p, name)); p += len)
		if (p > t && p[-1] == '\n')
			n++;
	return n;
}

/* 20,000 remotes, 500 listeners, 300 findings: the series stay bounded
 * by the limits, and the left-out are counted. */
static void test_cardinality_bound(void **state)
{
	static struct sw_finding many[300];
	struct fx x;
	struct sw_prom_in in = { .top = 10, .version = "0.1.0" };
	struct sw_buf b;
	const char *t;
	unsigned samples, i;
	char want[96];

	(void)state;
	fx_build(&x, 20000, 500);
	for (i = 0; i < NELEM(many); i++) {
		many[i].kind = SW_FK_SLOW_CLIENTS;
		many[i].severity = SW_SEV_WARN;
		many[i].subject.kind = SW_SUBJ_LOCAL;
		many[i].subject.port = (uint16_t)i;
	}
	x.f.findings = many;
	x.f.nfindings = NELEM(many);
	in.f = &x.f;
	t = render(&in, SW_PROM_TEXT, &b);
	samples = check_exposition(t, SW_PROM_TEXT);
	assert_int_equal(count_prefix(t, "sockwatch_remote_connections{"), 10);
	assert_int_equal(count_prefix(t, "sockwatch_remote_new_connections_per_second{"), 10);
	assert_int_equal(count_prefix(t, "sockwatch_listener_accept_queue{"), SW_PROM_LISTENERS_MAX);
	assert_int_equal(count_prefix(t, "sockwatch_finding{"), SW_PROM_FINDINGS_MAX);
	snprintf(want, sizeof(want), "\nsockwatch_remotes_omitted %u\n", 20001 - 10);
	assert_non_null(strstr(t, want));
	/* 9 of the top 10 hold 1 each, the first 6 */
	snprintf(want, sizeof(want), "\nsockwatch_remotes_omitted_connections %u\n", 20006 - 15);
	assert_non_null(strstr(t, want));
	snprintf(want, sizeof(want), "\nsockwatch_listeners_omitted %u\n", 501 - SW_PROM_LISTENERS_MAX);
	assert_non_null(strstr(t, want));
	/* the busiest listener (port 80: 3 SYN_RECV, 32 queued) is kept */
	assert_non_null(strstr(t, "sockwatch_listener_syn_queue{family=\"ipv4\",addr=\"0.0.0.0\",port=\"80\""));
	/* the worst case the README states, for top 10, no blocker or rules:
	 * 6 host + 13 states + the counters + 5 x 100 listeners + 2 +
	 * 2 x 10 remotes + 3 + 50 findings + 1 */
	assert_true(samples <= 6 + 13 + SW_C_MAX + 5 * SW_PROM_LISTENERS_MAX + 2 +
				       2 * 10 + 3 + SW_PROM_FINDINGS_MAX + 1);
	sw_buf_free(&b);

	/* --metrics-top 3 */
	in.top = 3;
	t = render(&in, SW_PROM_TEXT, &b);
	assert_int_equal(count_prefix(t, "sockwatch_remote_connections{"), 3);
	sw_buf_free(&b);
	fx_free(&x);
}

/* Every kernel counter has its metric: all present, all exported, each
 * a counter family of its own. */
static void test_every_counter_exported(void **state)
{
	struct fx x;
	struct sw_prom_in in = { .top = 10, .version = "0.1.0" };
	struct sw_buf b;
	const char *t;
	unsigned i, n = 0;

	(void)state;
	fx_build(&x, 1, 0);
	for (i = 0; i < SW_C_MAX; i++) {
		x.f.counters.have[i] = true;
		x.f.counters.val[i] = 1000 + i;
	}
	in.f = &x.f;
	t = render(&in, SW_PROM_TEXT, &b);
	check_exposition(t, SW_PROM_TEXT);
	for (const char *p = t; (p = strstr(p, " counter\n")); p++)
		n++;
	/* the kernel's, and refreshes and refresh errors */
	assert_int_equal(n, SW_C_MAX + 2);
	sw_buf_free(&b);
	fx_free(&x);
}

static void test_label_escaping(void **state)
{
	struct sw_buf b;

	(void)state;
	sw_buf_init(&b);
	sw_prom_label(&b, "a\\b\"c\nd\te\x7f\xff" "f");
	assert_string_equal(b.data, "a\\\\b\\\"c\\nd?e??f");
	sw_buf_free(&b);
}

static void test_negotiate(void **state)
{
	(void)state;
	assert_int_equal(sw_prom_negotiate(NULL), SW_PROM_TEXT);
	assert_int_equal(sw_prom_negotiate(""), SW_PROM_TEXT);
	assert_int_equal(sw_prom_negotiate("*/*"), SW_PROM_TEXT);
	assert_int_equal(sw_prom_negotiate("text/plain;version=0.0.4"), SW_PROM_TEXT);
	/* what Prometheus 2.x sends */
	assert_int_equal(sw_prom_negotiate("application/openmetrics-text;version=1.0.0,"
					   "application/openmetrics-text;version=0.0.1;q=0.75,"
					   "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
			 SW_PROM_OPENMETRICS);
	assert_int_equal(sw_prom_negotiate("application/openmetrics-text; version=1.0.0; q=0.2, "
					   "text/plain; q=0.9"), SW_PROM_TEXT);
	assert_int_equal(sw_prom_negotiate("Application/OpenMetrics-Text"), SW_PROM_OPENMETRICS);
	assert_int_equal(sw_prom_negotiate("application/openmetrics-text;q=0"), SW_PROM_TEXT);
	assert_int_equal(sw_prom_negotiate("application/openmetrics-textx"), SW_PROM_TEXT);
	assert_string_equal(sw_prom_content_type(SW_PROM_TEXT),
			    "text/plain; version=0.0.4; charset=utf-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax_both_formats),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_cardinality_bound),
		cmocka_unit_test(test_every_counter_exported),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_negotiate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
