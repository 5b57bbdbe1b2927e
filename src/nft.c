/* nft.c - writes the table `inet sockwatch` with libnftnl on libmnl: one
 * batch per action, every message acknowledged and every ACK checked.
 * Reading back lives in nft_dump.c; the sets' layout and the dry-run
 * syntax in nft_syntax.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "sw_cause.h"
#include "sw_nft.h"
#include "sw_nl.h"
#include "nft_priv.h"

/* nft's datatype numbers, so `nft list` shows addresses. */
#define SW_NFT_TYPE_IPADDR 7
#define SW_NFT_TYPE_IP6ADDR 8
#define SW_NFT_BYTEORDER_BIG 2
#define SW_NFT_PRIO_RAW (-300)
/* Messages in one batch at most (creation + two elements). */
#define SW_NFT_MAXMSG 16

/* One batch under construction: the messages and what each one does, so
 * a failing ACK can be named. */
struct sw_nft_batch {
	struct mnl_nlmsg_batch *b;
	uint32_t first_seq, seq;
	unsigned nmsg;
	char what[SW_NFT_MAXMSG][64];
};

static void sw_nft_batch_start(struct sw_nft *n, struct sw_nft_batch *bt)
{
	memset(bt, 0, sizeof(*bt));
	/* the batch may overrun its limit by one message: half the buffer */
	bt->b = mnl_nlmsg_batch_start(n->wbuf, SW_NFT_BUFSZ / 2);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), n->seq++);
	mnl_nlmsg_batch_next(bt->b);
	bt->first_seq = bt->seq = n->seq;
}

/* Header of the next message; remembers its description. */
static struct nlmsghdr *sw_nft_msg(struct sw_nft *n, struct sw_nft_batch *bt,
				   uint16_t type, uint16_t flags,
				   const char *what)
{
	struct nlmsghdr *nlh;

	snprintf(bt->what[bt->nmsg++], sizeof(bt->what[0]), "%s", what);
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
				    NFPROTO_INET, flags | NLM_F_ACK, n->seq++);
	bt->seq = n->seq;
	return nlh;
}

/* Free the batch's bookkeeping (the messages live in n->wbuf). */
static void sw_nft_batch_abort(struct sw_nft_batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	bt->b = NULL;
}

static void sw_nft_msg_done(struct sw_nft_batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
}

/* A message about the table itself (add, delete). 0 or -1 (ENOMEM). */
static int sw_nft_table_msg(struct sw_nft *n, struct sw_nft_batch *bt,
			    uint16_t type, uint16_t flags, const char *what)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -1;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, SW_BLOCK_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlh = sw_nft_msg(n, bt, type, flags, what);
	nftnl_table_nlmsg_build_payload(nlh, t);
	sw_nft_msg_done(bt);
	nftnl_table_free(t);
	return 0;
}

struct nftnl_set *sw_nft_set_named(enum sw_nft_set s)
{
	struct nftnl_set *set = nftnl_set_alloc();

	if (!set)
		return NULL;
	nftnl_set_set_str(set, NFTNL_SET_TABLE, SW_BLOCK_TABLE);
	nftnl_set_set_str(set, NFTNL_SET_NAME, sw_nft_set_name(s));
	return set;
}

/* Set s with its family and batch id, for messages in a batch. */
static struct nftnl_set *sw_nft_set_alloc(enum sw_nft_set s)
{
	struct nftnl_set *set = sw_nft_set_named(s);

	if (!set)
		return NULL;
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(set, NFTNL_SET_ID, (uint32_t)s + 1);
	return set;
}

