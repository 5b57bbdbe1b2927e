/* tui.c - the interactive front end's entry point and main loop. The loop
 * waits on three things at once: keys, the refresher's wake-ups and
 * signals (resize, quit). Keys go through the view's key table; actions
 * return reaction flags and only this loop redraws or sends commands. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "sw_clock.h"
#include "sw_duration.h"
#include "sw_cause.h"
#include "sw_cmd.h"
#include "sw_tui.h"

/* How long a status message stays. */
#define SW_TUI_STATUS_NS (6ull * 1000000000ull)

/* Set the status line for a few seconds. */
static void sw_tui_status(struct sw_tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sw_tui_status(struct sw_tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof(t->status), fmt, ap);
	va_end(ap);
	t->status_error = error;
	t->status_until_ns = sw_now_ns(CLOCK_MONOTONIC) + SW_TUI_STATUS_NS;
}

/* Blocking: opened here (the engine has entered the namespace), handed to
 * the refresher. Unavailable blocking is a note, never a failure. */
static struct sw_blocker *sw_tui_blocker(struct sw_tui *t)
{
	const struct sw_opts *o = t->o;
	struct sw_block_opts bo = sw_cmd_block_opts(o, true);
	struct sw_blocker *b;
	const char *why;
	char *cause = NULL;

	if (t->replay) {
		snprintf(t->view.block_why, sizeof(t->view.block_why),
			 "a replay shows a recording: nothing to block");
		return NULL;
	}
	b = sw_blocker_open(&bo, &cause);
	if (!b) {
		snprintf(t->view.block_why, sizeof(t->view.block_why), "%s",
			 cause ? cause : "cannot open the blocker");
		free(cause);
		return NULL;
	}
	why = sw_blocker_unavailable(b);
	/* a dry run prints what it would send even without the rights */
	if (why && !o->dry_run) {
		snprintf(t->view.block_why, sizeof(t->view.block_why), "%s", why);
		if (!strncmp(why, "unavailable: ", 13))
			memmove(t->view.block_why, t->view.block_why + 13,
				strlen(t->view.block_why + 13) + 1);
	}
	return b;
}

static void sw_tui_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/* After the marks changed: list them after the kernel's blocks. */
static void sw_tui_marks(struct sw_tui *t)
{
	if (t->m == &t->empty)
		return;
	sw_view_model_set_marks(t->m, t->view.marks, t->view.nmarks);
}

static void sw_tui_take(struct sw_tui *t)
{
	struct sw_tui_news n;

	sw_tui_worker_take(t->w, t->view.paused, &t->m, &n);
	if (n.model) {
		sw_tui_marks(t);
		sw_view_sync(&t->view, t->m);
	}
	if (n.replay_end && !t->replay_end) {
		t->replay_end = true;
		t->replay_broken = n.replay_broken;
		if (!n.replay_broken)
			sw_tui_status(t, false, "end of the recording: the last refresh stays on screen (q quits)");
	}
	if (n.status[0]) {
		sw_tui_status(t, n.status_error, "%s", n.status);
		/* the damage stays said: the screen stops there */
		if (t->replay_broken && n.status_error)
			t->status_until_ns = UINT64_MAX;
	}
	if (n.info) {
		free(t->info);
		t->info = n.info;
		t->view.overlay = SW_O_INFO;
	}
}

