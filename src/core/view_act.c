/* view_act.c - what each action does to the view, and how keys are routed
 * through the overlays (help, filter prompt, block confirmation). */
#include <stdio.h>
#include <string.h>

#include "sw_duration.h"
#include "sw_filter.h"
#include "sw_view.h"

typedef unsigned (*sw_view_act_fn)(struct sw_view *v,
				   const struct sw_view_model *m);

/* The focus goes round the panes on the main screen, in registry order. */
static unsigned sw_view_focus(struct sw_view *v, int dir)
{
	int p = v->focus, i;

	if (v->mode != SW_V_MAIN)
		return 0;
	for (i = 0; i < SW_PANE_MAX; i++) {
		p = (p + SW_PANE_MAX + dir) % SW_PANE_MAX;
		if (sw_view_pane_on(v, p, SW_V_MAIN))
			break;
	}
	v->focus = p;
	v->focus_chosen = true;
	return SW_R_REDRAW;
}

static unsigned sw_view_a_next(struct sw_view *v, const struct sw_view_model *m)
{
	(void)m;
	return sw_view_focus(v, 1);
}

static unsigned sw_view_a_prev(struct sw_view *v, const struct sw_view_model *m)
{
	(void)m;
	return sw_view_focus(v, -1);
}

/* Moving a selection is choosing the pane too: a finding that comes
 * later does not take the focus from under it. */
static unsigned sw_view_move(struct sw_view *v, const struct sw_view_model *m,
			     long delta)
{
	v->focus_chosen = true;
	sw_view_list_move(v, m, sw_view_active(v), delta);
	return SW_R_REDRAW;
}

static long sw_view_page(const struct sw_view *v)
{
	long h = v->list[sw_view_active(v)].height;

	return h > 1 ? h - 1 : 1;
}

static unsigned sw_view_a_up(struct sw_view *v, const struct sw_view_model *m)
{
	return sw_view_move(v, m, -1);
}

static unsigned sw_view_a_down(struct sw_view *v, const struct sw_view_model *m)
{
	return sw_view_move(v, m, 1);
}

static unsigned sw_view_a_pgup(struct sw_view *v, const struct sw_view_model *m)
{
	return sw_view_move(v, m, -sw_view_page(v));
}

static unsigned sw_view_a_pgdn(struct sw_view *v, const struct sw_view_model *m)
{
	return sw_view_move(v, m, sw_view_page(v));
}

static unsigned sw_view_a_home(struct sw_view *v, const struct sw_view_model *m)
{
	sw_view_list_follow(v, m, sw_view_active(v));
	return SW_R_REDRAW;
}

static unsigned sw_view_a_end(struct sw_view *v, const struct sw_view_model *m)
{
	v->focus_chosen = true;
	sw_view_list_select(v, m, sw_view_active(v), (long)UINT32_MAX);
	return SW_R_REDRAW;
}

static unsigned sw_view_sort(struct sw_view *v, const struct sw_view_model *m,
			     int dir)
{
	enum sw_pane p = sw_view_active(v);
	int n = sw_view_pane(p)->ncols;

	sw_view_list_set_sort(v, m, p, (v->list[p].sort + n + dir) % n, false);
	return SW_R_REDRAW;
}

static unsigned sw_view_a_sort_prev(struct sw_view *v,
				    const struct sw_view_model *m)
{
	return sw_view_sort(v, m, -1);
}

static unsigned sw_view_a_sort_next(struct sw_view *v,
				    const struct sw_view_model *m)
{
	return sw_view_sort(v, m, 1);
}

static unsigned sw_view_a_reverse(struct sw_view *v,
				  const struct sw_view_model *m)
{
	enum sw_pane p = sw_view_active(v);

	sw_view_list_set_sort(v, m, p, v->list[p].sort, !v->list[p].reverse);
	return SW_R_REDRAW;
}

static unsigned sw_view_a_filter(struct sw_view *v,
				 const struct sw_view_model *m)
{
	(void)m;
	v->overlay = SW_O_PROMPT;
	v->prompt.cur = v->prompt.len;
	return SW_R_REDRAW;
}