static int sw_nft_add_set(struct sw_nft *n, struct sw_nft_batch *bt,
			  enum sw_nft_set s)
{
	struct nftnl_set *set = sw_nft_set_alloc(s);
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);
	struct nftnl_expr *ctr = nftnl_expr_alloc("counter");
	struct nlmsghdr *nlh;
	bool v4 = sw_nft_set_family(s) == 4;
	char what[64];

	/* libnftnl's free functions take no NULL (the udata one does) */
	if (!set || !ud || !ctr) {
		if (set)
			nftnl_set_free(set);
		nftnl_udata_buf_free(ud);
		if (ctr)
			nftnl_expr_free(ctr);
		return -1;
	}
	nftnl_set_set_u32(set, NFTNL_SET_FLAGS, sw_nft_set_flags(s));
	nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE,
			  v4 ? SW_NFT_TYPE_IPADDR : SW_NFT_TYPE_IP6ADDR);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, v4 ? 4 : 16);
	nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, SW_NFT_BYTEORDER_BIG);
	nftnl_set_set_data(set, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	/* the set's counter is copied into every element it gets */
	nftnl_set_add_expr(set, ctr);
	snprintf(what, sizeof(what), "add set %s", sw_nft_set_name(s));
	nlh = sw_nft_msg(n, bt, NFT_MSG_NEWSET, NLM_F_CREATE, what);
	nftnl_set_nlmsg_build_payload(nlh, set);
	sw_nft_msg_done(bt);
	nftnl_udata_buf_free(ud);
	nftnl_set_free(set);
	return 0;
}

/* Our chain, named (table and name). NULL on ENOMEM. */
static struct nftnl_chain *sw_nft_chain_alloc(void)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return NULL;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, SW_BLOCK_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, SW_NFT_CHAIN);
	return c;
}

static int sw_nft_add_chain(struct sw_nft *n, struct sw_nft_batch *bt)
{
	struct nftnl_chain *c = sw_nft_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -1;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_PRE_ROUTING);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, SW_NFT_PRIO_RAW);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = sw_nft_msg(n, bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "add chain");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	sw_nft_msg_done(bt);
	nftnl_chain_free(c);
	return 0;
}

/* `ip saddr @set drop` / `ip6 saddr @set drop` as expressions. */
static int sw_nft_add_rule(struct sw_nft *n, struct sw_nft_batch *bt,
			   enum sw_nft_set s)
{
	bool v4 = sw_nft_set_family(s) == 4;
	uint8_t proto = v4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	/* in the rule's order: e[0] is the meta, ..., e[4] the verdict */
	static const char *const kinds[] = {"meta", "cmp", "payload", "lookup",
					    "immediate"};
	struct nftnl_expr *e[sizeof(kinds) / sizeof(kinds[0])];
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	char what[64];
	size_t i;

	if (!r)
		return -1;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		e[i] = nftnl_expr_alloc(kinds[i]);
		if (!e[i]) {
			while (i--)
				nftnl_expr_free(e[i]);
			nftnl_rule_free(r);
			return -1;
		}
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, SW_BLOCK_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, SW_NFT_CHAIN);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);

	nftnl_expr_set_u32(e[0], NFTNL_EXPR_META_KEY, NFT_META_NFPROTO);
	nftnl_expr_set_u32(e[0], NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e[1], NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e[1], NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e[1], NFTNL_EXPR_CMP_DATA, &proto, sizeof(proto));
	nftnl_expr_set_u32(e[2], NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e[2], NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	/* source address: offset 12 in the IPv4 header, 8 in IPv6 */
	nftnl_expr_set_u32(e[2], NFTNL_EXPR_PAYLOAD_OFFSET, v4 ? 12 : 8);
	nftnl_expr_set_u32(e[2], NFTNL_EXPR_PAYLOAD_LEN, v4 ? 4 : 16);
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e[3], NFTNL_EXPR_LOOKUP_SET, sw_nft_set_name(s));
	nftnl_expr_set_u32(e[3], NFTNL_EXPR_LOOKUP_SET_ID, (uint32_t)s + 1);
	nftnl_expr_set_u32(e[4], NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e[4], NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		nftnl_rule_add_expr(r, e[i]);

	snprintf(what, sizeof(what), "add rule for @%s", sw_nft_set_name(s));
	nlh = sw_nft_msg(n, bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, what);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	sw_nft_msg_done(bt);
	nftnl_rule_free(r);
	return 0;
}

