/* Unit tests: the engine on the recorded fixture, and a live run recorded
 * then replayed to the identical report. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sw_engine.h"
#include "sw_record.h"
#include "sw_report.h"
#include "sw_test.h"

#define FIXTURE "tests/fixtures/diag.rec"

static struct sw_engine *open_replay(const char *path)
{
	struct sw_engine_opts o;
	char *cause = NULL;
	struct sw_engine *e;

	memset(&o, 0, sizeof(o));
	o.replay = path;
	e = sw_engine_open(&o, &cause);
	if (!e)
		fail_msg("open %s: %s", path, cause);
	return e;
}

static int refresh(struct sw_engine *e)
{
	char *cause = NULL;
	int rc = sw_engine_refresh(e, &cause);

	if (rc < 0)
		fail_msg("refresh: %s", cause);
	return rc;
}

static const struct sw_listener *listener(const struct sw_agg *a,
					  unsigned proto, unsigned port)
{
	for (uint32_t i = 0; i < a->nlisteners; i++)
		if (a->listeners[i].proto == proto && a->listeners[i].port == port)
			return &a->listeners[i];
	return NULL;
}

static void test_replay_fixture(void **state)
{
	struct sw_engine *e = open_replay(FIXTURE);
	const struct sw_frame *f = sw_engine_frame(e);
	const struct sw_listener *l;

	(void)state;
	assert_true(sw_engine_is_replay(e));
	assert_int_equal(f->seq, 0);
	assert_int_equal(refresh(e), 1);
	assert_int_equal(f->seq, 1);
	assert_int_equal(f->agg->total, 27);
	assert_int_equal(f->agg->tcp, 25);
	assert_int_equal(f->agg->udp, 2);
	assert_int_equal(f->agg->states[SW_ESTABLISHED].count, 20);
	assert_int_equal(f->agg->states[SW_TIME_WAIT].count, 2);
	assert_int_equal(f->agg->states[SW_LISTEN].count, 3);
	assert_true(f->time_ns > 1600000000ull * 1000000000ull);
	assert_true(f->refresh_ms > 0); /* as recorded */
	assert_true(f->counters.have[SW_C_PASSIVE_OPENS]);
	assert_int_equal(f->counters.val[SW_C_PASSIVE_OPENS], 12);
	assert_false(f->have_prev_counters);
	assert_true(sw_engine_replay_gap(e) == 0);

	l = listener(f->agg, SW_TCP, 8080);
	assert_non_null(l);
	assert_int_equal(l->accept_queue, 5);
	assert_int_equal(l->backlog, 50);
	assert_int_equal(l->established, 5);
	assert_string_equal(l->process, "python3"); /* from the PROC items */
	assert_true(l->pid > 0);
	l = listener(f->agg, SW_UDP, 5353);
	assert_non_null(l);
	assert_string_equal(l->process, "python3");

	assert_int_equal(refresh(e), 1);
	assert_int_equal(f->seq, 2);
	assert_true(f->interval_s > 0.05 && f->interval_s < 5);
	assert_true(sw_engine_replay_gap(e) == f->interval_s);
	assert_true(f->have_prev_counters);
	assert_int_equal(f->agg->opened, 0);
	assert_int_equal(f->agg->closed, 0);
	assert_int_equal(refresh(e), 0); /* end of the recording */
	assert_int_equal(f->seq, 2);     /* the last frame stays */
	sw_engine_close(e);
}

static void test_replay_options_select_dumps(void **state)
{
	struct sw_engine_opts o;
	char *cause = NULL;
	struct sw_engine *e;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.replay = FIXTURE;
	o.udp = true;
	e = sw_engine_open(&o, &cause);
	assert_non_null(e);
	assert_int_equal(refresh(e), 1);
	assert_int_equal(sw_engine_frame(e)->agg->total, 2);
	sw_engine_close(e);

	o.udp = false;
	o.tcp = true;
	o.v6 = true;
	e = sw_engine_open(&o, &cause);
	assert_non_null(e);
	assert_int_equal(refresh(e), 1);
	/* IPv6 dumps: [::]:8443 with its 6 IPv4-carrying sockets, [::1]:9443 + 4 */
	assert_int_equal(sw_engine_frame(e)->agg->total, 12);
	sw_engine_close(e);
}

