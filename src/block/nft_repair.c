/* nft_repair.c - the messages that make table inet sockwatch what
 * nft.c's sw_nft_add_everything builds, from what nft_check.c read:
 * flush and rebuild the drop rules, recreate a chain hooked elsewhere or
 * a set of the wrong kind (when empty), add what is missing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "nft_priv.h"
#include "sw_nft.h"

/* Append to note (a "; "-separated list). */
void sw_nft_note(char *note, size_t notelen, const char *fmt,
			const char *arg)
{
	size_t o = strlen(note);

	if (o + 3 >= notelen)
		return;
	if (o)
		o += (size_t)snprintf(note + o, notelen - o, "; ");
	snprintf(note + o, notelen - o, fmt, arg);
}

static int sw_nft_flush_chain(struct sw_nft *n, struct sw_nft_batch *bt)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	if (!r)
		return -1;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, SW_BLOCK_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, SW_NFT_CHAIN);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	/* DELRULE without a handle flushes the chain */
	nlh = sw_nft_batch_msg(n, bt, NFT_MSG_DELRULE, 0, "flush chain");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	sw_nft_batch_done(bt);
	nftnl_rule_free(r);
	return 0;
}

static int sw_nft_del_chain(struct sw_nft *n, struct sw_nft_batch *bt)
{
	struct nftnl_chain *c = sw_nft_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -1;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nlh = sw_nft_batch_msg(n, bt, NFT_MSG_DELCHAIN, 0, "delete chain");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	sw_nft_batch_done(bt);
	nftnl_chain_free(c);
	return 0;
}

static int sw_nft_del_set(struct sw_nft *n, struct sw_nft_batch *bt,
			  enum sw_nft_set s)
{
	struct nftnl_set *set = sw_nft_set_alloc(s);
	struct nlmsghdr *nlh;
	char what[64];

	if (!set)
		return -1;
	nftnl_set_unset(set, NFTNL_SET_ID);
	snprintf(what, sizeof(what), "delete set %s", sw_nft_set_name(s));
	nlh = sw_nft_batch_msg(n, bt, NFT_MSG_DELSET, 0, what);
	nftnl_set_nlmsg_build_payload(nlh, set);
	sw_nft_batch_done(bt);
	nftnl_set_free(set);
	return 0;
}

/* The messages that make the table what sw_nft_add_everything builds,
 * from st: note gets what was wrong ("" when nothing was, and on first
 * use). A set of the wrong kind is recreated when empty; one holding
 * elements is not touched: -1 with errno EUCLEAN and *cause. */
int sw_nft_repair(struct sw_nft *n, struct sw_nft_batch *bt,
			 const struct sw_nft_state *st, char *note,
			 size_t notelen, char **cause)
{
	unsigned s, redo = 0;
	bool rules;

	if (!st->table)
		return sw_nft_add_everything(n, bt);
	for (s = 0; s < SW_NFT_NSETS; s++) {
		if (!st->set[s] || st->set_ok[s])
			continue;
		if (st->elems[s]) {
			sw_cause_set(cause, "nftables: set %s of table inet %s was "
				     "changed (%s) and holds %lu element%s: not "
				     "touching it; fix it, or 'sockwatch --cleanup' "
				     "(drops every block)", sw_nft_set_name(s),
				     SW_BLOCK_TABLE, st->set_why[s], st->elems[s],
				     st->elems[s] == 1 ? "" : "s");
			errno = EUCLEAN;
			return -1;
		}
		redo |= 1u << s;
	}
	rules = redo || !st->chain || !st->chain_ok ||
		st->rules_ok != SW_NFT_ALL || st->nrules != SW_NFT_NSETS;
	if (st->chain && rules && sw_nft_flush_chain(n, bt) < 0)
		return -1;
	if (!st->chain)
		sw_nft_note(note, notelen, "%s", "the chain was missing");
	else if (!st->chain_ok)
		sw_nft_note(note, notelen, "the chain was changed (%s)",
			    st->chain_why);
	if (st->chain && !st->chain_ok && sw_nft_del_chain(n, bt) < 0)
		return -1;
	for (s = 0; s < SW_NFT_NSETS; s++) {
		if (redo & (1u << s)) {
			char what[96];

			snprintf(what, sizeof(what), "set %s was changed (%s)",
				 sw_nft_set_name(s), st->set_why[s]);
			sw_nft_note(note, notelen, "%s", what);
			if (sw_nft_del_set(n, bt, s) < 0)
				return -1;
		} else if (!st->set[s]) {
			sw_nft_note(note, notelen, "set %s was missing",
				    sw_nft_set_name(s));
		}
		if ((!st->set[s] || (redo & (1u << s))) && sw_nft_add_set(n, bt, s) < 0)
			return -1;
	}
	if ((!st->chain || !st->chain_ok) && sw_nft_add_chain(n, bt) < 0)
		return -1;
	if (st->chain && st->chain_ok && rules && !redo)
		sw_nft_note(note, notelen, "%s", "the drop rules were changed");
	for (s = 0; rules && s < SW_NFT_NSETS; s++)
		if (sw_nft_add_rule(n, bt, s) < 0)
			return -1;
	return 0;
}