static int sw_nft_add_everything(struct sw_nft *n, struct sw_nft_batch *bt)
{
	unsigned s;

	if (sw_nft_table_msg(n, bt, NFT_MSG_NEWTABLE, NLM_F_CREATE,
			     "add table") < 0)
		return -1;
	for (s = 0; s < SW_NFT_NSETS; s++)
		if (sw_nft_add_set(n, bt, s) < 0)
			return -1;
	if (sw_nft_add_chain(n, bt) < 0)
		return -1;
	for (s = 0; s < SW_NFT_NSETS; s++)
		if (sw_nft_add_rule(n, bt, s) < 0)
			return -1;
	return 0;
}

/* Element messages for target into set s: one element for an address,
 * a start and an explicit end element for a prefix. */
static int sw_nft_elems(struct sw_nft *n, struct sw_nft_batch *bt,
			const struct sw_prefix *t, uint16_t type,
			uint16_t flags, uint64_t timeout_ms,
			const char *comment, const char *what)
{
	enum sw_nft_set s = sw_nft_set_for(t);
	unsigned klen = t->family == 4 ? 4 : 16;
	struct nftnl_set *set = sw_nft_set_alloc(s);
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	struct nftnl_udata_buf *ud = NULL;
	struct nlmsghdr *nlh;
	uint8_t end[16];

	if (!set || !e)
		goto nomem;
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, t->bytes, klen);
	if (timeout_ms)
		nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT, timeout_ms);
	/* a renewal restarts the clock: the kernel keeps the old expiry
	 * unless told, even when the timeout changes back and forth */
	if (timeout_ms && !(flags & NLM_F_EXCL) && type == NFT_MSG_NEWSETELEM)
		nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_EXPIRATION, timeout_ms);
	if (comment && *comment) {
		ud = nftnl_udata_buf_alloc(SW_BLOCK_COMMENT_LEN + 8);
		if (!ud)
			goto nomem;
		nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, comment);
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA,
				   nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	}
	nftnl_set_elem_add(set, e);
	e = NULL;
	if (sw_nft_set_is_interval(s) && sw_nft_prefix_end(t, end)) {
		/* the end must be explicit: a lone start has been seen to
		 * block everything above it */
		e = nftnl_set_elem_alloc();
		if (!e)
			goto nomem;
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, end, klen);
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS,
				       NFT_SET_ELEM_INTERVAL_END);
		nftnl_set_elem_add(set, e);
		e = NULL;
	}
	nlh = sw_nft_msg(n, bt, type, flags, what);
	nftnl_set_elems_nlmsg_build_payload(nlh, set);
	sw_nft_msg_done(bt);
	nftnl_udata_buf_free(ud);
	nftnl_set_free(set);
	return 0;
nomem:
	if (e)
		nftnl_set_elem_free(e);
	if (ud)
		nftnl_udata_buf_free(ud);
	if (set)
		nftnl_set_free(set);
	errno = ENOMEM;
	return -1;
}

/* Send the batch and check one ACK per message. The kernel handles a
 * batch in the sender's context, so every reply is queued when sendto
 * returns: read without blocking until the queue is empty. */
static int sw_nft_batch_send(struct sw_nft *n, struct sw_nft_batch *bt,
			     char *err, size_t errlen)
{
	int fd = mnl_socket_get_fd(n->nl), first_err = 0;
	unsigned acks = 0;
	char msg[160] = "";

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), n->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if (mnl_socket_sendto(n->nl, mnl_nlmsg_batch_head(bt->b),
			      mnl_nlmsg_batch_size(bt->b)) < 0) {
		snprintf(err, errlen, "nftables: sending the batch failed: %s",
			 strerror(errno));
		sw_nft_batch_abort(bt);
		return -1;
	}
	sw_nft_batch_abort(bt);
	for (;;) {
		ssize_t r = recv(fd, n->rbuf, SW_NFT_BUFSZ, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)n->rbuf;
		int len = (int)r;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			snprintf(err, errlen, "nftables: reading ACKs failed: %s",
				 strerror(errno));
			return -1;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;
			unsigned idx;

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error == 0) {
				acks++;
				continue;
			}
			if (first_err)
				continue;
			first_err = -e->error;
			idx = nlh->nlmsg_seq - bt->first_seq;
			if (nlh->nlmsg_seq >= bt->first_seq && idx < bt->nmsg)
				snprintf(msg, sizeof(msg), "%s", bt->what[idx]);
			else
				snprintf(msg, sizeof(msg), "batch");
		}
	}
	if (first_err) {
		snprintf(err, errlen, "nftables: %s: %s", msg, strerror(first_err));
		errno = first_err;
		return -1;
	}
	if (acks != bt->nmsg) {
		snprintf(err, errlen,
			 "nftables: the kernel acknowledged %u of %u messages",
			 acks, bt->nmsg);
		errno = EPROTO;
		return -1;
	}
	return 0;
}

