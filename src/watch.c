/* watch.c - the refresh loop: when to refresh, the commands of the front
 * end between refreshes (filter, grouping, blocks), and each frame handed
 * to the hooks. The commands wait under the mutex; the loop takes them
 * all at once and works with the mutex released, so a command never
 * waits for a dump. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_cause.h"
#include "sw_clock.h"
#include "sw_diagnosis.h"
#include "sw_grow.h"
#include "sw_watch.h"

struct sw_watch {
	struct sw_engine *e;
	struct sw_blocker *b;
	struct sw_diagnosis *diag; /* NULL with --no-diagnosis */
	struct sw_watch_opts o;
	struct sw_watch_hook *hooks;
	size_t nhooks, hooks_cap;
	uint64_t refresh_errors; /* the loop's thread only */
	pthread_mutex_t mu;
	pthread_cond_t cv;

	/* under mu: the commands */
	bool quit, paused, now;
	double interval_s;
	bool want_group, want_filter, want_block, want_unblock;
	struct sw_agg_opts group;
	char filter[256];
	struct sw_block_req block;
	char reason[128];
	uint32_t states[SW_ST_MAX];
	struct sw_prefix unblock;
	bool unblock_range;
	uint8_t unblock_last[16];
};

struct sw_watch *sw_watch_new(struct sw_engine *e, struct sw_blocker *b,
			      const struct sw_watch_opts *o, char **cause)
{
	struct sw_watch *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;

	*cause = NULL;
	if (!w) {
		sw_engine_close(e);
		if (b)
			sw_blocker_close(b);
		sw_cause_set(cause, "out of memory starting the refresher");
		return NULL;
	}
	w->e = e;
	w->b = b;
	w->o = *o;
	if (!o->no_diagnosis && !(w->diag = sw_diagnosis_new())) {
		free(w);
		sw_engine_close(e);
		if (b)
			sw_blocker_close(b);
		sw_cause_set(cause, "out of memory starting the diagnosis");
		return NULL;
	}
	w->interval_s = o->interval_s;
	w->now = true;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	/* the waits are on CLOCK_MONOTONIC (sw_watch_wait) */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	return w;
}

int sw_watch_hook(struct sw_watch *w, const struct sw_watch_hook *h)
{
	if (sw_grow((void **)&w->hooks, &w->hooks_cap, w->nhooks + 1,
		    sizeof(*w->hooks), 4))
		return -1;
	w->hooks[w->nhooks++] = *h;
	return 0;
}

struct sw_engine *sw_watch_engine(const struct sw_watch *w)
{
	return w->e;
}

struct sw_blocker *sw_watch_blocker(const struct sw_watch *w)
{
	return w->b;
}

uint64_t sw_watch_refresh_errors(const struct sw_watch *w)
{
	return w->refresh_errors;
}

static void sw_watch_say(struct sw_watch *w, bool error, const char *msg)
{
	for (size_t i = 0; i < w->nhooks; i++)
		if (w->hooks[i].say)
			w->hooks[i].say(w->hooks[i].arg, error, msg);
}

static void sw_watch_end(struct sw_watch *w, const char *damage)
{
	for (size_t i = 0; i < w->nhooks; i++)
		if (w->hooks[i].end)
			w->hooks[i].end(w->hooks[i].arg, damage);
}

/* Diagnose the new refresh, into its frame. Out of memory it is said and
 * the frame goes on without findings. */
static void sw_watch_diagnose(struct sw_watch *w)
{
	const struct sw_finding *v;
	size_t n;

	if (!w->diag)
		return;
	if (sw_diagnosis_run(w->diag, sw_engine_frame(w->e), &v, &n) < 0) {
		sw_watch_say(w, true, "diagnosis: out of memory, this refresh is "
			     "not diagnosed");
		n = 0;
	}
	sw_engine_set_findings(w->e, v, n);
}

/* A new baseline (filter, grouping): the history is forgotten. */
static void sw_watch_rebase(struct sw_watch *w)
{
	if (!w->diag)
		return;
	sw_diagnosis_reset(w->diag);
	sw_engine_set_findings(w->e, NULL, 0);
}

/* The latest frame to every hook; -1 with *cause when one failed. */
static int sw_watch_frame(struct sw_watch *w, bool forced, char **cause)
{
	const struct sw_frame *f = sw_engine_frame(w->e);

	for (size_t i = 0; i < w->nhooks; i++)
		if (w->hooks[i].frame &&
		    w->hooks[i].frame(w->hooks[i].arg, f, forced, cause) < 0)
			return -1;
	return 0;
}

