/* view.c - the key table, the actions and the view's modes. Actions change
 * only the view and return SW_R_* flags; the TUI's main loop decides what
 * to redraw, re-poll or send. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_block.h"
#include "sw_duration.h"
#include "sw_filter.h"
#include "sw_view.h"

/* The key contract (README and help list the same). */
const struct sw_view_binding sw_view_bindings[] = {
	{ SW_KEY_TAB, SW_A_FOCUS_NEXT },   { SW_KEY_BTAB, SW_A_FOCUS_PREV },
	{ SW_KEY_UP, SW_A_UP },            { SW_KEY_DOWN, SW_A_DOWN },
	{ 'k', SW_A_UP },                  { 'j', SW_A_DOWN },
	{ SW_KEY_PGUP, SW_A_PGUP },        { SW_KEY_PGDN, SW_A_PGDN },
	{ SW_KEY_HOME, SW_A_HOME },        { 'f', SW_A_HOME },
	{ SW_KEY_END, SW_A_END },
	{ '<', SW_A_SORT_PREV },           { '>', SW_A_SORT_NEXT },
	{ ',', SW_A_SORT_PREV },           { '.', SW_A_SORT_NEXT },
	{ 'r', SW_A_SORT_REVERSE },        { '/', SW_A_FILTER },
	{ 'g', SW_A_GROUP },               { 'i', SW_A_INBOUND },
	{ ' ', SW_A_PAUSE },
	{ '+', SW_A_INTERVAL_UP },         { '=', SW_A_INTERVAL_UP },
	{ '-', SW_A_INTERVAL_DOWN },       { SW_KEY_ENTER, SW_A_OPEN },
	{ SW_KEY_ESC, SW_A_CLOSE },        { SW_KEY_LEFT, SW_A_CLOSE },
	{ SW_KEY_RIGHT, SW_A_OPEN },       { 'b', SW_A_BLOCK },
	{ 'u', SW_A_UNBLOCK },             { 'B', SW_A_BLOCKS },
	{ 'A', SW_A_ARM },
	{ '?', SW_A_HELP },                { 'h', SW_A_HELP },
	{ SW_KEY_F1, SW_A_HELP },          { 'q', SW_A_QUIT },
	{ SW_KEY_F10, SW_A_QUIT },         { 0, SW_A_NONE },
};

/* Help rows; an action without help text is listed with its sibling. */
static const struct sw_view_action_def sw_view_actions[SW_A_MAX] = {
	[SW_A_FOCUS_NEXT] = { "Tab S-Tab", "focus the next / previous pane" },
	[SW_A_FOCUS_PREV] = { "S-Tab", "" },
	[SW_A_UP] = { "Up Dn PgUp PgDn End", "move the selection (j k); then it stays there" },
	[SW_A_DOWN] = { "Down", "" },
	[SW_A_PGUP] = { "PgUp", "" },
	[SW_A_PGDN] = { "PgDn", "" },
	[SW_A_HOME] = { "Home f", "back to row 1, following the top (the default)" },
	[SW_A_END] = { "End", "" },
	[SW_A_SORT_PREV] = { "<", "" },
	[SW_A_SORT_NEXT] = { "< > r", "sort by the previous / next column; r reverses" },
	[SW_A_SORT_REVERSE] = { "r", "" },
	[SW_A_FILTER] = { "/", "filter (ss syntax too); empty Enter clears it" },
	[SW_A_GROUP] = { "g i", "group /32 /24 /16 (/128 /64 /48); i: inbound only" },
	[SW_A_INBOUND] = { "i", "" },
	[SW_A_PAUSE] = { "Space", "pause: freeze the data; again to resume" },
	[SW_A_INTERVAL_UP] = { "+ -", "refresh interval up / down (0.2 s .. 60 s)" },
	[SW_A_INTERVAL_DOWN] = { "-", "" },
	[SW_A_OPEN] = { "Enter Esc", "open a row's sockets (34+ lines: its graph); a finding: its subject" },
	[SW_A_CLOSE] = { "Esc", "" },
	[SW_A_BLOCK] = { "b", "block the selected remote or finding's target (then Enter)" },
	[SW_A_UNBLOCK] = { "u", "unblock the selected remote or block" },
	[SW_A_BLOCKS] = { "B", "blocks pane beside the listeners: show / hide" },
	[SW_A_ARM] = { "A", "--rules: arm / disarm auto-blocking (starts disarmed)" },
	[SW_A_HELP] = { "? F1  q F10", "this help; quit" },
	[SW_A_QUIT] = { "q F10", "" },
};

enum sw_action sw_view_key_action(int key)
{
	const struct sw_view_binding *b;

	for (b = sw_view_bindings; b->action != SW_A_NONE; b++)
		if (b->key == key)
			return b->action;
	return SW_A_NONE;
}

const struct sw_view_action_def *sw_view_action_def(enum sw_action a)
{
	static const struct sw_view_action_def none = { "", "" };

	return a < SW_A_MAX && a > SW_A_NONE ? &sw_view_actions[a] : &none;
}

