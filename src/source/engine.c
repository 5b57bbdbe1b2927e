/* engine.c - one refresh: what to ask the source (sw_source.h: the
 * kernel or a recording) given the filter, diff and aggregation, listener
 * owners, timing, and the --record tap's end of each refresh.
 *
 * Two snapshots alternate: a refresh fills the one not shown, so a failed
 * refresh leaves the last frame intact. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_bpf.h"
#include "sw_cause.h"
#include "sw_clock.h"
#include "sw_diag.h"
#include "sw_engine.h"
#include "sw_info_sched.h"
#include "sw_record.h"
#include "sw_services.h"
#include "sw_source.h"

#define SW_ENGINE_BC_MAX (64 * 1024)

struct sw_engine {
	char *note; /* why BPF was not used, or NULL */
	struct sw_source *src;
	struct sw_rec_writer *tap; /* --record, or NULL */
	struct sw_source_ask ask;  /* what the options and the filter ask */

	struct sw_filter *filter; /* never NULL: the empty filter matches all */
	struct sw_services services; /* service names for the filter's ports */
	struct sw_filter_env fenv;
	uint8_t *bc[2];           /* kernel bytecode for IPv4, IPv6 */
	struct sw_filter_pre pre; /* the BPF iterators' pre-filter */

	struct sw_snapshot snap[2];
	unsigned cur;             /* snap[cur] is the frame's snapshot */
	bool prev_valid;          /* snap[!cur] is the refresh before it */
	bool rebase;              /* the filter changed: the next refresh is
				     a new baseline, not a diff */
	struct sw_agg agg;
	struct sw_agg_opts group;
	struct sw_hostcfg host;   /* as last read; frame.host once read */
	struct sw_frame frame;

	/* the info dump (per-connection tcp_info): when it is due */
	struct sw_info_sched info;
	struct sw_conninfo_table conninfo;
	struct sw_agg_rx rx;
};

static const unsigned sw_engine_protos[2] = { SW_TCP, SW_UDP };
static const unsigned sw_engine_families[2] = { SW_V4, SW_V6 };

/* What of f the kernel can apply: the state mask of each protocol, which
 * families can match, bytecode for each family (0 length where nothing
 * can be pushed down; the user-space filter still runs), and the
 * pre-filter of ports and addresses for the BPF iterators. */
static void sw_engine_pushdown(struct sw_engine *e, const struct sw_filter *f)
{
	static const uint32_t all[SW_PROTO_MAX] = {
		[SW_TCP] = SW_TCP_ALL_STATES,
		[SW_UDP] = SW_UDP_ALL_STATES,
	};

	for (unsigned i = 0; i < 2; i++)
		e->ask.states[sw_engine_protos[i]] =
			sw_filter_state_mask(f, sw_engine_protos[i],
					     all[sw_engine_protos[i]]);
	for (unsigned fi = 0; fi < 2; fi++) {
		size_t cap = 1024;
		int n = 0;

		e->ask.family_ok[fi] =
			sw_filter_may_match_family(f, sw_engine_families[fi]);
		e->ask.bclen[fi] = 0;
		while (f->root >= 0) {
			uint8_t *b = realloc(e->bc[fi], cap);

			if (!b)
				break;
			e->bc[fi] = b;
			n = sw_diag_bytecode(f, fi ? SW_V6 : SW_V4, b, cap);
			if (n >= 0 || cap >= SW_ENGINE_BC_MAX)
				break;
			cap *= 4;
		}
		e->ask.bc[fi] = e->bc[fi];
		e->ask.bclen[fi] = n > 0 ? (size_t)n : 0;
	}
	sw_filter_pre_derive(f, &e->pre);
	e->ask.pre = &e->pre;
}

static int sw_engine_filter(struct sw_engine *e, const char *text,
			    struct sw_filter_error *err)
{
	struct sw_filter *f = sw_filter_parse_env(text, &e->fenv, err);

