/* engine.c - one refresh: dump (kernel or replay), counters, diff and
 * aggregation, listener owners, timing, and the --record tap.
 *
 * Two snapshots alternate: a refresh fills the one not shown, so a failed
 * refresh leaves the last frame intact. Replay feeds recorded buffers to
 * the very parser a live dump uses and takes times from the recording, so
 * a replay prints what the live run printed. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_cause.h"
#include "sw_clock.h"
#include "sw_diag.h"
#include "sw_engine.h"
#include "sw_grow.h"
#include "sw_netns.h"
#include "sw_proc.h"
#include "sw_record.h"
#include "sw_services.h"

#define SW_ENGINE_BC_MAX (64 * 1024)

struct sw_engine {
	bool tcp, udp, v4, v6; /* what to dump, defaults resolved */
	bool resolve_procs;
	struct sw_diag *diag;
	struct sw_rec_reader *rd;
	struct sw_rec_writer *wr;
	char *record_path;
	char record_error[320]; /* the first failed write, or "" */
	struct sw_procmap *pm;

	struct sw_filter *filter; /* never NULL: the empty filter matches all */
	struct sw_services services; /* service names for the filter's ports */
	struct sw_filter_env fenv;
	/* What the filter lets the kernel skip, worked out once per filter. */
	uint8_t *bc[2];           /* kernel bytecode for IPv4, IPv6 */
	size_t bclen[2];
	uint32_t states[SW_PROTO_MAX]; /* state mask per protocol */
	bool family_ok[2];        /* whether an IPv4 / IPv6 dump can match */

	struct sw_snapshot snap[2];
	unsigned cur;             /* snap[cur] is the frame's snapshot */
	bool prev_valid;          /* snap[!cur] is the refresh before it */
	bool rebase;              /* the filter changed: the next refresh is
				     a new baseline, not a diff */
	struct sw_agg agg;
	struct sw_agg_opts group;
	struct sw_frame frame;

	char *snmp, *netstat;     /* /proc texts, buffers reused */
	size_t snmp_cap, netstat_cap;
	struct sw_proc_owner *owners; /* replay: owners of the latest refresh */
	size_t nowners, owners_cap;
};

/* What a refresh source produced besides the snapshot. */
struct sw_engine_out {
	struct sw_counters counters;
	uint64_t refresh_ns, cpu_ns; /* replay: as recorded */
};

static const unsigned sw_engine_protos[2] = { SW_TCP, SW_UDP };
static const unsigned sw_engine_families[2] = { SW_V4, SW_V6 };

/* What of f the kernel can apply: the state mask of each protocol, which
 * families can match, and bytecode for each family (0 length where
 * nothing can be pushed down; the user-space filter still runs). */
static void sw_engine_pushdown(struct sw_engine *e, const struct sw_filter *f)
{
	static const uint32_t all[SW_PROTO_MAX] = {
		[SW_TCP] = SW_TCP_ALL_STATES,
		[SW_UDP] = SW_UDP_ALL_STATES,
	};

	for (unsigned i = 0; i < 2; i++)
		e->states[sw_engine_protos[i]] =
			sw_filter_state_mask(f, sw_engine_protos[i],
					     all[sw_engine_protos[i]]);
	for (unsigned fi = 0; fi < 2; fi++) {
		size_t cap = 1024;
		int n = 0;

		e->family_ok[fi] =
			sw_filter_may_match_family(f, sw_engine_families[fi]);
		e->bclen[fi] = 0;
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
		e->bclen[fi] = n > 0 ? (size_t)n : 0;
	}
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
	return 0;
}

static int sw_engine_tap(void *arg, unsigned proto, unsigned family,
			 const void *buf, size_t len)
{
	struct sw_engine *e = arg;
	uint8_t hdr[4] = { (uint8_t)proto, (uint8_t)family, 0, 0 };

	return sw_rec_write(e->wr, SW_REC_NLBUF, hdr, sizeof(hdr), buf, len);
}

static int sw_engine_record_fail(struct sw_engine *e, char **cause)
{
	int err = errno;

	snprintf(e->record_error, sizeof(e->record_error),
		 "--record %s: writing failed: %s: the recording is cut short",
		 e->record_path, strerror(err));
	errno = err;
	return sw_cause_set(cause, "--record %s: writing failed: %s",
			      e->record_path, strerror(err));
}

const char *sw_engine_record_error(const struct sw_engine *e)
{
	return e->record_error[0] ? e->record_error : NULL;
}

