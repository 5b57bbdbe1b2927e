/* diag.c - the sock_diag reader: one long-lived NETLINK_SOCK_DIAG socket
 * (libmnl) and the parser of its reply buffers, which replay and the
 * fuzzer drive directly with plain buffers.
 *
 * The hot path reads the fixed struct inet_diag_msg and nothing else: no
 * extensions are requested, no attribute is parsed, nothing is allocated
 * per socket (records are decoded into the snapshot's reused storage). The info dump
 * (tcp_info, dearer in the kernel) is a separate dump of inbound
 * ESTABLISHED sockets only, made every few seconds by the engine. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>

#include "sw_addr.h"
#include "sw_cause.h"
#include "sw_diag.h"
#include "sw_nl.h"

struct sw_diag {
	struct sw_nl *nl; /* its buffer, SW_DIAG_BUFSZ, reused by every dump */
	bool stale;   /* a dump was abandoned midway: its replies are queued */
	uint8_t *req; /* request: header, inet_diag_req_v2, bytecode */
	size_t reqcap;
};

/* A kernel error number from a reply; anything out of range is a bad
 * message (and -INT_MIN must not be computed). */
static int sw_diag_errno(int32_t e)
{
	if (e < 0 && e > -4096)
		return -e;
	if (e > 0 && e < 4096)
		return e;
	return EPROTO;
}

enum { SW_V6_OTHER, SW_V6_MAPPED, SW_V6_ANY };

static inline int sw_diag_v6_kind(const uint8_t a[16])
{
	uint32_t w[4];

	memcpy(w, a, sizeof(w));
	if (w[0] | w[1])
		return SW_V6_OTHER;
	if (w[2] == htonl(0xffff))
		return SW_V6_MAPPED;
	return (w[2] | w[3]) ? SW_V6_OTHER : SW_V6_ANY;
}

/* An AF_INET6 socket carrying IPv4 (both ends mapped, or one mapped and
 * the other unspecified) is an IPv4 socket to the operator. */
void sw_diag_normalise(struct sw_sock *s)
{
	int ks = sw_diag_v6_kind(s->src), kd = sw_diag_v6_kind(s->dst);

	if (ks == SW_V6_OTHER || kd == SW_V6_OTHER ||
	    (ks != SW_V6_MAPPED && kd != SW_V6_MAPPED))
		return;
	if (ks == SW_V6_MAPPED)
		sw_addr_normalise(s->src, SW_V6);
	if (kd == SW_V6_MAPPED)
		sw_addr_normalise(s->dst, SW_V6);
	s->family = SW_V4;
}

int sw_diag_msg_sock(const void *pl, size_t plen, unsigned proto,
		     struct sw_sock *out)
{
	const uint8_t *b = pl; /* may be unaligned (replay): fields by memcpy */
	struct inet_diag_sockid id;
	uint32_t u[5]; /* expires, rqueue, wqueue, uid, inode */
	uint8_t fam, tail[4];