	if (!f)
		return -1;
	sw_engine_pushdown(e, f);
	sw_filter_free(e->filter);
	e->filter = f;
	e->ask.filter = f;
	return 0;
}

/* The info dump, when one is due (live) or recorded (replay), into the
 * conninfo table; then the remotes' receive rates. Returns 0, or -1 with
 * *cause (the frame keeps the set before). */
static int sw_engine_info(struct sw_engine *e, const struct sw_snapshot *s,
			  char **cause)
{
	struct sw_source_info_ask ia;
	uint64_t now = sw_now_ns(CLOCK_MONOTONIC);
	size_t n = 0;
	int rc;

	memset(&ia, 0, sizeof(ia));
	ia.due = sw_info_sched_due(&e->info, now);
	if (!e->src->ops->info || (!ia.due && !e->src->ops->replay))
		goto rates;
	for (unsigned fi = 0; fi < 2; fi++) {
		ia.want[fi] = e->ask.want[SW_TCP][fi] && e->ask.family_ok[fi] &&
			      (e->ask.states[SW_TCP] & SW_STATE_BIT(SW_ESTABLISHED));
		ia.bc[fi] = e->ask.bc[fi];
		ia.bclen[fi] = e->ask.bclen[fi];
	}
	ia.filter = e->filter;
	ia.tap = e->tap;
	ia.first = e->conninfo.dumps == 0;
	rc = e->src->ops->info(e->src, &ia, &e->conninfo, &n, cause);
	if (rc < 0) {
		sw_conninfo_table_abort(&e->conninfo);
		return -1;
	}
	if (rc > 0) {
		/* a replay's dumps are the recording's: their cost is not ours */
		if (!e->src->ops->replay)
			sw_info_sched_done(&e->info, now,
					   sw_now_ns(CLOCK_MONOTONIC));
		e->frame.conninfo = sw_conninfo_table_commit(&e->conninfo, n,
							     s->time_ns,
							     s->mono_ns);
	}
rates:
	if (sw_agg_rx_apply(&e->rx, &e->agg, s, e->frame.conninfo, &e->group) < 0)
		return sw_cause_set(cause, "out of memory summing receive rates");
	return 0;
}

const char *sw_engine_record_error(const struct sw_engine *e)
{
	return sw_rec_writer_error(e->tap);
}

int sw_engine_refresh(struct sw_engine *e, char **cause)
{
	uint64_t t0 = sw_now_ns(CLOCK_MONOTONIC);
	uint64_t c0 = sw_now_ns(CLOCK_THREAD_CPUTIME_ID);
	unsigned next = e->frame.seq ? !e->cur : e->cur;
	struct sw_snapshot *s = &e->snap[next];
	const struct sw_snapshot *prev = e->frame.seq ? &e->snap[e->cur] : NULL;
	struct sw_source_out out;
	int rc;

	*cause = NULL;
	memset(&out, 0, sizeof(out));
	sw_counters_clear(&out.counters);
	if (prev)
		e->prev_valid = false; /* s, the older snapshot, is overwritten */
	sw_snapshot_reset(s);
	/* Sized like the last refresh, so the second one does not grow from
	 * empty; if this fails, adding sockets reports it. */
	if (prev)
		(void)sw_snapshot_reserve(s, prev->count);
	rc = e->src->ops->next(e->src, &e->ask, s, &out, cause);
	if (rc == 0)
		return 0;
	if (rc < 0)
		goto fail;
	/* sockets the old filter hid did not open now, nor close */
	if (e->rebase)
		prev = NULL;
	if (sw_agg_build(&e->agg, prev, s, &e->group) < 0) {
		sw_cause_set(cause, "out of memory aggregating %u sockets",
			       s->count);
		goto fail;
	}
	e->rebase = false;
	e->cur = next;
	e->prev_valid = prev != NULL;
	/* From here the frame is whole even if the info dump, the owners or
	 * the recording fail: an error then is reported, the data stays
	 * shown. */
	rc = sw_engine_info(e, s, cause);
	if (rc >= 0)
		rc = e->src->ops->owners(e->src, &e->agg, e->tap, cause);
	if (!out.timed) {
		out.refresh_ns = sw_now_ns(CLOCK_MONOTONIC) - t0;
		out.cpu_ns = sw_now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	}
	e->frame.have_prev_counters = e->frame.seq > 0;
	e->frame.prev_counters = e->frame.counters;
	e->frame.counters = out.counters;
	e->frame.seq++;
	e->frame.time_ns = s->time_ns;
	e->frame.interval_s = e->agg.have_prev ? e->agg.interval_s : 0;
	if (out.backend)
		e->frame.backend = out.backend;
	e->frame.refresh_ms = (double)out.refresh_ns / 1e6;
	e->frame.cpu_ms = (double)out.cpu_ns / 1e6;
	e->frame.snap = s;
	e->frame.agg = &e->agg;
	if (out.host) { /* kept between reads */
		sw_hostcfg_parse(&e->host, out.host, out.host_len);
		e->host.time_ns = s->time_ns;
		e->frame.host = &e->host;
	}
	/* the watch diagnoses the new frame (sw_engine_set_findings) */
	e->frame.findings = NULL;
	e->frame.nfindings = 0;
	if (rc < 0)
		goto fail;
	if (e->tap && sw_rec_tap_end(e->tap, out.refresh_ns, out.cpu_ns, cause) < 0)
		goto fail;
	return 1;
fail:
	/* A failed refresh leaves no half refresh in the recording. */
	if (e->tap)
		sw_rec_writer_abort(e->tap);
	return -1;
}