static unsigned sw_view_a_group(struct sw_view *v, const struct sw_view_model *m)
{
	bool in = v->grouping.inbound_only;

	(void)m;
	v->group = (v->group + 1) % SW_VIEW_NGROUPS;
	sw_view_group_opts(v->group, &v->grouping);
	v->grouping.inbound_only = in;
	return SW_R_GROUP | SW_R_REDRAW;
}

/* i: remotes count only their inbound sockets (or all again). */
static unsigned sw_view_a_inbound(struct sw_view *v,
				  const struct sw_view_model *m)
{
	(void)m;
	v->grouping.inbound_only = !v->grouping.inbound_only;
	snprintf(v->msg, sizeof(v->msg), "%s",
		 v->grouping.inbound_only
			 ? "remotes: inbound only (i shows all)"
			 : "remotes: inbound and outbound");
	return SW_R_GROUP | SW_R_REDRAW;
}

static unsigned sw_view_a_pause(struct sw_view *v, const struct sw_view_model *m)
{
	(void)m;
	v->paused = !v->paused;
	return SW_R_PAUSE | SW_R_REDRAW;
}

static unsigned sw_view_interval(struct sw_view *v, int dir)
{
	double s = sw_view_interval_step(v->interval_s, dir);

	if (s == v->interval_s)
		return 0;
	v->interval_s = s;
	return SW_R_INTERVAL | SW_R_REDRAW;
}

static unsigned sw_view_a_ival_up(struct sw_view *v,
				  const struct sw_view_model *m)
{
	(void)m;
	return sw_view_interval(v, 1);
}

static unsigned sw_view_a_ival_down(struct sw_view *v,
				    const struct sw_view_model *m)
{
	(void)m;
	return sw_view_interval(v, -1);
}

static unsigned sw_view_a_open(struct sw_view *v, const struct sw_view_model *m)
{
	const struct sw_view_pane_def *def = sw_view_pane(v->focus);
	long row = sw_view_selected(v, v->focus);
	int p;

	if (v->mode != SW_V_MAIN || row < 0)
		return 0;
	if (def->jump)
		return def->jump(v, m, (uint32_t)row);
	if (!def->open)
		return 0;
	memset(&v->detail, 0, sizeof(v->detail));
	def->open(m, (uint32_t)row, &v->detail);
	v->mode = SW_V_DETAIL;
	for (p = 0; p < SW_PANE_MAX; p++)
		if (sw_view_pane_on(v, p, SW_V_DETAIL)) {
			v->list[p].sel = v->list[p].top = 0;
			v->list[p].have_key = false;
			v->list[p].pinned = false;
			sw_view_list_sync(v, m, p);
		}
	return SW_R_REDRAW;
}

static unsigned sw_view_a_close(struct sw_view *v, const struct sw_view_model *m)
{
	(void)m;
	if (v->mode != SW_V_DETAIL)
		return 0;
	v->mode = SW_V_MAIN;
	return SW_R_REDRAW;
}

/* The remote that b / u act on: the selected row's (sw_view_pane_def's
 * target), or the one the detail view shows. Fills *p and *row, its row
 * in m->remotes (or -1). */
static bool sw_view_target(const struct sw_view *v,
			   const struct sw_view_model *m, struct sw_prefix *p,
			   long *row)
{
	const struct sw_view_pane_def *def = sw_view_pane(v->focus);
	long sel;
	uint32_t i;

	*row = -1;
	if (v->mode == SW_V_DETAIL) {
		if (!v->detail.has_target)
			return false;
		*p = v->detail.pfx;
	} else {
		sel = sw_view_selected(v, v->focus);
		if (!def->target || sel < 0 || !def->target(m, (uint32_t)sel, p))
			return false;
	}
	for (i = 0; i < m->nremotes; i++)
		if (!memcmp(&m->remotes[i].pfx, p, sizeof(*p)))
			*row = i;
	return true;
}