static void test_set_group_reaggregates(void **state)
{
	struct sw_engine *e = open_replay(FIXTURE);
	const struct sw_frame *f = sw_engine_frame(e);
	struct sw_agg_opts g = { .group_v4 = 8, .group_v6 = 64 };
	struct sw_prefix p;
	const char *err;

	(void)state;
	assert_int_equal(refresh(e), 1);
	assert_int_equal(refresh(e), 1);
	assert_int_equal(sw_engine_set_group(e, &g), 0);
	assert_int_equal(f->seq, 2);
	assert_int_equal(sw_prefix_parse("127.0.0.0/8", &p, &err), 0);
	assert_true(sw_agg_find_remote(f->agg, &p) >= 0);
	/* 19 sockets: 17 live, 2 in TIME_WAIT */
	assert_int_equal(f->agg->remotes[sw_agg_find_remote(f->agg, &p)].count, 17);
	assert_int_equal(f->agg->remotes[sw_agg_find_remote(f->agg, &p)].tw, 2);
	assert_true(f->interval_s > 0); /* still diffed against the previous */
	assert_string_equal(listener(f->agg, SW_TCP, 8080)->process, "python3");
	sw_engine_close(e);
}

/* A new filter makes the next refresh a baseline: sockets the old filter
 * showed and the new one hides did not close (the TUI showed a burst of
 * closed/s), nor did the ones it reveals open. */
static void test_set_filter_rebases(void **state)
{
	struct sw_engine *e = open_replay(FIXTURE);
	const struct sw_frame *f = sw_engine_frame(e);
	struct sw_filter_error ferr;

	(void)state;
	assert_int_equal(refresh(e), 1);
	assert_true(f->agg->total > 10);
	assert_int_equal(sw_engine_set_filter(e, "state listen", &ferr), 0);
	assert_int_equal(refresh(e), 1);
	assert_true(f->agg->total < 10);
	assert_false(f->agg->have_prev);
	assert_int_equal(f->agg->closed, 0);
	assert_int_equal(f->agg->opened, 0);
	assert_true(f->interval_s == 0);
	sw_engine_close(e);
}

/* Copy the first n bytes of the fixture to a temporary file. */
static void cut_fixture(const char *to, long n)
{
	FILE *in = fopen(FIXTURE, "r"), *out = fopen(to, "w");
	char buf[4096];
	long done = 0;

	assert_non_null(in);
	assert_non_null(out);
	while (done < n) {
		size_t k = fread(buf, 1, (size_t)(n - done) < sizeof(buf) ?
					     (size_t)(n - done) : sizeof(buf), in);

		assert_true(k > 0);
		fwrite(buf, 1, k, out);
		done += (long)k;
	}
	fclose(in);
	fclose(out);
}

static long fixture_size(void)
{
	FILE *f = fopen(FIXTURE, "r");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void test_truncated_replay_fails_cleanly(void **state)
{
	char path[] = "/tmp/sw-test-eng-XXXXXX", *cause = NULL;
	long size = fixture_size(), cut;
	int fd = mkstemp(path), fails = 0;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* Cut inside the second refresh, at several places. */
	for (cut = size * 3 / 5; cut < size; cut += 997) {
		struct sw_engine *e;

		cut_fixture(path, cut);
		e = open_replay(path);
		assert_int_equal(refresh(e), 1);
		if (sw_engine_refresh(e, &cause) == -1) {
			fails++;
			assert_non_null(strstr(cause, path));
			assert_non_null(strstr(cause, "offset"));
			assert_null(strchr(cause, '\n'));
			free(cause);
			cause = NULL;
		}
		assert_int_equal(sw_engine_frame(e)->seq, 1);
		sw_engine_close(e);
	}
	assert_true(fails > 0);
	unlink(path);
}

static void test_items_out_of_order(void **state)
{
	char path[] = "/tmp/sw-test-eng-XXXXXX", *cause = NULL;
	struct sw_rec_writer *w;
	struct sw_engine *e;
	uint8_t nlh[4] = { SW_TCP, SW_V4, 0, 0 }, begin[16] = { 0 };
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	unlink(path);
	w = sw_rec_writer_open(path, &cause);
	assert_non_null(w);
	assert_int_equal(sw_rec_write(w, SW_REC_NLBUF, nlh, 4, NULL, 0), 0);
	assert_int_equal(sw_rec_writer_close(w), 0);
	e = open_replay(path);
	assert_int_equal(sw_engine_refresh(e, &cause), -1);
	assert_non_null(strstr(cause, "expected BEGIN, found NLBUF"));
	free(cause);
	sw_engine_close(e);

	/* a dump cut before its NLMSG_DONE */
	unlink(path);
	w = sw_rec_writer_open(path, &cause);
	assert_int_equal(sw_rec_write(w, SW_REC_BEGIN, NULL, 0, begin, 16), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_NLBUF, nlh, 4, NULL, 0), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_END, NULL, 0, NULL, 0), 0);
	assert_int_equal(sw_rec_writer_close(w), 0);
	e = open_replay(path);
	assert_int_equal(sw_engine_refresh(e, &cause), -1);
	assert_non_null(strstr(cause, "no NLMSG_DONE"));
	free(cause);
	sw_engine_close(e);
	unlink(path);
}

