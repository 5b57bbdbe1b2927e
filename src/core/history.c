/* history.c - the ring of the last minutes' samples (sw_history.h) and
 * downsampling. Remotes and listening ports take slots as they come near
 * the top and give them up when they have been out of it for the whole
 * ring (or when a newcomer needs the slot of the one out longest). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sw_frame.h"
#include "sw_history.h"

uint32_t sw_history_cap_for(double interval_s)
{
	double n;

	if (!(interval_s > 0))
		return SW_HIST_MIN;
	n = ceil(SW_HIST_SECONDS / interval_s);
	if (n < SW_HIST_MIN)
		return SW_HIST_MIN;
	if (n > SW_HIST_MAX)
		return SW_HIST_MAX;
	return (uint32_t)n;
}

static int sw_history_alloc(struct sw_history *h, uint32_t cap)
{
	h->t = calloc(cap, sizeof(*h->t));
	h->v = malloc((size_t)cap * SW_HS_MAX * sizeof(*h->v));
	if (!h->t || !h->v) {
		free(h->t);
		free(h->v);
		h->t = NULL;
		h->v = NULL;
		h->cap = 0;
		errno = ENOMEM;
		return -1;
	}
	h->cap = cap;
	return 0;
}

int sw_history_init(struct sw_history *h, double interval_s)
{
	memset(h, 0, sizeof(*h));
	return sw_history_alloc(h, sw_history_cap_for(interval_s));
}

void sw_history_free(struct sw_history *h)
{
	free(h->t);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

size_t sw_history_bytes(const struct sw_history *h)
{
	return sizeof(*h) + (size_t)h->cap * (sizeof(*h->t) +
					      SW_HS_MAX * sizeof(*h->v));
}

int sw_history_copy(struct sw_history *dst, const struct sw_history *src)
{
	uint64_t *t = dst->t;
	float *v = dst->v;

	if (dst->cap != src->cap) {
		free(dst->t);
		free(dst->v);
		dst->t = NULL;
		dst->v = NULL;
		dst->cap = 0;
		if (src->cap && sw_history_alloc(dst, src->cap) < 0) {
			memset(dst, 0, sizeof(*dst));
			return -1;
		}
		t = dst->t;
		v = dst->v;
	}
	memcpy(dst, src, sizeof(*dst));
	dst->t = t;
	dst->v = v;
	if (src->cap) {
		memcpy(t, src->t, (size_t)src->cap * sizeof(*t));
		memcpy(v, src->v, (size_t)src->cap * SW_HS_MAX * sizeof(*v));
	}
	return 0;
}

static float *sw_history_slot(struct sw_history *h, unsigned s)
{
	return h->v + (size_t)s * h->cap;
}

static void sw_history_unknown(struct sw_history *h, unsigned s)
{
	float *p = sw_history_slot(h, s);
	uint32_t i;

	for (i = 0; i < h->cap; i++)
		p[i] = NAN;
}

uint32_t sw_history_len(const struct sw_history *h)
{
	return h->n < h->cap ? (uint32_t)h->n : h->cap;
}

/* Ring position of held sample i (0 the oldest). */
static uint32_t sw_history_pos(const struct sw_history *h, uint32_t i)
{
	uint64_t first = h->n - sw_history_len(h);

	return (uint32_t)((first + i) % h->cap);
}

float sw_history_at(const struct sw_history *h, unsigned s, uint32_t i)
{
	if (s >= SW_HS_MAX || i >= sw_history_len(h))
		return NAN;
	return h->v[(size_t)s * h->cap + sw_history_pos(h, i)];
}

uint64_t sw_history_time(const struct sw_history *h, uint32_t i)
{
	return i < sw_history_len(h) ? h->t[sw_history_pos(h, i)] : 0;
}

uint32_t sw_history_series(const struct sw_history *h, unsigned s,
			   uint32_t n, float *out)
{
	uint32_t len = sw_history_len(h), i;

	if (n > len)
		n = len;
	for (i = 0; i < n; i++)
		out[i] = sw_history_at(h, s, len - n + i);
	return n;
}

int sw_history_remote(const struct sw_history *h, const struct sw_prefix *p)
{
	int i;

	for (i = 0; i < SW_HIST_REMOTES; i++)
		if (h->remotes[i].used && sw_prefix_eq(&h->remotes[i].pfx, p))
			return i;
	return -1;
}

int sw_history_listener(const struct sw_history *h, unsigned proto,
			unsigned port)
{
	int i;

	for (i = 0; i < SW_HIST_LISTENERS; i++)
		if (h->listeners[i].used && h->listeners[i].proto == proto &&
		    h->listeners[i].port == port)
			return i;
	return -1;
}