/* One request, replies through cb until the ACK. -1 with errno. */
int sw_nft_talk(struct sw_nft *n, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t r;
	int ret;

	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		r = mnl_socket_recvfrom(n->nl, n->rbuf, SW_NFT_BUFSZ);
		if (r < 0)
			return -1;
		ret = sw_nl_run(n->rbuf, (size_t)r, seq, n->portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -1 : 0;
}

struct sw_nft *sw_nft_open(char **cause)
{
	struct sw_nft *n = calloc(1, sizeof(*n));
	struct nlmsghdr *nlh;
	int e;

	*cause = NULL;
	if (!n)
		goto fail;
	n->wbuf = malloc(SW_NFT_BUFSZ);
	n->rbuf = malloc(SW_NFT_BUFSZ);
	if (!n->wbuf || !n->rbuf)
		goto fail;
	n->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!n->nl)
		goto fail;
	if (mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	n->portid = mnl_socket_get_portid(n->nl);
	n->seq = (uint32_t)time(NULL);
	nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK,
				    n->seq++);
	if (sw_nft_talk(n, nlh, NULL, NULL) < 0)
		goto fail;
	return n;
fail:
	e = errno;
	if (e == EPERM || e == EACCES)
		sw_cause_set(cause, "unavailable: no CAP_NET_ADMIN (run as root "
			     "to block; monitoring works)");
	else if (e == EPROTONOSUPPORT || e == EOPNOTSUPP || e == EINVAL ||
		 e == ENOENT || e == EAFNOSUPPORT)
		sw_cause_set(cause, "unavailable: the kernel has no nf_tables "
			     "(modprobe nf_tables; monitoring works)");
	else
		sw_cause_set(cause, "unavailable: nftables: %s", strerror(e));
	sw_nft_close(n);
	errno = e;
	return NULL;
}

