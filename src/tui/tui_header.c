/* tui_header.c - the header (host, namespace, the protocols and families
 * shown, how long it has watched, interval, socket totals,
 * the counters that tell a SYN flood from a connection flood, refresh
 * cost, PAUSED / FILTER / GROUP) and the bottom line (key hints, status,
 * the filter prompt). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "sw_duration.h"
#include "sw_tui.h"

/* Write label/value pairs left to right; returns the next x. */
static int sw_tui_pair(struct sw_tui *t, int y, int x, int end,
		       const char *label, const char *value, bool hot)
{
	int ln = (int)strlen(label), vn = (int)strlen(value);

	if (x + ln + 1 + vn > end)
		return x;
	sw_tui_put(y, x, ln, t->pt.attr[SW_T_LABEL], label, false);
	sw_tui_put(y, x + ln + 1, vn, t->pt.attr[hot ? SW_T_HOT : SW_T_VALUE], value,
		   false);
	return x + ln + 1 + vn + 2;
}

/* --rules: whether they ban ("armed"), or only mark ("disarmed: A
 * arms"), and a tripped breaker, which is trouble. */
static void sw_tui_rules_pair(struct sw_tui *t, const struct sw_view_model *m,
			      int y, int x, int end)
{
	char buf[96];

	if (m->rules_tripped) {
		snprintf(buf, sizeof(buf), "%s, breaker tripped: %s%s",
			 t->view.armed ? "armed" : "disarmed", m->rules_tripped_name,
			 m->rules_tripped > 1 ? " +" : "");
		sw_tui_pair(t, y, x, end, "rules", buf, true);
		return;
	}
	sw_tui_pair(t, y, x, end, "rules", t->view.armed ? "armed (A disarms)"
		    : "disarmed (A arms)", false);
}

/* Counters in the header (labelled with the kernel's name, per second),
 * a short label for narrow screens, and whether a non-zero rate is
 * trouble. */
static const struct {
	enum sw_counter c;
	const char *brief;
	bool hot;
} sw_tui_counters[] = {
	{ SW_C_SYNCOOKIES_SENT, "SynCookie/s", true },
	{ SW_C_LISTEN_OVERFLOWS, "LstOvf/s", true },
	{ SW_C_LISTEN_DROPS, "LstDrop/s", true },
	/* a SYN queue full: SYNs dropped, or answered with cookies */
	{ SW_C_REQQ_FULL_DROP, "QFullDrop/s", true },
	{ SW_C_REQQ_FULL_DO_COOKIES, "QFullCookie/s", true },
	{ SW_C_PASSIVE_OPENS, "PsvOpen/s", false },
	{ SW_C_ESTAB_RESETS, "EstRst/s", false },
	{ SW_C_OUT_RSTS, "OutRst/s", false },
	{ SW_C_RETRANS_SEGS, "Retrans/s", false },
};
#define SW_TUI_NCOUNTERS (sizeof(sw_tui_counters) / sizeof(sw_tui_counters[0]))

static void sw_tui_counter_line(struct sw_tui *t, int y, int w)
{
	const struct sw_view_model *m = t->m;
	char val[SW_TUI_NCOUNTERS][24], name[SW_TUI_NCOUNTERS][40];
	int need = 0, x = 0;
	bool brief;
	size_t i;

	for (i = 0; i < SW_TUI_NCOUNTERS; i++) {
		enum sw_counter c = sw_tui_counters[i].c;

		snprintf(name[i], sizeof(name[i]), "%s/s", sw_counter_name(c));
		if (!m->counters.have[c] && m->seq)
			snprintf(val[i], sizeof(val[i]), "n/a");
		else
			sw_view_fmt_rate(m->rate[c], val[i], sizeof(val[i]));
		need += (int)(strlen(name[i]) + strlen(val[i])) + 3;
	}
	brief = need > w;
	for (i = 0; i < SW_TUI_NCOUNTERS; i++) {
		enum sw_counter c = sw_tui_counters[i].c;

		x = sw_tui_pair(t, y, x, w,
				brief ? sw_tui_counters[i].brief : name[i],
				val[i], sw_tui_counters[i].hot && m->rate[c] > 0);
	}
}

static void sw_tui_total(char *buf, size_t len, uint32_t n, int64_t d,
			 const struct sw_view_model *m)
{
	char a[24], b[24];

	sw_view_fmt_count(n, a, sizeof(a));
	if (!m->have_prev || m->interval_s <= 0) {
		snprintf(buf, len, "%s", a);
		return;
	}
	sw_view_fmt_rate((d >= 0 ? (double)d : -(double)d) / m->interval_s, b,
			 sizeof(b));
	snprintf(buf, len, "%s (%s%s/s)", a, d >= 0 ? "+" : "-", b);
}

/* Indicators flush right, never over the values at the left (from): a
 * long filter is shortened, then left out. */
