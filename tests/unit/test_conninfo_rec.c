/* Unit tests: the per-connection info of a recording made from a real
 * kernel (tests/fixtures/make-conninfo-fixture.sh), replayed through the
 * engine: the info dump's INFO items go through the parser a live dump
 * uses, so these are the kernel's own tcp_info bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sw_engine.h"
#include "sw_test.h"

#define FIXTURE "tests/fixtures/conninfo.rec"

/* The info entry of the inbound socket from peer (address text) that
 * received rx bytes, or NULL when there is not exactly one; *s its socket
 * in the frame's snapshot. */
static const struct sw_conn_info *by_peer(const struct sw_frame *f,
					  const char *peer, uint64_t rx,
					  const struct sw_sock **s)
{
	const struct sw_conninfo *ci = f->conninfo;
	const struct sw_conn_info *hit = NULL;
	char a[SW_ADDR_STRLEN];

	for (size_t i = 0; i < ci->n; i++) {
		const struct sw_conn_info *c = &ci->v[i];
		const struct sw_sock *k = sw_snapshot_find(f->snap, SW_TCP, c->cookie);

		assert_non_null(k);
		if (!strcmp(sw_addr_format(k->family, k->dst, a, sizeof(a)), peer) &&
		    c->bytes_received == rx) {
			*s = k;
			if (hit)
				return NULL;
			hit = c;
		}
	}
	return hit;
}

static void test_replayed_info(void **state)
{
	struct sw_engine_opts o = { .replay = FIXTURE,
				    .group = { .group_v4 = 32, .group_v6 = 128 } };
	struct sw_engine *e;
	const struct sw_frame *f;
	const struct sw_conninfo *ci;
	const struct sw_conn_info *c;
	const struct sw_sock *s;
	char *cause = NULL;
	uint64_t t1;

	(void)state;
	e = sw_engine_open(&o, &cause);
	assert_non_null(e);
	assert_int_equal(sw_engine_refresh(e, &cause), 1);
	f = sw_engine_frame(e);
	ci = f->conninfo;
	assert_non_null(ci);
	/* the five server sides, not the five client sides */
	assert_int_equal(ci->n, 5);
	for (size_t i = 1; i < ci->n; i++)
		assert_true(ci->v[i - 1].cookie < ci->v[i].cookie);
	assert_non_null(c = by_peer(f, "127.0.0.2", 1000, &s));
	assert_int_equal(s->sport, 8080);
	assert_int_equal(s->state, SW_ESTABLISHED);
	assert_true(c->bytes_acked == 10);
	assert_true(c->seen_at_start && c->rx_per_s < 0);
	assert_non_null(by_peer(f, "127.0.0.2", 2000, &s));
	assert_non_null(by_peer(f, "127.0.0.2", 3000, &s));
	assert_non_null(c = by_peer(f, "::1", 4444, &s));
	assert_int_equal(s->family, SW_V6);
	assert_int_equal(s->sport, 8443);
	/* the IPv4-mapped client of the dual-stack listener: IPv4 */
	assert_non_null(c = by_peer(f, "127.0.0.3", 555, &s));
	assert_int_equal(s->family, SW_V4);
	assert_int_equal(s->sport, 8443);
	assert_true(c->last_data_recv_ms < 60000 && c->rtt_us > 0);
	t1 = ci->time_ns;
	assert_true(t1 == f->time_ns);

	/* the second refresh, a second later: idle, rate 0; first seen kept */
	assert_int_equal(sw_engine_refresh(e, &cause), 1);
	f = sw_engine_frame(e);
	ci = f->conninfo;
	assert_int_equal(ci->n, 5);
	assert_true(ci->time_ns > t1);
	for (size_t i = 0; i < ci->n; i++) {
		assert_true(ci->v[i].rx_per_s == 0);
		assert_true(sw_conn_info_first_seen_ns(&ci->v[i], ci->epoch_ns) == t1);
	}
	/* per remote: 127.0.0.2 received 0 B/s, known */
	{
		struct sw_prefix p = sw_test_prefix("127.0.0.2");
		int r = sw_agg_find_remote(f->agg, &p);

		assert_true(r >= 0);
		assert_true(f->agg->remotes[r].rx_per_s == 0);
	}
	assert_int_equal(sw_engine_refresh(e, &cause), 0);
	sw_engine_close(e);
}

/* -6 on the same recording: only the AF_INET6 sockets (::1's and the
 * IPv4-mapped one, which the main dump of AF_INET6 holds too). */
static void test_replayed_info_v6(void **state)
{
	struct sw_engine_opts o = { .replay = FIXTURE, .v6 = true,
				    .group = { .group_v4 = 32, .group_v6 = 128 } };
	struct sw_engine *e;
	const struct sw_sock *s;
	char *cause = NULL;

	(void)state;
	e = sw_engine_open(&o, &cause);
	assert_non_null(e);
	assert_int_equal(sw_engine_refresh(e, &cause), 1);
	assert_int_equal(sw_engine_frame(e)->conninfo->n, 2);
	assert_non_null(by_peer(sw_engine_frame(e), "::1", 4444, &s));
	assert_non_null(by_peer(sw_engine_frame(e), "127.0.0.3", 555, &s));
	sw_engine_close(e);
}

/* The recording through a pipe (a FIFO): not seekable, so the replay
 * keeps the INFO buffers instead of reading them again; the same info
 * either way. */
static void test_replayed_info_pipe(void **state)
{
	char dir[] = "/tmp/sw_conninfo_rec.XXXXXX", fifo[64];
	struct sw_engine_opts o = { .group = { .group_v4 = 32, .group_v6 = 128 } };
	struct sw_engine *e;
	const struct sw_conninfo *ci;
	char *cause = NULL;
	int status;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/rec", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* the writer; bounded, should no reader come */
		FILE *in, *out;
		char b[4096];
		size_t n;

		alarm(30);
		in = fopen(FIXTURE, "r");
		out = fopen(fifo, "w");
		if (!in || !out)
			_exit(1);
		while ((n = fread(b, 1, sizeof(b), in)) > 0)
			if (fwrite(b, 1, n, out) != n)
				_exit(1);
		_exit(fclose(out) ? 1 : 0);
	}
	o.replay = fifo;
	e = sw_engine_open(&o, &cause);
	assert_non_null(e);
	assert_int_equal(sw_engine_refresh(e, &cause), 1);
	ci = sw_engine_frame(e)->conninfo;
	assert_non_null(ci);
	assert_int_equal(ci->n, 5);
	assert_int_equal(sw_engine_refresh(e, &cause), 1);
	ci = sw_engine_frame(e)->conninfo;
	assert_int_equal(ci->n, 5);
	for (size_t i = 0; i < ci->n; i++)
		assert_true(ci->v[i].rx_per_s == 0 && ci->v[i].seen_at_start);
	assert_int_equal(sw_engine_refresh(e, &cause), 0);
	sw_engine_close(e);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(fifo);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replayed_info),
		cmocka_unit_test(test_replayed_info_v6),
		cmocka_unit_test(test_replayed_info_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