static void sw_watch_read_blocks(struct sw_watch *w)
{
	char *cause = NULL;

	if (!w->b || sw_blocker_refresh(w->b, &cause) == 0)
		return;
	sw_watch_say(w, true, cause ? cause : "cannot read the blocks back");
	free(cause);
}

/* Say a block/unblock result; a dry run's nft text goes to info. */
static void sw_watch_result(struct sw_watch *w, struct sw_block_result *r,
			    unsigned audit_failures)
{
	char msg[320];
	bool bad = r->outcome == SW_BLOCK_REFUSED || r->outcome == SW_BLOCK_FAILED;

	/* done but not in the audit log: an error to see */
	if (sw_blocker_audit_failures(w->b, NULL) != audit_failures)
		bad = true;

	snprintf(msg, sizeof(msg), "%.200s%s%.100s", r->message,
		 r->kill_error[0] ? "; " : "", r->kill_error);
	if (r->killed >= 0 && !r->kill_error[0]) {
		size_t n = strlen(msg);

		snprintf(msg + n, sizeof(msg) - n, "; %s %d connection%s",
			 r->outcome == SW_BLOCK_DRY_RUN ? "would end" : "ended",
			 r->killed, r->killed == 1 ? "" : "s");
	}
	sw_watch_say(w, bad, msg);
	for (size_t i = 0; r->nft && i < w->nhooks; i++) {
		if (w->hooks[i].info) {
			w->hooks[i].info(w->hooks[i].arg, r->nft);
			r->nft = NULL;
		}
	}
	sw_block_result_clear(r);
}

static void sw_watch_do_block(struct sw_watch *w, const struct sw_block_req *req)
{
	struct sw_block_result r;
	unsigned af = sw_blocker_audit_failures(w->b, NULL);

	memset(&r, 0, sizeof(r));
	r.killed = -1;
	sw_blocker_block(w->b, req, &r);
	sw_watch_result(w, &r, af);
}

static void sw_watch_do_unblock(struct sw_watch *w, const struct sw_prefix *p,
				const uint8_t *last)
{
	struct sw_block_result r;
	unsigned af = sw_blocker_audit_failures(w->b, NULL);

	memset(&r, 0, sizeof(r));
	r.killed = -1;
	if (last)
		sw_blocker_unblock_range(w->b, p->family, p->bytes, last, &r);
	else
		sw_blocker_unblock(w->b, p, &r);
	sw_watch_result(w, &r, af);
}

/* Under mu: until due (CLOCK_MONOTONIC, as the condition variable), or a
 * command. */
