/* series.c - bounded series by merging neighbours (sw_series.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sw_series.h"

int sw_sset_init(struct sw_sset *s, uint32_t cap)
{
	memset(s, 0, sizeof(*s));
	cap = cap < 2 ? 2 : cap + (cap & 1);
	s->t0 = calloc(cap, sizeof(*s->t0));
	s->t1 = calloc(cap, sizeof(*s->t1));
	if (!s->t0 || !s->t1) {
		sw_sset_free(s);
		errno = ENOMEM;
		return -1;
	}
	s->cap = cap;
	s->per = 1;
	return 0;
}

void sw_sset_free(struct sw_sset *s)
{
	free(s->t0);
	free(s->t1);
	free(s->p);
	memset(s, 0, sizeof(*s));
}

int sw_sset_add(struct sw_sset *s)
{
	if (!s->cap) {
		errno = ENOMEM;
		return -1;
	}
	if (s->nser == s->sercap) {
		uint32_t nc = s->sercap ? 2 * s->sercap : 16;
		struct sw_spoint *p = realloc(s->p, (size_t)nc * s->cap * sizeof(*p));

		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		s->p = p;
		s->sercap = nc;
	}
	sw_sset_clear(s, (int)s->nser);
	return (int)s->nser++;
}

void sw_sset_clear(struct sw_sset *s, int k)
{
	memset(s->p + (size_t)k * s->cap, 0, s->cap * sizeof(*s->p));
}

static void sw_sset_merge(struct sw_sset *s)
{
	uint32_t half = s->n / 2, k, i;

	for (k = 0; k < s->nser; k++) {
		struct sw_spoint *p = s->p + (size_t)k * s->cap;

		for (i = 0; i < half; i++) {
			struct sw_spoint a = p[2 * i], b = p[2 * i + 1];

			p[i].cnt = a.cnt + b.cnt;
			p[i].sum = a.sum + b.sum;
			p[i].max = !a.cnt ? b.max : !b.cnt ? a.max
				   : a.max > b.max ? a.max : b.max;
		}
		memset(p + half, 0, (s->cap - half) * sizeof(*p));
	}
	for (i = 0; i < half; i++) {
		s->t0[i] = s->t0[2 * i];
		s->t1[i] = s->t1[2 * i + 1];
	}
	s->n = half;
	s->per *= 2;
}

void sw_sset_tick(struct sw_sset *s, uint64_t time_ns)
{
	if (!s->cap)
		return;
	if (s->n == 0 || s->fill >= s->per) {
		if (s->n == s->cap)
			sw_sset_merge(s);
		s->t0[s->n] = time_ns;
		s->n++;
		s->fill = 0;
	}
	s->t1[s->n - 1] = time_ns;
	s->fill++;
}

void sw_sset_put(struct sw_sset *s, int k, float v)
{
	struct sw_spoint *p;

	if (!s->n || k < 0 || (uint32_t)k >= s->nser || isnan(v))
		return;
	p = &s->p[(size_t)k * s->cap + s->n - 1];
	p->max = !p->cnt || v > p->max ? v : p->max;
	p->sum += v;
	p->cnt++;
}

float sw_sset_max(const struct sw_sset *s, int k, uint32_t i)
{
	const struct sw_spoint *p;

	if (k < 0 || (uint32_t)k >= s->nser || i >= s->n)
		return NAN;
	p = &s->p[(size_t)k * s->cap + i];
	return p->cnt ? p->max : NAN;
}

float sw_sset_mean(const struct sw_sset *s, int k, uint32_t i)
{
	const struct sw_spoint *p;

	if (k < 0 || (uint32_t)k >= s->nser || i >= s->n)
		return NAN;
	p = &s->p[(size_t)k * s->cap + i];
	return p->cnt ? (float)(p->sum / p->cnt) : NAN;
}

uint64_t sw_sset_bytes(const struct sw_sset *s)
{
	return sizeof(*s) + (uint64_t)s->cap * (2 * sizeof(uint64_t)) +
	       (uint64_t)s->sercap * s->cap * sizeof(struct sw_spoint);
}
