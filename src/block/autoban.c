/* autoban.c - the rules at work on the watch loop: evaluate each frame,
 * hand the requests to the blocker, say every action, keep the offender
 * history on disk. What to ban is the rules core's (src/core/rules*.c);
 * whether it may be banned is the blocker's. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sw_autoban.h"
#include "sw_cause.h"
#include "sw_statefile.h"

struct sw_autoban {
	struct sw_rules *rs;
	struct sw_rules_history *hist;
	struct sw_rules_eval *ev;
	struct sw_rules_eval_opts eo;
	struct sw_watch *w;
	char *state_path;        /* NULL: none (or it could not be set aside) */
	bool unsaved;            /* the last write failed: try again */
	bool saying_unsaved;     /* that failure was said */
	bool restored;           /* the history's bans checked against the
				    kernel's (the first frame after a crash) */
	char *marker;            /* "STATE.running" while it runs: left by
				    a crash, so the next start restores */
	uint64_t last_seq;
	unsigned tripped;
	void (*say)(void *arg, bool error, const char *msg);
	void *arg;

	/* bans sent per rule name (sw_autoban_counts) */
	struct sw_autoban_count counts[SW_AUTOBAN_COUNTS];
	char count_names[SW_AUTOBAN_COUNTS][SW_RULE_NAME_LEN];
	size_t ncounts;

	pthread_mutex_t mu;
	/* under mu: from other threads */
	struct sw_rules *pending;
	bool armed, arm_changed;
};

