/* tui_worker.c - the refresher thread: it drives the watch loop
 * (sw_watch.h), so a dump of 250,000 sockets never holds up a key press.
 * Its hooks turn each frame into a view model and the loop's messages
 * into news; the UI thread only swaps model pointers under the mutex.
 * Three models rotate: the UI's, the latest ready one, and the spare
 * being filled. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sw_buf.h"
#include "sw_cause.h"
#include "sw_tui.h"

struct sw_tui_worker {
	pthread_t th;
	pthread_mutex_t mu;
	int pipe[2];
	struct sw_watch *watch;
	struct sw_autoban *ab;
	struct sw_view_rule_mark marks[SW_VIEW_MAX_RULE_MARKS];
	struct sw_view_model models[3];
	/* the latest ready one, the one being filled, and the UI's (until
	 * its first take the UI shows a model of its own) */
	struct sw_view_model *ready, *spare, *ui;

	/* under mu: news for the UI */
	bool ready_new, ready_forced, replay_end, replay_broken;
	char status[320];
	bool status_error;
	char *info;
	struct sw_tui_trend trend;    /* the refresher's thread only */
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
static void sw_tui_worker_status(struct sw_tui_worker *w, bool error,
				 const char *msg)
{
	snprintf(w->status, sizeof(w->status), "%s", msg);
	w->status_error = error;
}

static void sw_tui_worker_say(void *arg, bool error, const char *msg)
{
	struct sw_tui_worker *w = arg;

	pthread_mutex_lock(&w->mu);
	sw_tui_worker_status(w, error, msg);
	pthread_mutex_unlock(&w->mu);
	sw_tui_worker_wake(w);
}

static void sw_tui_worker_info(void *arg, char *text)
{
	struct sw_tui_worker *w = arg;

	pthread_mutex_lock(&w->mu);
	free(w->info);
	w->info = text;
	pthread_mutex_unlock(&w->mu);
	sw_tui_worker_wake(w);
}

static void sw_tui_worker_end(void *arg, const char *damage)
{
	struct sw_tui_worker *w = arg;

	pthread_mutex_lock(&w->mu);
	w->replay_end = true;
	if (damage) {
		char msg[300];

		w->replay_broken = true;
		snprintf(msg, sizeof(msg), "damaged recording: %s; the last whole "
			 "refresh stays on screen", damage);
		sw_tui_worker_status(w, true, msg);
	}
	pthread_mutex_unlock(&w->mu);
	sw_tui_worker_wake(w);
}

/* The part of a block's comment the blocks pane shows: from "rule NAME:"
 * when a rule banned it (the comment is "by root <time>, N conns (...):
 * rule flood: conns 300 > 150"), else all of it. */
static const char *sw_tui_worker_reason(const char *comment)
{
	const char *r = strstr(comment, ": rule ");

	return r ? r + 2 : comment;
}

static void sw_tui_worker_blocks(struct sw_tui_worker *w,
				 struct sw_view_model *m)
{
	struct sw_blocker *b = sw_watch_blocker(w->watch);
	const struct sw_block_list *l;
	struct sw_view_block *k;
	uint32_t n, i;

	if (!b) {
		sw_view_model_set_blocks(m, NULL, 0);
		return;
	}
	l = sw_blocker_list(b);
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
		/* comments may come from anyone with nft: no raw escapes; a
		 * rule's ban leads with the rule, the narrow column's point */
		sw_text_safe(sw_tui_worker_reason(l->v[i].comment), k->reason,
			     sizeof(k->reason));
	}
	sw_view_model_blocks_commit(m, n);
}

/* The rules' marks and state (their hook ran on this frame already). */
static void sw_tui_worker_rules(struct sw_tui_worker *w, struct sw_view_model *m)
{
	const struct sw_rules_eval *ev;
	const struct sw_rules *rs;
	const struct sw_rule_candidate *c;
	size_t n, i, k = 0;

	m->rules = w->ab != NULL;
	m->rules_tripped = 0;
	m->rules_tripped_name[0] = '\0';
	if (!w->ab) {
		sw_view_model_set_rule_marks(m, NULL, 0);
		return;
	}
	ev = sw_autoban_eval(w->ab);
	rs = sw_autoban_rules(w->ab);
	m->rules_armed = sw_autoban_armed(w->ab);
	for (i = 0; i < sw_rules_count(rs); i++) {
		struct sw_rule_status st;

		sw_rules_eval_status(ev, i, &st);
		if (st.mode != SW_RULE_TRIPPED)
			continue;
		if (!m->rules_tripped++)
			snprintf(m->rules_tripped_name, sizeof(m->rules_tripped_name),
				 "%s", st.rule->name);
	}
	c = sw_rules_eval_candidates(ev, &n);
	for (i = 0; i < n && k < SW_VIEW_MAX_RULE_MARKS; i++) {
		const struct sw_rule *r = sw_rules_get(rs, c[i].rule);
		char text[SW_VIEW_RULE_TEXT];

		w->marks[k].target = c[i].target;
		w->marks[k].banned = c[i].banned;
		sw_rule_candidate_text(ev, &c[i], text, sizeof(text));
		snprintf(w->marks[k].text, sizeof(w->marks[k].text), "%.24s: %.36s",
			 r ? r->name : "?", text);
		k++;
	}
	sw_view_model_set_rule_marks(m, w->marks, (uint32_t)k);
}