/* Read one /proc/thread-self/net file (the namespace of this thread),
 * record it and feed it to the counters. A missing file leaves the
 * counters absent: /proc may be restricted, the sockets still count. */
static int sw_engine_proc_text(struct sw_engine *e, const char *path,
			       unsigned type, char **buf, size_t *cap,
			       struct sw_counters *c, char **cause)
{
	ssize_t n = sw_proc_read_file(path, buf, cap);

	if (n < 0)
		return 0;
	if (e->wr && sw_rec_write(e->wr, type, NULL, 0, *buf, (size_t)n) < 0)
		return sw_engine_record_fail(e, cause);
	sw_counters_parse(c, *buf, (size_t)n);
	return 0;
}

static bool sw_engine_wants(const struct sw_engine *e, unsigned proto,
			    unsigned family)
{
	return (proto == SW_TCP ? e->tcp : e->udp) &&
	       (family == SW_V4 ? e->v4 : e->v6);
}

static int sw_engine_live(struct sw_engine *e, struct sw_snapshot *s,
			  struct sw_engine_out *out, char **cause)
{
	uint8_t begin[16];

	s->time_ns = sw_now_ns(CLOCK_REALTIME);
	s->mono_ns = sw_now_ns(CLOCK_MONOTONIC);
	if (e->wr) {
		sw_rec_put64(begin, s->time_ns);
		sw_rec_put64(begin + 8, s->mono_ns);
		if (sw_rec_write(e->wr, SW_REC_BEGIN, NULL, 0, begin, sizeof(begin)) < 0)
			return sw_engine_record_fail(e, cause);
	}
	for (unsigned i = 0; i < 2; i++) {
		unsigned proto = sw_engine_protos[i];
		uint32_t states = e->states[proto];

		for (unsigned j = 0; j < 2 && states; j++) {
			unsigned fam = sw_engine_families[j];

			if (!sw_engine_wants(e, proto, fam) || !e->family_ok[j])
				continue;
			if (sw_diag_dump(e->diag, proto, fam, states, e->bc[j],
					 e->bclen[j], e->filter, s,
					 e->wr ? sw_engine_tap : NULL, e, cause) < 0)
				return -1;
		}
	}
	if (sw_engine_proc_text(e, "/proc/thread-self/net/snmp", SW_REC_SNMP,
				&e->snmp, &e->snmp_cap, &out->counters, cause) < 0 ||
	    sw_engine_proc_text(e, "/proc/thread-self/net/netstat", SW_REC_NETSTAT,
				&e->netstat, &e->netstat_cap, &out->counters,
				cause) < 0)
		return -1;
	return 1;
}

static int sw_engine_add_owner(struct sw_engine *e, const uint8_t *d)
{
	struct sw_proc_owner *o;
	uint32_t pid = sw_rec_get32(d + 4);

	if (pid == 0 || pid > INT32_MAX)
		return 0; /* not an owner */
	if (sw_grow((void **)&e->owners, &e->owners_cap, e->nowners + 1,
		    sizeof(*e->owners), 64))
		return -1;
	o = &e->owners[e->nowners++];
	o->inode = sw_rec_get32(d);
	o->pid = (int)pid;
	memcpy(o->name, d + 8, sizeof(o->name));
	o->name[sizeof(o->name) - 1] = '\0';
	return 0;
}

/* One recorded refresh, BEGIN to END, through the live parsers. */
static int sw_engine_replay(struct sw_engine *e, struct sw_snapshot *s,
			    struct sw_engine_out *out, char **cause)
{
	const char *path = sw_rec_reader_path(e->rd);
	struct sw_diag_parse p;
	struct sw_rec_item it;
	uint64_t begin_off;
	unsigned fam = 0;
	bool in_dump = false, skip = false;
	int rc;