/* Act on an action's reaction flags. Returns false to quit. */
static bool sw_tui_react(struct sw_tui *t, unsigned f)
{
	struct sw_view *v = &t->view;

	if (f & SW_R_QUIT)
		return false;
	if (f & SW_R_PAUSE) {
		sw_watch_pause(t->watch, v->paused);
		if (!v->paused)
			sw_tui_take(t);
	}
	if ((f & SW_R_ARM) && t->ab)
		sw_autoban_arm(t->ab, v->armed);
	if (f & SW_R_INTERVAL)
		sw_watch_interval(t->watch, v->interval_s);
	if (f & SW_R_GROUP) {
		sw_watch_group(t->watch, &v->grouping);
	}
	if (f & SW_R_FILTER) {
		snprintf(t->filter, sizeof(t->filter), "%s", v->prompt.buf);
		sw_watch_filter(t->watch, t->filter);
		sw_tui_status(t, false, t->filter[0] ? "filter: %s" : "filter cleared%s",
			      t->filter);
	}
	if (f & SW_R_BLOCK) {
		char a[SW_ADDR_STRLEN];
		struct sw_block_req req = {
			.target = v->confirm.target,
			.timeout_s = v->confirm.seconds,
			.kill = v->confirm.kill,
			.reason = v->confirm.reason.buf[0] ? v->confirm.reason.buf
							   : "sockwatch TUI",
			.connections = v->confirm.count,
			.states = v->confirm.states,
		};

		sw_watch_block(t->watch, &req);
		sw_tui_status(t, false, "blocking %s ...",
			      sw_prefix_format(&v->confirm.target, a, sizeof(a)));
	}
	if (f & SW_R_UNBLOCK) {
		char a[SW_ADDR_STRLEN];

		sw_watch_unblock(t->watch, &v->unblock_target,
				 v->unblock_range ? v->unblock_last : NULL);
		sw_tui_status(t, false, "unblocking %s%s ...",
			      sw_prefix_format(&v->unblock_target, a, sizeof(a)),
			      v->unblock_range ? " (a range)" : "");
	}
	/* SW_R_BLOCKS needs nothing here: the model lists the marks since
	 * they changed, and showing the pane re-sorted it */
	if (f & SW_R_MARK) {
		sw_tui_marks(t);
		sw_view_sync(v, t->m);
	}
	if (v->msg[0]) {
		if ((f & SW_R_MARK) && t->view.block_why[0])
			sw_tui_status(t, false, "%s (blocking unavailable: %s)",
				      v->msg, t->view.block_why);
		else
			sw_tui_status(t, false, "%s", v->msg);
		v->msg[0] = '\0';
	}
	return true;
}

static bool sw_tui_input(struct sw_tui *t)
{
	int ch;

	while ((ch = getch()) != ERR) {
		unsigned f = 0;

		if (ch == KEY_RESIZE) {
			sw_tui_resize();
			continue;
		}
		if (ch == KEY_MOUSE) {
			MEVENT ev;

			if (getmouse(&ev) != OK)
				continue;
			sw_view_layout(&t->view, LINES, COLS, &t->lay);
			if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
				f = sw_view_click(&t->view, t->m, &t->lay, ev.y, ev.x);
			else if (ev.bstate & BUTTON4_PRESSED)
				f = sw_view_key(&t->view, t->m, SW_KEY_UP);
#ifdef BUTTON5_PRESSED
			else if (ev.bstate & BUTTON5_PRESSED)
				f = sw_view_key(&t->view, t->m, SW_KEY_DOWN);
#endif
		} else {
			int key = sw_tui_key(ch);

			if (key == SW_KEY_NONE)
				continue;
			f = sw_view_key(&t->view, t->m, key);
		}
		if (!sw_tui_react(t, f))
			return false;
	}
	return true;
}

static void sw_tui_screen_setup(struct sw_tui *t)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(40);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
		  ,
		  NULL);
	mouseinterval(0);
	sw_tui_paint_init(&t->pt, t->o->no_color);
}

/* Signals that end the TUI as q does (exit 0). Any other signal in the
 * set ends it with a message and exit 1, the terminal restored first. */
static bool sw_tui_quit_signal(int sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT;
}

/* The loop; returns 0, or the signal that stopped it. */
static int sw_tui_loop(struct sw_tui *t, int wake_fd, int sig_fd)
{
	bool run = true;
	int stop_sig = 0;

	sw_tui_draw(t);
	while (run) {
		struct pollfd p[3] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = wake_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
		};
		int n = poll(p, 3, 1000);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[2].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH) {
					sw_tui_resize();
				} else {
					run = false;
					stop_sig = (int)si.ssi_signo;
				}
			}
		}
		if (n > 0 && (p[1].revents & POLLIN))
			sw_tui_take(t);
		if (n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (p[0].revents & (POLLHUP | POLLERR))
				run = false;
			else if (!sw_tui_input(t))
				run = false;
		}
		if (t->status[0] && sw_now_ns(CLOCK_MONOTONIC) >= t->status_until_ns)
			t->status[0] = '\0';
		if (run)
			sw_tui_draw(t);
	}
	return stop_sig;
}