static void sw_watch_wait(struct sw_watch *w, uint64_t due)
{
	struct timespec ts;

	if (due <= sw_now_ns(CLOCK_MONOTONIC))
		return;
	ts.tv_sec = (time_t)(due / 1000000000ull);
	ts.tv_nsec = (long)(due % 1000000000ull);
	pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

/* A failed refresh: 1 to go on, 0 when the replay ended, -1 to return the
 * failure (*cause stays the refresh's). */
static int sw_watch_failed(struct sw_watch *w, char **cause)
{
	char msg[300];

	w->refresh_errors++;
	if (!w->o.retry)
		return -1;
	if (sw_engine_is_replay(w->e)) {
		/* retrying reads on past the damage: stop at it */
		sw_watch_end(w, *cause ? *cause : "unknown error");
		free(*cause);
		*cause = NULL;
		return 0;
	}
	snprintf(msg, sizeof(msg), "refresh failed: %s (retrying)",
		 *cause ? *cause : "unknown error");
	sw_watch_say(w, true, msg);
	free(*cause);
	*cause = NULL;
	return 1;
}

int sw_watch_run(struct sw_watch *w, char **cause)
{
	uint64_t next = 0;
	bool ended = false;
	long frames = 0;
	int rc = 0;

	*cause = NULL;
	pthread_mutex_lock(&w->mu);
	while (!w->quit) {
		bool group = w->want_group, filter = w->want_filter;
		bool block = w->want_block, unblock = w->want_unblock;
		bool refresh, forced = w->now;
		struct sw_agg_opts g = w->group;
		struct sw_block_req req = w->block;
		struct sw_prefix u = w->unblock;
		bool u_range = w->unblock_range;
		uint8_t u_last[16];
		char text[sizeof(w->filter)], reason[sizeof(w->reason)];
		uint32_t states[SW_ST_MAX];
		double interval = w->interval_s;
		uint64_t now = sw_now_ns(CLOCK_MONOTONIC);

		refresh = !ended && (w->now || (!w->paused && now >= next));
		if (!refresh && !group && !filter && !block && !unblock) {
			if (ended && !w->o.hold)
				break;
			if (w->paused || ended)
				pthread_cond_wait(&w->cv, &w->mu);
			else
				sw_watch_wait(w, next);
			continue;
		}
		memcpy(u_last, w->unblock_last, sizeof(u_last));
		memcpy(text, w->filter, sizeof(text));
		memcpy(reason, w->reason, sizeof(reason));
		memcpy(states, w->states, sizeof(states));
		req.reason = req.reason ? reason : NULL;
		req.states = states;
		w->want_group = w->want_filter = w->want_block = false;
		w->want_unblock = w->now = false;
		pthread_mutex_unlock(&w->mu);

		if (filter) {
			struct sw_filter_error err;

			if (sw_engine_set_filter(w->e, text, &err) < 0) {
				char msg[sizeof(err.msg) + 16];

				snprintf(msg, sizeof(msg), "bad filter: %.200s", err.msg);
				sw_watch_say(w, true, msg);
			} else if (!ended) {
				/* the filter applies from the next dump */
				refresh = forced = true;
				sw_watch_rebase(w);
			}
		}
		if ((block || unblock) && !w->b) {
			sw_watch_say(w, true, "blocking unavailable");
		} else if (block || unblock) {
			if (block)
				sw_watch_do_block(w, &req);
			if (unblock)
				sw_watch_do_unblock(w, &u, u_range ? u_last : NULL);
			if (!refresh) {
				sw_watch_read_blocks(w);
				if (sw_engine_frame(w->e)->seq &&
				    sw_watch_frame(w, true, cause) < 0)
					goto fail;
			}
		}
		if (group && sw_engine_set_group(w->e, &g) == 0) {
			sw_watch_rebase(w);
			if (!refresh && sw_engine_frame(w->e)->seq &&
			    sw_watch_frame(w, true, cause) < 0)
				goto fail;
		}
		if (refresh) {
			int r = sw_engine_refresh(w->e, cause);

			if (r > 0) {
				sw_watch_diagnose(w);
				sw_watch_read_blocks(w);
				if (sw_watch_frame(w, forced, cause) < 0)
					goto fail;
				if (w->o.limit > 0 && ++frames >= w->o.limit)
					goto out;
			} else if (r == 0) {
				ended = true;
				sw_watch_end(w, NULL);
			} else {
				r = sw_watch_failed(w, cause);
				if (r < 0)
					goto fail;
				ended = r == 0;
			}
			if (sw_engine_is_replay(w->e) && !w->o.pace_replay)
				interval = 0;
			now = sw_now_ns(CLOCK_MONOTONIC);
			next = (w->o.steady && next ? next : now) +
			       (uint64_t)(interval * 1e9);
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
fail:
	rc = -1;
out:
	return rc;
}

void sw_watch_quit(struct sw_watch *w)
{
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_watch_pause(struct sw_watch *w, bool paused)
{
	pthread_mutex_lock(&w->mu);
	w->paused = paused;
	if (!paused)
		w->now = true; /* fresh data at once on resume */
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_watch_interval(struct sw_watch *w, double s)
{
	pthread_mutex_lock(&w->mu);
	w->interval_s = s;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_watch_group(struct sw_watch *w, const struct sw_agg_opts *g)
{
	pthread_mutex_lock(&w->mu);
	w->group = *g;
	w->want_group = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_watch_filter(struct sw_watch *w, const char *text)
{
	pthread_mutex_lock(&w->mu);
	snprintf(w->filter, sizeof(w->filter), "%s", text);
	w->want_filter = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_watch_block(struct sw_watch *w, const struct sw_block_req *req)
{
	pthread_mutex_lock(&w->mu);
	w->block = *req;
	snprintf(w->reason, sizeof(w->reason), "%s", req->reason ? req->reason : "");
	if (req->states)
		memcpy(w->states, req->states, sizeof(w->states));
	else
		memset(w->states, 0, sizeof(w->states));
	w->want_block = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_watch_unblock(struct sw_watch *w, const struct sw_prefix *p,
		      const uint8_t *last)
{
	pthread_mutex_lock(&w->mu);
	w->unblock = *p;
	w->unblock_range = last != NULL;
	if (last)
		memcpy(w->unblock_last, last, sizeof(w->unblock_last));
	w->want_unblock = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

char *sw_watch_close(struct sw_watch *w)
{
	const char *rec, *audit = NULL;
	char *lost = NULL;

	if (!w)
		return NULL;
	rec = sw_engine_record_error(w->e);
	if (w->b)
		sw_blocker_audit_failures(w->b, &audit);
	if (rec || audit)
		sw_cause_set(&lost, "%s%s%s", rec ? rec : "",
			     rec && audit ? "; " : "", audit ? audit : "");
	sw_engine_close(w->e);
	if (w->b)
		sw_blocker_close(w->b);
	sw_diagnosis_free(w->diag);
	free(w->hooks);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return lost;
}