	rc = sw_rec_next(e->rd, &it, cause);
	if (rc <= 0)
		return rc;
	if (it.type != SW_REC_BEGIN)
		return sw_cause_set(cause, "%s: corrupt recording at offset %llu: "
				      "expected BEGIN, found %s", path,
				      (unsigned long long)it.offset,
				      sw_rec_type_name(it.type));
	begin_off = it.offset;
	s->time_ns = sw_rec_get64(it.data);
	s->mono_ns = sw_rec_get64(it.data + 8);
	e->nowners = 0;
	memset(&p, 0, sizeof(p));
	for (;;) {
		rc = sw_rec_next(e->rd, &it, cause);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return sw_cause_set(cause, "%s: truncated recording: the "
					      "refresh at offset %llu has no END",
					      path, (unsigned long long)begin_off);
		if (in_dump && !p.done && !skip && it.type != SW_REC_NLBUF)
			goto unfinished;
		switch (it.type) {
		case SW_REC_NLBUF:
			if (it.data[0] >= SW_PROTO_MAX ||
			    (it.data[1] != SW_V4 && it.data[1] != SW_V6))
				return sw_cause_set(cause, "%s: corrupt item at offset "
						      "%llu: unknown protocol %u or "
						      "family %u", path,
						      (unsigned long long)it.offset,
						      it.data[0], it.data[1]);
			if (!in_dump || p.done || it.data[0] != p.proto ||
			    it.data[1] != fam) {
				if (in_dump && !p.done && !skip)
					goto unfinished;
				memset(&p, 0, sizeof(p));
				p.proto = it.data[0];
				p.out = s;
				p.filter = e->filter;
				fam = it.data[1];
				in_dump = true;
				skip = !sw_engine_wants(e, p.proto, fam);
			}
			if (skip)
				break;
			if (sw_diag_parse_buf(&p, it.data + 4, it.len - 4) < 0)
				return sw_cause_set(cause, "%s: offset %llu: the "
						      "recorded %s dump %s: %s", path,
						      (unsigned long long)it.offset,
						      sw_diag_name(p.proto, fam),
						      p.error ? "ended in a kernel error"
							      : "is malformed",
						      strerror(errno));
			break;
		case SW_REC_SNMP:
		case SW_REC_NETSTAT:
			sw_counters_parse(&out->counters, it.len ? (const char *)it.data : "",
					  it.len);
			break;
		case SW_REC_PROC:
			if (sw_engine_add_owner(e, it.data) < 0)
				return sw_cause_set(cause, "out of memory replaying %s",
						      path);
			break;
		case SW_REC_END:
			if (it.len == 16) {
				out->refresh_ns = sw_rec_get64(it.data);
				out->cpu_ns = sw_rec_get64(it.data + 8);
			}
			return 1;
		default: /* BEGIN */
			return sw_cause_set(cause, "%s: corrupt recording at offset "
					      "%llu: BEGIN inside the refresh begun at "
					      "offset %llu", path,
					      (unsigned long long)it.offset,
					      (unsigned long long)begin_off);
		}
	}
unfinished:
	return sw_cause_set(cause, "%s: corrupt recording at offset %llu: the %s "
			      "dump before it has no NLMSG_DONE", path,
			      (unsigned long long)it.offset,
			      sw_diag_name(p.proto, fam));
}

/* Listener owners: looked up live (and recorded when record), or as
 * recorded. */
static int sw_engine_owners(struct sw_engine *e, bool record, char **cause)
{
	struct sw_proc_owner *own = NULL;
	size_t n = 0;
	int rc = 0;

	if (e->rd) {
		sw_procmap_apply(&e->agg, e->owners, e->nowners);
		return 0;
	}
	if (!e->resolve_procs)
		return 0;
	if (sw_procmap_fill(e->pm, &e->agg, record ? &own : NULL, &n) < 0)
		return sw_cause_set(cause, "out of memory resolving listener processes");
	for (size_t i = 0; i < n && rc == 0; i++) {
		uint8_t d[24] = { 0 };

		sw_rec_put32(d, own[i].inode);
		sw_rec_put32(d + 4, (uint32_t)own[i].pid);
		memcpy(d + 8, own[i].name, sizeof(own[i].name));
		rc = sw_rec_write(e->wr, SW_REC_PROC, NULL, 0, d, sizeof(d));
	}
	free(own);
	return rc < 0 ? sw_engine_record_fail(e, cause) : 0;
}