	if (plen < sizeof(struct inet_diag_msg)) {
		errno = EBADMSG;
		return -1;
	}
	fam = b[offsetof(struct inet_diag_msg, idiag_family)];
	if (fam != AF_INET && fam != AF_INET6) {
		errno = EBADMSG;
		return -1;
	}
	/* Written straight into out (the snapshot's storage, usually), each
	 * field once; the snapshot reads the last four bytes back at once,
	 * so they are stored at once (single-byte stores there made that
	 * read wait for the line). */
	memcpy(&id, b + offsetof(struct inet_diag_msg, id), sizeof(id));
	memcpy(u, b + offsetof(struct inet_diag_msg, idiag_expires), sizeof(u));
	out->cookie = id.idiag_cookie[0] | (uint64_t)id.idiag_cookie[1] << 32;
	if (fam == AF_INET) {
		memset(out->src, 0, sizeof(out->src));
		memset(out->dst, 0, sizeof(out->dst));
		memcpy(out->src, id.idiag_src, 4);
		memcpy(out->dst, id.idiag_dst, 4);
	} else {
		memcpy(out->src, id.idiag_src, sizeof(out->src));
		memcpy(out->dst, id.idiag_dst, sizeof(out->dst));
	}
	out->sport = ntohs(id.idiag_sport);
	out->dport = ntohs(id.idiag_dport);
	out->expires = u[0];
	out->rqueue = u[1];
	out->wqueue = u[2];
	out->inode = u[4];
	_Static_assert(offsetof(struct sw_sock, proto) == offsetof(struct sw_sock, family) + 1 &&
		       offsetof(struct sw_sock, state) == offsetof(struct sw_sock, family) + 2 &&
		       offsetof(struct sw_sock, timer) == offsetof(struct sw_sock, family) + 3,
		       "family, proto, state, timer are adjacent");
	tail[0] = fam == AF_INET ? SW_V4 : SW_V6;
	tail[1] = (uint8_t)proto;
	tail[2] = b[offsetof(struct inet_diag_msg, idiag_state)];
	if (tail[2] >= SW_ST_MAX)
		tail[2] = SW_ST_UNKNOWN;
	tail[3] = b[offsetof(struct inet_diag_msg, idiag_timer)];
	memcpy(&out->family, tail, sizeof(tail));
	if (fam == AF_INET6 && (out->src[10] == 0xff || out->dst[10] == 0xff))
		sw_diag_normalise(out); /* cheap pre-test above */
	return 0;
}

int sw_diag_msg_info(const void *pl, size_t plen, struct sw_conn_info *c)
{
	const uint8_t *b = pl;
	size_t off = NLMSG_ALIGN(sizeof(struct inet_diag_msg));
	struct sw_sock s;

	if (sw_diag_msg_sock(pl, plen, SW_TCP, &s) < 0)
		return -1;
	memset(c, 0, sizeof(*c));
	c->cookie = s.cookie;
	c->rx_per_s = -1;
	while (plen > off && plen - off >= sizeof(struct nlattr)) {
		struct nlattr a;
		struct tcp_info ti;
		size_t n;

		memcpy(&a, b + off, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > plen - off) {
			errno = EBADMSG;
			return -1;
		}
		if ((a.nla_type & NLA_TYPE_MASK) != INET_DIAG_INFO) {
			off += NLA_ALIGN(a.nla_len);
			continue;
		}
		/* an older kernel's tcp_info is shorter: what it lacks is 0 */
		memset(&ti, 0, sizeof(ti));
		n = a.nla_len - sizeof(a);
		memcpy(&ti, b + off + sizeof(a), n < sizeof(ti) ? n : sizeof(ti));
		c->bytes_received = ti.tcpi_bytes_received;
		c->bytes_acked = ti.tcpi_bytes_acked;
		c->last_data_recv_ms = ti.tcpi_last_data_recv;
		c->last_data_sent_ms = ti.tcpi_last_data_sent;
		c->rtt_us = ti.tcpi_rtt < SW_CONN_RTT_MAX ? ti.tcpi_rtt
							  : SW_CONN_RTT_MAX;
		c->retrans = ti.tcpi_total_retrans;
		return 1;
	}
	return 0;
}

/* One message of an info dump: a listener marks its port; an
 * ESTABLISHED socket on such a port that the filter lets through becomes
 * a raw entry. Returns 0 or -1 with errno. */
static int sw_diag_parse_info(struct sw_diag_parse *p, const uint8_t *pl,
			      size_t plen)
{
	struct sw_diag_info *in = p->info;
	struct sw_conn_info c;
	struct sw_sock s;
	int rc;

	if (sw_diag_msg_sock(pl, plen, SW_TCP, &s) < 0)
		return -1;
	if (s.state == SW_LISTEN) {
		if (!in->ports[s.sport]) {
			in->ports[s.sport] = 1;
			in->plist[in->nports++] = s.sport;
		}
		return 0;
	}
	/* the kernel's family (pl[0]: idiag_family), before an IPv4-mapped
	 * socket is called IPv4: as the main dump of that family has it */
	if (!in->want[pl[0] == AF_INET6] || s.state != SW_ESTABLISHED ||
	    !in->ports[s.sport] ||
	    (p->filter && p->filter->root >= 0 && !sw_filter_match(p->filter, &s)))
		return 0;
	rc = sw_diag_msg_info(pl, plen, &c);
	if (rc <= 0)
		return rc;
	if (sw_conninfo_table_put(in->table, &c) < 0)
		return -1;
	in->n++;
	return 0;
}

