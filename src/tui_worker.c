/* tui_worker.c - the refresher thread. It alone calls the engine and the
 * blocker, so a dump of 250,000 sockets never holds up a key press: the UI
 * thread only swaps model pointers under the mutex. Three models rotate:
 * the UI's, the latest ready one, and the spare being filled. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sw_buf.h"
#include "sw_cause.h"
#include "sw_tui.h"

struct sw_tui_worker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pipe[2];
	struct sw_engine *e;
	struct sw_blocker *b;
	struct sw_view_model models[3];
	/* the latest ready one, the one being filled, and the UI's (until
	 * its first take the UI shows a model of its own) */
	struct sw_view_model *ready, *spare, *ui;

	/* under mu: commands from the UI */
	bool quit, paused, now;
	double interval_s;
	bool want_group, want_filter, want_block, want_unblock;
	struct sw_agg_opts group;
	char filter[256];
	struct sw_view_confirm confirm;
	char reason[128];
	struct sw_prefix unblock;
	bool unblock_range;
	uint8_t unblock_last[16];

	/* under mu: news for the UI */
	bool ready_new, ready_forced, replay_end, replay_broken;
	char status[320];
	bool status_error;
	char *info;
};

static void sw_tui_worker_wake(struct sw_tui_worker *w)
{
	ssize_t r;

	do
		r = write(w->pipe[1], "", 1);
	while (r < 0 && errno == EINTR);
	/* EAGAIN: the pipe already holds a wake-up */
}

/* Under mu. */
static void sw_tui_worker_say(struct sw_tui_worker *w, bool error,
			      const char *msg)
{
	snprintf(w->status, sizeof(w->status), "%s", msg);
	w->status_error = error;
}

static void sw_tui_worker_blocks(struct sw_tui_worker *w,
				 struct sw_view_model *m)
{
	const struct sw_block_list *l;
	struct sw_view_block *k;
	uint32_t n, i;

	if (!w->b) {
		sw_view_model_set_blocks(m, NULL, 0);
		return;
	}
	l = sw_blocker_list(w->b);
	n = l->n < UINT32_MAX ? (uint32_t)l->n : UINT32_MAX;
	k = sw_view_model_blocks_room(m, n);
	if (!k)
		return;
	for (i = 0; i < n; i++, k++) {
		memset(k, 0, sizeof(*k));
		k->target = l->v[i].target;
		k->expires_s = l->v[i].expires_s > 0 ? l->v[i].expires_s : -1;
		k->never = l->v[i].timeout_s <= 0;
		k->range = l->v[i].range;
		memcpy(k->last, l->v[i].last, sizeof(k->last));
		k->packets = l->v[i].packets;
		k->bytes = l->v[i].bytes;
		/* comments may come from anyone with nft: no raw escapes */
		sw_text_safe(l->v[i].comment, k->reason, sizeof(k->reason));
	}
	sw_view_model_blocks_commit(m, n);
}

/* Fill the spare model from the engine's frame and make it the ready one.
 * forced: it answers a command, so the UI takes it even when paused. */
static void sw_tui_worker_publish(struct sw_tui_worker *w, bool forced)
{
	struct sw_view_model *m = w->spare;

	if (sw_view_model_fill(m, sw_engine_frame(w->e)) < 0) {
		pthread_mutex_lock(&w->mu);
		sw_tui_worker_say(w, true, "out of memory copying the refresh; showing the previous one");
		pthread_mutex_unlock(&w->mu);
		sw_tui_worker_wake(w);
		return;
	}
	sw_tui_worker_blocks(w, m);
	pthread_mutex_lock(&w->mu);
	w->spare = w->ready;
	w->ready = m;
	w->ready_forced = forced || (w->ready_new && w->ready_forced);
	w->ready_new = true;
	pthread_mutex_unlock(&w->mu);
	sw_tui_worker_wake(w);
}

static void sw_tui_worker_read_blocks(struct sw_tui_worker *w)
{
	char *cause = NULL;

	if (!w->b || sw_blocker_refresh(w->b, &cause) == 0)
		return;
	pthread_mutex_lock(&w->mu);
	sw_tui_worker_say(w, true, cause ? cause : "cannot read the blocks back");
	pthread_mutex_unlock(&w->mu);
	free(cause);
}

/* Report a block/unblock result; a dry run's nft text goes to a box. */
static void sw_tui_worker_result(struct sw_tui_worker *w,
				 struct sw_block_result *r, unsigned audit_failures)
{
	char msg[sizeof(w->status)];
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
	pthread_mutex_lock(&w->mu);
	sw_tui_worker_say(w, bad, msg);
	if (r->nft) {
		free(w->info);
		w->info = r->nft;
		r->nft = NULL;
	}
	pthread_mutex_unlock(&w->mu);
	sw_block_result_clear(r);
}