int sw_engine_refresh(struct sw_engine *e, char **cause)
{
	uint64_t t0 = sw_now_ns(CLOCK_MONOTONIC);
	uint64_t c0 = sw_now_ns(CLOCK_THREAD_CPUTIME_ID);
	unsigned next = e->frame.seq ? !e->cur : e->cur;
	struct sw_snapshot *s = &e->snap[next];
	const struct sw_snapshot *prev = e->frame.seq ? &e->snap[e->cur] : NULL;
	struct sw_engine_out out;
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
	rc = e->rd ? sw_engine_replay(e, s, &out, cause)
		   : sw_engine_live(e, s, &out, cause);
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
	/* From here the frame is whole even if the owners or the recording
	 * fail: an error then is reported, the data stays shown. */
	rc = sw_engine_owners(e, e->wr != NULL, cause);
	if (!e->rd) {
		out.refresh_ns = sw_now_ns(CLOCK_MONOTONIC) - t0;
		out.cpu_ns = sw_now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	}
	e->frame.have_prev_counters = e->frame.seq > 0;
	e->frame.prev_counters = e->frame.counters;
	e->frame.counters = out.counters;
	e->frame.seq++;
	e->frame.time_ns = s->time_ns;
	e->frame.interval_s = e->agg.have_prev ? e->agg.interval_s : 0;
	e->frame.refresh_ms = (double)out.refresh_ns / 1e6;
	e->frame.cpu_ms = (double)out.cpu_ns / 1e6;
	e->frame.snap = s;
	e->frame.agg = &e->agg;
	if (rc < 0)
		goto fail;
	if (e->wr) {
		uint8_t end[16];

		sw_rec_put64(end, out.refresh_ns);
		sw_rec_put64(end + 8, out.cpu_ns);
		if (sw_rec_write(e->wr, SW_REC_END, NULL, 0, end, sizeof(end)) < 0) {
			sw_engine_record_fail(e, cause);
			goto fail;
		}
	}
	return 1;
fail:
	/* A failed refresh leaves no half refresh in the recording. */
	if (e->wr)
		sw_rec_writer_abort(e->wr);
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
	struct sw_filter_error ferr;
	struct sw_filter *f;

	*cause = NULL;
	memset(&ferr, 0, sizeof(ferr));
	f = sw_filter_parse(text, &ferr);
	if (!f)
		return sw_engine_filter_cause(&ferr, text, cause);
	sw_filter_free(f);
	return 0;
}

struct sw_engine *sw_engine_open(const struct sw_engine_opts *o, char **cause)
{
	struct sw_engine *e = calloc(1, sizeof(*e));
	struct sw_filter_error ferr;

	*cause = NULL;
	if (!e) {
		sw_cause_set(cause, "out of memory starting the engine");
		return NULL;
	}
	e->tcp = o->tcp || !o->udp;
	e->udp = o->udp || !o->tcp;
	e->v4 = o->v4 || !o->v6;
	e->v6 = o->v6 || !o->v4;
	e->services = (struct sw_services){e->tcp, e->udp};
	e->fenv = sw_services_env(&e->services);
	e->resolve_procs = o->resolve_procs;
	e->group = o->group;
	for (unsigned i = 0; i < 2; i++)
		sw_snapshot_init(&e->snap[i]);
	sw_agg_init(&e->agg);
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
		e->rd = sw_rec_reader_open(o->replay, cause);
		if (!e->rd)
			goto fail;
		return e;
	}
	/* The namespace first: sockets belong to the namespace they are
	 * opened in. */
	if (o->netns && sw_netns_enter(o->netns, cause) < 0)
		goto fail;
	e->diag = sw_diag_open(cause);
	if (!e->diag)
		goto fail;
	e->pm = sw_procmap_new();
	if (!e->pm) {
		sw_cause_set(cause, "out of memory starting the engine");
		goto fail;
	}
	if (o->record) {
		e->record_path = strdup(o->record);
		if (!e->record_path) {
			sw_cause_set(cause, "out of memory starting the engine");
			goto fail;
		}
		e->wr = sw_rec_writer_open(o->record, cause);
		if (!e->wr)
			goto fail;
	}
	return e;
fail:
	sw_engine_close(e);
	return NULL;
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
			 &e->snap[e->cur], &e->group) < 0)
		return -1;
	if (sw_engine_owners(e, false, &cause) < 0) {
		free(cause);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

bool sw_engine_is_replay(const struct sw_engine *e)
{
	return e->rd != NULL;
}

double sw_engine_replay_gap(const struct sw_engine *e)
{
	return e->rd ? e->frame.interval_s : 0;
}

void sw_engine_close(struct sw_engine *e)
{
	if (!e)
		return;
	sw_diag_close(e->diag);
	sw_rec_reader_close(e->rd);
	sw_rec_writer_close(e->wr);
	sw_procmap_free(e->pm);
	sw_filter_free(e->filter);
	free(e->record_path);
	free(e->bc[0]);
	free(e->bc[1]);
	for (unsigned i = 0; i < 2; i++)
		sw_snapshot_free(&e->snap[i]);
	sw_agg_free(&e->agg);
	free(e->snmp);
	free(e->netstat);
	free(e->owners);
	free(e);
}
