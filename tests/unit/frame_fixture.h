/* frame_fixture.h - a frame of hand-made aggregation for the tests of
 * what reads frames (history, the report's incident): remotes, two
 * listeners, two states and a counter that moves 50 a second. */
#ifndef SW_FRAME_FIXTURE_H
#define SW_FRAME_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "sw_frame.h"
#include "sw_test.h"

#define FX_T0 1700000000ull /* 2023-11-14T22:13:20Z */

/* A frame of hand-made aggregation: nr remotes 192.0.2.(i+1) with
 * conn[i] connections, one listener on :80 with syn SYN_RECV and accept
 * queue aq of 100; SYN_RECV count syn, ESTABLISHED est. */
struct fx {
	struct sw_frame f;
	struct sw_agg a;
	struct sw_remote r[32];
	struct sw_listener l[2];
};

static inline void fx_frame(struct fx *x, uint64_t sec, unsigned nr,
		     const unsigned *conn, unsigned est, unsigned syn,
		     unsigned aq)
{
	unsigned i;

	memset(x, 0, sizeof(*x));
	x->f.seq = sec + 1;
	x->f.time_ns = (FX_T0 + sec) * 1000000000ull;
	x->f.interval_s = sec ? 1 : 0;
	x->f.agg = &x->a;
	x->a.have_prev = sec > 0;
	x->a.states[SW_ESTABLISHED].count = est;
	x->a.states[SW_SYN_RECV].count = syn;
	x->a.total = est + syn;
	for (i = 0; i < nr; i++) {
		char a[32];

		snprintf(a, sizeof(a), "192.0.2.%u", i + 1);
		x->r[i].pfx = sw_test_prefix(a);
		x->r[i].count = conn[i];
		x->r[i].new_per_s = conn[i] / 10.0;
	}
	x->a.remotes = x->r;
	x->a.nremotes = nr;
	x->l[0].proto = SW_TCP;
	x->l[0].family = SW_V4;
	x->l[0].port = 80;
	x->l[0].backlog = 100;
	x->l[0].accept_queue = aq;
	x->l[0].syn_recv = syn;
	x->l[1].proto = SW_TCP;
	x->l[1].family = SW_V4;
	x->l[1].port = 22;
	x->l[1].backlog = 128;
	x->a.listeners = x->l;
	x->a.nlisteners = 2;
	x->f.have_prev_counters = sec > 0;
	x->f.counters.have[SW_C_SYNCOOKIES_SENT] = true;
	x->f.prev_counters.have[SW_C_SYNCOOKIES_SENT] = true;
	x->f.counters.val[SW_C_SYNCOOKIES_SENT] = 50 * (sec + 1);
	x->f.prev_counters.val[SW_C_SYNCOOKIES_SENT] = 50 * sec;
}

#endif
