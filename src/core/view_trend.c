/* view_trend.c - the trend columns' cell, and which history series the
 * detail view graphs, by what the opening pane stored in the detail: a
 * remote prefix (has_target), a listening port (port), else a TCP state. */
#include <stdio.h>

#include "sw_view.h"
#include "sw_view_graph.h"

void sw_view_trend_cell(const struct sw_view_model *m, uint32_t row,
			struct sw_view_cell *c)
{
	(void)m;
	(void)row;
	c->text[0] = '\0';
}

bool sw_view_detail_series(const struct sw_view *v,
			   const struct sw_view_model *m, unsigned *s,
			   char *what, size_t len)
{
	const struct sw_view_detail *d = &v->detail;
	char a[SW_ADDR_STRLEN];
	int slot;

	if (d->has_target) {
		sw_prefix_format(&d->pfx, a, sizeof(a));
		slot = sw_history_remote(&m->hist, &d->pfx);
		snprintf(what, len, slot >= 0 ? "connections of %s"
				  : "%s: no history yet (only remotes near the top are followed)",
			 a);
		*s = SW_HS_REMOTE + 2 * (unsigned)(slot >= 0 ? slot : 0);
		return slot >= 0;
	}
	if (d->port) {
		slot = d->proto == SW_TCP ? sw_history_listener(&m->hist, d->proto, d->port)
					  : -1;
		snprintf(what, len, slot >= 0 ? "SYN_RECV of %s port %u"
				  : "%s port %u: no history (TCP ports under pressure are followed)",
			 sw_proto_name(d->proto), d->port);
		*s = SW_HS_LISTENER + 2 * (unsigned)(slot >= 0 ? slot : 0) + 1;
		return slot >= 0;
	}
	if (d->state > 0 && d->state < SW_ST_MAX) {
		snprintf(what, len, "sockets in %s", sw_state_name(d->state));
		*s = SW_HS_STATE + d->state;
		return true;
	}
	snprintf(what, len, "no history for this view");
	return false;
}
