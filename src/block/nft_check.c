/* nft_check.c - reads the structure of table inet sockwatch back (the
 * table's flags, the chain's hook, priority and policy, the rules, the
 * sets' key types and flags) and says what differs from what nft.c
 * builds, so that every action can repair it in its own batch. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nft_priv.h"
#include "sw_nft.h"

/* Reads of the structure cut short by a commit are read again, this
 * many times in all. */
#define SW_NFT_READ_TRIES 8

static int sw_nft_check_gen_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
		    mnl_attr_get_payload_len(a) == 4)
			*(uint32_t *)data = ntohl(mnl_attr_get_u32(a));
	}
	return MNL_CB_OK;
}

static int sw_nft_check_table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_nft_state *st = data;
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0) {
		st->table = true;
		st->dormant = nftnl_table_is_set(t, NFTNL_TABLE_FLAGS) &&
			      (nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS) &
			       NFT_TABLE_F_DORMANT);
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

static void sw_nft_check_chain_attrs(struct sw_nft_state *st,
				     const struct nftnl_chain *c)
{
	const char *type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
	const char *why = NULL;

	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
		why = "not a base chain";
	else if (nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) != NF_INET_PRE_ROUTING)
		why = "hooked elsewhere than prerouting";
	else if (nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO) != SW_NFT_PRIO_RAW)
		why = "priority other than raw (-300)";
	else if (!type || strcmp(type, "filter") != 0)
		why = "type other than filter";
	else if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
		 nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) != NF_ACCEPT)
		why = "policy other than accept";
	st->chain_ok = !why;
	snprintf(st->chain_why, sizeof(st->chain_why), "%s", why ? why : "");
}

static int sw_nft_check_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_nft_state *st = data;
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0) {
		st->chain = true;
		sw_nft_check_chain_attrs(st, c);
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* The set whose drop rule r is (nft.c's sw_nft_add_rule, expression by
 * expression), or -1 for any other rule. */
static int sw_nft_check_rule_set(struct nftnl_rule *r)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	const char *want[] = {"meta", "cmp", "payload", "lookup", "immediate"};
	struct nftnl_expr *e[5];
	unsigned n = 0, s;
	const uint8_t *proto;
	const char *set;
	uint32_t len;

	if (!it)
		return -1;
	for (struct nftnl_expr *x; (x = nftnl_expr_iter_next(it));) {
		if (n == 5 || strcmp(nftnl_expr_get_str(x, NFTNL_EXPR_NAME),
				     want[n]) != 0) {
			n = 6;
			break;
		}
		e[n++] = x;
	}
	nftnl_expr_iter_destroy(it);
	if (n != 5)
		return -1;
	set = nftnl_expr_get_str(e[3], NFTNL_EXPR_LOOKUP_SET);
	for (s = 0; s < SW_NFT_NSETS; s++)
		if (set && strcmp(set, sw_nft_set_name(s)) == 0)
			break;
	if (s == SW_NFT_NSETS)
		return -1;
	proto = nftnl_expr_get(e[1], NFTNL_EXPR_CMP_DATA, &len);
	if (nftnl_expr_get_u32(e[0], NFTNL_EXPR_META_KEY) != NFT_META_NFPROTO ||
	    nftnl_expr_get_u32(e[1], NFTNL_EXPR_CMP_SREG) !=
		    nftnl_expr_get_u32(e[0], NFTNL_EXPR_META_DREG) ||
	    nftnl_expr_get_u32(e[1], NFTNL_EXPR_CMP_OP) != NFT_CMP_EQ ||
	    !proto || len != 1 ||
	    *proto != (sw_nft_set_family(s) == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6))
		return -1;
	if (nftnl_expr_get_u32(e[2], NFTNL_EXPR_PAYLOAD_BASE) !=
		    NFT_PAYLOAD_NETWORK_HEADER ||
	    nftnl_expr_get_u32(e[2], NFTNL_EXPR_PAYLOAD_OFFSET) !=
		    (sw_nft_set_family(s) == 4 ? 12u : 8u) ||
	    nftnl_expr_get_u32(e[2], NFTNL_EXPR_PAYLOAD_LEN) !=
		    (sw_nft_set_family(s) == 4 ? 4u : 16u) ||
	    nftnl_expr_get_u32(e[3], NFTNL_EXPR_LOOKUP_SREG) !=
		    nftnl_expr_get_u32(e[2], NFTNL_EXPR_PAYLOAD_DREG))
		return -1;
	/* `saddr != @set`, or a map lookup, drops nothing we listed */
	if ((nftnl_expr_is_set(e[3], NFTNL_EXPR_LOOKUP_FLAGS) &&
	     nftnl_expr_get_u32(e[3], NFTNL_EXPR_LOOKUP_FLAGS) != 0) ||
	    nftnl_expr_is_set(e[3], NFTNL_EXPR_LOOKUP_DREG))
		return -1;
	if (nftnl_expr_get_u32(e[4], NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT ||
	    nftnl_expr_get_u32(e[4], NFTNL_EXPR_IMM_VERDICT) != NF_DROP)
		return -1;
	return (int)s;
}

static int sw_nft_check_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_nft_state *st = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	int s;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0) {
		st->nrules++;
		s = sw_nft_check_rule_set(r);
		if (s >= 0)
			st->rules_ok |= 1u << s;
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

struct sw_nft_check_setctx {
	struct sw_nft_state *st;
	enum sw_nft_set s;
};

static int sw_nft_check_set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_nft_check_setctx *c = data;
	struct nftnl_set *set = nftnl_set_alloc();
	/* the flags that change what a lookup matches or what an add does */
	const uint32_t mask = NFT_SET_ANONYMOUS | NFT_SET_CONSTANT |
			      NFT_SET_INTERVAL | NFT_SET_MAP | NFT_SET_TIMEOUT |
			      NFT_SET_OBJECT | NFT_SET_CONCAT;
	bool v4 = sw_nft_set_family(c->s) == 4;
	const char *why = NULL;

	if (!set)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, set) == 0) {
		uint32_t flags = nftnl_set_get_u32(set, NFTNL_SET_FLAGS);

		c->st->set[c->s] = true;
		if (nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE) !=
			    (v4 ? SW_NFT_TYPE_IPADDR : SW_NFT_TYPE_IP6ADDR) ||
		    nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN) != (v4 ? 4u : 16u))
			why = v4 ? "type other than ipv4_addr"
				 : "type other than ipv6_addr";
		else if ((flags & mask) != sw_nft_set_flags(c->s))
			why = !(flags & NFT_SET_TIMEOUT) ? "no timeout flag"
							  : "flags other than ours";
		c->st->set_ok[c->s] = !why;
		snprintf(c->st->set_why[c->s], sizeof(c->st->set_why[0]), "%s",
			 why ? why : "");
	}
	nftnl_set_free(set);
	return MNL_CB_OK;
}

