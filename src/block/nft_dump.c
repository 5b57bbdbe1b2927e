/* nft_dump.c - reads the four sets of `inet sockwatch` back from the
 * kernel: keys, timeouts, time left, per-element counters, comments.
 * Parsed straight from the netlink attributes (no allocation per element):
 * the kernel's set is the truth for "what is blocked now". */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nft_priv.h"
#include "sw_grow.h"
#include "sw_nft.h"

/* A set dump that a commit cut short is read again, this many times in
 * all. */
#define SW_NFT_DUMP_TRIES 8

/* One raw element of an interval set, before start and end are paired. */
struct sw_nft_raw {
	uint8_t key[16];
	bool end;
	struct sw_block_entry e;
};

struct sw_nft_dumpctx {
	enum sw_nft_set set;
	unsigned klen;
	/* address sets go straight to the entries ... */
	struct sw_block_entry **v;
	size_t *count, *cap;
	/* ... interval sets are paired afterwards */
	struct sw_nft_raw *raw;
	size_t nraw, capraw;
	int nomem;
};

static void sw_nft_counter(const struct nlattr *expr, struct sw_block_entry *e)
{
	const struct nlattr *a, *name = NULL, *data = NULL;

	mnl_attr_for_each_nested(a, expr) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME)
			name = a;
		else if (mnl_attr_get_type(a) == NFTA_EXPR_DATA)
			data = a;
	}
	if (!name || !data || strcmp(mnl_attr_get_str(name), "counter") != 0)
		return;
	mnl_attr_for_each_nested(a, data) {
		if (mnl_attr_get_payload_len(a) != 8)
			continue;
		e->counted = true;
		if (mnl_attr_get_type(a) == NFTA_COUNTER_PACKETS)
			e->packets = be64toh(mnl_attr_get_u64(a));
		else if (mnl_attr_get_type(a) == NFTA_COUNTER_BYTES)
			e->bytes = be64toh(mnl_attr_get_u64(a));
	}
}

static void sw_nft_comment(const struct nlattr *ud, struct sw_block_entry *e)
{
	const char *p = mnl_attr_get_payload(ud);
	uint32_t len = mnl_attr_get_payload_len(ud), off = 0;

	/* TLVs of one byte type, one byte length (nftnl_udata) */
	while (off + 2 <= len) {
		uint8_t type = (uint8_t)p[off], l = (uint8_t)p[off + 1];

		if (off + 2 + l > len)
			break;
		if (type == NFTNL_UDATA_SET_ELEM_COMMENT && l > 0) {
			size_t n = l < SW_BLOCK_COMMENT_LEN ? l : SW_BLOCK_COMMENT_LEN - 1;

			memcpy(e->comment, p + off + 2, n);
			e->comment[n] = '\0';
			e->comment[SW_BLOCK_COMMENT_LEN - 1] = '\0';
			return;
		}
		off += 2u + l;
	}
}

/* Parse one NFTA_LIST_ELEM. Returns 0, or -1 when it has no usable key. */
static int sw_nft_elem(const struct nlattr *nest, unsigned klen,
		       struct sw_nft_raw *out)
{
	const struct nlattr *a, *b;
	int have_key = 0;

	memset(out, 0, sizeof(*out));

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_SET_ELEM_KEY:
			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) == NFTA_DATA_VALUE &&
				    mnl_attr_get_payload_len(b) == klen) {
					memcpy(out->key, mnl_attr_get_payload(b), klen);
					have_key = 1;
				}
			}
			break;
		case NFTA_SET_ELEM_FLAGS:
			if (mnl_attr_get_payload_len(a) == 4 &&
			    (ntohl(mnl_attr_get_u32(a)) & NFT_SET_ELEM_INTERVAL_END))
				out->end = true;
			break;
		case NFTA_SET_ELEM_TIMEOUT:
			if (mnl_attr_get_payload_len(a) == 8)
				out->e.timeout_s = be64toh(mnl_attr_get_u64(a)) / 1000.0;
			break;
		case NFTA_SET_ELEM_EXPIRATION:
			if (mnl_attr_get_payload_len(a) == 8)
				out->e.expires_s = be64toh(mnl_attr_get_u64(a)) / 1000.0;
			break;
		case NFTA_SET_ELEM_USERDATA:
			sw_nft_comment(a, &out->e);
			break;
		case NFTA_SET_ELEM_EXPR:
			sw_nft_counter(a, &out->e);
			break;
		case NFTA_SET_ELEM_EXPRESSIONS:
			mnl_attr_for_each_nested(b, a)
				sw_nft_counter(b, &out->e);
			break;
		default:
			break;
		}
	}
	return have_key ? 0 : -1;
}