static void sw_tui_indicators(struct sw_tui *t, int y, int from, int w)
{
	char ind[4][64];
	struct sw_agg_opts g;
	int n = 0, i, x = w, need = 0, flt = -1;

	if (t->view.paused)
		snprintf(ind[n++], sizeof(ind[0]), "PAUSED");
	if (t->filter[0]) {
		flt = n;
		snprintf(ind[n++], sizeof(ind[0]), "FILTER %.40s%s", t->filter,
			 strlen(t->filter) > 40 ? "..." : "");
	}
	g = t->view.grouping;
	if (sw_view_grouped(&t->view))
		snprintf(ind[n++], sizeof(ind[0]), "GROUP /%u /%u", g.group_v4,
			 g.group_v6);
	if (t->replay_end)
		snprintf(ind[n++], sizeof(ind[0]), "%s",
			 t->replay_broken ? "END (DAMAGED)" : "END");
	for (i = 0; i < n; i++)
		need += (int)strlen(ind[i]) + 3;
	if (flt >= 0 && w - need < from) {
		need -= (int)strlen(ind[flt]) - 6;
		snprintf(ind[flt], sizeof(ind[0]), "FILTER");
	}
	for (i = n - 1; i >= 0; i--) {
		int len = (int)strlen(ind[i]) + 2;
		char pad[sizeof(ind[0]) + 2];

		if (x - len < from)
			break;
		x -= len;
		snprintf(pad, sizeof(pad), " %s ", ind[i]);
		sw_tui_put_fill(y, x, len, t->pt.attr[SW_T_INDICATOR], pad);
		x -= 1;
	}
}

/* What -4 -6 -t -u leave on the screen: "tcp udp v4 v6", "tcp v6". */
static const char *sw_tui_shown(const struct sw_engine_opts *e, char *buf,
				size_t len)
{
	bool both_p = e->tcp == e->udp, both_f = e->v4 == e->v6;

	snprintf(buf, len, "%s%s%s %s%s%s", both_p || e->tcp ? "tcp" : "",
		 both_p ? " " : "", both_p || e->udp ? "udp" : "",
		 both_f || e->v4 ? "v4" : "", both_f ? " " : "",
		 both_f || e->v6 ? "v6" : "");
	return buf;
}

void sw_tui_draw_header(struct sw_tui *t, const struct sw_rect *r)
{
	const struct sw_view_model *m = t->m;
	char buf[96], b2[32];
	int x = 0, w = r->w;

	attrset(t->pt.attr[SW_T_VALUE]);
	mvaddstr(r->y, 0, "sockwatch");
	attrset(A_NORMAL);
	x = 11;
	x = sw_tui_pair(t, r->y, x, w, "host", t->host, false);
	if (t->o->engine.netns)
		x = sw_tui_pair(t, r->y, x, w, "netns", t->o->engine.netns, false);
	if (t->replay) {
		time_t s = (time_t)(m->time_ns / 1000000000ull);
		struct tm tm;

		x = sw_tui_pair(t, r->y, x, w, "replay", t->replay_name, false);
		if (m->seq && gmtime_r(&s, &tm)) {
			strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
			x = sw_tui_pair(t, r->y, x, w, "at", buf, false);
		}
	} else {
		sw_duration_format((sw_now_ns(CLOCK_MONOTONIC) - t->start_ns) / 1e9, buf,
				     sizeof(buf));
		x = sw_tui_pair(t, r->y, x, w, "watching", buf, false);
	}
	snprintf(buf, sizeof(buf), "%gs", t->view.interval_s);
	x = sw_tui_pair(t, r->y, x, w, "every", buf, false);
	snprintf(buf, sizeof(buf), "%.1fms", m->refresh_ms);
	x = sw_tui_pair(t, r->y, x, w, "took", m->seq ? buf : "-", false);
	/* what -4 -6 -t -u leave out: said when they narrow it */
	if (t->o->engine.tcp != t->o->engine.udp ||
	    t->o->engine.v4 != t->o->engine.v6)
		x = sw_tui_pair(t, r->y, x, w, "shows",
				sw_tui_shown(&t->o->engine, b2, sizeof(b2)), false);
	sw_tui_indicators(t, r->y, x, w);

	x = 0;
	sw_tui_total(buf, sizeof(buf), m->total, m->d_total, m);
	x = sw_tui_pair(t, r->y + 1, x, w, "Sockets", buf, false);
	sw_tui_total(buf, sizeof(buf), m->tcp, m->d_tcp, m);
	x = sw_tui_pair(t, r->y + 1, x, w, "TCP", buf, false);
	sw_tui_total(buf, sizeof(buf), m->udp, m->d_udp, m);
	x = sw_tui_pair(t, r->y + 1, x, w, "UDP", buf, false);
	if (m->have_prev && m->interval_s > 0) {
		sw_view_fmt_rate(m->opened / m->interval_s, buf, sizeof(buf));
		sw_view_fmt_rate(m->closed / m->interval_s, b2, sizeof(b2));
		x = sw_tui_pair(t, r->y + 1, x, w, "opened/s", buf, false);
		x = sw_tui_pair(t, r->y + 1, x, w, "closed/s", b2, false);
	}
	if (t->view.block_why[0])
		x = sw_tui_pair(t, r->y + 1, x, w, "blocking", "off", false);
	else if (t->dry_run)
		x = sw_tui_pair(t, r->y + 1, x, w, "blocking", "dry-run", false);
	if (sw_metrics_port(t->metrics)) { /* where Prometheus scrapes */
		snprintf(buf, sizeof(buf), ":%u", sw_metrics_port(t->metrics));
		x = sw_tui_pair(t, r->y + 1, x, w, "metrics", buf, false);
	}
	if (t->view.rules)
		sw_tui_rules_pair(t, m, r->y + 1, x, w);
	sw_tui_counter_line(t, r->y + 2, w);
}