/* One SOCK_DIAG_BY_FAMILY message. Returns 0 or -1 with errno. */
static int sw_diag_parse_msg(struct sw_diag_parse *p, const uint8_t *pl,
			     size_t plen)
{
	struct sw_sock *s;

	if (p->info)
		return sw_diag_parse_info(p, pl, plen);
	/* A one-walk dump brings both families: keep the wanted ones (by
	 * the kernel's family, as a per-family dump would have them). */
	if (p->families && plen &&
	    !(p->families & (pl[0] == AF_INET6 ? SW_DIAG_FAM_V6 : SW_DIAG_FAM_V4)))
		return 0;
	/* decoded straight into the snapshot's next record, committed when
	 * the filter lets it through: no copy */
	if (!(s = sw_snapshot_room(p->out)))
		return -1;
	if (sw_diag_msg_sock(pl, plen, p->proto, s) < 0)
		return -1;
	p->out->dumped++;
	if (p->filter && p->filter->root >= 0 && !sw_filter_match(p->filter, s))
		return 0;
	return sw_snapshot_commit(p->out) < 0 ? -1 : 0;
}

int sw_diag_parse_buf(struct sw_diag_parse *p, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		const uint8_t *pl;
		size_t plen;
		int32_t e;

		memcpy(&h, b + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off) {
			errno = EBADMSG;
			return -1;
		}
		/* As mnl_cb_run: a reply to another request is refused. */
		if (p->seq && h.nlmsg_seq && h.nlmsg_seq != p->seq) {
			errno = EPROTO;
			return -1;
		}
		if (p->portid && h.nlmsg_pid && h.nlmsg_pid != p->portid) {
			errno = ESRCH;
			return -1;
		}
		p->parsed++;
		pl = b + off + NLMSG_HDRLEN;
		plen = h.nlmsg_len - NLMSG_HDRLEN;
		if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY ||
		    h.nlmsg_type == TCPDIAG_GETSOCK) {
			if (sw_diag_parse_msg(p, pl, plen) < 0)
				return -1;
		} else if (h.nlmsg_type == NLMSG_DONE) {
			/* libmnl's default ignores this error code: a dump
			 * that failed midway would look complete. */
			p->done = 1;
			if (plen < sizeof(e))
				return 0;
			memcpy(&e, pl, sizeof(e));
			if (e == 0)
				return 0;
			p->error = errno = sw_diag_errno(e);
			return -1;
		} else if (h.nlmsg_type == NLMSG_ERROR) {
			if (plen < sizeof(struct nlmsgerr)) {
				errno = EBADMSG;
				return -1;
			}
			memcpy(&e, pl, sizeof(e));
			p->done = 1;
			if (e == 0)
				return 0; /* an ack ends the exchange */
			p->error = errno = sw_diag_errno(e);
			return -1;
		} else if (h.nlmsg_type == NLMSG_OVERRUN) {
			p->error = errno = ENOBUFS;
			return -1;
		}
		/* NLMSG_NOOP and unknown types carry nothing for us. */
		off += NLMSG_ALIGN(h.nlmsg_len) < len - off ?
			       NLMSG_ALIGN(h.nlmsg_len) : len - off;
	}
	if (off != len) { /* a partial header: the buffer was cut */
		errno = EBADMSG;
		return -1;
	}
	return 1;
}