static int sw_nft_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_nft_dumpctx *c = data;
	const struct nlattr *a, *elems = NULL, *el;
	unsigned family = sw_nft_set_family(c->set);

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_ELEMENTS)
			elems = a;
	}
	if (!elems)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(el, elems) {
		struct sw_nft_raw raw;

		if (mnl_attr_get_type(el) != NFTA_LIST_ELEM ||
		    sw_nft_elem(el, c->klen, &raw) < 0)
			continue;
		if (sw_nft_set_is_interval(c->set)) {
			if (sw_grow((void **)&c->raw, &c->capraw, c->nraw + 1,
					sizeof(*c->raw), 64) < 0) {
				c->nomem = 1;
				return MNL_CB_ERROR;
			}
			c->raw[c->nraw++] = raw;
			continue;
		}
		if (sw_grow((void **)c->v, c->cap, *c->count + 1,
				sizeof(**c->v), 64) < 0) {
			c->nomem = 1;
			return MNL_CB_ERROR;
		}
		sw_prefix_make(&raw.e.target, family, raw.key, sw_family_bits(family));
		(*c->v)[(*c->count)++] = raw.e;
	}
	return MNL_CB_OK;
}

static int sw_nft_raw_cmp(const void *pa, const void *pb)
{
	const struct sw_nft_raw *a = pa, *b = pb;
	int d = memcmp(a->key, b->key, 16);

	if (d)
		return d;
	/* at the same key an end closes the previous interval first */
	return (int)b->end - (int)a->end;
}

/* The widest CIDR block that starts at start and ends at or before end
 * (the top of the space when end is NULL); *exact when it ends right at
 * end: our own elements are exact prefixes, a range added by hand need
 * not be. */
static unsigned sw_nft_range_plen(const uint8_t start[16],
				  const uint8_t *end, unsigned bits, bool *exact)
{
	unsigned plen;

	for (plen = 0; plen < bits; plen++) {
		struct sw_prefix p;
		uint8_t e[16];
		bool fits, top;

		sw_prefix_make(&p, bits == 32 ? 4 : 6, start, plen);
		if (memcmp(p.bytes, start, 16) != 0)
			continue; /* start is not aligned for this length */
		top = !sw_nft_prefix_end(&p, e);
		fits = top ? !end : !end || memcmp(e, end, bits / 8) <= 0;
		if (fits) {
			*exact = top ? !end : end && memcmp(e, end, bits / 8) == 0;
			return plen;
		}
	}
	*exact = false; /* one address in an interval set: listed as a range */
	return bits;
}

/* Pair every start with the next end element. */
static int sw_nft_pair(struct sw_nft_dumpctx *c)
{
	unsigned family = sw_nft_set_family(c->set), bits = sw_family_bits(family);
	size_t i;

	if (c->nraw)
		qsort(c->raw, c->nraw, sizeof(*c->raw), sw_nft_raw_cmp);
	for (i = 0; i < c->nraw; i++) {
		struct sw_nft_raw *r = &c->raw[i];
		const uint8_t *end = NULL;
		struct sw_block_entry e;
		bool exact;
		int k;

		if (r->end)
			continue;
		if (i + 1 < c->nraw && c->raw[i + 1].end)
			end = c->raw[i + 1].key;
		e = r->e;
		sw_prefix_make(&e.target, family, r->key,
			       sw_nft_range_plen(r->key, end, bits, &exact));
		if (!exact) {
			/* the last address: one before the end element */
			e.range = true;
			memset(e.last, 0xff, bits / 8);
			if (end) {
				memcpy(e.last, end, bits / 8);
				for (k = (int)bits / 8 - 1; k >= 0; k--)
					if (e.last[k]-- != 0)
						break;
			}
		}
		if (sw_grow((void **)c->v, c->cap, *c->count + 1,
				sizeof(**c->v), 64) < 0)
			return -1;
		(*c->v)[(*c->count)++] = e;
	}
	return 0;
}

