/* nft.c - writes the table `inet sockwatch` with libnftnl on libmnl: one
 * batch per action, which first repairs whatever nft_check.c found wrong
 * with the table, its chain, rules and sets, planned on the generation it
 * read them in, and reads them again after it. The repair is planned in
 * nft_repair.c, the batch plumbing lives in nft_batch.c, elements in
 * nft_elem.c, reading back in nft_dump.c; the sets' layout and the
 * dry-run syntax in nft_syntax.c. */
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

#define SW_NFT_BYTEORDER_BIG 2
/* Batches planned on a generation that changed before they arrived are
 * planned again, this many times in all. */
#define SW_NFT_TRIES 8

/* A message about the table itself (add, delete). 0 or -1 (ENOMEM). */
int sw_nft_table_msg(struct sw_nft *n, struct sw_nft_batch *bt,
			    uint16_t type, uint16_t flags, const char *what)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -1;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, SW_BLOCK_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	/* explicit: a table made dormant by hand wakes up */
	if (type == NFT_MSG_NEWTABLE)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
	nlh = sw_nft_batch_msg(n, bt, type, flags, what);
	nftnl_table_nlmsg_build_payload(nlh, t);
	sw_nft_batch_done(bt);
	nftnl_table_free(t);
	return 0;
}

int sw_nft_add_set(struct sw_nft *n, struct sw_nft_batch *bt,
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
	nlh = sw_nft_batch_msg(n, bt, NFT_MSG_NEWSET, NLM_F_CREATE, what);
	nftnl_set_nlmsg_build_payload(nlh, set);
	sw_nft_batch_done(bt);
	nftnl_udata_buf_free(ud);
	nftnl_set_free(set);
	return 0;
}

/* Our chain, named (table and name). NULL on ENOMEM. */
struct nftnl_chain *sw_nft_chain_alloc(void)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return NULL;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, SW_BLOCK_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, SW_NFT_CHAIN);
	return c;
}

int sw_nft_add_chain(struct sw_nft *n, struct sw_nft_batch *bt)
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
	nlh = sw_nft_batch_msg(n, bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "add chain");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	sw_nft_batch_done(bt);
	nftnl_chain_free(c);
	return 0;
}

/* `ip saddr @set drop` / `ip6 saddr @set drop` as expressions. */
int sw_nft_add_rule(struct sw_nft *n, struct sw_nft_batch *bt,
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
	nlh = sw_nft_batch_msg(n, bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, what);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	sw_nft_batch_done(bt);
	nftnl_rule_free(r);
	return 0;
}

int sw_nft_add_everything(struct sw_nft *n, struct sw_nft_batch *bt)
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

struct sw_nft *sw_nft_open(char **cause)
{
	struct sw_nft *n = calloc(1, sizeof(*n));
	struct nlmsghdr *nlh;
	int e;

	*cause = NULL;
	if (!n)
		goto fail;
	n->wbuf = malloc(SW_NFT_BUFSZ);
	if (!n->wbuf)
		goto fail;
	n->nl = sw_nl_open(NETLINK_NETFILTER, SW_NFT_BUFSZ, NULL);
	if (!n->nl)
		goto fail;
	nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, 0);
	if (sw_nl_talk(n->nl, nlh, NULL, NULL) < 0)
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

int sw_nft_damage(struct sw_nft *n, char *why, size_t whylen, char **cause)
{
	struct sw_nft_state st;
	struct sw_nft_batch bt;
	char *e2 = NULL;

	why[0] = '\0';
	if (sw_nft_state_read(n, &st, cause) < 0)
		return -1;
	if (!st.table || sw_nft_state_ok(&st))
		return 0;
	if (st.dormant) {
		snprintf(why, whylen, "the table is dormant");
		return 1;
	}
	/* the repair's own description, planned and dropped */
	sw_nft_batch_start(n, &bt, 0);
	if (sw_nft_repair(n, &bt, &st, why, whylen, &e2) < 0 &&
	    errno == EUCLEAN)
		snprintf(why, whylen, "%s", sw_cause_text(e2));
	free(e2);
	sw_nft_batch_abort(&bt);
	if (!why[0])
		snprintf(why, whylen, "its structure differs");
	return 1;
}

