/* view_model.c - the UI's private copy of a frame. The refresher fills a
 * spare model and hands it over whole, so drawing never races a refresh
 * and a paused screen keeps exactly the data it showed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_frame.h"
#include "sw_view.h"

void sw_view_model_init(struct sw_view_model *m)
{
	memset(m, 0, sizeof(*m));
}

void sw_view_model_free(struct sw_view_model *m)
{
	free(m->remotes);
	free(m->listeners);
	free(m->socks);
	free(m->blocks);
	sw_view_model_init(m);
}

/* Grow *p to hold n elements of size sz (capacity doubles). */
static int sw_view_model_grow(void **p, uint32_t *cap, uint32_t n, size_t sz)
{
	uint32_t c = *cap ? *cap : 64;
	void *q;

	if (n <= *cap)
		return 0;
	while (c < n)
		c = c > UINT32_MAX / 2 ? n : c * 2;
	q = realloc(*p, (size_t)c * sz);
	if (!q) {
		errno = ENOMEM;
		return -1;
	}
	*p = q;
	*cap = c;
	return 0;
}

int sw_view_model_fill(struct sw_view_model *m, const struct sw_frame *f)
{
	const struct sw_agg *a = f->agg;
	const struct sw_snapshot *s = f->snap;
	uint32_t nsocks = s ? s->count : 0;
	unsigned i;

	m->seq = f->seq;
	m->time_ns = f->time_ns;
	m->interval_s = f->interval_s;
	m->refresh_ms = f->refresh_ms;
	m->counters = f->counters;
	m->have_rate = f->have_prev_counters && f->interval_s > 0;
	for (i = 0; i < SW_C_MAX; i++)
		m->rate[i] = m->have_rate
				     ? sw_counters_rate(&f->prev_counters,
							&f->counters, i,
							f->interval_s)
				     : 0;
	m->nremotes = m->nlisteners = m->nsocks = 0;
	if (!a) {
		m->have_prev = false;
		m->total = m->tcp = m->udp = 0;
		m->d_total = m->d_tcp = m->d_udp = 0;
		memset(m->states, 0, sizeof(m->states));
		m->udp_connected = m->udp_unconnected = 0;
		m->opened = m->closed = 0;
		return 0;
	}
	m->have_prev = a->have_prev;
	m->total = a->total;
	m->tcp = a->tcp;
	m->udp = a->udp;
	m->d_total = a->d_total;
	m->d_tcp = a->d_tcp;
	m->d_udp = a->d_udp;
	memcpy(m->states, a->states, sizeof(m->states));
	m->udp_connected = a->udp_connected;
	m->udp_unconnected = a->udp_unconnected;
	m->opened = a->opened;
	m->closed = a->closed;

	if (sw_view_model_grow((void **)&m->remotes, &m->rcap, a->nremotes,
			       sizeof(*m->remotes)) ||
	    sw_view_model_grow((void **)&m->listeners, &m->lcap, a->nlisteners,
			       sizeof(*m->listeners)) ||
	    sw_view_model_grow((void **)&m->socks, &m->scap, nsocks,
			       sizeof(*m->socks)))
		return -1;
	if (a->nremotes)
		memcpy(m->remotes, a->remotes, a->nremotes * sizeof(*m->remotes));
	if (a->nlisteners)
		memcpy(m->listeners, a->listeners,
		       a->nlisteners * sizeof(*m->listeners));
	if (nsocks)
		memcpy(m->socks, s->socks, nsocks * sizeof(*m->socks));
	m->nremotes = a->nremotes;
	m->nlisteners = a->nlisteners;
	m->nsocks = nsocks;
	return 0;
}

int sw_view_model_set_blocks(struct sw_view_model *m,
			     const struct sw_view_block *kern, uint32_t n)
{
	m->nblocks = m->nkernel_blocks = 0;
	if (sw_view_model_grow((void **)&m->blocks, &m->bcap, n,
			       sizeof(*m->blocks)))
		return -1;
	if (n)
		memcpy(m->blocks, kern, n * sizeof(*kern));
	m->nblocks = m->nkernel_blocks = n;
	return 0;
}

int sw_view_model_set_marks(struct sw_view_model *m,
			    const struct sw_prefix *marks, uint32_t nmarks)
{
	uint32_t i;

	m->nblocks = m->nkernel_blocks;
	if (sw_view_model_grow((void **)&m->blocks, &m->bcap,
			       m->nkernel_blocks + nmarks, sizeof(*m->blocks)))
		return -1;
	for (i = 0; i < nmarks; i++) {
		struct sw_view_block *b = &m->blocks[m->nblocks];

		if (sw_view_model_blocked(m, &marks[i]) >= 0)
			continue;
		memset(b, 0, sizeof(*b));
		b->target = marks[i];
		b->expires_s = -1;
		b->marked = true;
		strcpy(b->reason, "marked (not blocked)");
		m->nblocks++;
	}
	return 0;
}

int sw_view_model_blocked(const struct sw_view_model *m,
			  const struct sw_prefix *p)
{
	uint32_t i;

	for (i = 0; i < m->nkernel_blocks; i++) {
		const struct sw_prefix *t = &m->blocks[i].target;

		if (t->family == p->family && t->plen <= p->plen &&
		    sw_prefix_contains_addr(t, p->family, p->bytes))
			return (int)i;
	}
	return -1;
}