/* Read the sets in set_mask into *v, or just target's element. */
static int sw_nft_read(struct sw_nft *n, unsigned set_mask,
		       const struct sw_prefix *target, struct sw_block_entry **v,
		       size_t *count, size_t *cap, char **cause)
{
	unsigned s;

	*count = 0;
	for (s = 0; s < SW_NFT_NSETS; s++) {
		size_t before = *count;
		unsigned tries = 0;
again:;
		struct sw_nft_dumpctx c = {
			.set = s,
			.klen = sw_nft_set_family(s) == 4 ? 4 : 16,
			.v = v, .count = count, .cap = cap,
		};
		struct nftnl_set *set;
		struct nlmsghdr *nlh;
		int r;

		if (!(set_mask & (1u << s)))
			continue;
		set = sw_nft_set_named(s);
		if (!set)
			goto nomem;
		if (target) {
			/* one get of exactly this element */
			struct nftnl_set_elem *el = nftnl_set_elem_alloc();

			if (!el) {
				nftnl_set_free(set);
				goto nomem;
			}
			nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, target->bytes,
					   c.klen);
			nftnl_set_elem_add(set, el);
		}
		nlh = nftnl_nlmsg_build_hdr(n->wbuf, NFT_MSG_GETSETELEM, NFPROTO_INET,
					    (target ? 0 : NLM_F_DUMP) | NLM_F_ACK,
					    0);
		nftnl_set_elems_nlmsg_build_payload(nlh, set);
		nftnl_set_free(set);
		r = sw_nl_talk(n->nl, nlh, sw_nft_dump_cb, &c);
		if (r < 0 && errno == EINTR && !c.nomem && ++tries < SW_NFT_DUMP_TRIES) {
			/* a commit cut the dump short: read this set again */
			free(c.raw);
			*count = before;
			goto again;
		}
		if (r < 0 && c.nomem) {
			free(c.raw);
			goto nomem;
		}
		/* a get whose key does not fit the set (changed by hand) */
		if (r < 0 && (errno == ENOENT || (target && errno == EINVAL))) {
			free(c.raw); /* no table or no such set: nothing blocked */
			continue;
		}
		if (r < 0) {
			sw_cause_set(cause, "nftables: listing set %s: %s",
				     sw_nft_set_name(s), strerror(errno));
			free(c.raw);
			return -1;
		}
		if (sw_nft_set_is_interval(s) && sw_nft_pair(&c) < 0) {
			free(c.raw);
			goto nomem;
		}
		free(c.raw);
	}
	return 0;
nomem:
	sw_cause_set(cause, "nftables: out of memory listing the blocks");
	errno = ENOMEM;
	return -1;
}

int sw_nft_dump(struct sw_nft *n, unsigned set_mask, struct sw_block_entry **v,
		size_t *count, size_t *cap, char **cause)
{
	return sw_nft_read(n, set_mask, NULL, v, count, cap, cause);
}

int sw_nft_get(struct sw_nft *n, const struct sw_prefix *t,
	       struct sw_block_entry *out, char **cause)
{
	enum sw_nft_set s = sw_nft_set_for(t);
	bool interval = sw_nft_set_is_interval(s);
	struct sw_block_entry *v = NULL;
	size_t count = 0, cap = 0, i;
	int found = 0;

	/* a prefix is a pair of elements: read its (small) set whole */
	if (sw_nft_read(n, 1u << s, interval ? NULL : t, &v, &count, &cap,
			cause) < 0) {
		free(v);
		return -1;
	}
	for (i = 0; i < count && !found; i++) {
		if (!v[i].range && sw_prefix_eq(&v[i].target, t)) {
			*out = v[i];
			found = 1;
		}
	}
	free(v);
	return found;
}