/* htop-style hints: key in one attribute, what it does in another. */
static const struct {
	const char *key, *what;
} sw_tui_hints[] = {
	{ "F1", "Help" }, { "Tab", "Pane" }, { "/", "Filter" }, { "g", "Group" },
	{ "Spc", "Pause" }, { "Enter", "Detail" }, { "b", "Block" },
	{ "B", "Blocks" }, { "<>", "Sort" }, { "q", "Quit" },
};

static void sw_tui_prompt(struct sw_tui *t, const struct sw_rect *r)
{
	const struct sw_view *v = &t->view;
	const char *label = "Filter: ";
	int lx = (int)strlen(label), tw = r->w - lx, off = 0;

	sw_tui_put(r->y, 0, lx, t->pt.attr[SW_T_KEY], label, false);
	if (v->prompt.cur > tw - 1)
		off = v->prompt.cur - (tw - 1);
	sw_tui_put(r->y, lx, tw, A_NORMAL, v->prompt.buf + off, false);
	if (v->filter_error[0]) {
		int ex = lx + v->prompt.len - off + 2;
		int ep = v->filter_error_pos - off;

		/* the offending word, then why */
		if (ep >= 0 && ep < v->prompt.len - off)
			mvchgat(r->y, lx + ep, 1, A_UNDERLINE | A_BOLD,
				(short)PAIR_NUMBER(t->pt.attr[SW_T_ERROR]), NULL);
		int elen = (int)strlen(v->filter_error);

		/* a line that leaves no room for the reason (a full prompt):
		 * the reason goes over the line's end instead of off screen */
		if (r->w - ex < (elen < 24 ? elen : 24))
			ex = r->w - elen > lx ? r->w - elen : lx;
		if (ex < r->w)
			sw_tui_put(r->y, ex, r->w - ex, t->pt.attr[SW_T_ERROR],
				   v->filter_error, false);
	}
	move(r->y, lx + v->prompt.cur - off);
	curs_set(1);
}

/* The focused pane's own bottom line (a finding's advice): its keys, then
 * its text. Returns false when it has none. */
static bool sw_tui_pane_hint(struct sw_tui *t, const struct sw_rect *r)
{
	static const struct {
		const char *key, *what;
	} keys[] = { { "Enter", "Subject" }, { "b", "Block" }, { "Tab", "Pane" } };
	const struct sw_view_pane_def *def = sw_view_pane(t->view.focus);
	long row = sw_view_selected(&t->view, t->view.focus);
	char text[SW_FINDING_ADVICE_LEN + 32];
	int x = 0;

	if (t->view.mode != SW_V_MAIN || !def->hint || row < 0)
		return false;
	def->hint(t->m, (uint32_t)row, text, sizeof(text));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int kn = (int)strlen(keys[i].key), wn = (int)strlen(keys[i].what) + 1;

		sw_tui_put(r->y, x, kn, t->pt.attr[SW_T_KEY], keys[i].key, false);
		sw_tui_put_fill(r->y, x + kn, wn, t->pt.attr[SW_T_KEYDESC],
				keys[i].what);
		x += kn + wn;
	}
	if (x < r->w)
		sw_tui_put_fill(r->y, x, r->w - x, t->pt.attr[SW_T_KEYDESC], text);
	return true;
}

void sw_tui_draw_bottom(struct sw_tui *t, const struct sw_rect *r)
{
	size_t i;
	int x = 0;

	if (t->view.overlay == SW_O_PROMPT) {
		sw_tui_prompt(t, r);
		return;
	}
	if (t->status[0]) {
		int a = t->pt.attr[t->status_error ? SW_T_ERROR : SW_T_STATUS];

		sw_tui_put_fill(r->y, 0, r->w, a, t->status);
		return;
	}
	if (sw_tui_pane_hint(t, r))
		return;
	for (i = 0; i < sizeof(sw_tui_hints) / sizeof(sw_tui_hints[0]); i++) {
		int kn = (int)strlen(sw_tui_hints[i].key);
		int wn = (int)strlen(sw_tui_hints[i].what) + 1;

		if (x + kn + wn > r->w)
			break;
		sw_tui_put(r->y, x, kn, t->pt.attr[SW_T_KEY], sw_tui_hints[i].key, false);
		sw_tui_put_fill(r->y, x + kn, wn, t->pt.attr[SW_T_KEYDESC],
				sw_tui_hints[i].what);
		x += kn + wn;
	}
	if (x < r->w)
		sw_tui_fill(r->y, x, r->w - x, t->pt.attr[SW_T_KEYDESC]);
}
