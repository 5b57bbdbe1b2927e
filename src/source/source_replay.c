/* source_replay.c - a recording as a source: one refresh, BEGIN to END,
 * through the very parser a live dump uses, with times, counters and
 * owners as recorded, so a replay prints what the live run printed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_bpf.h"
#include "sw_cause.h"
#include "sw_diag.h"
#include "sw_grow.h"
#include "sw_proc.h"
#include "sw_source.h"

struct sw_source_replay {
	struct sw_source src; /* first: the interface */
	struct sw_rec_reader *rd;
	struct sw_proc_owner *owners; /* of the latest refresh */
	size_t nowners, owners_cap;
	char *host;                   /* the latest HOST text */
	size_t host_cap;
	/* the latest refresh's INFO buffers, parsed when the engine asks
	 * (it knows the listening ports then): each is u8 family, u32
	 * length (host order), then the buffer, or in a regular file its
	 * u64 offset (read again then: the dump is not held, as a live one
	 * is not) */
	uint8_t *info;
	size_t ninfo, info_cap;
	bool seekable;
	uint8_t *ibuf;   /* one INFO buffer read again */
	size_t ibuf_cap;
	bool have_info, info_first; /* ... and the run's first info dump */
	uint8_t *ports;  /* [65536] listened ports of the info dump */
	uint16_t *plist;
};

/* Keep an INFO item's buffer for sw_replay_info. */
static int sw_replay_keep_info(struct sw_source_replay *r,
			       const struct sw_rec_item *it, char **cause)
{
	const char *path = sw_rec_reader_path(r->rd);
	unsigned proto, family;
	const void *buf;
	size_t len;
	uint32_t l32;

	if (sw_rec_item_nlbuf(it, path, &proto, &family, &buf, &len, cause) < 0)
		return -1;
	if (proto != SW_TCP)
		return sw_cause_set(cause, "%s: corrupt item at offset %llu: an "
				      "INFO dump of %s", path,
				      (unsigned long long)it->offset,
				      sw_proto_name(proto));
	if (sw_grow((void **)&r->info, &r->info_cap,
		    r->ninfo + 5 + (r->seekable ? 8 : len), 1, 64 * 1024))
		return sw_cause_set(cause, "out of memory replaying %s", path);
	l32 = (uint32_t)len;
	r->info[r->ninfo] = (uint8_t)family;
	memcpy(r->info + r->ninfo + 1, &l32, 4);
	if (r->seekable) {
		uint64_t off = sw_rec_item_data_offset(it) +
			       (uint64_t)((const uint8_t *)buf - it->data);

		memcpy(r->info + r->ninfo + 5, &off, 8);
		r->ninfo += 5 + 8;
	} else {
		memcpy(r->info + r->ninfo + 5, buf, len);
		r->ninfo += 5 + len;
	}
	r->have_info = true;
	r->info_first |= sw_rec_item_info_first(it);
	return 0;
}

static int sw_replay_add_owner(struct sw_source_replay *r,
			       const struct sw_rec_item *it)
{
	struct sw_proc_owner o;

	if (!sw_rec_item_owner(it, &o))
		return 0; /* not an owner */
	if (sw_grow((void **)&r->owners, &r->owners_cap, r->nowners + 1,
		    sizeof(*r->owners), 64))
		return -1;
	r->owners[r->nowners++] = o;
	return 0;
}