static void sw_tui_view_init(struct sw_tui *t, struct sw_engine *e)
{
	const struct sw_opts *o = t->o;
	struct sw_view *v = &t->view;

	sw_view_init(v, o->delay_s, &o->engine.group);
	t->services = (struct sw_services){o->engine.tcp || !o->engine.udp,
					   o->engine.udp || !o->engine.tcp};
	t->fenv = sw_services_env(&t->services);
	v->filter_env = &t->fenv;
	v->warn[SW_SYN_RECV] = o->warn_syn_recv;
	v->warn[SW_TIME_WAIT] = o->warn_time_wait;
	v->warn[SW_CLOSE_WAIT] = o->warn_close_wait;
	if (o->block_for_s > 0)
		sw_duration_text(o->block_for_s, v->default_duration,
				 sizeof(v->default_duration));
	v->default_kill = o->kill;
	snprintf(v->default_reason, sizeof(v->default_reason), "%s",
		 o->reason ? o->reason : "");
	snprintf(t->filter, sizeof(t->filter), "%s", sw_engine_filter_text(e));
	sw_view_line_set(&v->prompt, t->filter);
	snprintf(v->filter_on, sizeof(v->filter_on), "%s", t->filter);
	sw_view_model_init(&t->empty);
	t->m = &t->empty;
}

/* --rules: read and parse them before the screen opens (a bad file is a
 * bad command line); they start disarmed. Returns 0, or -1 after saying
 * why. */
