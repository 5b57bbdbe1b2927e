/* tui_confirm.c - the block confirmation: what would be blocked, what it
 * holds now, a warning when this host connects to it, for how long
 * (editable), whether its open connections are ended too, and the
 * reason (editable). Enter applies, Esc cancels. */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "sw_tui.h"

void sw_tui_draw_confirm(struct sw_tui *t)
{
	const struct sw_view_confirm *c = &t->view.confirm;
	int d = t->pt.attr[SW_T_DIALOG], hi = t->pt.attr[SW_T_SEL];
	struct sw_remote r;
	char a[SW_ADDR_STRLEN], title[96], buf[200], st[96], warn[160];
	struct sw_rect in;
	int y, fx, cy = -1, cx = 0;

	sw_prefix_format(&c->target, a, sizeof(a));
	snprintf(title, sizeof(title), "%s %s%s",
		 c->target.plen == sw_family_bits(c->target.family) ? "Block address"
								     : "Block prefix",
		 a, t->dry_run ? " (dry run)" : "");
	sw_view_confirm_warning(c, warn, sizeof(warn));
	in = sw_tui_box(&t->pt, warn[0] ? 13 : 11, 76, title);
	y = in.y;

	memset(&r, 0, sizeof(r));
	memcpy(r.states, c->states, sizeof(r.states));
	r.udp = c->udp;
	sw_view_fmt_states(&r, st, sizeof(st));
	snprintf(buf, sizeof(buf), "connections now: %u%s%s%s", c->count,
		 st[0] ? "  (" : "", st, st[0] ? ")" : "");
	sw_tui_put(y++, in.x, in.w, d, buf, false);
	if (warn[0]) {
		/* the host's own peer: said before Enter can block it, on two
		 * lines (after the ';') when one is too narrow */
		char *semi = strchr(warn, ';');

		if ((int)strlen(warn) > in.w && semi) {
			semi[1] = '\0';
			sw_tui_put(y++, in.x, in.w, t->pt.attr[SW_T_ERROR], warn, false);
			sw_tui_put(y++, in.x, in.w, t->pt.attr[SW_T_ERROR], semi + 2,
				   false);
		} else {
			sw_tui_put(y++, in.x, in.w, t->pt.attr[SW_T_ERROR], warn, false);
			y++;
		}
	}
	y++;

	fx = in.x + 34;
	sw_tui_put(y, in.x, in.w, d, "block for:", false);
	sw_tui_put_fill(y, fx, 12,
			c->field == SW_CONFIRM_DURATION ? hi : d | (int)A_UNDERLINE,
			c->duration.buf);
	sw_tui_put(y, fx + 13, in.w - (fx + 13 - in.x), d, "90s 10m 2h", false);
	if (c->field == SW_CONFIRM_DURATION) {
		cy = y;
		cx = fx + c->duration.cur;
	}
	y++;
	sw_tui_put(y, in.x, in.w, d, "end its open connections (k):", false);
	sw_tui_put(y, fx, 5, c->field == SW_CONFIRM_KILL ? hi : t->pt.attr[SW_T_DIALOG_HI],
		   c->kill ? "[yes]" : "[no] ", false);
	y++;
	sw_tui_put(y, in.x, in.w, d, "reason:", false);
	sw_tui_put_fill(y, fx, in.w - (fx - in.x),
			c->field == SW_CONFIRM_REASON ? hi : d | (int)A_UNDERLINE,
			c->reason.buf);
	if (c->field == SW_CONFIRM_REASON) {
		cy = y;
		cx = fx + c->reason.cur;
	}
	y++;
	if (c->error[0])
		sw_tui_put(y, in.x, in.w, t->pt.attr[SW_T_ERROR], c->error, false);
	y += 2;
	sw_tui_put(y, in.x, in.w, t->pt.attr[SW_T_DIALOG_HI],
		   t->dry_run ? "Enter: show what would be sent   Esc: cancel"
			      : "Enter: block   Tab: next field   Esc: cancel",
		   false);
	if (cy >= 0 && cx < in.x + in.w) {
		move(cy, cx);
		curs_set(1);
	}
}
