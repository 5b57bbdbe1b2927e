/* sockkill.c - a minimal sock_diag walk and SOCK_DESTROY (what ss -K
 * does) for the sockets whose peer is inside a blocked prefix. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include "sw_cause.h"
#include "sw_diag.h"
#include "sw_grow.h"
#include "sw_nl.h"
#include "sw_sockkill.h"

#define SW_SOCKKILL_BUFSZ (64 * 1024)

struct sw_sockkill {
	struct sw_nl *nl;
};

/* What a walk callback needs from one raw message. */
struct sw_sockkill_walkctx {
	unsigned proto;
	sw_sockkill_visit_fn fn;
	void *arg;
	int stopped;
};

static int sw_sockkill_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_sockkill_walkctx *c = data;
	struct sw_sock s;

	/* a short message or another family is no socket to visit */
	if (sw_diag_msg_sock(mnl_nlmsg_get_payload(nlh),
			     mnl_nlmsg_get_payload_len(nlh), c->proto, &s) < 0)
		return MNL_CB_OK;
	if (c->fn(c->arg, &s) < 0) {
		c->stopped = 1;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

struct sw_sockkill *sw_sockkill_open(char **cause)
{
	struct sw_sockkill *k = calloc(1, sizeof(*k));

	if (!k || !(k->nl = sw_nl_open(NETLINK_SOCK_DIAG, SW_SOCKKILL_BUFSZ, NULL)))
		goto fail;
	return k;
fail:
	sw_cause_set(cause, "sock_diag: cannot open a netlink socket: %s",
		     strerror(errno));
	sw_sockkill_close(k);
	return NULL;
}

void sw_sockkill_close(struct sw_sockkill *k)
{
	if (!k)
		return;
	sw_nl_close(k->nl);
	free(k);
}

static bool sw_sockkill_has_done(const void *buf, ssize_t r)
{
	const struct nlmsghdr *nlh = buf;
	int len = (int)r;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
			return true;
	return false;
}

/* One dump of proto and af, every reply message through cb. When cb
 * stops early (*stopped set), the rest of the dump is drained so the
 * socket stays usable. Returns 0 or -1 with errno. */
static int sw_sockkill_run(struct sw_sockkill *k, unsigned proto, int af,
			   uint32_t states, mnl_cb_t cb, void *data,
			   const int *stopped)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->nl->buf);
	struct inet_diag_req_v2 *req;
	uint32_t seq = sw_nl_seq(k->nl);
	ssize_t r;
	int ret;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)af;
	req->sdiag_protocol = proto == SW_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	req->idiag_states = states;
	if (sw_nl_send(k->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		r = sw_nl_recv(k->nl);
		if (r < 0)
			return -1;
		if (!stopped || !*stopped) {
			ret = sw_nl_run(k->nl->buf, (size_t)r, seq, k->nl->portid,
					cb, data);
			if (ret < 0)
				return -1;
			if (ret > 0)
				continue;
			if (!stopped || !*stopped)
				return 0; /* NLMSG_DONE */
		}
		if (sw_sockkill_has_done(k->nl->buf, r))
			return 0;
	}
}

int sw_sockkill_walk(struct sw_sockkill *k, unsigned proto, uint32_t states,
		     sw_sockkill_visit_fn fn, void *arg, char **cause)
{
	static const int afs[] = {AF_INET, AF_INET6};
	struct sw_sockkill_walkctx c = {.proto = proto, .fn = fn, .arg = arg};
	size_t i;

	for (i = 0; i < 2 && !c.stopped; i++) {
		if (sw_sockkill_run(k, proto, afs[i], states, sw_sockkill_msg_cb,
				    &c, &c.stopped) < 0) {
			return sw_cause_set(cause, "sock_diag: dumping %s sockets "
					    "failed: %s", sw_proto_name(proto),
					    strerror(errno));
		}
	}
	return 0;
}

/* A matching socket, as the kernel must see it again to destroy it. */
struct sw_sockkill_victim {
	uint8_t af, proto;
	struct inet_diag_sockid id;
};

struct sw_sockkill_collect {
	const struct sw_prefix *target;
	unsigned proto;
	struct sw_sockkill_victim *v;
	size_t n, cap;
	int nomem;
};