static int sw_tui_rules(struct sw_tui *t)
{
	struct sw_autoban_opts ao = { .dry_run = t->o->dry_run, .disarmed = true };
	struct sw_rules *rs;
	char *cause = NULL;

	rs = sw_rules_load(t->o->rules_file, &cause);
	if (rs)
		t->ab = sw_autoban_new(rs, &ao, &cause);
	if (!t->ab) {
		const char *p = sw_cause_text(cause);

		/* one line per error */
		while (*p) {
			size_t n = strcspn(p, "\n");

			fprintf(stderr, "sockwatch: --rules: %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		free(cause);
		return -1;
	}
	return 0;
}

int sw_tui_main(const struct sw_opts *o)
{
	struct sw_tui t;
	struct sw_engine *e;
	struct sw_blocker *b;
	/* keep refreshing through failures; a replay's end stays on screen */
	struct sw_watch_opts wo = { .pace_replay = true, .retry = true, .hold = true };
	SCREEN *scr;
	sigset_t sigs;
	char *cause = NULL, *lost;
	int wake_fd = -1, sig_fd, sig, rc = 0;
	const char *name, *cup;

	memset(&t, 0, sizeof(t));
	t.o = o;
	wo.no_diagnosis = o->no_diagnosis;
	setlocale(LC_ALL, "");
	t.pt.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	/* a bad rules file is a bad command line, said with or without a
	 * terminal */
	if (o->rules_file && sw_tui_rules(&t) < 0)
		return 2;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		sw_autoban_free(t.ab);
		fprintf(stderr, "sockwatch: the interactive screen needs a terminal; in scripts use batch mode: sockwatch -b\n");
		return 2;
	}
	/* bound before the engine enters --netns: scrapers reach it here */
	if (sw_metrics_open(o, &t.metrics, &cause) < 0) {
		fprintf(stderr, "sockwatch: %s\n", cause);
		free(cause);
		sw_autoban_free(t.ab);
		return 1;
	}
	e = sw_engine_start(&o->engine, &rc, &cause);
	if (!e) { /* a bad -f is a bad command line: rc 2 */
		fprintf(stderr, "sockwatch: %s\n", cause ? cause : "cannot start");
		free(cause);
		sw_metrics_stop(t.metrics);
		sw_autoban_free(t.ab);
		return rc;
	}
	t.replay = sw_engine_is_replay(e);
	/* a replay's sockets are not this machine's: no owners to look up */
	if (!t.replay && o->engine.resolve_procs)
		t.pm = sw_procmap_new();
	t.dry_run = o->dry_run;
	if (t.replay) {
		name = strrchr(o->engine.replay, '/');
		snprintf(t.replay_name, sizeof(t.replay_name), "%s",
			 name ? name + 1 : o->engine.replay);
	}
	if (gethostname(t.host, sizeof(t.host) - 1) < 0)
		snprintf(t.host, sizeof(t.host), "?");
	sw_tui_view_init(&t, e);
	t.view.rules = t.ab != NULL;
	b = sw_tui_blocker(&t);
	t.view.block_ok = !t.view.block_why[0];
	wo.interval_s = t.view.interval_s;

	/* signals arrive as data, in the loop, never in the refresher */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGWINCH);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	/* by default these end the process with the terminal left raw */
	sigaddset(&sigs, SIGPIPE);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigaddset(&sigs, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		fprintf(stderr, "sockwatch: cannot watch signals: %s\n", strerror(errno));
		sw_engine_close(e);
		if (b)
			sw_blocker_close(b);
		sw_metrics_stop(t.metrics);
		sw_autoban_free(t.ab);
		return 1;
	}
	t.watch = sw_watch_new(e, b, &wo, &cause);
	if (t.metrics && t.ab) /* its hook comes after ours: one refresh late */
		sw_metrics_autoban(t.metrics, t.ab);
	if (t.watch && t.metrics && sw_metrics_attach(t.metrics, t.watch) < 0)
		sw_cause_set(&cause, "out of memory starting the metrics");
	else if (t.watch)
		t.w = sw_tui_worker_start(t.watch, t.ab, &wake_fd, o->delay_s, &cause);
	if (!t.w) {
		fprintf(stderr, "sockwatch: %s\n", cause ? cause : "cannot start");
		free(cause);
		free(sw_watch_close(t.watch));
		sw_metrics_stop(t.metrics);
		close(sig_fd);
		sw_autoban_free(t.ab);
		return 1;
	}
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		free(sw_tui_worker_stop(t.w));
		sw_metrics_stop(t.metrics);
		close(sig_fd);
		fprintf(stderr, "sockwatch: cannot drive this terminal (TERM=%s): set TERM to a known type such as xterm-256color, or use batch mode: sockwatch -b\n",
			getenv("TERM") ? getenv("TERM") : "");
		sw_autoban_free(t.ab);
		return 1;
	}
	/* a terminal that cannot place the cursor (TERM=dumb) would show a
	 * blank screen */
	cup = tigetstr("cup");
	if (!cup || cup == (const char *)-1) {
		endwin();
		delscreen(scr);
		free(sw_tui_worker_stop(t.w));
		sw_metrics_stop(t.metrics);
		close(sig_fd);
		fprintf(stderr, "sockwatch: this terminal (TERM=%s) cannot move the cursor: set TERM to a known type such as xterm-256color, or use batch mode: sockwatch -b\n",
			getenv("TERM") ? getenv("TERM") : "");
		sw_autoban_free(t.ab);
		return 1;
	}
	t.start_ns = sw_now_ns(CLOCK_MONOTONIC);
	sw_tui_screen_setup(&t);
	sig = sw_tui_loop(&t, wake_fd, sig_fd);

	/* the terminal first, then everything else */
	endwin();
	delscreen(scr);
	lost = sw_tui_worker_stop(t.w);
	sw_metrics_stop(t.metrics);
	if (sig && !sw_tui_quit_signal(sig)) {
		fprintf(stderr, "sockwatch: stopped by signal %s (%d); the terminal is restored\n",
			sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", sig);
		rc = 1;
	}
	if (lost) {
		fprintf(stderr, "sockwatch: %s\n", lost);
		free(lost);
		rc = 1;
	}
	sw_autoban_free(t.ab);
	sw_view_free(&t.view);
	sw_view_model_free(&t.empty);
	sw_procmap_free(t.pm);
	free(t.info);
	close(sig_fd);
	return rc;
}