/* ---- steps ---------------------------------------------------------- */

static const struct sw_agg_opts sw_view_groups[SW_VIEW_NGROUPS] = {
	{ 32, 128, false }, { 24, 64, false }, { 16, 48, false },
};

void sw_view_group_opts(int group, struct sw_agg_opts *out)
{
	*out = sw_view_groups[group >= 0 && group < SW_VIEW_NGROUPS ? group : 0];
}

bool sw_view_grouped(const struct sw_view *v)
{
	return v->grouping.group_v4 != 32 || v->grouping.group_v6 != 128;
}

static const double sw_view_intervals[] = {
	0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60,
};
#define SW_VIEW_NINTERVALS (sizeof(sw_view_intervals) / sizeof(sw_view_intervals[0]))

double sw_view_interval_step(double s, int dir)
{
	size_t i;

	if (dir > 0) {
		for (i = 0; i < SW_VIEW_NINTERVALS; i++)
			if (sw_view_intervals[i] > s + 1e-9)
				return sw_view_intervals[i];
		return sw_view_intervals[SW_VIEW_NINTERVALS - 1];
	}
	for (i = SW_VIEW_NINTERVALS; i-- > 0;)
		if (sw_view_intervals[i] < s - 1e-9)
			return sw_view_intervals[i];
	return sw_view_intervals[0];
}

/* ---- init ----------------------------------------------------------- */

void sw_view_init(struct sw_view *v, double interval_s,
		  const struct sw_agg_opts *g)
{
	int i;

	memset(v, 0, sizeof(*v));
	/* the pane that asks for the focus, else the first */
	for (i = 0; i < SW_PANE_MAX && !sw_view_pane(i)->focus_first; i++)
		;
	v->focus = i < SW_PANE_MAX ? (enum sw_pane)i : 0;
	v->interval_s = interval_s > 0 ? interval_s : 1;
	for (i = 0; i < SW_PANE_MAX; i++)
		v->list[i].sort = sw_view_pane(i)->default_sort;
	for (i = 0; g && i < SW_VIEW_NGROUPS; i++)
		if (g->group_v4 == sw_view_groups[i].group_v4)
			v->group = i;
	if (g)
		v->grouping = *g;
	else
		sw_view_group_opts(v->group, &v->grouping);
	sw_duration_text(SW_BLOCK_DEFAULT_S, v->default_duration,
			 sizeof(v->default_duration));
}

void sw_view_free(struct sw_view *v)
{
	int i;

	for (i = 0; i < SW_PANE_MAX; i++)
		free(v->list[i].order);
	memset(v->list, 0, sizeof(v->list));
}

enum sw_pane sw_view_active(const struct sw_view *v)
{
	int p;

	if (v->mode == SW_V_MAIN)
		return v->focus;
	for (p = 0; p < SW_PANE_MAX && !sw_view_pane_on(v, p, v->mode); p++)
		;
	return p < SW_PANE_MAX ? (enum sw_pane)p : v->focus;
}

/* A pane that grabs the focus gets it while it shows and the operator
 * has not chosen; a focused pane that is gone gives it back to the
 * focus_first one. */
static void sw_view_sync_focus(struct sw_view *v)
{
	int p;

	for (p = 0; p < SW_PANE_MAX && !v->focus_chosen; p++)
		if (sw_view_pane(p)->grab_focus && sw_view_pane_on(v, p, SW_V_MAIN)) {
			v->focus = p;
			return;
		}
	if (sw_view_pane_on(v, v->focus, SW_V_MAIN))
		return;
	for (p = 0; p < SW_PANE_MAX; p++)
		if (sw_view_pane(p)->focus_first && sw_view_pane_on(v, p, SW_V_MAIN))
			v->focus = p;
}

int sw_view_sync(struct sw_view *v, const struct sw_view_model *m)
{
	int rc = 0, p;

	v->nfindings = m->nfindings;
	sw_view_sync_focus(v);

	/* the main screen's panes also under the detail view, so Esc
	 * returns to fresh lists */
	for (p = 0; p < SW_PANE_MAX; p++)
		if (sw_view_pane_on(v, p, SW_V_MAIN) ||
		    sw_view_pane_on(v, p, v->mode))
			rc |= sw_view_list_sync(v, m, p);
	return rc ? -1 : 0;
}

/* ---- marks ---------------------------------------------------------- */

bool sw_view_is_marked(const struct sw_view *v, const struct sw_prefix *p)
{
	uint32_t i;

	for (i = 0; i < v->nmarks; i++)
		if (!memcmp(&v->marks[i], p, sizeof(*p)))
			return true;
	return false;
}

bool sw_view_toggle_mark(struct sw_view *v, const struct sw_prefix *p)
{
	uint32_t i;

	for (i = 0; i < v->nmarks; i++)
		if (!memcmp(&v->marks[i], p, sizeof(*p))) {
			v->marks[i] = v->marks[--v->nmarks];
			return false;
		}
	if (v->nmarks == SW_VIEW_MAX_MARKS)
		return false;
	v->marks[v->nmarks++] = *p;
	return true;
}