bool sw_sockkill_wants(const struct sw_prefix *target, unsigned proto,
		       unsigned state, unsigned family, const uint8_t *dst)
{
	uint32_t states = proto == SW_UDP ? SW_STATE_BIT(SW_ESTABLISHED)
					  : SW_SOCKKILL_TCP_STATES;
	uint8_t peer[16] = {0};

	if (state >= 32 || !(states & SW_STATE_BIT(state)))
		return false;
	memcpy(peer, dst, family == SW_V4 ? 4 : 16);
	family = sw_addr_normalise(peer, family);
	return sw_prefix_contains_addr(target, family, peer);
}

/* The walk hands out normalised records; SOCK_DESTROY needs the raw id,
 * so collection goes through its own callback on the raw message. */
static int sw_sockkill_collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_sockkill_collect *c = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*m)))
		return MNL_CB_OK;
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return MNL_CB_OK;
	if (!sw_sockkill_wants(c->target, c->proto, m->idiag_state,
			       m->idiag_family == AF_INET ? SW_V4 : SW_V6,
			       (const uint8_t *)m->id.idiag_dst))
		return MNL_CB_OK;
	if (sw_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v), 256)) {
		c->nomem = 1;
		return MNL_CB_ERROR;
	}
	c->v[c->n].af = m->idiag_family;
	c->v[c->n].id = m->id;
	c->n++;
	return MNL_CB_OK;
}

static int sw_sockkill_gather(struct sw_sockkill *k, unsigned proto, int af,
			      uint32_t states, struct sw_sockkill_collect *c)
{
	size_t first = c->n, i;
	int ret;

	c->proto = proto;
	ret = sw_sockkill_run(k, proto, af, states, sw_sockkill_collect_cb, c, NULL);

	for (i = first; i < c->n; i++)
		c->v[i].proto = proto == SW_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	if (ret < 0 && c->nomem)
		errno = ENOMEM;
	return ret;
}

static int sw_sockkill_destroy(struct sw_sockkill *k,
			       const struct sw_sockkill_victim *v)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->nl->buf);
	struct inet_diag_req_v2 *req;

	nlh->nlmsg_type = SOCK_DESTROY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = v->af;
	req->sdiag_protocol = v->proto;
	req->idiag_states = ~0u; /* only matters for dumps */
	req->id = v->id;
	return sw_nl_talk(k->nl, nlh, NULL, NULL);
}

const char *sw_sockkill_strerror(int err)
{
	switch (err) {
	case EOPNOTSUPP:
		return "the kernel lacks CONFIG_INET_DIAG_DESTROY (SOCK_DESTROY): "
		       "existing connections stay open";
	case EPERM:
	case EACCES:
		return "no CAP_NET_ADMIN to end connections (run as root)";
	default:
		return NULL;
	}
}

int sw_sockkill_prefix(struct sw_sockkill *k, const struct sw_prefix *target,
		       bool dry_run, char **cause)
{
	struct sw_sockkill_collect c = {.target = target};
	int fam = target->family == SW_V4 ? AF_INET : AF_INET6;
	int killed = 0;
	size_t i;

	/* an IPv4 peer may also sit on an AF_INET6 socket, mapped */
	if (sw_sockkill_gather(k, SW_TCP, fam, SW_SOCKKILL_TCP_STATES, &c) < 0 ||
	    (fam == AF_INET &&
	     sw_sockkill_gather(k, SW_TCP, AF_INET6, SW_SOCKKILL_TCP_STATES, &c) < 0) ||
	    sw_sockkill_gather(k, SW_UDP, fam, SW_STATE_BIT(SW_ESTABLISHED), &c) < 0 ||
	    (fam == AF_INET &&
	     sw_sockkill_gather(k, SW_UDP, AF_INET6, SW_STATE_BIT(SW_ESTABLISHED), &c) < 0)) {
		sw_cause_set(cause, "sock_diag: listing the connections failed: %s",
			     strerror(errno));
		free(c.v);
		return -1;
	}
	if (dry_run) {
		free(c.v);
		return (int)c.n;
	}
	for (i = 0; i < c.n; i++) {
		if (sw_sockkill_destroy(k, &c.v[i]) == 0) {
			killed++;
			continue;
		}
		if (errno == ENOENT)
			continue; /* closed on its own meanwhile */
		{
			int e = errno;
			const char *why = sw_sockkill_strerror(e);

			if (why)
				sw_cause_set(cause, "%s", why);
			else
				sw_cause_set(cause,
					     "SOCK_DESTROY failed after %d of %zu: %s",
					     killed, c.n, strerror(e));
			free(c.v);
			errno = e;
			return -1;
		}
	}
	free(c.v);
	return killed;
}