static int sw_diag_connect(struct sw_diag *d, char **cause)
{
	const char *step = "open";

	d->nl = sw_nl_open(NETLINK_SOCK_DIAG, SW_DIAG_BUFSZ, &step);
	if (!d->nl && !strcmp(step, "bind"))
		return sw_cause_set(cause, "cannot bind the sock_diag netlink socket: %s",
				    strerror(errno));
	if (!d->nl && !strcmp(step, "allocate"))
		return sw_cause_set(cause, "out of memory opening the sock_diag reader");
	if (!d->nl)
		return sw_cause_set(cause, "cannot open a sock_diag netlink socket: %s%s",
				    strerror(errno),
				    errno == EPROTONOSUPPORT ?
					    " (kernel built without CONFIG_INET_DIAG?)" : "");
	d->stale = false;
	return 0;
}

struct sw_diag *sw_diag_open(char **cause)
{
	struct sw_diag *d = calloc(1, sizeof(*d));

	if (!d) {
		sw_cause_set(cause, "out of memory opening the sock_diag reader");
		return NULL;
	}
	if (sw_diag_connect(d, cause) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

void sw_diag_close(struct sw_diag *d)
{
	if (!d)
		return;
	sw_nl_close(d->nl);
	free(d->req);
	free(d);
}

const char *sw_diag_name(unsigned proto, unsigned family)
{
	static const char *const names[SW_PROTO_MAX][2] = {
		[SW_TCP] = { "TCP/IPv4", "TCP/IPv6" },
		[SW_UDP] = { "UDP/IPv4", "UDP/IPv6" },
	};

	if (family == SW_DIAG_BOTH)
		return proto == SW_TCP ? "TCP" : proto == SW_UDP ? "UDP" : "?";
	return proto < SW_PROTO_MAX ? names[proto][family == SW_V6] : "?";
}

/* What to do about a kernel error, when there is something to say. */
static const char *sw_diag_hint(int err, unsigned proto, size_t bclen)
{
	if (err == ENOENT)
		return proto == SW_UDP ? " (try 'modprobe udp_diag')" :
					 " (try 'modprobe tcp_diag')";
	if (err == EINVAL && bclen)
		return " (the kernel refused the filter bytecode; please report it)";
	return "";
}

/* Build the dump request in d->req; returns its length or 0 (ENOMEM).
 * SW_DIAG_BOTH is the compat request (TCPDIAG_GETSOCK, struct
 * inet_diag_req): the kernel walks with AF_UNSPEC, both families in one
 * pass, and still takes the state mask and the bytecode. */
static size_t sw_diag_request(struct sw_diag *d, unsigned proto,
			      unsigned family, uint32_t states, uint8_t ext,
			      const void *bc, size_t bclen)
{
	size_t hlen = family == SW_DIAG_BOTH ? sizeof(struct inet_diag_req)
					     : sizeof(struct inet_diag_req_v2);
	size_t need = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(hlen) +
		      MNL_ATTR_HDRLEN + MNL_ALIGN(bclen);
	struct nlmsghdr *nlh;

	if (need > d->reqcap) {
		uint8_t *n = realloc(d->req, need);

		if (!n)
			return 0;
		d->req = n;
		d->reqcap = need;
	}
	memset(d->req, 0, need);
	nlh = mnl_nlmsg_put_header(d->req);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = sw_nl_seq(d->nl);
	if (family == SW_DIAG_BOTH) {
		struct inet_diag_req *r = mnl_nlmsg_put_extra_header(nlh, hlen);

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		r->idiag_family = AF_INET; /* ignored: the walk is AF_UNSPEC */
		r->idiag_states = states;
		r->idiag_ext = ext;
	} else {
		struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, hlen);

		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		r->sdiag_family = family == SW_V6 ? AF_INET6 : AF_INET;
		r->sdiag_protocol = proto == SW_UDP ? IPPROTO_UDP : IPPROTO_TCP;
		r->idiag_states = states;
		r->idiag_ext = ext;
	}
	if (bclen)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bclen, bc);
	return nlh->nlmsg_len;
}