static unsigned sw_view_a_block(struct sw_view *v, const struct sw_view_model *m)
{
	struct sw_view_confirm *c = &v->confirm;
	struct sw_prefix p;
	char a[SW_ADDR_STRLEN];
	long row;

	if (!sw_view_target(v, m, &p, &row)) {
		const struct sw_view_pane_def *def = sw_view_pane(v->focus);
		long sel = sw_view_selected(v, v->focus);

		if (v->mode == SW_V_MAIN && def->no_target && sel >= 0)
			def->no_target(m, (uint32_t)sel, v->msg, sizeof(v->msg));
		else
			snprintf(v->msg, sizeof(v->msg),
				 "b blocks a remote: select one in the Remotes pane (Tab)");
		return SW_R_REDRAW;
	}
	sw_prefix_format(&p, a, sizeof(a));
	if (!v->block_ok) {
		bool on = sw_view_toggle_mark(v, &p);

		snprintf(v->msg, sizeof(v->msg), "%s %s", on ? "marked" : "unmarked", a);
		return SW_R_MARK | SW_R_REDRAW;
	}
	if (sw_view_model_blocked(m, &p) >= 0) {
		snprintf(v->msg, sizeof(v->msg), "%s is already blocked (u unblocks)", a);
		return SW_R_REDRAW;
	}
	memset(c, 0, sizeof(*c));
	c->target = p;
	if (row >= 0) {
		const struct sw_remote *r = &m->remotes[row];

		c->count = r->count;
		memcpy(c->states, r->states, sizeof(c->states));
		c->udp = r->udp;
		c->inbound = r->inbound;
		c->outbound = r->outbound;
		c->out_port = r->out_port;
		c->out_ports_many = r->out_ports_many;
	}
	sw_view_line_set(&c->duration, v->default_duration);
	sw_view_line_set(&c->reason, v->default_reason);
	c->kill = v->default_kill;
	v->overlay = SW_O_CONFIRM;
	return SW_R_REDRAW;
}

static unsigned sw_view_a_unblock(struct sw_view *v,
				  const struct sw_view_model *m)
{
	const struct sw_view_pane_def *def = sw_view_pane(v->focus);
	struct sw_prefix p;
	char a[SW_ADDR_STRLEN];
	long row;
	int b;

	v->unblock_range = false;
	if (v->mode == SW_V_MAIN && def->undo) {
		const struct sw_view_block *u;

		row = sw_view_selected(v, v->focus);
		if (row < 0)
			return 0;
		u = def->undo(m, (uint32_t)row);
		p = u->target;
		if (u->marked) {
			sw_view_toggle_mark(v, &p);
			snprintf(v->msg, sizeof(v->msg), "unmarked %s",
				 sw_prefix_format(&p, a, sizeof(a)));
			return SW_R_MARK | SW_R_REDRAW;
		}
		v->unblock_target = p;
		v->unblock_range = u->range;
		memcpy(v->unblock_last, u->last, sizeof(v->unblock_last));
		return SW_R_UNBLOCK | SW_R_REDRAW;
	}
	if (!sw_view_target(v, m, &p, &row)) {
		snprintf(v->msg, sizeof(v->msg),
			 "u unblocks: select a blocked remote or a row of the Blocks pane (B)");
		return SW_R_REDRAW;
	}
	sw_prefix_format(&p, a, sizeof(a));
	b = sw_view_model_blocked(m, &p);
	if (b >= 0) {
		v->unblock_target = m->blocks[b].target;
		v->unblock_range = m->blocks[b].range;
		memcpy(v->unblock_last, m->blocks[b].last, sizeof(v->unblock_last));
		return SW_R_UNBLOCK | SW_R_REDRAW;
	}
	if (sw_view_is_marked(v, &p)) {
		sw_view_toggle_mark(v, &p);
		snprintf(v->msg, sizeof(v->msg), "unmarked %s", a);
		return SW_R_MARK | SW_R_REDRAW;
	}
	snprintf(v->msg, sizeof(v->msg), "%s is not blocked", a);
	return SW_R_REDRAW;
}

/* B: the blocks pane beside (or under) the listeners takes the focus;
 * hidden again, the focus goes back to the first pane (the remotes). */
