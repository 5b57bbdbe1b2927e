/* view_fixture.h - the view tests' fixture: a model built the real way
 * (sockets -> snapshot -> agg -> frame -> model) and a view over it, with
 * helpers to add sockets, publish, lay out, read the selection and type. */
#ifndef VIEW_FIXTURE_H
#define VIEW_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_frame.h"
#include "sw_test.h"
#include "sw_view.h"

/* A model built the real way: sockets -> snapshot -> agg -> frame -> model. */
struct fixture {
	struct sw_snapshot snap;
	struct sw_agg agg;
	struct sw_view_model m;
	struct sw_view v;
	uint64_t cookie;
};

static inline void fx_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	sw_snapshot_init(&f->snap);
	sw_agg_init(&f->agg);
	sw_view_model_init(&f->m);
	sw_view_init(&f->v, 1, NULL);
	f->cookie = 1;
}

static inline void fx_free(struct fixture *f)
{
	sw_view_free(&f->v);
	sw_view_model_free(&f->m);
	sw_agg_free(&f->agg);
	sw_snapshot_free(&f->snap);
}

/* n ESTABLISHED sockets from remote dst to local port 80. */
static inline void fx_conns(struct fixture *f, const char *dst, unsigned n,
		     unsigned state)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct sw_sock s = sw_test_sock(SW_TCP, state, "192.0.2.1", 80, dst,
						10000 + i, f->cookie++);

		assert_int_equal(sw_snapshot_add(&f->snap, &s), 1);
	}
}

static inline void fx_listener(struct fixture *f, unsigned port, unsigned q,
			unsigned backlog)
{
	struct sw_sock s = sw_test_sock(SW_TCP, SW_LISTEN, "0.0.0.0", port,
					"0.0.0.0", 0, f->cookie++);

	s.rqueue = q;
	s.wqueue = backlog;
	assert_int_equal(sw_snapshot_add(&f->snap, &s), 1);
}

/* n remotes 198.51.100.1 .. .n holding 100, 99, ... connections. */
static inline void fx_remotes(struct fixture *f, int n)
{
	char addr[32];

	for (int i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		fx_conns(f, addr, (unsigned)(100 - i), SW_ESTABLISHED);
	}
}

/* Aggregate the snapshot into the model (as the refresher does), then
 * let the view re-sort; with an info set (NULL: none), the frame's time,
 * and findings in the frame (as the watch puts the diagnosis there). */
static inline void fx_publish_frame(struct fixture *f, const struct sw_conninfo *ci,
				    uint64_t time_ns, const struct sw_finding *fs,
				    size_t n)
{
	struct sw_agg_opts g;
	struct sw_frame fr;

	sw_view_group_opts(f->v.group, &g);
	assert_int_equal(sw_agg_build(&f->agg, NULL, &f->snap, &g), 0);
	memset(&fr, 0, sizeof(fr));
	fr.seq = 1;
	fr.time_ns = time_ns;
	fr.snap = &f->snap;
	fr.agg = &f->agg;
	fr.conninfo = ci;
	fr.findings = fs;
	fr.nfindings = n;
	assert_int_equal(sw_view_model_fill(&f->m, &fr), 0);
	assert_int_equal(sw_view_sync(&f->v, &f->m), 0);
}

/* ... with an info set (NULL: none) and the frame's time. */
static inline void fx_publish_info(struct fixture *f, const struct sw_conninfo *ci,
				   uint64_t time_ns)
{
	fx_publish_frame(f, ci, time_ns, NULL, 0);
}

/* ... with findings. */
static inline void fx_publish_findings(struct fixture *f,
				       const struct sw_finding *fs, size_t n)
{
	fx_publish_frame(f, NULL, 0, fs, n);
}

static inline void fx_publish(struct fixture *f)
{
	fx_publish_frame(f, NULL, 0, NULL, 0);
}

static inline void fx_layout(struct fixture *f, int rows, int cols)
{
	struct sw_view_layout l;

	sw_view_layout(&f->v, rows, cols, &l);
	assert_false(l.too_small);
}

static inline const char *sel_remote(const struct fixture *f, char *buf)
{
	long row = sw_view_selected(&f->v, SW_PANE_REMOTES);

	assert_true(row >= 0);
	return sw_prefix_format(&f->m.remotes[row].pfx, buf, SW_ADDR_STRLEN);
}

static inline const char *remote_at(const struct fixture *f, uint32_t i, char *buf)
{
	const struct sw_view_list *l = &f->v.list[SW_PANE_REMOTES];

	assert_true(i < l->n);
	return sw_prefix_format(&f->m.remotes[l->order[i]].pfx, buf, SW_ADDR_STRLEN);
}

static inline void type(struct fixture *f, const char *s, unsigned *flags)
{
	for (; *s; s++)
		*flags = sw_view_key(&f->v, &f->m, (unsigned char)*s);
}

#endif
