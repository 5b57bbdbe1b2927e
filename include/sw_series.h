/* sw_series.h - series of any length kept in bounded memory: a set of
 * series sharing one time axis of at most cap points. Each frame adds to
 * the newest point; when all cap points are full, pairs of neighbours
 * are merged (max of the maxes, sum of the sums), so a point then holds
 * twice the frames. A report of an hour or a week keeps cap points per
 * series, each with its max and its mean.
 *
 * Core header: no I/O. */
#ifndef SW_SERIES_H
#define SW_SERIES_H

#include <stdint.h>

struct sw_spoint {
	double sum;
	float max;
	uint32_t cnt;       /* values added; 0: unknown */
};                          /* 16 bytes */

struct sw_sset {
	uint32_t cap;       /* points at most (even) */
	uint32_t n;         /* points held */
	uint32_t per;       /* frames a point holds when full */
	uint32_t fill;      /* frames in the newest point */
	uint64_t *t0, *t1;  /* [cap] times of a point's first and last frame */
	uint32_t nser, sercap;
	struct sw_spoint *p; /* series k's point i at p[k * cap + i] */
};

/* An empty set of cap points (rounded up to even, at least 2). Returns 0,
 * or -1 with errno ENOMEM. */
int sw_sset_init(struct sw_sset *s, uint32_t cap);
void sw_sset_free(struct sw_sset *s);

/* A new series, unknown at every point so far. Returns its index, or -1
 * with errno ENOMEM. */
int sw_sset_add(struct sw_sset *s);

/* Forget series k's points (its slot is given to another subject). */
void sw_sset_clear(struct sw_sset *s, int k);

/* Start a frame at time_ns: into the newest point, or a new one
 * (merging pairs first when all cap are full). */
void sw_sset_tick(struct sw_sset *s, uint64_t time_ns);

/* Add value v of series k to the frame (NAN is left out). */
void sw_sset_put(struct sw_sset *s, int k, float v);

/* Point i of series k: its max or its mean, NAN when unknown. */
float sw_sset_max(const struct sw_sset *s, int k, uint32_t i);
float sw_sset_mean(const struct sw_sset *s, int k, uint32_t i);

/* Bytes s holds. */
uint64_t sw_sset_bytes(const struct sw_sset *s);

#endif
