/* tui_help.c - the help box, written from the view's action table so the
 * keys it lists are the keys that work, and the info box (a dry run's nft
 * commands). */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "sw_tui.h"

static const char *const sw_tui_help_notes[] = {
	"B blocked * marked > ~ outbound; red: over limit, full queue, crit finding",
	"CONN live sockets, TW TIME_WAIT, NEW/S new/s, +/- per refresh, - not known",
	"ACCEPTQ/SYNQ queue/limit; listeners by pressure; a narrow cell ends in ...",
	NULL, /* the states' short names, from the table: 3 lines */
};

/* The short names STATES uses, wrapped at w: "EST ESTABLISHED  SR ...".
 * Draws from y on; returns the next y. */
static int sw_tui_help_states(struct sw_tui *t, int y, int x, int w, int end)
{
	char line[160] = "";
	size_t len = 0;
	int s;

	for (s = SW_ST_UNKNOWN + 1; s < SW_ST_MAX && y < end; s++) {
		char item[40];
		int n = snprintf(item, sizeof(item), "%s%s %s", len ? "  " : "",
				 sw_state_short(s), sw_state_name(s));

		if (len && (int)(len + (size_t)n) > w) {
			sw_tui_put(y++, x, w, t->pt.attr[SW_T_DIALOG], line, false);
			len = 0;
			n = snprintf(item, sizeof(item), "%s %s", sw_state_short(s),
				     sw_state_name(s));
		}
		if (len + (size_t)n < sizeof(line)) {
			memcpy(line + len, item, (size_t)n + 1);
			len += (size_t)n;
		}
	}
	if (len && y < end)
		sw_tui_put(y++, x, w, t->pt.attr[SW_T_DIALOG], line, false);
	return y;
}

void sw_tui_draw_help(struct sw_tui *t)
{
	const size_t nnotes = sizeof(sw_tui_help_notes) / sizeof(sw_tui_help_notes[0]);
	struct sw_rect in;
	int rows = 0, y, a;

	for (a = SW_A_NONE + 1; a < SW_A_MAX; a++)
		if (sw_view_action_def(a)->help[0])
			rows++;
	/* the states' names take three lines of a 78-column box */
	in = sw_tui_box(&t->pt, rows + (int)nnotes + 2 + 4, 78,
			"sockwatch keys (any key closes)");
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
	for (size_t i = 0; i < nnotes && y < in.y + in.h; i++) {
		if (!sw_tui_help_notes[i]) {
			y = sw_tui_help_states(t, y, in.x, in.w, in.y + in.h);
			continue;
		}
		sw_tui_put(y++, in.x, in.w, t->pt.attr[SW_T_DIALOG],
			   sw_tui_help_notes[i], false);
	}
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
