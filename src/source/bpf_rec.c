/* bpf_rec.c - the BPF iterators' records into the snapshot: the pure
 * part of the BPF backend (no libbpf), unit-tested. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf/sockiter.h"
#include "sw_bpf.h"
#include "sw_diag.h"

_Static_assert(sizeof(struct sw_bpf_rec) == SW_BPF_REC_SIZE,
	       "the BPF record is 64 bytes");

static const char *const sw_backend_names[] = {
	[SW_BACKEND_AUTO] = "auto",
	[SW_BACKEND_NETLINK] = "netlink",
	[SW_BACKEND_BPF] = "bpf",
};

const char *sw_backend_name(unsigned b)
{
	return b < sizeof(sw_backend_names) / sizeof(sw_backend_names[0])
		       ? sw_backend_names[b]
		       : "unknown";
}

/* One record into a socket. Returns 1 to keep, 0 to skip (family or
 * protocol not wanted), -1 with errno EBADMSG. */
static int sw_bpf_one(const struct sw_bpf_rec *r, const bool want[2][2],
		      struct sw_sock *s)
{
	unsigned v6;

	if (r->family != AF_INET && r->family != AF_INET6)
		return errno = EBADMSG, -1;
	if (r->proto >= SW_PROTO_MAX)
		return errno = EBADMSG, -1;
	v6 = r->family == AF_INET6;
	if (!want[r->proto][v6])
		return 0;
	s->cookie = r->cookie;
	memcpy(s->src, r->src, 16);
	memcpy(s->dst, r->dst, 16);
	s->sport = r->sport;
	s->dport = r->dport;
	s->rqueue = r->rqueue;
	s->wqueue = r->wqueue;
	s->inode = r->inode;
	s->expires = r->expires;
	s->proto = r->proto;
	s->state = r->state < SW_ST_MAX ? r->state : SW_ST_UNKNOWN;
	s->timer = r->timer;
	if (!v6) {
		s->family = SW_V4;
		memset(s->src + 4, 0, 12);
		memset(s->dst + 4, 0, 12);
	} else {
		s->family = SW_V6;
		if (s->src[10] == 0xff || s->dst[10] == 0xff)
			sw_diag_normalise(s);
	}
	return 1;
}

long sw_bpf_decode(const void *buf, size_t len, const bool want[2][2],
		   const struct sw_filter *filter, struct sw_snapshot *s)
{
	const unsigned char *b = buf;
	long n = 0;

	if (len % SW_BPF_REC_SIZE)
		return errno = EBADMSG, -1;
	for (size_t off = 0; off < len; off += SW_BPF_REC_SIZE, n++) {
		struct sw_bpf_rec r;
		struct sw_sock *k;
		int rc;

		/* decoded in place, as the netlink parser does: the snapshot's
		 * room is taken only when committed */
		if (!(k = sw_snapshot_room(s)))
			return -1;
		memcpy(&r, b + off, sizeof(r)); /* buf may be unaligned */
		rc = sw_bpf_one(&r, want, k);
		if (rc < 0)
			return -1;
		if (!rc)
			continue;
		s->dumped++;
		if (filter && filter->root >= 0 && !sw_filter_match(filter, k))
			continue;
		if (sw_snapshot_commit(s) < 0)
			return -1;
	}
	return n;
}
