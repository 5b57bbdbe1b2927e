/* conninfo_table.c - the engine's table of info dumps (sw_conninfo.h):
 * each dump's raw entries become the latest set, sorted by cookie, with
 * the age and the receive rate carried from the set before by cookie.
 *
 * A dump is written into a room of its own, so the latest set stays whole
 * until the next one is committed (a failed dump leaves it as it was).
 * The set before is the cookie-keyed table: both are sorted, so one merge
 * pass joins them; then it is freed, so between dumps one set is held
 * (64 bytes per inbound ESTABLISHED socket). */
#include <stdlib.h>
#include <string.h>

#include "sw_conninfo.h"
#include "sw_grow.h"

void sw_conninfo_table_init(struct sw_conninfo_table *t)
{
	memset(t, 0, sizeof(*t));
}

void sw_conninfo_table_free(struct sw_conninfo_table *t)
{
	free(t->v);
	free(t->prev);
	sw_conninfo_table_init(t);
}

struct sw_conn_info *sw_conninfo_table_room(struct sw_conninfo_table *t,
					    size_t n)
{
	/* sized like the last dump: it grows once, if at all */
	if (sw_grow((void **)&t->prev, &t->pcap, n ? n : 1, sizeof(*t->prev),
		    t->n + t->n / 8 + 256))
		return NULL;
	return t->prev;
}

static int sw_conninfo_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct sw_conn_info *)a)->cookie;
	uint64_t y = ((const struct sw_conn_info *)b)->cookie;

	return (x > y) - (x < y);
}

const struct sw_conninfo *sw_conninfo_table_commit(struct sw_conninfo_table *t,
						   size_t n, uint64_t time_ns,
						   uint64_t mono_ns)
{
	struct sw_conn_info *cur = t->prev, *old = t->v;
	bool first = !t->dumps || t->restart;
	size_t on = first ? 0 : t->n, i, j = 0, k = 0;
	double dt = !first && mono_ns > t->mono_ns ?
			    (double)(mono_ns - t->mono_ns) / 1e9 : 0;

	if (n > 1)
		qsort(cur, n, sizeof(*cur), sw_conninfo_cmp);
	for (i = 0; i < n; i++) {
		struct sw_conn_info *c;

		if (k && cur[k - 1].cookie == cur[i].cookie)
			continue; /* repeated by a dump under churn */
		c = &cur[k++];
		if (c != &cur[i])
			*c = cur[i];
		while (j < on && old[j].cookie < c->cookie)
			j++;
		if (j < on && old[j].cookie == c->cookie) {
			c->first_seen_ns = old[j].first_seen_ns;
			c->seen_at_start = old[j].seen_at_start;
			c->rx_per_s = dt > 0 && c->bytes_received >= old[j].bytes_received ?
				(double)(c->bytes_received - old[j].bytes_received) / dt : -1;
		} else {
			/* new since the dump before; in the first dump, open
			 * since before sockwatch looked */
			c->first_seen_ns = time_ns;
			c->seen_at_start = first;
			c->rx_per_s = -1;
		}
	}
	free(old);
	t->v = cur;
	t->cap = t->pcap;
	t->prev = NULL;
	t->pcap = 0;
	t->n = k;
	t->mono_ns = mono_ns;
	t->dumps++;
	t->restart = false;
	t->set.v = t->v;
	t->set.n = t->n;
	t->set.time_ns = time_ns;
	return &t->set;
}

void sw_conninfo_table_restart(struct sw_conninfo_table *t)
{
	t->restart = true;
}

const struct sw_conninfo *sw_conninfo_table_set(const struct sw_conninfo_table *t)
{
	return t->dumps ? &t->set : NULL;
}