static int sw_engine_filter_cause(const struct sw_filter_error *ferr,
				  const char *text, char **cause)
{
	char buf[1024];
	const char *msg = buf;

	if (ferr->pos < 0)
		return sw_cause_set(cause, "out of memory parsing the filter");
	sw_filter_error_format(ferr, text ? text : "", buf, sizeof(buf));
	if (!strncmp(msg, "error: ", 7)) /* the caller says who failed */
		msg += 7;
	return sw_cause_set(cause, "%s", msg);
}

int sw_engine_filter_check(const char *text, char **cause)
{
	/* service names read as sw_engine_open reads them (dport http) */
	struct sw_services services = {true, true};
	struct sw_filter_env env = sw_services_env(&services);
	struct sw_filter_error ferr;
	struct sw_filter *f;

	*cause = NULL;
	memset(&ferr, 0, sizeof(ferr));
	f = sw_filter_parse_env(text, &env, &ferr);
	if (!f)
		return sw_engine_filter_cause(&ferr, text, cause);
	sw_filter_free(f);
	return 0;
}

struct sw_engine *sw_engine_start(const struct sw_engine_opts *o, int *status,
				  char **cause)
{
	struct sw_engine *e;

	*status = 2;
	if (sw_engine_filter_check(o->filter, cause) < 0)
		return NULL;
	*status = 1;
	e = sw_engine_open(o, cause);
	if (e)
		*status = 0;
	return e;
}

struct sw_engine *sw_engine_open(const struct sw_engine_opts *o, char **cause)
{
	struct sw_engine *e = calloc(1, sizeof(*e));
	struct sw_filter_error ferr;
	bool tcp, udp, v4, v6;

	*cause = NULL;
	if (!e) {
		sw_cause_set(cause, "out of memory starting the engine");
		return NULL;
	}
	tcp = o->tcp || !o->udp;
	udp = o->udp || !o->tcp;
	v4 = o->v4 || !o->v6;
	v6 = o->v6 || !o->v4;
	e->ask.want[SW_TCP][0] = tcp && v4;
	e->ask.want[SW_TCP][1] = tcp && v6;
	e->ask.want[SW_UDP][0] = udp && v4;
	e->ask.want[SW_UDP][1] = udp && v6;
	e->services = (struct sw_services){tcp, udp};
	e->fenv = sw_services_env(&e->services);
	e->group = o->group;
	for (unsigned i = 0; i < 2; i++)
		sw_snapshot_init(&e->snap[i]);
	sw_agg_init(&e->agg);
	sw_hostcfg_init(&e->host);
	sw_conninfo_table_init(&e->conninfo);
	sw_agg_rx_init(&e->rx);
	e->info.every_ns = o->info_every_s > 0 ? (uint64_t)(o->info_every_s * 1e9) : 0;
	e->frame.snap = &e->snap[0];
	e->frame.agg = &e->agg;
	sw_counters_clear(&e->frame.counters);
	sw_counters_clear(&e->frame.prev_counters);