static unsigned sw_view_a_blocks(struct sw_view *v,
				 const struct sw_view_model *m)
{
	bool lost;
	int p;

	v->show_blocks = !v->show_blocks;
	lost = !sw_view_pane_on(v, v->focus, SW_V_MAIN);
	for (p = 0; p < SW_PANE_MAX; p++) {
		if (!sw_view_pane_on(v, p, SW_V_MAIN))
			continue;
		if ((v->show_blocks && p == SW_PANE_BLOCKS) ||
		    (lost && sw_view_pane(p)->focus_first)) {
			v->focus = p;
			v->focus_chosen = true;
			lost = false;
		}
		sw_view_list_sync(v, m, p);
	}
	return SW_R_BLOCKS | SW_R_REDRAW;
}

static unsigned sw_view_a_arm(struct sw_view *v, const struct sw_view_model *m)
{
	(void)m;
	if (!v->rules) {
		snprintf(v->msg, sizeof(v->msg),
			 "A arms auto-blocking by rules: start with --rules FILE");
		return SW_R_REDRAW;
	}
	if (!v->armed && !v->block_ok) {
		snprintf(v->msg, sizeof(v->msg),
			 "cannot arm the rules: blocking is off (%.100s)", v->block_why);
		return SW_R_REDRAW;
	}
	v->armed = !v->armed;
	snprintf(v->msg, sizeof(v->msg), "%s", v->armed
		 ? "rules armed: remotes over a threshold are banned (A disarms)"
		 : "rules disarmed: remotes are marked, nothing is banned (A arms)");
	return SW_R_ARM | SW_R_REDRAW;
}

static unsigned sw_view_a_help(struct sw_view *v, const struct sw_view_model *m)
{
	(void)m;
	v->overlay = SW_O_HELP;
	return SW_R_REDRAW;
}

static unsigned sw_view_a_quit(struct sw_view *v, const struct sw_view_model *m)
{
	(void)v;
	(void)m;
	return SW_R_QUIT;
}

static const sw_view_act_fn sw_view_act_fns[SW_A_MAX] = {
	[SW_A_FOCUS_NEXT] = sw_view_a_next,
	[SW_A_FOCUS_PREV] = sw_view_a_prev,
	[SW_A_UP] = sw_view_a_up,
	[SW_A_DOWN] = sw_view_a_down,
	[SW_A_PGUP] = sw_view_a_pgup,
	[SW_A_PGDN] = sw_view_a_pgdn,
	[SW_A_HOME] = sw_view_a_home,
	[SW_A_END] = sw_view_a_end,
	[SW_A_SORT_PREV] = sw_view_a_sort_prev,
	[SW_A_SORT_NEXT] = sw_view_a_sort_next,
	[SW_A_SORT_REVERSE] = sw_view_a_reverse,
	[SW_A_FILTER] = sw_view_a_filter,
	[SW_A_GROUP] = sw_view_a_group,
	[SW_A_INBOUND] = sw_view_a_inbound,
	[SW_A_PAUSE] = sw_view_a_pause,
	[SW_A_INTERVAL_UP] = sw_view_a_ival_up,
	[SW_A_INTERVAL_DOWN] = sw_view_a_ival_down,
	[SW_A_OPEN] = sw_view_a_open,
	[SW_A_CLOSE] = sw_view_a_close,
	[SW_A_BLOCK] = sw_view_a_block,
	[SW_A_UNBLOCK] = sw_view_a_unblock,
	[SW_A_BLOCKS] = sw_view_a_blocks,
	[SW_A_ARM] = sw_view_a_arm,
	[SW_A_HELP] = sw_view_a_help,
	[SW_A_QUIT] = sw_view_a_quit,
};

unsigned sw_view_act(struct sw_view *v, const struct sw_view_model *m,
		     enum sw_action a)
{
	if (a <= SW_A_NONE || a >= SW_A_MAX || !sw_view_act_fns[a])
		return 0;
	return sw_view_act_fns[a](v, m);
}

/* ---- overlays ------------------------------------------------------- */

static void sw_view_check_filter(struct sw_view *v)
{
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse_env(v->prompt.buf, v->filter_env, &err);

	if (f) {
		sw_filter_free(f);
		v->filter_error[0] = '\0';
		v->filter_error_pos = -1;
		return;
	}
	snprintf(v->filter_error, sizeof(v->filter_error), "%s", err.msg);
	v->filter_error_pos = err.pos;
}