/* Fill the spare model from the frame and make it the ready one. forced:
 * it answers a command, so the UI takes it even when paused. A model
 * that cannot be made is said; the loop goes on. */
static int sw_tui_worker_publish(void *arg, const struct sw_frame *f,
				 bool forced, char **cause)
{
	struct sw_tui_worker *w = arg;
	struct sw_view_model *m = w->spare;

	(void)cause;
	if (sw_view_model_fill(m, f) < 0) {
		sw_tui_worker_say(w, true, "out of memory copying the refresh; showing the previous one");
		return 0;
	}
	sw_tui_worker_blocks(w, m);
	sw_tui_trend_feed(&w->trend, f, sw_watch_blocker(w->watch));
	if (sw_history_copy(&m->hist, &w->trend.hist) < 0)
		sw_tui_worker_say(w, true, "out of memory copying the history; the trends are empty");
	sw_tui_worker_rules(w, m);
	pthread_mutex_lock(&w->mu);
	w->spare = w->ready;
	w->ready = m;
	w->ready_forced = forced || (w->ready_new && w->ready_forced);
	w->ready_new = true;
	pthread_mutex_unlock(&w->mu);
	sw_tui_worker_wake(w);
	return 0;
}

static void *sw_tui_worker_main(void *arg)
{
	struct sw_tui_worker *w = arg;
	char *cause = NULL;

	/* with retry and hold the loop fails only in a hook, and ours don't */
	if (sw_watch_run(w->watch, &cause) < 0)
		sw_tui_worker_say(w, true, cause ? cause : "the refresher stopped");
	free(cause);
	return NULL;
}

struct sw_tui_worker *sw_tui_worker_start(struct sw_watch *watch,
					  struct sw_autoban *ab, int *wake_fd,
					  double interval_s, char **cause)
{
	struct sw_tui_worker *w = calloc(1, sizeof(*w));
	struct sw_watch_hook h = {
		.frame = sw_tui_worker_publish,
		.say = sw_tui_worker_say,
		.info = sw_tui_worker_info,
		.end = sw_tui_worker_end,
	};
	int i, err;

	if (!w) {
		*cause = strdup("out of memory starting the refresher");
		return NULL;
	}
	w->watch = watch;
	w->ab = ab;
	h.arg = w;
	sw_tui_trend_init(&w->trend, interval_s); /* ENOMEM: no trends */
	for (i = 0; i < 3; i++)
		sw_view_model_init(&w->models[i]);
	w->ui = &w->models[0];
	w->ready = &w->models[1];
	w->spare = &w->models[2];
	if (ab)
		sw_autoban_on_say(ab, sw_tui_worker_say, w);
	if ((ab && sw_autoban_hook(ab, watch) < 0) || sw_watch_hook(watch, &h) < 0) {
		*cause = strdup("out of memory starting the refresher");
		sw_tui_trend_free(&w->trend);
		free(w);
		return NULL;
	}
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		if (asprintf(cause, "cannot make a pipe: %s", strerror(errno)) < 0)
			*cause = NULL;
		sw_tui_trend_free(&w->trend);
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	err = pthread_create(&w->th, NULL, sw_tui_worker_main, w);
	if (err) {
		if (asprintf(cause, "cannot start the refresher thread: %s",
			     strerror(err)) < 0)
			*cause = NULL;
		close(w->pipe[0]);
		close(w->pipe[1]);
		pthread_mutex_destroy(&w->mu);
		sw_tui_trend_free(&w->trend);
		free(w);
		return NULL;
	}
	*wake_fd = w->pipe[0];
	return w;
}

char *sw_tui_worker_stop(struct sw_tui_worker *w)
{
	char *lost;
	int i;

	if (!w)
		return NULL;
	sw_watch_quit(w->watch);
	/* a refresh in flight finishes first: bounded by one dump */
	pthread_join(w->th, NULL);
	lost = sw_watch_close(w->watch);
	for (i = 0; i < 3; i++)
		sw_view_model_free(&w->models[i]);
	sw_tui_trend_free(&w->trend);
	free(w->info);
	close(w->pipe[0]);
	close(w->pipe[1]);
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
