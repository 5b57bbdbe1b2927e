/* nft_elem.c - our sets and their elements as netlink messages: an
 * element's key (an address, a prefix or a range, with the explicit
 * interval end), its timeout, time left, comment and counter. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "nft_priv.h"
#include "sw_nft.h"

struct nftnl_set *sw_nft_set_named(enum sw_nft_set s)
{
	struct nftnl_set *set = nftnl_set_alloc();

	if (!set)
		return NULL;
	nftnl_set_set_str(set, NFTNL_SET_TABLE, SW_BLOCK_TABLE);
	nftnl_set_set_str(set, NFTNL_SET_NAME, sw_nft_set_name(s));
	return set;
}

struct nftnl_set *sw_nft_set_alloc(enum sw_nft_set s)
{
	struct nftnl_set *set = sw_nft_set_named(s);

	if (!set)
		return NULL;
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(set, NFTNL_SET_ID, (uint32_t)s + 1);
	return set;
}

void sw_nft_key_prefix(struct sw_nft_key *k, const struct sw_prefix *t)
{
	memset(k, 0, sizeof(*k));
	k->set = sw_nft_set_for(t);
	memcpy(k->start, t->bytes, 16);
	k->has_end = sw_nft_set_is_interval(k->set) && sw_nft_prefix_end(t, k->end);
}

bool sw_nft_key_range(struct sw_nft_key *k, unsigned family,
		      const uint8_t first[16], const uint8_t last[16])
{
	unsigned nbytes = family == 4 ? 4 : 16;
	int i;

	if (memcmp(first, last, nbytes) > 0)
		return false;
	memset(k, 0, sizeof(*k));
	k->set = family == 4 ? SW_NFT_NET4 : SW_NFT_NET6;
	memcpy(k->start, first, nbytes);
	memcpy(k->end, last, nbytes);
	/* the end element is the first address after the range */
	for (i = (int)nbytes - 1; i >= 0; i--)
		if (++k->end[i] != 0)
			break;
	k->has_end = i >= 0;
	return true;
}

/* e's comment, counter and timeouts on el. 0, or -1 (ENOMEM). */
static int sw_nft_elem_data(struct nftnl_set_elem *el,
			    const struct sw_nft_elem *e)
{
	if (e->timeout_ms)
		nftnl_set_elem_set_u64(el, NFTNL_SET_ELEM_TIMEOUT, e->timeout_ms);
	/* always explicit: the kernel would keep an old expiry otherwise */
	if (e->timeout_ms)
		nftnl_set_elem_set_u64(el, NFTNL_SET_ELEM_EXPIRATION,
				       e->expires_ms && e->expires_ms < e->timeout_ms
					       ? e->expires_ms
					       : e->timeout_ms);
	if (e->comment && *e->comment) {
		struct nftnl_udata_buf *ud =
			nftnl_udata_buf_alloc(SW_BLOCK_COMMENT_LEN + 8);

		if (!ud)
			return -1;
		nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, e->comment);
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_USERDATA,
				   nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	if (e->counter) {
		/* a replaced element keeps what it dropped so far */
		struct nftnl_expr *c = nftnl_expr_alloc("counter");

		if (!c)
			return -1;
		nftnl_expr_set_u64(c, NFTNL_EXPR_CTR_PACKETS, e->packets);
		nftnl_expr_set_u64(c, NFTNL_EXPR_CTR_BYTES, e->bytes);
		nftnl_set_elem_add_expr(el, c);
	}
	return 0;
}

int sw_nft_elem_msg(struct sw_nft *n, struct sw_nft_batch *bt,
		    const struct sw_nft_key *key, uint16_t type, uint16_t flags,
		    const struct sw_nft_elem *e, const char *what)
{
	unsigned klen = sw_nft_set_family(key->set) == 4 ? 4 : 16;
	struct nftnl_set *set = sw_nft_set_alloc(key->set);
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();
	struct nlmsghdr *nlh;

	if (!set || !el)
		goto nomem;
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key->start, klen);
	if (e && sw_nft_elem_data(el, e) < 0)
		goto nomem;
	nftnl_set_elem_add(set, el);
	el = NULL;
	if (key->has_end) {
		/* the end must be explicit: a lone start has been seen to
		 * block everything above it */
		el = nftnl_set_elem_alloc();
		if (!el)
			goto nomem;
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key->end, klen);
		nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_FLAGS,
				       NFT_SET_ELEM_INTERVAL_END);
		nftnl_set_elem_add(set, el);
		el = NULL;
	}
	nlh = sw_nft_batch_msg(n, bt, type, flags, what);
	nftnl_set_elems_nlmsg_build_payload(nlh, set);
	sw_nft_batch_done(bt);
	nftnl_set_free(set);
	return 0;
nomem:
	if (el)
		nftnl_set_elem_free(el);
	if (set)
		nftnl_set_free(set);
	errno = ENOMEM;
	return -1;
}