static unsigned sw_view_prompt_key(struct sw_view *v, int key)
{
	switch (sw_view_line_key(&v->prompt, key)) {
	case SW_LINE_EDIT:
		sw_view_check_filter(v);
		return SW_R_REDRAW;
	case SW_LINE_FULL:
		snprintf(v->filter_error, sizeof(v->filter_error),
			 "full: a filter holds at most %d characters",
			 SW_VIEW_LINE_MAX);
		v->filter_error_pos = -1;
		return SW_R_REDRAW;
	case SW_LINE_CANCEL:
		/* Esc drops the edit: the filter in force stays */
		sw_view_line_set(&v->prompt, v->filter_on);
		v->filter_error[0] = '\0';
		v->overlay = SW_O_NONE;
		return SW_R_REDRAW;
	case SW_LINE_ACCEPT:
		/* an empty line clears the filter */
		sw_view_check_filter(v);
		if (v->filter_error[0])
			return SW_R_REDRAW;
		v->overlay = SW_O_NONE;
		snprintf(v->filter_on, sizeof(v->filter_on), "%s", v->prompt.buf);
		return SW_R_FILTER | SW_R_REDRAW;
	}
	return 0;
}

char *sw_view_confirm_warning(const struct sw_view_confirm *c, char *buf,
			      size_t len)
{
	char port[40] = "";

	if (!c->outbound) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	if (c->out_port)
		snprintf(port, sizeof(port), " (port %u%s)", c->out_port,
			 c->out_ports_many ? " and others" : "");
	snprintf(buf, len,
		 "%s: this host connects to it%s; blocking it cuts your own service",
		 c->inbound ? "partly outbound" : "outbound", port);
	return buf;
}

static unsigned sw_view_confirm_key(struct sw_view *v, int key)
{
	struct sw_view_confirm *c = &v->confirm;
	int rc;

	switch (key) {
	case SW_KEY_ESC:
		v->overlay = SW_O_NONE;
		return SW_R_REDRAW;
	case SW_KEY_ENTER:
		rc = sw_duration_parse(c->duration.buf, &c->seconds);
		if (rc) {
			snprintf(c->error, sizeof(c->error),
				 rc == -2 ? "'%.32s' is out of range: " SW_DURATION_RANGE
					  : "'%.32s' is not a duration: try 90s, 10m, 2h",
				 c->duration.buf);
			c->field = SW_CONFIRM_DURATION;
			return SW_R_REDRAW;
		}
		v->overlay = SW_O_NONE;
		return SW_R_BLOCK | SW_R_REDRAW;
	case SW_KEY_TAB:
	case SW_KEY_DOWN:
		c->field = (c->field + 1) % SW_CONFIRM_NFIELDS;
		return SW_R_REDRAW;
	case SW_KEY_BTAB:
	case SW_KEY_UP:
		c->field = (c->field + SW_CONFIRM_NFIELDS - 1) % SW_CONFIRM_NFIELDS;
		return SW_R_REDRAW;
	}
	/* k toggles from the duration too; the reason takes any text */
	if (key == 'k' && c->field != SW_CONFIRM_REASON) {
		c->kill = !c->kill;
		return SW_R_REDRAW;
	}
	if (c->field == SW_CONFIRM_KILL) {
		if (key == ' ' || key == SW_KEY_LEFT || key == SW_KEY_RIGHT)
			c->kill = !c->kill;
		else if (key == 'y')
			c->kill = true;
		else if (key == 'n')
			c->kill = false;
		return SW_R_REDRAW;
	}
	sw_view_line_key(c->field == SW_CONFIRM_REASON ? &c->reason : &c->duration,
			 key);
	c->error[0] = '\0';
	return SW_R_REDRAW;
}

unsigned sw_view_key(struct sw_view *v, const struct sw_view_model *m, int key)
{
	switch (v->overlay) {
	case SW_O_HELP:
	case SW_O_INFO:
		/* any key closes the help, as in htop */
		(void)key;
		v->overlay = SW_O_NONE;
		return SW_R_REDRAW;
	case SW_O_PROMPT:
		return sw_view_prompt_key(v, key);
	case SW_O_CONFIRM:
		return sw_view_confirm_key(v, key);
	case SW_O_NONE:
		break;
	}
	return sw_view_act(v, m, sw_view_key_action(key));
}
