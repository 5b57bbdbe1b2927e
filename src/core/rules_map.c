/* rules_map.c - small sorted maps keyed by prefix, for what the
 * evaluator remembers between refreshes (holds, the breaker's tally,
 * targets it was told not to ask for again), and the group table it
 * counts into every refresh (open addressing, reused). */
#include <stdlib.h>
#include <string.h>

#include "rules_eval.h"
#include "sw_grow.h"

int sw_rules_pfx_cmp(const struct sw_prefix *a, const struct sw_prefix *b)
{
	int c = sw_addr_cmp(a->family, a->bytes, b->family, b->bytes);

	return c ? c : (int)a->plen - (int)b->plen;
}

static int item_cmp(const void *a, const void *b)
{
	return sw_rules_pfx_cmp(&((const struct rmap_item *)a)->pfx,
				&((const struct rmap_item *)b)->pfx);
}

ptrdiff_t sw_rules_pfx_find(const void *v, size_t n, size_t size,
			    const struct sw_prefix *p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = sw_rules_pfx_cmp((const struct sw_prefix *)((const char *)v +
								    mid * size), p);

		if (!c)
			return (ptrdiff_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(ptrdiff_t)lo - 1;
}

static ptrdiff_t rmap_pos(const struct rmap *m, const struct sw_prefix *p)
{
	return sw_rules_pfx_find(m->v, m->n, sizeof(*m->v), p);
}

struct rmap_item *rmap_find(const struct rmap *m, const struct sw_prefix *p)
{
	ptrdiff_t i = rmap_pos(m, p);

	return i >= 0 ? &m->v[i] : NULL;
}

struct rmap_item *rmap_put(struct rmap *m, const struct sw_prefix *p)
{
	ptrdiff_t i = rmap_pos(m, p);
	size_t at;

	if (i >= 0)
		return &m->v[i];
	if (sw_grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v), 16))
		return NULL;
	at = (size_t)(-i - 1);
	memmove(&m->v[at + 1], &m->v[at], (m->n - at) * sizeof(*m->v));
	memset(&m->v[at], 0, sizeof(m->v[at]));
	m->v[at].pfx = *p;
	m->n++;
	return &m->v[at];
}

int rmap_append(struct rmap *m, const struct sw_prefix *p, uint64_t t,
		uint32_t x)
{
	if (sw_grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v), 16))
		return -1;
	m->v[m->n].pfx = *p;
	m->v[m->n].t = t;
	m->v[m->n].x = x;
	m->n++;
	return 0;
}

void rmap_sort(struct rmap *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), item_cmp);
}

void rmap_prune(struct rmap *m, uint64_t before)
{
	size_t j = 0;

	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].t >= before)
			m->v[j++] = m->v[i];
	m->n = j;
}

void rmap_free(struct rmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* ---- group table ---- */

uint32_t sw_rules_pfx_hash(const struct sw_prefix *p)
{
	uint64_t a, b;

	memcpy(&a, p->bytes, 8);
	memcpy(&b, p->bytes + 8, 8);
	a = (a ^ (b * 0xc2b2ae3d27d4eb4full) ^ ((uint64_t)p->plen << 8 | p->family)) *
	    0x9e3779b97f4a7c15ull;
	return (uint32_t)(a >> 32);
}

void gtab_reset(struct gtab *t)
{
	t->n = 0;
	if (t->slots)
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
}

static int gtab_rehash(struct gtab *t, uint32_t nslots)
{
	uint32_t *s = calloc(nslots, sizeof(*s));

	if (!s)
		return -1;
	free(t->slots);
	t->slots = s;
	t->nslots = nslots;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t h = sw_rules_pfx_hash(&t->v[i].pfx) & (nslots - 1);

		while (s[h])
			h = (h + 1) & (nslots - 1);
		s[h] = i + 1;
	}
	return 0;
}

struct grp *gtab_get(struct gtab *t, const struct sw_prefix *p)
{
	uint32_t h, i;

	if ((t->n + 1) * 2 > t->nslots &&
	    gtab_rehash(t, t->nslots ? t->nslots * 2 : 1024))
		return NULL;
	h = sw_rules_pfx_hash(p) & (t->nslots - 1);
	while ((i = t->slots[h])) {
		struct grp *g = &t->v[i - 1];

		if (sw_prefix_eq(&g->pfx, p))
			return g;
		h = (h + 1) & (t->nslots - 1);
	}
	if (sw_grow32((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v), 256))
		return NULL;
	memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
	t->v[t->n].pfx = *p;
	t->slots[h] = ++t->n;
	return &t->v[t->n - 1];
}

struct grp *gtab_push(struct gtab *t, const struct grp *g)
{
	if (sw_grow32((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v), 64))
		return NULL;
	t->v[t->n] = *g;
	return &t->v[t->n++];
}

void gtab_free(struct gtab *t)
{
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