static int sw_replay_next(struct sw_source *src, const struct sw_source_ask *a,
			  struct sw_snapshot *s, struct sw_source_out *out,
			  char **cause)
{
	struct sw_source_replay *r = (struct sw_source_replay *)src;
	const char *path = sw_rec_reader_path(r->rd);
	struct sw_diag_parse p;
	struct sw_rec_item it;
	uint64_t begin_off;
	unsigned fam = 0;
	bool in_dump = false, skip = false;
	int rc;

	rc = sw_rec_next(r->rd, &it, cause);
	if (rc <= 0)
		return rc;
	if (it.type != SW_REC_BEGIN)
		return sw_cause_set(cause, "%s: corrupt recording at offset %llu: "
				      "expected BEGIN, found %s", path,
				      (unsigned long long)it.offset,
				      sw_rec_type_name(it.type));
	begin_off = it.offset;
	sw_rec_item_begin(&it, &s->time_ns, &s->mono_ns);
	r->nowners = 0;
	r->ninfo = 0;
	r->have_info = r->info_first = false;
	memset(&p, 0, sizeof(p));
	for (;;) {
		unsigned proto, family;
		const void *buf;
		size_t len;

		rc = sw_rec_next(r->rd, &it, cause);
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
			if (sw_rec_item_nlbuf(&it, path, &proto, &family, &buf,
					      &len, cause) < 0)
				return -1;
			out->backend = "netlink";
			if (!in_dump || p.done || proto != p.proto || family != fam) {
				if (in_dump && !p.done && !skip)
					goto unfinished;
				memset(&p, 0, sizeof(p));
				p.proto = proto;
				p.out = s;
				p.filter = a->filter;
				fam = family;
				in_dump = true;
				if (fam == SW_DIAG_BOTH) { /* one walk, both families */
					p.families = (a->want[proto][0] ? SW_DIAG_FAM_V4 : 0) |
						     (a->want[proto][1] ? SW_DIAG_FAM_V6 : 0);
					skip = !p.families;
				} else {
					skip = !a->want[proto][fam == SW_V6];
				}
			}
			if (skip)
				break;
			if (sw_diag_parse_buf(&p, buf, len) < 0)
				return sw_cause_set(cause, "%s: offset %llu: the "
						      "recorded %s dump %s: %s", path,
						      (unsigned long long)it.offset,
						      sw_diag_name(p.proto, fam),
						      p.error ? "ended in a kernel error"
							      : "is malformed",
						      strerror(errno));
			break;
		case SW_REC_SOCKS: /* the BPF backend's records */
			out->backend = "bpf";
			if (sw_rec_item_socks(&it, path, &buf, &len, cause) < 0)
				return -1;
			if (sw_bpf_decode(buf, len, a->want, a->filter, s) < 0)
				return sw_cause_set(cause, "%s: offset %llu: the "
						      "recorded BPF records are "
						      "malformed: %s", path,
						      (unsigned long long)it.offset,
						      strerror(errno));
			break;
		case SW_REC_SNMP:
		case SW_REC_NETSTAT:
			sw_counters_parse(&out->counters, it.len ? (const char *)it.data : "",
					  it.len);
			break;
		case SW_REC_HOST:
			if (sw_grow((void **)&r->host, &r->host_cap, it.len + 1, 1,
				    256))
				return sw_cause_set(cause, "out of memory replaying %s",
						      path);
			memcpy(r->host, it.data, it.len);
			r->host[it.len] = '\0';
			out->host = r->host;
			out->host_len = it.len;
			break;
		case SW_REC_INFO:
			if (sw_replay_keep_info(r, &it, cause) < 0)
				return -1;
			break;
		case SW_REC_PROC:
			if (sw_replay_add_owner(r, &it) < 0)
				return sw_cause_set(cause, "out of memory replaying %s",
						      path);
			break;
		case SW_REC_END:
			/* as recorded; 0 when the recording has no times */
			out->timed = true;
			(void)sw_rec_item_end(&it, &out->refresh_ns, &out->cpu_ns);
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

static int sw_replay_owners(struct sw_source *src, struct sw_agg *a,
			    struct sw_rec_writer *tap, char **cause)
{
	struct sw_source_replay *r = (struct sw_source_replay *)src;

	(void)tap;
	(void)cause;
	sw_procmap_apply(a, r->owners, r->nowners);
	return 0;
}

/* The recorded info dump, through the parser a live one goes through. */
static int sw_replay_info(struct sw_source *src,
			  const struct sw_source_info_ask *a,
			  struct sw_conninfo_table *t, size_t *n, char **cause)
{
	struct sw_source_replay *r = (struct sw_source_replay *)src;
	struct sw_diag_info in = { .table = t, .want = { a->want[0], a->want[1] } };
	struct sw_diag_parse p;
	unsigned fam = 0;
	size_t off = 0;

	*n = 0;
	if (!r->have_info)
		return 0;
	if (!r->ports) {
		r->ports = malloc(65536);
		r->plist = malloc(65536 * sizeof(*r->plist));
		if (!r->ports || !r->plist)
			return sw_cause_set(cause, "out of memory replaying %s",
					      sw_rec_reader_path(r->rd));
	}
	/* another run appended to the recording: nothing carries over */
	if (r->info_first)
		sw_conninfo_table_restart(t);
	memset(r->ports, 0, 65536);
	in.ports = r->ports;
	in.plist = r->plist;
	memset(&p, 0, sizeof(p));
	p.done = 1;
	while (off < r->ninfo) {
		unsigned family = r->info[off];
		const uint8_t *buf = r->info + off + 5;
		uint32_t len;

		memcpy(&len, r->info + off + 1, 4);
		if (r->seekable) {
			uint64_t at;

			memcpy(&at, r->info + off + 5, 8);
			if (sw_grow((void **)&r->ibuf, &r->ibuf_cap, len, 1, 64 * 1024))
				return sw_cause_set(cause, "out of memory replaying %s",
						      sw_rec_reader_path(r->rd));
			if (sw_rec_reader_pread(r->rd, at, r->ibuf, len) < 0)
				return sw_cause_set(cause, "%s: cannot read the info dump "
						      "at offset %llu again: %s",
						      sw_rec_reader_path(r->rd),
						      (unsigned long long)at,
						      strerror(errno));
			buf = r->ibuf;
		}
		if (p.done || family != fam) {
			memset(&p, 0, sizeof(p));
			p.proto = SW_TCP;
			p.filter = a->filter;
			p.info = &in;
			fam = family;
		}
		if (sw_diag_parse_buf(&p, buf, len) < 0)
			return sw_cause_set(cause, "%s: the recorded %s info dump %s: %s",
					      sw_rec_reader_path(r->rd),
					      sw_diag_name(SW_TCP, family),
					      p.error ? "ended in a kernel error"
						      : "is malformed",
					      strerror(errno));
		off += 5 + (r->seekable ? 8 : len);
	}
	*n = in.n;
	return 1;
}

static void sw_replay_close(struct sw_source *src)
{
	struct sw_source_replay *r = (struct sw_source_replay *)src;

	if (!r)
		return;
	sw_rec_reader_close(r->rd);
	free(r->owners);
	free(r->host);
	free(r->info);
	free(r->ibuf);
	free(r->ports);
	free(r->plist);
	free(r);
}

static const struct sw_source_ops sw_replay_ops = {
	.next = sw_replay_next,
	.owners = sw_replay_owners,
	.info = sw_replay_info,
	.close = sw_replay_close,
	.replay = true,
};

struct sw_source *sw_source_replay_open(const char *path, char **cause)
{
	struct sw_source_replay *r = calloc(1, sizeof(*r));

	if (!r) {
		sw_cause_set(cause, "out of memory starting the engine");
		return NULL;
	}
	r->src.ops = &sw_replay_ops;
	r->rd = sw_rec_reader_open(path, cause);
	if (!r->rd) {
		free(r);
		return NULL;
	}
	r->seekable = sw_rec_reader_seekable(r->rd);
	return &r->src;
}