static void test_bad_filter_is_reported(void **state)
{
	struct sw_engine_opts o;
	char *cause = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.replay = FIXTURE;
	o.filter = "state nosuchstate";
	assert_null(sw_engine_open(&o, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "filter"));
	assert_true(strncmp(cause, "error: ", 7) != 0);
	free(cause);
}

/* sw_engine_start tells a bad command line (2) from a run-time failure (1). */
static void test_start_status(void **state)
{
	struct sw_engine_opts o;
	struct sw_engine *e;
	char *cause = NULL;
	int status = -1;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.replay = FIXTURE;
	o.filter = "state nosuchstate";
	assert_null(sw_engine_start(&o, &status, &cause));
	assert_int_equal(status, 2);
	assert_non_null(strstr(cause, "filter"));
	free(cause);
	cause = NULL;
	o.filter = NULL;
	o.replay = "/nonexistent/recording";
	assert_null(sw_engine_start(&o, &status, &cause));
	assert_int_equal(status, 1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	o.replay = FIXTURE;
	e = sw_engine_start(&o, &status, &cause);
	assert_non_null(e);
	assert_int_equal(status, 0);
	sw_engine_close(e);
}

/* A live engine (this namespace) with --record, then a replay of the file:
 * every report must be byte-identical. */
static void test_live_record_replays_identically(void **state)
{
	char path[] = "/tmp/sw-test-eng-XXXXXX", *cause = NULL;
	struct sw_report_opts ro = { .top = 0, .filter = "" };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sw_buf live[3], rep;
	struct sw_engine_opts o;
	struct sw_engine *e;
	socklen_t alen = sizeof(a);
	int lfd, cfd[4], i, fd = mkstemp(path);

	(void)state;
	close(fd);
	unlink(path);
	/* some sockets of our own, so the dump is not empty */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);

	memset(&o, 0, sizeof(o));
	o.record = path;
	o.resolve_procs = true;
	e = sw_engine_open(&o, &cause);
	if (!e)
		fail_msg("live engine: %s", cause);
	for (i = 0; i < 3; i++) {
		if (i == 1)
			for (int k = 0; k < 4; k++) {
				cfd[k] = socket(AF_INET, SOCK_STREAM, 0);
				assert_int_equal(connect(cfd[k], (struct sockaddr *)&a,
							 sizeof(a)), 0);
			}
		usleep(20000);
		assert_int_equal(refresh(e), 1);
		sw_buf_init(&live[i]);
		sw_report_json(&live[i], sw_engine_frame(e), &ro);
	}
	/* our listener, its queue and owner were seen */
	assert_int_equal(listener(sw_engine_frame(e)->agg, SW_TCP,
				  ntohs(a.sin_port))->accept_queue, 4);
	assert_int_equal(listener(sw_engine_frame(e)->agg, SW_TCP,
				  ntohs(a.sin_port))->pid, getpid());
	sw_engine_close(e);

	e = open_replay(path);
	for (i = 0; i < 3; i++) {
		assert_int_equal(refresh(e), 1);
		sw_buf_init(&rep);
		sw_report_json(&rep, sw_engine_frame(e), &ro);
		assert_string_equal(rep.data, live[i].data);
		sw_buf_free(&rep);
		sw_buf_free(&live[i]);
	}
	assert_int_equal(refresh(e), 0);
	sw_engine_close(e);
	for (int k = 0; k < 4; k++)
		close(cfd[k]);
	close(lfd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_fixture),
		cmocka_unit_test(test_replay_options_select_dumps),
		cmocka_unit_test(test_set_group_reaggregates),
		cmocka_unit_test(test_set_filter_rebases),
		cmocka_unit_test(test_truncated_replay_fails_cleanly),
		cmocka_unit_test(test_items_out_of_order),
		cmocka_unit_test(test_bad_filter_is_reported),
		cmocka_unit_test(test_start_status),
		cmocka_unit_test(test_live_record_replays_identically),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