/* One dump into p (proto, out or info, filter set by the caller). */
static int sw_diag_run(struct sw_diag *d, struct sw_diag_parse *p,
		       unsigned family, uint32_t states, uint8_t ext,
		       const void *bc, size_t bclen, sw_diag_tap_fn tap,
		       void *tap_arg, char **cause)
{
	const char *what = sw_diag_name(p->proto, family);
	size_t reqlen;
	int rc;

	if (!states)
		return 0; /* the kernel would dump nothing */
	if (family == SW_DIAG_BOTH && p->proto != SW_TCP) {
		errno = EINVAL; /* UDP has no compat request */
		return sw_cause_set(cause, "sock_diag: no one-walk dump for %s", what);
	}
	if (d->stale || !d->nl) {
		/* Replies of an abandoned dump are still queued: start over
		 * on a fresh socket rather than wade through them. */
		sw_nl_close(d->nl);
		d->nl = NULL;
		if (sw_diag_connect(d, cause) < 0)
			return -1;
	}
	reqlen = sw_diag_request(d, p->proto, family, states, ext, bc, bclen);
	if (!reqlen)
		return sw_cause_set(cause, "out of memory building the %s dump request",
				    what);
	if (sw_nl_send(d->nl, d->req, reqlen) < 0)
		return sw_cause_set(cause, "sock_diag: cannot request the %s dump: %s",
				    what, strerror(errno));
	p->seq = d->nl->seq;
	p->portid = d->nl->portid;
	for (;;) {
		ssize_t n = sw_nl_recv(d->nl);

		if (n < 0) {
			d->stale = true;
			return sw_cause_set(cause, "sock_diag: reading the %s dump failed: %s",
					    what, strerror(errno));
		}
		if (tap && tap(tap_arg, p->proto, family, d->nl->buf, (size_t)n) < 0) {
			d->stale = true;
			return sw_cause_set(cause, "sock_diag: %s dump: saving the reply failed: %s",
					    what, strerror(errno));
		}
		rc = sw_diag_parse_buf(p, d->nl->buf, (size_t)n);
		if (rc == 0)
			return 0;
		if (rc < 0)
			break;
	}
	if (p->error) /* the kernel ended the dump itself: nothing queued */
		return sw_cause_set(cause, "sock_diag: the kernel failed the %s dump: %s%s",
				    what, strerror(p->error),
				    sw_diag_hint(p->error, p->proto, bclen));
	d->stale = true;
	if (errno == ENOMEM)
		return sw_cause_set(cause, "out of memory storing %s sockets", what);
	return sw_cause_set(cause, "sock_diag: bad reply in the %s dump: %s", what,
			    strerror(errno));
}

int sw_diag_dump(struct sw_diag *d, unsigned proto, unsigned family,
		 uint32_t states, const void *bc, size_t bclen,
		 const struct sw_filter *filter, struct sw_snapshot *out,
		 sw_diag_tap_fn tap, void *tap_arg, char **cause)
{
	struct sw_diag_parse p;

	memset(&p, 0, sizeof(p));
	p.proto = proto;
	p.out = out;
	p.filter = filter;
	return sw_diag_run(d, &p, family, states, 0, bc, bclen, tap, tap_arg,
			   cause);
}

int sw_diag_dump_info(struct sw_diag *d, unsigned state, const void *bc,
		      size_t bclen, const struct sw_filter *filter,
		      struct sw_diag_info *info, sw_diag_tap_fn tap,
		      void *tap_arg, char **cause)
{
	bool listen = state == SW_LISTEN;
	struct sw_diag_parse p;

	memset(&p, 0, sizeof(p));
	p.proto = SW_TCP;
	p.filter = listen ? NULL : filter;
	p.info = info;
	return sw_diag_run(d, &p, SW_DIAG_BOTH, SW_STATE_BIT(state),
			   listen ? 0 : (uint8_t)(1u << (INET_DIAG_INFO - 1)),
			   listen ? NULL : bc, listen ? 0 : bclen, tap, tap_arg,
			   cause);
}