int sw_nft_table_exists(struct sw_nft *n)
{
	struct nftnl_chain *c = sw_nft_chain_alloc();
	struct nlmsghdr *nlh;
	int r;

	if (!c)
		return -1;
	nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETCHAIN, NFPROTO_INET,
				    NLM_F_ACK, n->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	r = sw_nft_talk(n, nlh, NULL, NULL);
	if (r == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

static int sw_nft_add_once(struct sw_nft *n, const struct sw_prefix *t,
			   uint64_t timeout_ms, const char *comment, bool create,
			   bool renew, char *err, size_t errlen)
{
	struct sw_nft_batch bt;
	char what[SW_ADDR_STRLEN + 32], a[SW_ADDR_STRLEN];

	sw_nft_batch_start(n, &bt);
	if (create && sw_nft_add_everything(n, &bt) < 0)
		goto nomem;
	snprintf(what, sizeof(what), "add element %s to %s",
		 sw_prefix_format(t, a, sizeof(a)),
		 sw_nft_set_name(sw_nft_set_for(t)));
	if (sw_nft_elems(n, &bt, t, NFT_MSG_NEWSETELEM,
			 NLM_F_CREATE | (renew ? 0 : NLM_F_EXCL), timeout_ms, comment,
			 what) < 0)
		goto nomem;
	return sw_nft_batch_send(n, &bt, err, errlen);
nomem:
	sw_nft_batch_abort(&bt);
	snprintf(err, errlen, "nftables: out of memory building the batch");
	errno = ENOMEM;
	return -1;
}

/* One add; once more, creating, when the table vanished (someone flushed
 * the ruleset) between the check and the batch. */
static int sw_nft_add_try(struct sw_nft *n, const struct sw_prefix *t,
			  uint64_t timeout_ms, const char *comment, bool create,
			  bool renew, char *err, size_t errlen)
{
	if (sw_nft_add_once(n, t, timeout_ms, comment, create, renew, err,
			    errlen) == 0)
		return 0;
	if (!create && errno == ENOENT)
		return sw_nft_add_once(n, t, timeout_ms, comment, true, renew, err,
				       errlen);
	return -1;
}

int sw_nft_add(struct sw_nft *n, const struct sw_prefix *t,
	       uint64_t timeout_ms, const char *comment, bool *renewed,
	       char *err, size_t errlen)
{
	int exists = sw_nft_table_exists(n);

	*renewed = false;
	if (exists < 0) {
		snprintf(err, errlen, "nftables: reading table inet %s: %s",
			 SW_BLOCK_TABLE, strerror(errno));
		return -1;
	}
	/* created on first use, or again after someone flushed the ruleset */
	if (sw_nft_add_try(n, t, timeout_ms, comment, !exists, false, err,
			   errlen) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	/* there already: the table is too, renew its timeout */
	*renewed = true;
	return sw_nft_add_try(n, t, timeout_ms, comment, false, true, err,
			      errlen);
}

int sw_nft_del(struct sw_nft *n, const struct sw_prefix *t, char *err,
	       size_t errlen)
{
	struct sw_nft_batch bt;
	char what[SW_ADDR_STRLEN + 32], a[SW_ADDR_STRLEN];

	sw_nft_batch_start(n, &bt);
	snprintf(what, sizeof(what), "delete element %s from %s",
		 sw_prefix_format(t, a, sizeof(a)),
		 sw_nft_set_name(sw_nft_set_for(t)));
	if (sw_nft_elems(n, &bt, t, NFT_MSG_DELSETELEM, 0, 0, NULL, what) < 0) {
		sw_nft_batch_abort(&bt);
		snprintf(err, errlen, "nftables: out of memory building the batch");
		return -1;
	}
	return sw_nft_batch_send(n, &bt, err, errlen);
}

int sw_nft_flush(struct sw_nft *n, char *err, size_t errlen)
{
	struct sw_nft_batch bt;
	int exists = sw_nft_table_exists(n);
	unsigned s;

	if (exists <= 0) {
		if (exists < 0)
			snprintf(err, errlen, "nftables: reading table inet %s: %s",
				 SW_BLOCK_TABLE, strerror(errno));
		return exists;
	}
	sw_nft_batch_start(n, &bt);
	for (s = 0; s < SW_NFT_NSETS; s++) {
		struct nftnl_set *set = sw_nft_set_alloc(s);
		struct nlmsghdr *nlh;
		char what[64];

		if (!set) {
			sw_nft_batch_abort(&bt);
			snprintf(err, errlen, "nftables: out of memory");
			return -1;
		}
		snprintf(what, sizeof(what), "flush set %s", sw_nft_set_name(s));
		/* DELSETELEM without elements flushes the set */
		nlh = sw_nft_msg(n, &bt, NFT_MSG_DELSETELEM, 0, what);
		nftnl_set_elems_nlmsg_build_payload(nlh, set);
		sw_nft_msg_done(&bt);
		nftnl_set_free(set);
	}
	return sw_nft_batch_send(n, &bt, err, errlen);
}

int sw_nft_destroy(struct sw_nft *n, char *err, size_t errlen)
{
	struct sw_nft_batch bt;

	sw_nft_batch_start(n, &bt);
	if (sw_nft_table_msg(n, &bt, NFT_MSG_DELTABLE, 0, "delete table") < 0) {
		sw_nft_batch_abort(&bt);
		snprintf(err, errlen, "nftables: out of memory");
		return -1;
	}
	if (sw_nft_batch_send(n, &bt, err, errlen) < 0)
		return errno == ENOENT ? 1 : -1;
	return 0;
}

void sw_nft_close(struct sw_nft *n)
{
	if (!n)
		return;
	if (n->nl)
		mnl_socket_close(n->nl);
	free(n->wbuf);
	free(n->rbuf);
	free(n);
}
