/* diag_fixture.h - the diagnosis tests' fixture: refreshes built the real
 * way (sockets -> snapshot -> agg -> frame -> sw_diagnosis_run), one
 * second apart, with counters and host settings the test sets.
 *
 * A test fills the sockets of each refresh again (dfx_begin, then
 * dfx_sock... ), so a socket keeps its cookie from one refresh to the next
 * when it is added in the same order: the aggregation sees it as the same
 * socket, not a new one. */
#ifndef DIAG_FIXTURE_H
#define DIAG_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_diagnosis.h"
#include "sw_frame.h"
#include "sw_test.h"

#define DFX_NS 1000000000ull

struct dfx {
	struct sw_snapshot snap[2];
	unsigned cur;
	bool have_prev;
	struct sw_agg agg;
	struct sw_agg_opts group;
	struct sw_counters counters, prev_counters;
	bool have_prev_counters;
	struct sw_hostcfg host;
	bool have_host;
	struct sw_conninfo ci;
	bool have_ci;
	struct sw_frame frame;
	struct sw_diagnosis *d;
	uint64_t t;      /* mono/wall seconds of the next refresh, in ns */
	uint64_t cookie; /* of the next socket */
	const struct sw_finding *out;
	size_t n;
};

static inline void dfx_init(struct dfx *x)
{
	memset(x, 0, sizeof(*x));
	sw_snapshot_init(&x->snap[0]);
	sw_snapshot_init(&x->snap[1]);
	sw_agg_init(&x->agg);
	x->group.group_v4 = 32;
	x->group.group_v6 = 128;
	x->d = sw_diagnosis_new();
	assert_non_null(x->d);
	x->t = 1000 * DFX_NS;
	for (unsigned k = 0; k < SW_C_MAX; k++)
		x->counters.have[k] = true;
	for (unsigned k = 0; k < SW_H_MAX; k++)
		x->host.val[k] = -1;
}

static inline void dfx_free(struct dfx *x)
{
	sw_diagnosis_free(x->d);
	sw_agg_free(&x->agg);
	sw_snapshot_free(&x->snap[0]);
	sw_snapshot_free(&x->snap[1]);
}

/* Host setting k is v (and the frame has host settings). */
static inline void dfx_host(struct dfx *x, unsigned k, int64_t v)
{
	x->have_host = true;
	x->host.val[k] = v;
}

/* Start the sockets of the next refresh. */
static inline void dfx_begin(struct dfx *x)
{
	sw_snapshot_reset(&x->snap[x->cur]);
	x->cookie = 1;
}

/* n sockets; a source port counts up from sport0 (a distinct 4-tuple each). */
static inline void dfx_socks(struct dfx *x, unsigned proto, unsigned state,
			     const char *src, unsigned sport, const char *dst,
			     unsigned dport, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct sw_sock s = sw_test_sock(proto, state, src, sport, dst,
						dport + i, x->cookie++);

		assert_int_equal(sw_snapshot_add(&x->snap[x->cur], &s), 1);
	}
}

/* The record added last, to set queues. */
static inline struct sw_sock *dfx_last(struct dfx *x)
{
	return &x->snap[x->cur].socks[x->snap[x->cur].count - 1];
}

/* A TCP listener on 0.0.0.0:port with accept queue q and backlog b. */
static inline void dfx_listen(struct dfx *x, unsigned port, unsigned q,
			      unsigned b)
{
	dfx_socks(x, SW_TCP, SW_LISTEN, "0.0.0.0", port, "0.0.0.0", 0, 1);
	dfx_last(x)->rqueue = q;
	dfx_last(x)->wqueue = b;
}

/* Counter k went up by per_s over the second before this refresh. */
static inline void dfx_count(struct dfx *x, unsigned k, uint64_t per_s)
{
	x->counters.val[k] += per_s;
}

/* Aggregate and diagnose the refresh built since dfx_begin; the findings
 * are in x->out[0..x->n). Returns x->n. */
static inline size_t dfx_run(struct dfx *x)
{
	struct sw_snapshot *cur = &x->snap[x->cur];

	cur->mono_ns = cur->time_ns = x->t;
	assert_int_equal(sw_agg_build(&x->agg, x->have_prev ? &x->snap[!x->cur]
							    : NULL,
				      cur, &x->group), 0);
	memset(&x->frame, 0, sizeof(x->frame));
	x->frame.seq++;
	x->frame.time_ns = x->t;
	x->frame.interval_s = x->agg.have_prev ? x->agg.interval_s : 0;
	x->frame.snap = cur;
	x->frame.agg = &x->agg;
	x->frame.counters = x->counters;
	x->frame.prev_counters = x->prev_counters;
	x->frame.have_prev_counters = x->have_prev_counters;
	x->frame.host = x->have_host ? &x->host : NULL;
	x->frame.conninfo = x->have_ci ? &x->ci : NULL;
	assert_int_equal(sw_diagnosis_run(x->d, &x->frame, &x->out, &x->n), 0);
	x->prev_counters = x->counters;
	x->have_prev_counters = true;
	x->have_prev = true;
	x->cur = !x->cur;
	x->t += DFX_NS;
	return x->n;
}

/* The first finding of kind, or NULL. */
static inline const struct sw_finding *dfx_find(const struct dfx *x,
						unsigned kind)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->out[i].kind == kind)
			return &x->out[i];
	return NULL;
}

/* How many findings of kind. */
static inline size_t dfx_count_kind(const struct dfx *x, unsigned kind)
{
	size_t c = 0;

	for (size_t i = 0; i < x->n; i++)
		c += x->out[i].kind == kind;
	return c;
}

/* The evidence value of key, or NAN. */
static inline double dfx_ev(const struct sw_finding *f, const char *key)
{
	for (unsigned i = 0; i < f->nevidence; i++)
		if (strcmp(f->evidence[i].key, key) == 0)
			return f->evidence[i].value;
	return NAN;
}

/* Threshold of kind, or the test fails. */
static inline double dfx_lim(unsigned kind, const char *key)
{
	double v = sw_diagnosis_limit(kind, key);

	if (isnan(v))
		fail_msg("no threshold %s of %s", key, sw_finding_kind_name(kind));
	return v;
}

/* Print the findings (a failing test's context). */
static inline void dfx_dump(const struct dfx *x)
{
	for (size_t i = 0; i < x->n; i++)
		print_message("  finding %s %s: %s | %s\n",
			      sw_finding_kind_name(x->out[i].kind),
			      sw_severity_name(x->out[i].severity), x->out[i].text,
			      x->out[i].advice);
}

#endif
