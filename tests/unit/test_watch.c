/* Unit tests: the watch loop diagnoses each new refresh into its frame
 * before the hooks see it, keeps the findings on a forced frame, and
 * starts over after a grouping or filter change; --no-diagnosis leaves
 * frames without findings. On tests/fixtures/closewait.rec (120 sockets
 * stuck in CLOSE_WAIT on :8080, six refreshes; make-closewait-fixture.sh). */
#include <stdio.h>
#include <stdlib.h>

#include "sw_test.h"
#include "sw_watch.h"

#define FIXTURE "tests/fixtures/closewait.rec"

struct seen {
	uint64_t seq;
	bool forced;
	size_t n;
	unsigned kind;
	unsigned port;
};

struct run {
	struct sw_watch *w;
	struct seen s[32];
	int ns;
	uint64_t cmd_at;  /* seq whose frame gives the command */
	int cmd;          /* 0 none, 1 grouping, 2 filter */
};

static int hook_frame(void *arg, const struct sw_frame *f, bool forced,
		      char **cause)
{
	struct run *r = arg;
	struct seen *s = &r->s[r->ns < 31 ? r->ns++ : 31];

	(void)cause;
	s->seq = f->seq;
	s->forced = forced;
	s->n = f->nfindings;
	assert_true((f->nfindings == 0) == (f->findings == NULL));
	s->kind = f->nfindings ? f->findings[0].kind : SW_FK_MAX;
	s->port = f->nfindings ? f->findings[0].subject.port : 0;
	if (!forced && f->seq == r->cmd_at && r->cmd == 1) {
		struct sw_agg_opts g = { .group_v4 = 24, .group_v6 = 64 };

		sw_watch_group(r->w, &g);
	} else if (!forced && f->seq == r->cmd_at && r->cmd == 2) {
		sw_watch_filter(r->w, "port 8080");
	}
	return 0;
}

/* Run the watch over the fixture; the frames the hook saw in r. */
static void run_watch(struct run *r, bool no_diagnosis)
{
	struct sw_engine_opts eo;
	struct sw_watch_opts wo = { .no_diagnosis = no_diagnosis };
	struct sw_watch_hook h = { .frame = hook_frame, .arg = r };
	struct sw_engine *e;
	char *cause = NULL;

	memset(&eo, 0, sizeof(eo));
	eo.replay = FIXTURE;
	e = sw_engine_open(&eo, &cause);
	if (!e)
		fail_msg("open %s: %s", FIXTURE, cause);
	r->w = sw_watch_new(e, NULL, &wo, &cause);
	assert_non_null(r->w);
	assert_int_equal(sw_watch_hook(r->w, &h), 0);
	if (sw_watch_run(r->w, &cause) < 0)
		fail_msg("run: %s", cause);
	free(sw_watch_close(r->w));
}

static void expect(const struct run *r, int i, uint64_t seq, bool forced,
		   size_t n)
{
	if (i >= r->ns || r->s[i].seq != seq || r->s[i].forced != forced ||
	    r->s[i].n != n)
		fail_msg("frame %d: want seq %llu forced %d findings %zu, got "
			 "seq %llu forced %d findings %zu", i,
			 (unsigned long long)seq, forced, n,
			 i < r->ns ? (unsigned long long)r->s[i].seq : 0ull,
			 i < r->ns && r->s[i].forced, i < r->ns ? r->s[i].n : 0);
}

static void test_findings_in_frames(void **state)
{
	struct run r = { .ns = 0 };

	(void)state;
	run_watch(&r, false);
	assert_int_equal(r.ns, 6);
	expect(&r, 0, 1, true, 0); /* the first is made at once: forced */
	expect(&r, 1, 2, false, 0);
	for (int i = 2; i < 6; i++) {
		expect(&r, i, (uint64_t)i + 1, false, 1);
		assert_int_equal(r.s[i].kind, SW_FK_CLOSE_WAIT_PILEUP);
		assert_int_equal(r.s[i].port, 8080);
	}
}

/* A grouping change: the diagnosis starts over (stuck again, then held
 * two refreshes). With no interval the next refresh comes at once, so
 * there is no forced frame of the change. */
static void test_grouping_starts_over(void **state)
{
	struct run r = { .cmd_at = 3, .cmd = 1 };

	(void)state;
	run_watch(&r, false);
	assert_int_equal(r.ns, 6);
	expect(&r, 2, 3, false, 1);
	expect(&r, 3, 4, false, 0);
	expect(&r, 4, 5, false, 0);
	expect(&r, 5, 6, false, 1);
}

/* A filter change: a new refresh at once, a new baseline. */
static void test_filter_starts_over(void **state)
{
	struct run r = { .cmd_at = 3, .cmd = 2 };

	(void)state;
	run_watch(&r, false);
	expect(&r, 2, 3, false, 1);
	expect(&r, 3, 4, true, 0);
	expect(&r, 4, 5, false, 0);
	expect(&r, 5, 6, false, 1);
	assert_int_equal(r.ns, 6);
}

static void test_no_diagnosis(void **state)
{
	struct run r = { .ns = 0 };

	(void)state;
	run_watch(&r, true);
	assert_int_equal(r.ns, 6);
	for (int i = 0; i < 6; i++)
		expect(&r, i, (uint64_t)i + 1, i == 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings_in_frames),
		cmocka_unit_test(test_grouping_starts_over),
		cmocka_unit_test(test_filter_starts_over),
		cmocka_unit_test(test_no_diagnosis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
