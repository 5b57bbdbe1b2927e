/* daemon.c - sockwatch daemon: the watch loop with the blocker and the
 * rules (sw_autoban.h), in the foreground, one line per action on stderr
 * (journald) besides the audit log. SIGHUP reloads the rules (a broken
 * file is said and the old rules stay); SIGTERM and SIGINT stop it, the
 * bans stay (their timeouts end them). Exit codes: 0 stopped by a signal,
 * 1 a failure at start or while running, 2 a bad command line or rules
 * file. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sw_autoban.h"
#include "sw_metrics.h"
#include "sw_rules_file.h"
#include "sw_cause.h"
#include "sw_cmd.h"
#include "sw_daemon.h"

struct sw_daemon {
	const struct sw_opts *o;
	const char *rules_path;
	bool journal;            /* stderr is journald's: priority prefixes */
	pthread_t main_th;
	struct sw_watch *w;
	struct sw_autoban *ab;
	struct sw_blocker *b;
	int loop_rc;
	char *loop_cause;
};

/* One line on stderr; under journald with its priority ("<3>" error,
 * "<6>" info), else as it is. Safe from both threads (one fprintf). */
static void sw_daemon_say(void *arg, bool error, const char *msg)
{
	struct sw_daemon *d = arg;

	fprintf(stderr, "%s%s\n", d->journal ? (error ? "<3>" : "<6>") : "", msg);
}