/* A slot for a newcomer: a free one, else the one out of the top longest
 * (never one in the top now, stamp == now). -1 when all are in it. */
static int sw_history_victim(const uint64_t *stamp, const bool *used, int n,
			     uint64_t now)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		if (!used[i])
			return i;
		if (stamp[i] < now && (best < 0 || stamp[i] < stamp[best]))
			best = i;
	}
	return best;
}

static void sw_history_take_remotes(struct sw_history *h,
				    const struct sw_agg *a, uint64_t now)
{
	uint32_t top = a->nremotes < SW_HIST_TOP ? a->nremotes : SW_HIST_TOP;
	uint64_t stamp[SW_HIST_REMOTES];
	bool used[SW_HIST_REMOTES];
	uint32_t r;
	int i;

	for (r = 0; r < top; r++) {
		const struct sw_prefix *p = &a->remotes[r].pfx;

		if (!a->remotes[r].count && !a->remotes[r].tw && !a->remotes[r].new_conns)
			break; /* sorted: the rest are idle too */
		i = sw_history_remote(h, p);
		if (i < 0) {
			for (i = 0; i < SW_HIST_REMOTES; i++) {
				stamp[i] = h->remotes[i].last_top;
				used[i] = h->remotes[i].used;
			}
			i = sw_history_victim(stamp, used, SW_HIST_REMOTES, now);
			if (i < 0)
				continue;
			h->remotes[i].used = true;
			h->remotes[i].pfx = *p;
			sw_history_unknown(h, SW_HS_REMOTE + 2 * (unsigned)i);
			sw_history_unknown(h, SW_HS_REMOTE + 2 * (unsigned)i + 1);
		}
		h->remotes[i].last_top = now;
	}
	/* out of the top for the whole ring: nothing of it is left to show */
	for (i = 0; i < SW_HIST_REMOTES; i++)
		if (h->remotes[i].used && h->remotes[i].last_top + h->cap <= now)
			h->remotes[i].used = false;
}

/* The followed remotes' values of this frame: one pass over a's rows
 * with a 64-entry table of the followed prefixes. */
static void sw_history_put_remotes(struct sw_history *h,
				   const struct sw_agg *a, uint32_t pos)
{
	int8_t tab[64];
	uint32_t r;
	int i;

	memset(tab, -1, sizeof(tab));
	for (i = 0; i < SW_HIST_REMOTES; i++) {
		unsigned k;

		if (!h->remotes[i].used)
			continue;
		k = (h->remotes[i].pfx.bytes[3] ^ h->remotes[i].pfx.bytes[15] ^
		     h->remotes[i].pfx.plen) & 63;
		while (tab[k] >= 0)
			k = (k + 1) & 63;
		tab[k] = (int8_t)i;
		sw_history_slot(h, SW_HS_REMOTE + 2 * (unsigned)i)[pos] = 0;
		sw_history_slot(h, SW_HS_REMOTE + 2 * (unsigned)i + 1)[pos] =
			a->have_prev ? 0 : NAN;
	}
	for (r = 0; r < a->nremotes; r++) {
		const struct sw_remote *rm = &a->remotes[r];
		unsigned k = (rm->pfx.bytes[3] ^ rm->pfx.bytes[15] ^ rm->pfx.plen) & 63;

		for (; tab[k] >= 0; k = (k + 1) & 63) {
			i = tab[k];
			if (!sw_prefix_eq(&h->remotes[i].pfx, &rm->pfx))
				continue;
			sw_history_slot(h, SW_HS_REMOTE + 2 * (unsigned)i)[pos] =
				(float)rm->count;
			sw_history_slot(h, SW_HS_REMOTE + 2 * (unsigned)i + 1)[pos] =
				a->have_prev ? (float)rm->new_per_s : NAN;
			break;
		}
	}
}

/* Listening TCP ports: the accept queue fill (the fullest listener of
 * the port) and SYN_RECV (all of its listeners). A port under pressure
 * takes a slot; an idle one only a free slot. */