static int sw_nft_check_count_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *el;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(el, a)
			(*(unsigned long *)data)++;
	}
	return MNL_CB_OK;
}

/* One get (or dump) request about our table: ENOENT is an answer. */
static int sw_nft_check_ask(struct sw_nft *n, struct nlmsghdr *nlh, mnl_cb_t cb,
			    void *data, const char *what, char **cause)
{
	if (sw_nl_talk(n->nl, nlh, cb, data) == 0 || errno == ENOENT)
		return 0;
	sw_cause_set(cause, "nftables: reading %s of table inet %s: %s", what,
		     SW_BLOCK_TABLE, strerror(errno));
	return -1;
}

static int sw_nft_check_sets(struct sw_nft *n, struct sw_nft_state *st,
			     char **cause)
{
	unsigned s;

	for (s = 0; s < SW_NFT_NSETS; s++) {
		struct sw_nft_check_setctx c = {.st = st, .s = s};
		struct nftnl_set *set = sw_nft_set_named(s);
		struct nlmsghdr *nlh;

		if (!set)
			goto nomem;
		nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETSET, NFPROTO_INET,
					    NLM_F_ACK, 0);
		nftnl_set_nlmsg_build_payload(nlh, set);
		if (sw_nft_check_ask(n, nlh, sw_nft_check_set_cb, &c, "a set",
				     cause) < 0) {
			nftnl_set_free(set);
			return -1;
		}
		if (st->set[s] && !st->set_ok[s]) {
			nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETSETELEM,
						    NFPROTO_INET,
						    NLM_F_DUMP | NLM_F_ACK, 0);
			nftnl_set_elems_nlmsg_build_payload(nlh, set);
			if (sw_nft_check_ask(n, nlh, sw_nft_check_count_cb,
					     &st->elems[s], "a set", cause) < 0) {
				nftnl_set_free(set);
				return -1;
			}
		}
		nftnl_set_free(set);
	}
	return 0;
nomem:
	sw_cause_set(cause, "nftables: out of memory");
	errno = ENOMEM;
	return -1;
}

static int sw_nft_check_read(struct sw_nft *n, struct sw_nft_state *st,
			     char **cause)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (!t || !c || !r) {
		sw_cause_set(cause, "nftables: out of memory");
		errno = ENOMEM;
		goto out;
	}
	nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK,
				    0);
	if (sw_nft_check_ask(n, nlh, sw_nft_check_gen_cb, &st->genid,
			     "the generation", cause) < 0)
		goto out;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, SW_BLOCK_TABLE);
	nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETTABLE, NFPROTO_INET,
				    NLM_F_ACK, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	if (sw_nft_check_ask(n, nlh, sw_nft_check_table_cb, st, "the table",
			     cause) < 0)
		goto out;
	if (!st->table) {
		ret = 0;
		goto out;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, SW_BLOCK_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, SW_NFT_CHAIN);
	nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETCHAIN, NFPROTO_INET,
				    NLM_F_ACK, 0);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	if (sw_nft_check_ask(n, nlh, sw_nft_check_chain_cb, st, "the chain",
			     cause) < 0)
		goto out;
	if (st->chain) {
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, SW_BLOCK_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, SW_NFT_CHAIN);
		nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETRULE, NFPROTO_INET,
					    NLM_F_DUMP | NLM_F_ACK, 0);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		if (sw_nft_check_ask(n, nlh, sw_nft_check_rule_cb, st, "the rules",
				     cause) < 0)
			goto out;
	}
	ret = sw_nft_check_sets(n, st, cause);
out:
	if (t)
		nftnl_table_free(t);
	if (c)
		nftnl_chain_free(c);
	if (r)
		nftnl_rule_free(r);
	return ret;
}

int sw_nft_state_read(struct sw_nft *n, struct sw_nft_state *st, char **cause)
{
	unsigned tries;

	/* a dump that a commit interrupted (EINTR): read it all again */
	for (tries = 1;; tries++) {
		if (sw_nft_check_read(n, st, cause) == 0)
			return 0;
		if (errno != EINTR || tries == SW_NFT_READ_TRIES)
			return -1;
		sw_cause_clear(cause);
	}
}

bool sw_nft_state_ok(const struct sw_nft_state *st)
{
	unsigned s;

	if (!st->table || st->dormant || !st->chain || !st->chain_ok ||
	    st->rules_ok != SW_NFT_ALL || st->nrules != SW_NFT_NSETS)
		return false;
	for (s = 0; s < SW_NFT_NSETS; s++)
		if (!st->set[s] || !st->set_ok[s])
			return false;
	return true;
}
