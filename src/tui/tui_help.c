/* tui_help.c - the help box, written from the view's action table so the
 * keys it lists are the keys that work, and the info box (a dry run's nft
 * commands). */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "sw_tui.h"

static const char *const sw_tui_help_notes[] = {
	"Mouse: click a row to select it, a column header to sort by it.",
	"Marks: B blocked (in the kernel's set), * marked only.",
	"Red rows: a state over its threshold, or a full accept or SYN queue.",
	"CONN live sockets (not TIME_WAIT), TW TIME_WAIT; - a rate not yet known.",
	"ACCEPTQ/SYNQ: queue against its limit; listeners sorted by pressure.",
	"A cell too narrow ends in ... (never a cut number or address).",
	"Any key closes this help.",
};

void sw_tui_draw_help(struct sw_tui *t)
{
	const size_t nnotes = sizeof(sw_tui_help_notes) / sizeof(sw_tui_help_notes[0]);
	struct sw_rect in;
	int rows = 0, y, a;

	for (a = SW_A_NONE + 1; a < SW_A_MAX; a++)
		if (sw_view_action_def(a)->help[0])
			rows++;
	in = sw_tui_box(&t->pt, rows + (int)nnotes + 4, 78, "sockwatch keys");
	y = in.y;
	for (a = SW_A_NONE + 1; a < SW_A_MAX && y < in.y + in.h; a++) {
		const struct sw_view_action_def *d = sw_view_action_def(a);

		if (!d->help[0])
			continue;
		sw_tui_put(y, in.x, 24, t->pt.attr[SW_T_DIALOG_HI], d->keys, false);
		sw_tui_put(y, in.x + 25, in.w - 25, t->pt.attr[SW_T_DIALOG], d->help,
			   false);
		y++;
	}
	y++;
	for (size_t i = 0; i < nnotes && y < in.y + in.h; i++, y++)
		sw_tui_put(y, in.x, in.w, t->pt.attr[SW_T_DIALOG],
			   sw_tui_help_notes[i], false);
}

void sw_tui_draw_info(struct sw_tui *t)
{
	const char *s = t->info ? t->info : "";
	struct sw_rect in;
	int lines = 1, y;
	const char *p;

	for (p = s; *p; p++)
		if (*p == '\n' && p[1])
			lines++;
	in = sw_tui_box(&t->pt, lines + 4, COLS - 4,
			t->dry_run ? "dry run: nothing was sent; it would send" : "info");
	y = in.y;
	for (p = s; *p && y < in.y + in.h - 1; y++) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", n, p);
		sw_tui_put(y, in.x, in.w, t->pt.attr[SW_T_DIALOG], line, false);
		p += n + (nl ? 1 : 0);
	}
	sw_tui_put(in.y + in.h - 1, in.x, in.w, t->pt.attr[SW_T_DIALOG_HI],
		   "any key closes", true);
}
