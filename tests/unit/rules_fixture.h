/* rules_fixture.h - frames for the rules tests: a server 192.0.2.1
 * listening on :80 (and [2001:db8::1]:80), clients added per refresh
 * with stable cookies (the same client socket keeps its cookie from one
 * refresh to the next), the aggregate built as the engine builds it. */
#ifndef RULES_FIXTURE_H
#define RULES_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_rules.h"
#include "sw_test.h"

#define FX_NS 1000000000ull

struct fx {
	struct sw_snapshot snap[2];
	int cur;
	bool have_prev;
	struct sw_agg agg;
	struct sw_agg_opts group;
	struct sw_frame f;
	uint64_t now_ns;  /* wall clock of the next refresh */
	struct sw_finding findings[4];
	size_t nfindings;
	struct sw_conn_info ci[64];
	struct sw_conninfo conninfo;
	struct sw_rules *rs;
	struct sw_rules_history *h;
	struct sw_rules_eval *ev;
	const struct sw_rule_action *acts;
	size_t nacts;
};

static inline void fx_init(struct fx *x, const char *rules)
{
	char *err = NULL;

	memset(x, 0, sizeof(*x));
	sw_snapshot_init(&x->snap[0]);
	sw_snapshot_init(&x->snap[1]);
	sw_agg_init(&x->agg);
	x->group.group_v4 = 32;
	x->group.group_v6 = 128;
	x->now_ns = 1700000000ull * FX_NS;
	x->rs = sw_rules_parse(rules, "fx", NULL, &err);
	if (!x->rs)
		fail_msg("fixture rules refused: %s", err);
	x->h = sw_rules_history_new();
	assert_non_null(x->h);
	x->ev = sw_rules_eval_new(x->rs, x->h, NULL);
	assert_non_null(x->ev);
}

static inline void fx_free(struct fx *x)
{
	sw_rules_eval_free(x->ev);
	sw_rules_history_free(x->h);
	sw_rules_free(x->rs);
	sw_agg_free(&x->agg);
	sw_snapshot_free(&x->snap[0]);
	sw_snapshot_free(&x->snap[1]);
}

static inline struct sw_snapshot *fx_snap(struct fx *x)
{
	return &x->snap[x->cur];
}

/* Start the next refresh's sockets: the listeners only. */
static inline void fx_begin(struct fx *x)
{
	struct sw_sock l4 = sw_test_sock(SW_TCP, SW_LISTEN, "0.0.0.0", 80,
					 "0.0.0.0", 0, 1);
	struct sw_sock l6 = sw_test_sock(SW_TCP, SW_LISTEN, "::", 80, "::", 0, 2);

	sw_snapshot_reset(fx_snap(x));
	x->nfindings = 0;
	x->conninfo.n = 0;
	assert_int_equal(sw_snapshot_add(fx_snap(x), &l4), 1);
	assert_int_equal(sw_snapshot_add(fx_snap(x), &l6), 1);
}

/* n sockets from peer in state (inbound to :80 unless lport says
 * otherwise), numbered from first: socket k keeps cookie k's value
 * across refreshes. */
static inline void fx_peer_port(struct fx *x, const char *peer, unsigned n,
				unsigned proto, unsigned state, unsigned lport,
				unsigned first)
{
	int v6 = strchr(peer, ':') != NULL;
	struct sw_prefix p = {0};
	uint64_t base;

	inet_pton(v6 ? AF_INET6 : AF_INET, peer, p.bytes);
	/* FNV-1a of the peer, port and protocol: distinct for distinct ones */
	base = 0xcbf29ce484222325ull;
	for (unsigned i = 0; i < 18; i++) {
		base ^= i < 16 ? p.bytes[i] : i == 16 ? lport & 0xff : lport >> 8;
		base *= 0x100000001b3ull;
	}
	base = (base ^ proto) << 20;
	for (unsigned i = 0; i < n; i++) {
		struct sw_sock s = sw_test_sock(proto, state, v6 ? "2001:db8::1"
							      : "192.0.2.1",
						lport, peer, 10000 + first + i,
						base + first + i + 1);

		if (sw_snapshot_add(fx_snap(x), &s) != 1)
			fail_msg("fixture: %s socket %u (cookie %llu) added twice", peer,
				 first + i, (unsigned long long)s.cookie);
	}
}

static inline void fx_peer(struct fx *x, const char *peer, unsigned n,
			   unsigned state)
{
	fx_peer_port(x, peer, n, SW_TCP, state, 80, 0);
}

/* Build the frame, evaluate it; the clock then moves on by step_s. */
static inline void fx_refresh_step(struct fx *x, double step_s)
{
	struct sw_snapshot *cur = fx_snap(x), *prev = &x->snap[!x->cur];

	cur->time_ns = x->now_ns;
	cur->mono_ns = x->now_ns;
	assert_int_equal(sw_agg_build(&x->agg, x->have_prev ? prev : NULL, cur,
				      &x->group), 0);
	memset(&x->f, 0, sizeof(x->f));
	x->f.seq++;
	x->f.time_ns = x->now_ns;
	x->f.interval_s = x->have_prev ? (cur->mono_ns - prev->mono_ns) / 1e9 : 0;
	x->f.snap = cur;
	x->f.agg = &x->agg;
	x->f.findings = x->nfindings ? x->findings : NULL;
	x->f.nfindings = x->nfindings;
	x->conninfo.v = x->ci;
	x->f.conninfo = x->conninfo.n ? &x->conninfo : NULL;
	assert_int_equal(sw_rules_eval_run(x->ev, &x->f, &x->acts, &x->nacts), 0);
	x->have_prev = true;
	x->cur = !x->cur;
	x->now_ns += (uint64_t)(step_s * FX_NS);
}

static inline void fx_refresh(struct fx *x)
{
	fx_refresh_step(x, 1);
}

/* The actions of kind k of the last refresh. */
static inline size_t fx_count(const struct fx *x, enum sw_rule_action_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < x->nacts; i++)
		n += x->acts[i].kind == k;
	return n;
}

/* The action of the last refresh for target text, or NULL. */
static inline const struct sw_rule_action *fx_act(const struct fx *x,
						  const char *target)
{
	struct sw_prefix p = sw_test_prefix(target);

	for (size_t i = 0; i < x->nacts; i++)
		if ((x->acts[i].kind == SW_RA_BLOCK ||
		     x->acts[i].kind == SW_RA_WOULD_BLOCK) &&
		    sw_prefix_eq(&x->acts[i].req.target, &p))
			return &x->acts[i];
	return NULL;
}

static inline const struct sw_rule_candidate *fx_cand(const struct fx *x,
						      const char *target)
{
	struct sw_prefix p = sw_test_prefix(target);
	size_t n;
	const struct sw_rule_candidate *c = sw_rules_eval_candidates(x->ev, &n);

	for (size_t i = 0; i < n; i++)
		if (sw_prefix_eq(&c[i].target, &p))
			return &c[i];
	return NULL;
}

#endif