static void sw_daemon_sayf(struct sw_daemon *d, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sw_daemon_sayf(struct sw_daemon *d, bool error, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sw_daemon_say(d, error, msg);
}

/* The parser's errors, one line each, after a lead line. */
static void sw_daemon_errors(struct sw_daemon *d, const char *lead,
			     const char *errors)
{
	const char *p = errors ? errors : "out of memory";

	if (!strchr(p, '\n')) {
		sw_daemon_sayf(d, true, "%s %s", lead, p);
		return;
	}
	sw_daemon_sayf(d, true, "%s", lead);
	while (*p) {
		size_t n = strcspn(p, "\n");

		sw_daemon_sayf(d, true, "  %.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void sw_daemon_note(struct sw_daemon *d, const char *action,
			   const char *outcome, const char *detail)
{
	char *cause = NULL;

	if (sw_blocker_note(d->b, action, NULL, NULL, outcome, detail, &cause) < 0) {
		sw_daemon_say(d, true, sw_cause_text(cause));
		free(cause);
	}
}

/* The rules in words, one line each. */
static void sw_daemon_describe(struct sw_daemon *d, const struct sw_rules *rs)
{
	char words[SW_RULE_TEXT_LEN];

	for (size_t i = 0; i < sw_rules_count(rs); i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);

		sw_daemon_sayf(d, false, "rule %s: %s%s", r->name,
			       sw_rule_describe(r, words, sizeof(words)),
			       r->dry_run || d->o->dry_run ? " (dry run)" : "");
	}
}

static void sw_daemon_reload(struct sw_daemon *d)
{
	char *errors = NULL, lead[64], detail[512];
	struct sw_rules *rs = sw_rules_load(d->rules_path, &errors);

	if (!rs) {
		snprintf(lead, sizeof(lead), "reload refused, the old rules stay:");
		sw_daemon_errors(d, lead, errors);
		snprintf(detail, sizeof(detail), "%s: %.400s", d->rules_path,
			 errors ? errors : "out of memory");
		sw_daemon_note(d, "reload", "refused", detail);
		free(errors);
		return;
	}
	snprintf(detail, sizeof(detail), "reloaded %s: %zu rule%s", d->rules_path,
		 sw_rules_count(rs), sw_rules_count(rs) == 1 ? "" : "s");
	sw_daemon_say(d, false, detail);
	sw_daemon_describe(d, rs);
	sw_daemon_note(d, "reload", "seen", detail);
	sw_autoban_reload(d->ab, rs);
}

static void *sw_daemon_loop(void *arg)
{
	struct sw_daemon *d = arg;

	d->loop_rc = sw_watch_run(d->w, &d->loop_cause);
	/* wake the main thread's sigwait: the loop is over */
	pthread_kill(d->main_th, SIGUSR1);
	return NULL;
}

/* Until SIGTERM/SIGINT (0) or the loop's end (1); SIGHUP reloads. */
static int sw_daemon_signals(struct sw_daemon *d, const sigset_t *sigs)
{
	for (;;) {
		int sig = 0;

		if (sigwait(sigs, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			sw_daemon_reload(d);
		} else if (sig == SIGUSR1) {
			return 1;
		} else {
			sw_daemon_sayf(d, false, "stopping on SIG%s; the bans stay "
				       "until their timeouts", sigabbrev_np(sig));
			return 0;
		}
	}
}

/* The blocker: a daemon that cannot block is no daemon (unless it only
 * says what it would do). NULL after saying why. */
static struct sw_blocker *sw_daemon_blocker(struct sw_daemon *d)
{
	const struct sw_opts *o = d->o;
	/* its dry run is per request (the rules' "would block") */
	struct sw_block_opts bo = sw_cmd_block_opts(o, true);
	struct sw_blocker *b;
	const char *why;
	char *cause = NULL;

	bo.dry_run = false;
	b = sw_blocker_open(&bo, &cause);
	if (!b) {
		sw_daemon_sayf(d, true, "sockwatch daemon: cannot start: %s",
			       sw_cause_text(cause));
		free(cause);
		return NULL;
	}
	why = sw_blocker_unavailable(b);
	if (why && !o->dry_run) {
		sw_daemon_sayf(d, true, "sockwatch daemon: cannot start: blocking is "
			       "%s; the daemon needs nftables (or run it with "
			       "--dry-run to see what it would do)", why);
		sw_blocker_close(b);
		return NULL;
	}
	d->b = b;
	return b;
}

static int sw_daemon_main(const struct sw_opts *o)
{
	struct sw_daemon d = {
		.o = o,
		.rules_path = o->rules_file ? o->rules_file : SW_RULES_DEFAULT_FILE,
		.journal = getenv("JOURNAL_STREAM") != NULL,
		.main_th = pthread_self(),
	};
	const char *state = o->state_file ? o->state_file : SW_DAEMON_STATE_FILE;
	struct sw_watch_opts wo = {
		.interval_s = o->delay_s,
		.steady = true,
		.retry = true,
	};
	struct sw_autoban_opts ao = {
		.dry_run = o->dry_run,
		.state_path = state,
		.say = sw_daemon_say,
		.arg = &d,
	};
	struct sw_engine_opts eo = o->engine;
	struct sw_engine *e;
	struct sw_blocker *b;
	struct sw_rules *rs;
	struct sw_metrics *m;
	char *cause = NULL, lead[64], start[768];
	sigset_t sigs;
	pthread_t th;
	int rc = 0, ended;

	setvbuf(stderr, NULL, _IOLBF, 0);
	rs = sw_rules_load(d.rules_path, &cause);
	if (!rs) {
		snprintf(lead, sizeof(lead), "sockwatch daemon: cannot start:");
		sw_daemon_errors(&d, lead, cause);
		if (access(d.rules_path, F_OK) < 0 && errno == ENOENT)
			sw_daemon_say(&d, true, "write the rules there, or name a "
				      "file with --rules FILE (examples: "
				      "contrib/rules, sockwatch(8))");
		free(cause);
		return 2;
	}
	/* bound before the engine enters --netns: scrapers reach it here */
	if (sw_metrics_open(o, &m, &cause) < 0) {
		sw_daemon_sayf(&d, true, "sockwatch daemon: cannot start: %s", cause);
		free(cause);
		sw_rules_free(rs);
		return 1;
	}
	/* rules count per remote: nobody needs the listeners' programs
	 * (unless the metrics name them) */
	eo.resolve_procs = m != NULL;
	e = sw_engine_start(&eo, &rc, &cause);
	if (!e) {
		sw_daemon_sayf(&d, true, "sockwatch daemon: cannot start: %s",
			       sw_cause_text(cause));
		free(cause);
		sw_rules_free(rs);
		sw_metrics_stop(m);
		return rc;
	}
	b = sw_daemon_blocker(&d);
	if (!b) {
		sw_engine_close(e);
		sw_rules_free(rs);
		sw_metrics_stop(m);
		return 1;
	}
	snprintf(start, sizeof(start), "%zu rule%s from %s%s, every %gs, "
		 "offender history %s", sw_rules_count(rs),
		 sw_rules_count(rs) == 1 ? "" : "s", d.rules_path,
		 o->dry_run ? " (dry run: nothing is sent)" : "", o->delay_s, state);
	if (sw_blocker_note(b, "daemon-start", NULL, NULL, "seen", start, &cause) < 0) {
		sw_daemon_sayf(&d, true, "sockwatch daemon: cannot start: %s",
			       sw_cause_text(cause));
		free(cause);
		sw_engine_close(e);
		sw_blocker_close(b);
		sw_rules_free(rs);
		sw_metrics_stop(m);
		return 1;
	}
	sw_daemon_sayf(&d, false, "sockwatch daemon %s: %s%s%s", SW_VERSION, start,
		       o->engine.netns ? ", namespace " : "",
		       o->engine.netns ? o->engine.netns : "");
	sw_daemon_describe(&d, rs);

	/* signals are read here, by sigwait; no thread takes them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	d.w = sw_watch_new(e, b, &wo, &cause);
	if (d.w)
		d.ab = sw_autoban_new(rs, &ao, &cause);
	else
		sw_rules_free(rs);
	if (m && d.ab)
		sw_metrics_autoban(m, d.ab);
	/* the metrics after the autoban: they export this frame's bans */
	if (!d.w || !d.ab || sw_autoban_hook(d.ab, d.w) < 0 ||
	    (m && sw_metrics_attach(m, d.w) < 0) ||
	    pthread_create(&th, NULL, sw_daemon_loop, &d) != 0) {
		sw_daemon_sayf(&d, true, "sockwatch daemon: cannot start: %s",
			       cause ? cause : "out of memory");
		free(cause);
		free(sw_watch_close(d.w));
		sw_autoban_free(d.ab);
		sw_metrics_stop(m);
		return 1;
	}
	if (m && sw_metrics_port(m))
		sw_daemon_sayf(&d, false, "metrics on %s (port %u)", o->metrics,
			       sw_metrics_port(m));
	ended = sw_daemon_signals(&d, &sigs);
	if (!ended)
		sw_watch_quit(d.w);
	pthread_join(th, NULL);
	if (d.loop_rc < 0 || ended) {
		sw_daemon_sayf(&d, true, "sockwatch daemon: stopped: %s",
			       d.loop_cause ? d.loop_cause : "the refresh loop ended");
		rc = 1;
	}
	free(d.loop_cause);
	if (sw_autoban_save(d.ab, &cause) < 0) {
		sw_daemon_say(&d, true, sw_cause_text(cause));
		free(cause);
		rc = 1;
	}
	sw_daemon_note(&d, "daemon-stop", "seen", rc ? "stopped on a failure"
		       : "stopped by a signal; the bans stay until their timeouts");
	cause = sw_watch_close(d.w);
	if (cause) {
		sw_daemon_sayf(&d, true, "sockwatch daemon: %s", cause);
		free(cause);
		rc = 1;
	}
	sw_metrics_stop(m);
	sw_autoban_free(d.ab);
	return rc;
}

static int sw_daemon_check(const struct sw_cmd_entry *e, const struct sw_opts *o,
			   char **cause)
{
	(void)e;
	if (o->target)
		return sw_cause_set(cause, "daemon takes no argument ('%s'): the "
				    "rules file is --rules FILE", o->target);
	/* a daemon that never waits would take a core */
	if (o->delay_s < 0.2)
		return sw_cause_set(cause, "-d/--delay: %g is too short for the "
				    "daemon: at least 0.2 seconds between "
				    "refreshes (default 1)", o->delay_s);
	if (o->metrics_allow && !o->metrics)
		return sw_cause_set(cause, "--metrics-allow only applies with "
				    "--metrics ADDR:PORT");
	return 0;
}

const struct sw_cmd_entry sw_cmd_daemon_entry = {
	.mode = SW_MODE_DAEMON,
	.name = "daemon",
	.label = "daemon",
	.usage = "daemon [--rules FILE]     auto-defence: ban by the rules\n"
		 "                                           [--state FILE] "
		 "[--dry-run] [-d SECS]\n"
		 "                                           [--metrics [ADDR:]PORT] "
		 "[--textfile DIR]\n",
	.options = (const char *const[]){"delay", "rules", "state", "dry-run",
					 "metrics", "metrics-allow", "metrics-top",
					 "textfile", NULL},
	.check = sw_daemon_check,
	.run = sw_daemon_main,
};