static void sw_autoban_say(struct sw_autoban *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sw_autoban_say(struct sw_autoban *a, bool error, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	if (!a->say)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	a->say(a->arg, error, msg);
}

/* A state file that cannot be used: set aside, never emptied in place. */
static void sw_autoban_damaged(struct sw_autoban *a, const char *why)
{
	char aside[4200], *cause = NULL;

	if (sw_statefile_set_aside(a->state_path, aside, sizeof(aside), &cause) == 0) {
		sw_autoban_say(a, true, "offender history %s is damaged (%s): set "
			       "aside as %s; starting with an empty history",
			       a->state_path, why, aside);
		return;
	}
	sw_autoban_say(a, true, "offender history %s is damaged (%s) and %s: "
		       "starting with an empty history that is not saved",
		       a->state_path, why, sw_cause_text(cause));
	free(cause);
	free(a->state_path);
	a->state_path = NULL;
}

static void sw_autoban_read_state(struct sw_autoban *a)
{
	char *text = NULL, *cause = NULL;
	size_t len, n;
	int r, k = sw_statefile_clean(a->state_path);

	if (k > 0)
		sw_autoban_say(a, false, "offender history %s: removed %d temporary "
			       "file%s a crash left", a->state_path, k, k == 1 ? "" : "s");
	r = sw_statefile_read(a->state_path, &text, &len, &cause);

	if (r == 0) {
		sw_autoban_say(a, false, "offender history %s: none yet, starting "
			       "empty", a->state_path);
		return;
	}
	if (r > 0 && sw_rules_history_parse(a->hist, text, len, &cause) == 0) {
		sw_rules_history_list(a->hist, &n);
		sw_autoban_say(a, false, "offender history %s: %zu offender%s",
			       a->state_path, n, n == 1 ? "" : "s");
		free(text);
		return;
	}
	free(text);
	sw_autoban_damaged(a, sw_cause_text(cause));
	free(cause);
}

/* The marker of a run: found at start, the last run crashed (it may have
 * recorded bans it had not sent yet); made now, removed at a clean stop. */
static void sw_autoban_mark(struct sw_autoban *a)
{
	char pid[24], *cause = NULL;

	a->restored = true;
	if (asprintf(&a->marker, "%s.running", a->state_path) < 0) {
		a->marker = NULL;
		return;
	}
	if (access(a->marker, F_OK) == 0) {
		a->restored = false;
		sw_autoban_say(a, true, "offender history %s: the last run did not "
			       "stop cleanly; bans it holds that the kernel lacks "
			       "are sent again", a->state_path);
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (sw_statefile_write(a->marker, pid, strlen(pid), &cause) < 0) {
		sw_autoban_say(a, true, "%s", sw_cause_text(cause));
		free(cause);
	}
}

struct sw_autoban *sw_autoban_new(struct sw_rules *rs,
				  const struct sw_autoban_opts *o, char **cause)
{
	struct sw_autoban *a = calloc(1, sizeof(*a));

	*cause = NULL;
	if (!a) {
		sw_rules_free(rs);
		sw_cause_set(cause, "out of memory starting the rules");
		return NULL;
	}
	pthread_mutex_init(&a->mu, NULL);
	a->rs = rs;
	a->say = o->say;
	a->arg = o->arg;
	a->eo.dry_run = o->dry_run;
	a->eo.disarmed = o->disarmed;
	a->armed = !o->disarmed;
	a->hist = sw_rules_history_new();
	if (!a->hist || (o->state_path && !(a->state_path = strdup(o->state_path))))
		goto nomem;
	a->restored = true; /* nothing to restore without a file */
	if (a->state_path)
		sw_autoban_read_state(a);
	if (a->state_path)
		sw_autoban_mark(a);
	a->ev = sw_rules_eval_new(a->rs, a->hist, &a->eo);
	if (!a->ev)
		goto nomem;
	return a;
nomem:
	sw_autoban_free(a);
	sw_cause_set(cause, "out of memory starting the rules");
	return NULL;
}

/* Take what other threads asked for: new rules, arming. */
static void sw_autoban_take(struct sw_autoban *a)
{
	struct sw_rules *rs;
	bool arm_changed, armed;

	pthread_mutex_lock(&a->mu);
	rs = a->pending;
	a->pending = NULL;
	arm_changed = a->arm_changed;
	armed = a->armed;
	a->arm_changed = false;
	pthread_mutex_unlock(&a->mu);

	if (arm_changed) {
		a->eo.disarmed = !armed;
		sw_rules_eval_set(a->ev, &a->eo);
	}
	if (rs) {
		struct sw_rules_eval *ev = sw_rules_eval_new(rs, a->hist, &a->eo);

		if (!ev) {
			sw_autoban_say(a, true, "rules: out of memory taking the new "
				       "rules; the old ones stay");
			sw_rules_free(rs);
			return;
		}
		sw_rules_eval_free(a->ev);
		sw_rules_free(a->rs);
		a->ev = ev;
		a->rs = rs;
		a->tripped = 0;
	}
}

/* The blocker's answer to an action, said. Returns whether it was refused
 * or failed. */
static bool sw_autoban_result(struct sw_autoban *a, const struct sw_rule_action *act,
			      int rc, struct sw_block_result *r)
{
	char kill[SW_BLOCK_MSG_LEN + 32] = "";
	bool bad = rc < 0;

	if (r->killed >= 0)
		snprintf(kill, sizeof(kill), "; %s %d connection%s",
			 r->outcome == SW_BLOCK_DRY_RUN ? "would end" : "ended",
			 r->killed, r->killed == 1 ? "" : "s");
	else if (r->kill_error[0])
		snprintf(kill, sizeof(kill), "; %.200s", r->kill_error);
	sw_autoban_say(a, bad, "%s: %s%s%s", act->text, bad ? "refused: " : "",
		       r->message, kill);
	sw_block_result_clear(r);
	return bad;
}

int sw_autoban_save(struct sw_autoban *a, char **cause)
{
	char *text;
	int rc;

	*cause = NULL;
	if (!a->state_path || (!a->unsaved && !sw_rules_history_dirty(a->hist)))
		return 0;
	text = sw_rules_history_format(a->hist);
	if (!text) {
		a->unsaved = true;
		return sw_cause_set(cause, "offender history: out of memory "
				    "formatting it; not saved");
	}
	rc = sw_statefile_write(a->state_path, text, strlen(text), cause);
	free(text);
	a->unsaved = rc < 0;
	return rc;
}

/* Save when changed; a failure is said once, until a write works again. */
static void sw_autoban_persist(struct sw_autoban *a)
{
	char *why = NULL;

	if (sw_autoban_save(a, &why) < 0) {
		if (!a->saying_unsaved)
			sw_autoban_say(a, true, "%s", sw_cause_text(why));
		a->saying_unsaved = true;
		free(why);
	} else if (a->saying_unsaved && !a->unsaved) {
		sw_autoban_say(a, false, "offender history %s: saved again",
			       a->state_path);
		a->saying_unsaved = false;
	}
}

/* Whether the kernel's list (as last read) blocks all of t. */
static bool sw_autoban_listed(struct sw_blocker *b, const struct sw_prefix *t)
{
	const struct sw_block_list *l = sw_blocker_list(b);

	for (size_t i = 0; i < l->n; i++) {
		const struct sw_prefix *p = &l->v[i].target;

		if (!l->v[i].range && p->family == t->family && p->plen <= t->plen &&
		    sw_prefix_contains_addr(p, t->family, t->bytes))
			return true;
	}
	return false;
}

/* At the first frame after a crash: a ban the history says is running
 * but the kernel lacks (the daemon died between recording and sending) is
 * sent again for the time it has left, so the history never holds back a
 * ban that is not there. After a clean stop nothing is: a ban missing then
 * was lifted by hand (sockwatch unblock), and stays lifted. */
static void sw_autoban_restore(struct sw_autoban *a, const struct sw_frame *f)
{
	struct sw_blocker *b = sw_watch_blocker(a->w);
	const struct sw_offender *o;
	size_t n, i;

	a->restored = true;
	if (!b || sw_blocker_unavailable(b) || a->eo.dry_run || a->eo.disarmed)
		return;
	o = sw_rules_history_list(a->hist, &n);
	for (i = 0; i < n; i++) {
		char reason[SW_RULE_REASON_LEN], t[SW_ADDR_STRLEN];
		struct sw_block_req req = { .target = o[i].target };
		struct sw_block_result r;
		int rc;

		if (o[i].until_ns <= f->time_ns + 1000000000ull ||
		    sw_autoban_listed(b, &o[i].target))
			continue;
		req.timeout_s = (double)(o[i].until_ns - f->time_ns) / 1e9;
		snprintf(reason, sizeof(reason), "rule %.47s: restored (offence %u)",
			 o[i].rule, o[i].offences);
		req.reason = reason;
		memset(&r, 0, sizeof(r));
		r.killed = -1;
		rc = sw_blocker_block(b, &req, &r);
		sw_autoban_say(a, rc < 0, "offender history: the ban of %s (rule %s) "
			       "was not in the kernel: %s%s",
			       sw_prefix_format(&o[i].target, t, sizeof(t)), o[i].rule,
			       rc < 0 ? "refused: " : "", r.message);
		sw_block_result_clear(&r);
	}
}

/* A prefix ban takes over the bans inside it: the blocker refuses a
 * prefix over blocked addresses, so those are unblocked first (each
 * audited), and the prefix lasts at least as long as the longest of
 * them. In dry run only said. */
static void sw_autoban_absorb(struct sw_autoban *a, struct sw_blocker *b,
			      const struct sw_rule_action *act,
			      struct sw_block_req *req)
{
	const struct sw_block_list *l = sw_blocker_list(b);
	struct sw_prefix inner[64];
	char why[SW_BLOCK_MSG_LEN];
	size_t n = 0, i;

	/* a prefix the policy refuses keeps the bans inside it */
	if (!sw_blocker_allowed(b, &req->target, why, sizeof(why)))
		return;
	for (i = 0; i < l->n && n < sizeof(inner) / sizeof(inner[0]); i++) {
		const struct sw_block_entry *e = &l->v[i];

		if (e->range || sw_prefix_eq(&e->target, &req->target) ||
		    e->target.family != req->target.family ||
		    e->target.plen < req->target.plen ||
		    !sw_prefix_contains_addr(&req->target, e->target.family,
					     e->target.bytes))
			continue;
		if (e->timeout_s <= 0 || e->expires_s > req->timeout_s)
			req->timeout_s = e->timeout_s <= 0 ? req->timeout_s
							   : e->expires_s;
		inner[n++] = e->target;
	}
	for (i = 0; i < n; i++) {
		struct sw_block_result r;
		char t[SW_ADDR_STRLEN];

		sw_prefix_format(&inner[i], t, sizeof(t));
		if (req->dry_run) {
			sw_autoban_say(a, false, "%.200s: would take over the ban "
				       "of %s", act->text, t);
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.killed = -1;
		sw_blocker_unblock(b, &inner[i], &r);
		sw_autoban_say(a, r.outcome != SW_BLOCK_SENT, "%.200s: takes over "
			       "the ban of %s: %s", act->text, t, r.message);
		sw_block_result_clear(&r);
	}
}

/* One more ban sent by rule index i. */
static void sw_autoban_count(struct sw_autoban *a, unsigned i)
{
	const struct sw_rule *rule = sw_rules_get(a->rs, i);
	size_t k;

	if (!rule)
		return;
	for (k = 0; k < a->ncounts; k++)
		if (!strcmp(a->counts[k].rule, rule->name))
			break;
	if (k == a->ncounts) {
		if (k == SW_AUTOBAN_COUNTS)
			return;
		snprintf(a->count_names[k], sizeof(a->count_names[k]), "%s", rule->name);
		a->counts[k].rule = a->count_names[k];
		a->counts[k].bans = 0;
		a->ncounts++;
	}
	a->counts[k].bans++;
}

const struct sw_autoban_count *sw_autoban_counts(const struct sw_autoban *a,
						 size_t *n)
{
	*n = a->ncounts;
	return a->counts;
}

static void sw_autoban_block(struct sw_autoban *a, const struct sw_rule_action *act)
{
	struct sw_blocker *b = sw_watch_blocker(a->w);
	const char *why = b ? sw_blocker_unavailable(b) : "blocking unavailable";
	struct sw_block_req req = act->req;
	struct sw_block_result r;
	int rc;

	/* the action's own reason and states: its pointers may be into an
	 * earlier place of the evaluator's action list, which grows */
	req.reason = act->reason;
	req.states = act->req.states ? act->states : NULL;
	req.dry_run = act->kind == SW_RA_WOULD_BLOCK;
	if (!b || (why && !req.dry_run)) {
		sw_autoban_say(a, !req.dry_run, "%s: %s%s", act->text,
			       req.dry_run ? "nothing sent; " : "refused: ",
			       why ? why : "blocking unavailable");
		if (!req.dry_run)
			sw_rules_eval_refused(a->ev, act);
		return;
	}
	if (act->prefix)
		sw_autoban_absorb(a, b, act, &req);
	memset(&r, 0, sizeof(r));
	r.killed = -1;
	rc = sw_blocker_block(b, &req, &r);
	if (rc == 0 && r.outcome == SW_BLOCK_SENT)
		sw_autoban_count(a, act->rule);
	if (sw_autoban_result(a, act, rc, &r))
		sw_rules_eval_refused(a->ev, act);
	else if (!req.dry_run)
		/* each ban on disk as soon as it is in the kernel */
		sw_autoban_persist(a);
}

static void sw_autoban_breaker(struct sw_autoban *a, const struct sw_rule_action *act)
{
	struct sw_blocker *b = sw_watch_blocker(a->w);
	const struct sw_rule *rule = sw_rules_get(a->rs, act->rule);
	bool trip = act->kind == SW_RA_TRIPPED;
	char *cause = NULL;

	sw_autoban_say(a, trip, "%s", act->text);
	if (b && sw_blocker_note(b, trip ? "breaker-trip" : "breaker-reset", NULL,
				 rule ? rule->name : NULL, "seen", act->text,
				 &cause) < 0) {
		sw_autoban_say(a, true, "%s", sw_cause_text(cause));
		free(cause);
	}
}

/* What each kind of action does (enum sw_rule_action_kind). */
static void (*const sw_autoban_acts[])(struct sw_autoban *,
				       const struct sw_rule_action *) = {
	[SW_RA_BLOCK] = sw_autoban_block,
	[SW_RA_WOULD_BLOCK] = sw_autoban_block,
	[SW_RA_TRIPPED] = sw_autoban_breaker,
	[SW_RA_RESET] = sw_autoban_breaker,
};

static int sw_autoban_frame(void *arg, const struct sw_frame *f, bool forced,
			    char **cause)
{
	struct sw_autoban *a = arg;
	const struct sw_rule_action *acts;
	size_t n, i;

	(void)cause;
	/* the same refresh again (grouping changed, blocks read back): its
	 * rules ran already; a hold counts refreshes, not redraws */
	if (forced && f->seq == a->last_seq)
		return 0;
	a->last_seq = f->seq;
	sw_autoban_take(a);
	if (!a->restored)
		sw_autoban_restore(a, f);
	if (sw_rules_eval_run(a->ev, f, &acts, &n) < 0) {
		sw_autoban_say(a, true, "rules: out of memory evaluating this "
			       "refresh; trying again at the next");
		return 0;
	}
	for (i = 0; i < n; i++)
		if (acts[i].kind < sizeof(sw_autoban_acts) / sizeof(sw_autoban_acts[0]) &&
		    sw_autoban_acts[acts[i].kind])
			sw_autoban_acts[acts[i].kind](a, &acts[i]);
	sw_autoban_persist(a);
	a->tripped = 0;
	for (i = 0; i < sw_rules_count(a->rs); i++) {
		struct sw_rule_status st;

		sw_rules_eval_status(a->ev, i, &st);
		a->tripped += st.mode == SW_RULE_TRIPPED;
	}
	return 0;
}

void sw_autoban_on_say(struct sw_autoban *a,
		       void (*say)(void *arg, bool error, const char *msg),
		       void *arg)
{
	a->say = say;
	a->arg = arg;
}

int sw_autoban_hook(struct sw_autoban *a, struct sw_watch *w)
{
	struct sw_watch_hook h = { .frame = sw_autoban_frame, .arg = a };

	a->w = w;
	return sw_watch_hook(w, &h);
}

void sw_autoban_reload(struct sw_autoban *a, struct sw_rules *rs)
{
	pthread_mutex_lock(&a->mu);
	sw_rules_free(a->pending);
	a->pending = rs;
	pthread_mutex_unlock(&a->mu);
}

void sw_autoban_arm(struct sw_autoban *a, bool armed)
{
	pthread_mutex_lock(&a->mu);
	a->armed = armed;
	a->arm_changed = true;
	pthread_mutex_unlock(&a->mu);
}

bool sw_autoban_armed(struct sw_autoban *a)
{
	bool armed;

	pthread_mutex_lock(&a->mu);
	armed = a->armed;
	pthread_mutex_unlock(&a->mu);
	return armed;
}

const struct sw_rules_eval *sw_autoban_eval(const struct sw_autoban *a)
{
	return a->ev;
}

const struct sw_rules *sw_autoban_rules(const struct sw_autoban *a)
{
	return a->rs;
}

unsigned sw_autoban_tripped(const struct sw_autoban *a)
{
	return a->tripped;
}

void sw_autoban_free(struct sw_autoban *a)
{
	if (!a)
		return;
	sw_rules_eval_free(a->ev);
	sw_rules_free(a->rs);
	sw_rules_free(a->pending);
	sw_rules_history_free(a->hist);
	/* a clean stop: everything recorded was sent, or said as refused */
	if (a->marker && !a->unsaved)
		unlink(a->marker);
	free(a->marker);
	free(a->state_path);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
