/* agg_rx.c - received bytes per second per remote, from the per-socket
 * rates of the latest info set (sw_conninfo.h): bandwidth per remote
 * without packet capture. The sums are made once per info set, then laid
 * on every refresh's remotes until the next one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_agg.h"
#include "sw_conninfo.h"
#include "sw_grow.h"

void sw_agg_rx_init(struct sw_agg_rx *x)
{
	memset(x, 0, sizeof(*x));
}

void sw_agg_rx_free(struct sw_agg_rx *x)
{
	free(x->v);
	sw_agg_rx_init(x);
}

/* Sum ci's known rates into a's remotes, then keep the measured ones as
 * rows. */
static int sw_agg_rx_make(struct sw_agg_rx *x, struct sw_agg *a,
			  const struct sw_snapshot *snap,
			  const struct sw_conninfo *ci)
{
	uint32_t i;

	x->n = 0;
	for (size_t k = 0; k < ci->n; k++) {
		const struct sw_conn_info *c = &ci->v[k];
		const struct sw_sock *s;
		struct sw_prefix key;
		int r;

		if (c->rx_per_s < 0)
			continue;
		/* its peer is the snapshot's; gone: closed since the dump */
		s = sw_snapshot_find(snap, SW_TCP, c->cookie);
		if (!s)
			continue;
		sw_prefix_make(&key, s->family, s->dst,
			       s->family == SW_V4 ? x->g4 : x->g6);
		r = sw_agg_find_remote(a, &key);
		if (r < 0)
			continue; /* left out (--inbound cannot: it is inbound) */
		if (a->remotes[r].rx_per_s < 0)
			a->remotes[r].rx_per_s = 0;
		a->remotes[r].rx_per_s += c->rx_per_s;
	}
	for (i = 0; i < a->nremotes; i++) {
		if (a->remotes[i].rx_per_s < 0)
			continue;
		if (sw_grow32((void **)&x->v, &x->cap, x->n + 1, sizeof(*x->v), 64))
			return -1;
		x->v[x->n].pfx = a->remotes[i].pfx;
		x->v[x->n++].rx_per_s = a->remotes[i].rx_per_s;
	}
	return 0;
}

int sw_agg_rx_apply(struct sw_agg_rx *x, struct sw_agg *a,
		    const struct sw_snapshot *snap, const struct sw_conninfo *ci,
		    const struct sw_agg_opts *o)
{
	unsigned g4 = o && o->group_v4 ? o->group_v4 : 32;
	unsigned g6 = o && o->group_v6 ? o->group_v6 : 128;
	uint32_t i;

	for (i = 0; i < a->nremotes; i++)
		a->remotes[i].rx_per_s = -1;
	if (!ci)
		return 0;
	if (!x->made || x->set_time_ns != ci->time_ns || x->set_n != ci->n ||
	    x->g4 != g4 || x->g6 != g6) {
		x->set_time_ns = ci->time_ns;
		x->set_n = ci->n;
		x->g4 = g4;
		x->g6 = g6;
		x->made = sw_agg_rx_make(x, a, snap, ci) == 0;
		if (!x->made) {
			for (i = 0; i < a->nremotes; i++)
				a->remotes[i].rx_per_s = -1;
			errno = ENOMEM;
			return -1;
		}
		return 0;
	}
	for (i = 0; i < x->n; i++) {
		int r = sw_agg_find_remote(a, &x->v[i].pfx);

		if (r >= 0)
			a->remotes[r].rx_per_s = x->v[i].rx_per_s;
	}
	return 0;
}