static void sw_history_put_listeners(struct sw_history *h,
				     const struct sw_agg *a, uint64_t now,
				     uint32_t pos)
{
	uint64_t stamp[SW_HIST_LISTENERS];
	bool used[SW_HIST_LISTENERS];
	uint32_t l = 0;
	int i;

	for (i = 0; i < SW_HIST_LISTENERS; i++) {
		if (h->listeners[i].used && h->listeners[i].last_seen + h->cap <= now)
			h->listeners[i].used = false;
		if (!h->listeners[i].used)
			continue;
		sw_history_slot(h, SW_HS_LISTENER + 2 * (unsigned)i)[pos] = 0;
		sw_history_slot(h, SW_HS_LISTENER + 2 * (unsigned)i + 1)[pos] = 0;
	}
	while (l < a->nlisteners) {
		const struct sw_listener *ls = &a->listeners[l];
		uint32_t syn = 0;
		float fill = 0;

		for (; l < a->nlisteners && a->listeners[l].proto == ls->proto &&
		       a->listeners[l].port == ls->port; l++) {
			const struct sw_listener *x = &a->listeners[l];
			float f = x->backlog ? (float)x->accept_queue / (float)x->backlog : 0;

			syn += x->syn_recv;
			if (f > fill)
				fill = f;
		}
		if (ls->proto != SW_TCP)
			continue;
		i = sw_history_listener(h, ls->proto, ls->port);
		if (i < 0) {
			bool pressure = syn > 0 || fill > 0;
			int k;

			for (k = 0; k < SW_HIST_LISTENERS; k++) {
				stamp[k] = h->listeners[k].last_seen;
				used[k] = h->listeners[k].used;
			}
			i = sw_history_victim(stamp, used, SW_HIST_LISTENERS, now);
			if (i < 0 || (h->listeners[i].used && !pressure))
				continue;
			h->listeners[i].used = true;
			h->listeners[i].proto = ls->proto;
			h->listeners[i].port = ls->port;
			h->listeners[i].last_seen = now;
			sw_history_unknown(h, SW_HS_LISTENER + 2 * (unsigned)i);
			sw_history_unknown(h, SW_HS_LISTENER + 2 * (unsigned)i + 1);
		}
		if (syn > 0 || fill > 0)
			h->listeners[i].last_seen = now;
		sw_history_slot(h, SW_HS_LISTENER + 2 * (unsigned)i)[pos] = fill;
		sw_history_slot(h, SW_HS_LISTENER + 2 * (unsigned)i + 1)[pos] =
			(float)syn;
	}
}

void sw_history_push(struct sw_history *h, const struct sw_frame *f)
{
	const struct sw_agg *a = f->agg;
	bool rates = f->have_prev_counters && f->interval_s > 0;
	uint32_t pos;
	unsigned i;

	if (!h->cap)
		return;
	pos = (uint32_t)(h->n % h->cap);
	h->t[pos] = f->time_ns;
	for (i = 0; i < SW_ST_MAX; i++)
		sw_history_slot(h, SW_HS_STATE + i)[pos] =
			a ? (float)a->states[i].count : NAN;
	for (i = 0; i < SW_C_MAX; i++)
		sw_history_slot(h, SW_HS_RATE + i)[pos] =
			rates && f->counters.have[i]
				? (float)sw_counters_rate(&f->prev_counters,
							  &f->counters, i,
							  f->interval_s)
				: NAN;
	sw_history_slot(h, SW_HS_TOTAL)[pos] = a ? (float)a->total : NAN;
	if (a) {
		sw_history_take_remotes(h, a, h->n);
		sw_history_put_remotes(h, a, pos);
		sw_history_put_listeners(h, a, h->n, pos);
	}
	h->n++;
}

void sw_history_mark(struct sw_history *h, uint64_t time_ns, unsigned kind,
		     const struct sw_prefix *target)
{
	struct sw_hist_mark *m = &h->marks[h->nmarks % SW_HIST_MARKS];

	memset(m, 0, sizeof(*m));
	m->time_ns = time_ns;
	m->kind = (uint8_t)kind;
	if (target)
		m->target = *target;
	h->nmarks++;
}

uint32_t sw_history_nmarks(const struct sw_history *h)
{
	return h->nmarks < SW_HIST_MARKS ? h->nmarks : SW_HIST_MARKS;
}

const struct sw_hist_mark *sw_history_mark_at(const struct sw_history *h,
					      uint32_t i)
{
	uint32_t first = h->nmarks - sw_history_nmarks(h);

	if (i >= sw_history_nmarks(h))
		return NULL;
	return &h->marks[(first + i) % SW_HIST_MARKS];
}

void sw_downsample(const float *in, size_t n, float *out, size_t w,
		   enum sw_ds_mode mode)
{
	size_t i, j;

	for (i = 0; i < w; i++) {
		size_t lo, hi, cnt = 0;
		double acc = 0;

		if (n == 0) {
			out[i] = NAN;
			continue;
		}
		if (n < w) {
			out[i] = in[i * n / w];
			continue;
		}
		lo = i * n / w;
		hi = (i + 1) * n / w;
		for (j = lo; j < hi; j++) {
			if (isnan(in[j]))
				continue;
			if (mode == SW_DS_MAX)
				acc = cnt && acc > in[j] ? acc : in[j];
			else
				acc += in[j];
			cnt++;
		}
		out[i] = !cnt ? NAN : mode == SW_DS_MAX ? (float)acc
							: (float)(acc / (double)cnt);
	}
}