static void sw_tui_worker_do_block(struct sw_tui_worker *w,
				   const struct sw_view_confirm *c,
				   const char *reason)
{
	struct sw_block_req req = {
		.target = c->target,
		.timeout_s = c->seconds,
		.kill = c->kill,
		.reason = reason[0] ? reason : "sockwatch TUI",
		.connections = c->count,
		.states = c->states,
	};
	struct sw_block_result r;
	unsigned af = sw_blocker_audit_failures(w->b, NULL);

	memset(&r, 0, sizeof(r));
	r.killed = -1;
	sw_blocker_block(w->b, &req, &r);
	sw_tui_worker_result(w, &r, af);
}

static void sw_tui_worker_do_unblock(struct sw_tui_worker *w,
				     const struct sw_prefix *p,
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
	sw_tui_worker_result(w, &r, af);
}

static uint64_t sw_tui_worker_add(uint64_t t, double s)
{
	return t + (uint64_t)(s * 1e9);
}

static void sw_tui_worker_wait(struct sw_tui_worker *w, uint64_t due)
{
	struct timespec ts;

	if (due <= sw_now_ns(CLOCK_MONOTONIC))
		return;
	/* due is on CLOCK_MONOTONIC, as the condition variable (see start) */
	ts.tv_sec = (time_t)(due / 1000000000ull);
	ts.tv_nsec = (long)(due % 1000000000ull);
	pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

static void *sw_tui_worker_main(void *arg)
{
	struct sw_tui_worker *w = arg;
	uint64_t next = 0;
	bool ended = false;

	pthread_mutex_lock(&w->mu);
	while (!w->quit) {
		bool group = w->want_group, filter = w->want_filter;
		bool block = w->want_block, unblock = w->want_unblock;
		bool refresh, forced = w->now;
		struct sw_agg_opts g = w->group;
		struct sw_view_confirm c = w->confirm;
		struct sw_prefix u = w->unblock;
		bool u_range = w->unblock_range;
		uint8_t u_last[16];
		char text[sizeof(w->filter)], reason[sizeof(w->reason)];
		uint64_t now = sw_now_ns(CLOCK_MONOTONIC);

		refresh = !ended && (w->now || (!w->paused && now >= next));
		if (!refresh && !group && !filter && !block && !unblock) {
			if (w->paused || ended)
				pthread_cond_wait(&w->cv, &w->mu);
			else
				sw_tui_worker_wait(w, next);
			continue;
		}
		memcpy(u_last, w->unblock_last, sizeof(u_last));
		memcpy(text, w->filter, sizeof(text));
		memcpy(reason, w->reason, sizeof(reason));
		w->want_group = w->want_filter = w->want_block = false;
		w->want_unblock = w->now = false;
		pthread_mutex_unlock(&w->mu);

		if (filter) {
			struct sw_filter_error err;

			if (sw_engine_set_filter(w->e, text, &err) < 0) {
				char msg[sizeof(err.msg) + 16];

				snprintf(msg, sizeof(msg), "bad filter: %.200s", err.msg);
				pthread_mutex_lock(&w->mu);
				sw_tui_worker_say(w, true, msg);
				pthread_mutex_unlock(&w->mu);
			} else if (!ended) {
				/* the filter applies from the next dump */
				refresh = forced = true;
			}
		}
		if ((block || unblock) && !w->b) {
			pthread_mutex_lock(&w->mu);
			sw_tui_worker_say(w, true, "blocking unavailable");
			pthread_mutex_unlock(&w->mu);
		} else if (block || unblock) {
			if (block)
				sw_tui_worker_do_block(w, &c, reason);
			if (unblock)
				sw_tui_worker_do_unblock(w, &u, u_range ? u_last : NULL);
			if (!refresh) {
				sw_tui_worker_read_blocks(w);
				if (sw_engine_frame(w->e)->seq)
					sw_tui_worker_publish(w, true);
			}
		}
		if (group && sw_engine_set_group(w->e, &g) == 0 && !refresh &&
		    sw_engine_frame(w->e)->seq)
			sw_tui_worker_publish(w, true);
		if (refresh) {
			char *cause = NULL;
			int r = sw_engine_refresh(w->e, &cause);

			if (r > 0) {
				sw_tui_worker_read_blocks(w);
				sw_tui_worker_publish(w, forced);
			} else {
				pthread_mutex_lock(&w->mu);
				if (r == 0) {
					ended = w->replay_end = true;
				} else if (sw_engine_is_replay(w->e)) {
					char msg[300];

					/* retrying reads on past the damage: stop at it */
					ended = w->replay_end = w->replay_broken = true;
					snprintf(msg, sizeof(msg), "damaged recording: %s; the "
						 "last whole refresh stays on screen",
						 cause ? cause : "unknown error");
					sw_tui_worker_say(w, true, msg);
				} else {
					char msg[300];

					snprintf(msg, sizeof(msg), "refresh failed: %s (retrying)",
						 cause ? cause : "unknown error");
					sw_tui_worker_say(w, true, msg);
				}
				pthread_mutex_unlock(&w->mu);
				free(cause);
				sw_tui_worker_wake(w);
			}
			next = sw_tui_worker_add(sw_now_ns(CLOCK_MONOTONIC), w->interval_s);
		} else {
			sw_tui_worker_wake(w);
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct sw_tui_worker *sw_tui_worker_start(struct sw_engine *e,
					  struct sw_blocker *b,
					  double interval_s, int *wake_fd,
					  char **cause)
{
	struct sw_tui_worker *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;
	int i, err;

	if (!w) {
		*cause = strdup("out of memory starting the refresher");
		return NULL;
	}
	w->e = e;
	w->b = b;
	w->interval_s = interval_s;
	w->now = true;
	for (i = 0; i < 3; i++)
		sw_view_model_init(&w->models[i]);
	w->ui = &w->models[0];
	w->ready = &w->models[1];
	w->spare = &w->models[2];
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		if (asprintf(cause, "cannot make a pipe: %s", strerror(errno)) < 0)
			*cause = NULL;
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&w->th, NULL, sw_tui_worker_main, w);
	if (err) {
		if (asprintf(cause, "cannot start the refresher thread: %s",
			     strerror(err)) < 0)
			*cause = NULL;
		close(w->pipe[0]);
		close(w->pipe[1]);
		free(w);
		return NULL;
	}
	*wake_fd = w->pipe[0];
	return w;
}

char *sw_tui_worker_stop(struct sw_tui_worker *w)
{
	const char *rec, *audit = NULL;
	char *lost = NULL;
	int i;

	if (!w)
		return NULL;
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	/* a refresh in flight finishes first: bounded by one dump */
	pthread_join(w->th, NULL);
	rec = sw_engine_record_error(w->e);
	if (w->b)
		sw_blocker_audit_failures(w->b, &audit);
	if (rec || audit)
		sw_cause_set(&lost, "%s%s%s", rec ? rec : "",
			     rec && audit ? "; " : "", audit ? audit : "");
	sw_engine_close(w->e);
	if (w->b)
		sw_blocker_close(w->b);
	for (i = 0; i < 3; i++)
		sw_view_model_free(&w->models[i]);
	free(w->info);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return lost;
}

void sw_tui_worker_take(struct sw_tui_worker *w, bool paused,
			struct sw_view_model **m, struct sw_tui_news *news)
{
	char buf[64];

	while (read(w->pipe[0], buf, sizeof(buf)) > 0)
		;
	memset(news, 0, sizeof(*news));
	pthread_mutex_lock(&w->mu);
	if (w->ready_new && (!paused || w->ready_forced)) {
		struct sw_view_model *old = w->ui;

		w->ui = w->ready;
		w->ready = old;
		*m = w->ui;
		w->ready_new = w->ready_forced = false;
		news->model = true;
	}
	news->replay_end = w->replay_end;
	news->replay_broken = w->replay_broken;
	if (w->status[0]) {
		memcpy(news->status, w->status, sizeof(news->status));
		news->status_error = w->status_error;
		w->status[0] = '\0';
	}
	news->info = w->info;
	w->info = NULL;
	pthread_mutex_unlock(&w->mu);
}

void sw_tui_worker_pause(struct sw_tui_worker *w, bool paused)
{
	pthread_mutex_lock(&w->mu);
	w->paused = paused;
	if (!paused)
		w->now = true; /* fresh data at once on resume */
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_tui_worker_interval(struct sw_tui_worker *w, double s)
{
	pthread_mutex_lock(&w->mu);
	w->interval_s = s;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_tui_worker_group(struct sw_tui_worker *w, const struct sw_agg_opts *g)
{
	pthread_mutex_lock(&w->mu);
	w->group = *g;
	w->want_group = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_tui_worker_filter(struct sw_tui_worker *w, const char *text)
{
	pthread_mutex_lock(&w->mu);
	snprintf(w->filter, sizeof(w->filter), "%s", text);
	w->want_filter = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_tui_worker_block(struct sw_tui_worker *w,
			 const struct sw_view_confirm *c, const char *reason)
{
	pthread_mutex_lock(&w->mu);
	w->confirm = *c;
	snprintf(w->reason, sizeof(w->reason), "%s", reason ? reason : "");
	w->want_block = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sw_tui_worker_unblock(struct sw_tui_worker *w, const struct sw_prefix *p,
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