	memset(&ferr, 0, sizeof(ferr));
	if (sw_engine_filter(e, o->filter, &ferr) < 0) {
		sw_engine_filter_cause(&ferr, o->filter, cause);
		goto fail;
	}
	if (o->replay) {
		/* what a recording holds is replayed, not recorded again */
		e->frame.backend = "replay"; /* until a refresh says */
		e->src = sw_source_replay_open(o->replay, cause);
		if (!e->src)
			goto fail;
		return e;
	}
	e->src = sw_source_live_open(o->netns, o->resolve_procs, cause);
	if (!e->src)
		goto fail;
	e->frame.backend = "netlink";
	if (o->backend == SW_BACKEND_BPF) {
		char *why = NULL;
		struct sw_source *b = sw_source_bpf_open(e->src, &why);

		if (b) {
			e->src = b;
			e->frame.backend = "bpf";
		} else {
			e->note = why; /* netlink it is */
		}
	}
	if (o->record) {
		e->tap = sw_rec_writer_open(o->record, cause);
		if (!e->tap)
			goto fail;
		e->ask.tap = e->tap;
	}
	return e;
fail:
	sw_engine_close(e);
	return NULL;
}

const char *sw_engine_note(const struct sw_engine *e)
{
	return e->note;
}

const struct sw_frame *sw_engine_frame(const struct sw_engine *e)
{
	return &e->frame;
}

int sw_engine_set_filter(struct sw_engine *e, const char *text,
			 struct sw_filter_error *err)
{
	if (sw_engine_filter(e, text, err) < 0)
		return -1;
	e->rebase = e->frame.seq > 0;
	return 0;
}

const char *sw_engine_filter_text(const struct sw_engine *e)
{
	return e->filter->text;
}

int sw_engine_set_group(struct sw_engine *e, const struct sw_agg_opts *g)
{
	char *cause = NULL;

	e->group = *g;
	if (!e->frame.seq)
		return 0;
	if (sw_agg_build(&e->agg, e->prev_valid ? &e->snap[!e->cur] : NULL,
			 &e->snap[e->cur], &e->group) < 0 ||
	    sw_agg_rx_apply(&e->rx, &e->agg, &e->snap[e->cur], e->frame.conninfo,
			    &e->group) < 0)
		return -1;
	if (e->src->ops->owners(e->src, &e->agg, NULL, &cause) < 0) {
		free(cause);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void sw_engine_set_findings(struct sw_engine *e, const struct sw_finding *v,
			    size_t n)
{
	e->frame.findings = n ? v : NULL;
	e->frame.nfindings = n;
}

bool sw_engine_is_replay(const struct sw_engine *e)
{
	return e->src->ops->replay;
}

double sw_engine_replay_gap(const struct sw_engine *e)
{
	return e->src->ops->replay ? e->frame.interval_s : 0;
}

void sw_engine_close(struct sw_engine *e)
{
	if (!e)
		return;
	if (e->src)
		e->src->ops->close(e->src);
	sw_rec_writer_close(e->tap);
	sw_filter_free(e->filter);
	free(e->note);
	free(e->bc[0]);
	free(e->bc[1]);
	sw_conninfo_table_free(&e->conninfo);
	sw_agg_rx_free(&e->rx);
	for (unsigned i = 0; i < 2; i++)
		sw_snapshot_free(&e->snap[i]);
	sw_agg_free(&e->agg);
	free(e);
}