int sw_nft_table_exists(struct sw_nft *n)
{
	struct nftnl_chain *c = sw_nft_chain_alloc();
	struct nlmsghdr *nlh;
	int r;

	if (!c)
		return -1;
	nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETCHAIN, NFPROTO_INET,
				    NLM_F_ACK, 0);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	r = sw_nl_talk(n->nl, nlh, NULL, NULL);
	if (r == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/* Appends an action's element messages to a batch; again: the action's
 * batch was committed already and the table had to be repaired after it:
 * make sure of its result without failing on it. */
typedef int (*sw_nft_fill_fn)(struct sw_nft *n, struct sw_nft_batch *bt,
			      const void *arg, bool again);
/* 1 when the action's result is there (read after it), 0 not, -1 with
 * *cause. */
typedef int (*sw_nft_done_fn)(struct sw_nft *n, const void *arg, char **cause);

/* Plan and send one batch from st: a dormant table is woken alone (a
 * batch that wakes a table cannot add a base chain to it); else the
 * repair (first keeping the table awake: st may predate a commit still
 * under way), then fill's messages unless filled. 0 sent, 1 woken, -1
 * with errno, *cause and *repairing (the failing message was a repair). */
static int sw_nft_round(struct sw_nft *n, const struct sw_nft_state *st,
			sw_nft_fill_fn fill, const void *arg, bool filled,
			char *note, size_t notelen, bool *repairing, char **cause)
{
	struct sw_nft_batch bt;
	unsigned nrepair;
	int e;

	*repairing = false;
	sw_nft_batch_start(n, &bt, st->genid);
	if (st->table &&
	    sw_nft_table_msg(n, &bt, NFT_MSG_NEWTABLE, 0, "wake table") < 0)
		goto fail;
	if (st->table && st->dormant) {
		if (sw_nft_batch_send(n, &bt, cause) < 0) {
			*repairing = true;
			return -1;
		}
		return 1;
	}
	if (sw_nft_repair(n, &bt, st, note, notelen, cause) < 0)
		goto fail;
	nrepair = bt.nmsg;
	if (fill(n, &bt, arg, filled) < 0)
		goto fail;
	if (bt.nmsg == 0) {
		sw_nft_batch_abort(&bt);
		return 0;
	}
	if (sw_nft_batch_send(n, &bt, cause) == 0)
		return 0;
	*repairing = bt.failed >= 0 && (unsigned)bt.failed < nrepair;
	return -1;
fail:
	e = errno;
	sw_nft_batch_abort(&bt);
	if (e != EUCLEAN)
		sw_cause_set(cause, "nftables: out of memory building the batch");
	errno = e;
	return -1;
}

/* Read the structure, send a batch that repairs it and does the action
 * (fill), planned on the generation read; then read it again: until the
 * structure is right and done says the result is there, repair again.
 * A batch refused because the ruleset changed, or whose repair failed
 * (planned on a state a concurrent commit was changing), is planned
 * again. Without the table: create it when create, else return 1 and
 * send nothing. 0 done, -1 with errno and *cause. */
static int sw_nft_run(struct sw_nft *n, bool create, sw_nft_fill_fn fill,
		      sw_nft_done_fn done, const void *arg, char *note,
		      size_t notelen, char **cause)
{
	unsigned tries;
	bool filled = false, repairing = false;

	note[0] = '\0';
	for (tries = 0; tries < SW_NFT_TRIES; tries++) {
		struct sw_nft_state st;
		char round[SW_BLOCK_MSG_LEN] = "";
		int r;

		if (sw_nft_state_read(n, &st, cause) < 0)
			return -1;
		if (!st.table && !create)
			return filled ? 0 : 1;
		if (filled && sw_nft_state_ok(&st)) {
			r = done ? done(n, arg, cause) : 1;
			if (r < 0)
				return -1;
			if (r > 0)
				return 0;
		}
		r = sw_nft_round(n, &st, fill, arg, filled, round, sizeof(round),
				 &repairing, cause);
		if (r < 0 && (errno == ERESTART || repairing)) {
			sw_cause_clear(cause); /* planned again */
			continue;
		}
		if (r < 0)
			return -1;
		if (r == 1)
			snprintf(round, sizeof(round), "the table was dormant");
		else
			filled = true;
		if (round[0])
			sw_nft_note(note, notelen, "%s", round);
	}
	if (errno == ERESTART || repairing || filled)
		sw_cause_set(cause, "nftables: table inet %s kept changing under "
			     "%d tries%s", SW_BLOCK_TABLE, SW_NFT_TRIES,
			     filled ? ": sent, but could not see it in place" :
			     "; nothing was sent");
	return -1;
}

struct sw_nft_putarg {
	const struct sw_prefix *t;
	const struct sw_nft_elem *e;
	bool replace;
};

static int sw_nft_put_fill(struct sw_nft *n, struct sw_nft_batch *bt,
			   const void *arg, bool again)
{
	const struct sw_nft_putarg *p = arg;
	char what[SW_ADDR_STRLEN + 32], a[SW_ADDR_STRLEN];
	struct sw_nft_key k;

	sw_nft_key_prefix(&k, p->t);
	sw_prefix_format(p->t, a, sizeof(a));
	snprintf(what, sizeof(what), "delete element %s from %s", a,
		 sw_nft_set_name(k.set));
	if (p->replace && !again &&
	    sw_nft_elem_msg(n, bt, &k, NFT_MSG_DELSETELEM, 0, NULL, what) < 0)
		return -1;
	snprintf(what, sizeof(what), "add element %s to %s", a,
		 sw_nft_set_name(k.set));
	/* again: it may be there still (ours): no NLM_F_EXCL */
	return sw_nft_elem_msg(n, bt, &k, NFT_MSG_NEWSETELEM,
			       NLM_F_CREATE | (again ? 0 : NLM_F_EXCL), p->e,
			       what);
}

static int sw_nft_put_done(struct sw_nft *n, const void *arg, char **cause)
{
	const struct sw_nft_putarg *p = arg;
	struct sw_block_entry e;

	return sw_nft_get(n, p->t, &e, cause);
}

int sw_nft_put(struct sw_nft *n, const struct sw_prefix *t,
	       const struct sw_nft_elem *e, bool replace, char *note,
	       size_t notelen, char **cause)
{
	struct sw_nft_putarg p = {.t = t, .e = e, .replace = replace};

	return sw_nft_run(n, true, sw_nft_put_fill, sw_nft_put_done, &p, note,
			  notelen, cause);
}

struct sw_nft_delarg {
	const struct sw_nft_key *k;
	const char *what;
};

static int sw_nft_del_fill(struct sw_nft *n, struct sw_nft_batch *bt,
			   const void *arg, bool again)
{
	const struct sw_nft_delarg *d = arg;

	if (again)
		return 0; /* deleted once: its absence is not ours to keep */
	return sw_nft_elem_msg(n, bt, d->k, NFT_MSG_DELSETELEM, 0, NULL, d->what);
}

int sw_nft_del(struct sw_nft *n, const struct sw_prefix *t, const uint8_t *last,
	       char *note, size_t notelen, char **cause)
{
	char what[2 * SW_ADDR_STRLEN + 32], a[SW_ADDR_STRLEN], l[SW_ADDR_STRLEN];
	struct sw_nft_key k;
	struct sw_nft_delarg d = {.k = &k, .what = what};
	int r;

	if (last) {
		sw_nft_key_range(&k, t->family, t->bytes, last);
		sw_addr_format(t->family, last, l, sizeof(l));
		snprintf(what, sizeof(what), "delete element %s-%s from %s",
			 sw_addr_format(t->family, t->bytes, a, sizeof(a)), l,
			 sw_nft_set_name(k.set));
	} else {
		sw_nft_key_prefix(&k, t);
		snprintf(what, sizeof(what), "delete element %s from %s",
			 sw_prefix_format(t, a, sizeof(a)), sw_nft_set_name(k.set));
	}
	r = sw_nft_run(n, false, sw_nft_del_fill, NULL, &d, note, notelen, cause);
	if (r == 1) {
		sw_cause_set(cause, "nftables: no table inet %s", SW_BLOCK_TABLE);
		errno = ENOENT;
		return -1;
	}
	return r;
}

static int sw_nft_flush_fill(struct sw_nft *n, struct sw_nft_batch *bt,
			     const void *arg, bool again)
{
	unsigned s;

	(void)arg;
	if (again)
		return 0;
	for (s = 0; s < SW_NFT_NSETS; s++) {
		struct nftnl_set *set = sw_nft_set_alloc(s);
		struct nlmsghdr *nlh;
		char what[64];

		if (!set)
			return -1;
		snprintf(what, sizeof(what), "flush set %s", sw_nft_set_name(s));
		/* DELSETELEM without elements flushes the set */
		nlh = sw_nft_batch_msg(n, bt, NFT_MSG_DELSETELEM, 0, what);
		nftnl_set_elems_nlmsg_build_payload(nlh, set);
		sw_nft_batch_done(bt);
		nftnl_set_free(set);
	}
	return 0;
}

int sw_nft_flush(struct sw_nft *n, char *note, size_t notelen, char **cause)
{
	int r = sw_nft_run(n, false, sw_nft_flush_fill, NULL, NULL, note, notelen,
			   cause);

	return r == 1 ? 0 : r;
}

int sw_nft_destroy(struct sw_nft *n, char **cause)
{
	struct sw_nft_batch bt;

	sw_nft_batch_start(n, &bt, 0);
	if (sw_nft_table_msg(n, &bt, NFT_MSG_DELTABLE, 0, "delete table") < 0) {
		sw_nft_batch_abort(&bt);
		sw_cause_set(cause, "nftables: out of memory");
		return -1;
	}
	if (sw_nft_batch_send(n, &bt, cause) < 0) {
		if (errno != ENOENT)
			return -1;
		sw_cause_clear(cause); /* no table: nothing to remove */
		return 1;
	}
	return 0;
}

void sw_nft_close(struct sw_nft *n)
{
	if (!n)
		return;
	sw_nl_close(n->nl);
	free(n->wbuf);
	free(n);
}
