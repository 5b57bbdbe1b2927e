/* agg_sort.c - the remotes in their order (count descending, then
 * TIME_WAIT descending, then family and address) by an LSD radix sort on
 * 16-bit digits: a refresh with tens of thousands of remotes spent a
 * third of its instructions in qsort and its comparator. Digits that are
 * the same in every key (the high bits of the counts, the zero bytes of
 * IPv4 addresses) get no pass at all. */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "sw_agg.h"
#include "sw_grow.h"

/* Below this many rows qsort is cheaper than 65,536-bucket passes. */
#define SW_AGG_RADIX_MIN 512
#define SW_AGG_RADIX_BUCKETS 65536

/* Ascending order of (k[0], k[1], k[2], k[3]) is the remotes' order. */
struct sw_agg_skey {
	uint64_t k[4];
};

struct sw_agg_sortbuf {
	struct sw_agg_skey *keys;
	uint32_t *idx, *tmp, *hist;
	uint32_t cap;
};

int sw_agg_remote_cmp(const void *x, const void *y)
{
	const struct sw_remote *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->tw != b->tw)
		return a->tw > b->tw ? -1 : 1;
	if (a->pfx.family != b->pfx.family)
		return a->pfx.family < b->pfx.family ? -1 : 1;
	return memcmp(a->pfx.bytes, b->pfx.bytes, 16);
}

static uint64_t sw_agg_be64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, sizeof(v));
	return be64toh(v);
}

static void sw_agg_skey_make(struct sw_agg_skey *k, const struct sw_remote *r)
{
	k->k[0] = (uint64_t)(UINT32_MAX - r->count) << 32 | (UINT32_MAX - r->tw);
	k->k[1] = r->pfx.family;
	k->k[2] = sw_agg_be64(r->pfx.bytes);
	k->k[3] = sw_agg_be64(r->pfx.bytes + 8);
}

static int sw_agg_sortbuf_fit(struct sw_agg_sortbuf *b, uint32_t n)
{
	uint32_t cap = b->cap, c2 = b->cap, c3 = b->cap;

	if (!b->hist && !(b->hist = malloc(SW_AGG_RADIX_BUCKETS * sizeof(*b->hist))))
		return -1;
	if (n <= b->cap)
		return 0;
	if (sw_grow32((void **)&b->keys, &cap, n, sizeof(*b->keys), 1024) < 0 ||
	    sw_grow32((void **)&b->idx, &c2, n, sizeof(*b->idx), 1024) < 0 ||
	    sw_grow32((void **)&b->tmp, &c3, n, sizeof(*b->tmp), 1024) < 0)
		return -1;
	b->cap = n;
	return 0;
}

/* One stable counting pass on the 16-bit digit at shift of word w:
 * idx -> tmp. */
static void sw_agg_radix_pass(struct sw_agg_sortbuf *b, uint32_t n, unsigned w,
			      unsigned shift)
{
	uint32_t *h = b->hist, sum = 0;

	memset(h, 0, SW_AGG_RADIX_BUCKETS * sizeof(*h));
	for (uint32_t i = 0; i < n; i++)
		h[(b->keys[b->idx[i]].k[w] >> shift) & 0xffff]++;
	for (unsigned d = 0; d < SW_AGG_RADIX_BUCKETS; d++) {
		uint32_t c = h[d];

		h[d] = sum;
		sum += c;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = b->idx[i];

		b->tmp[h[(b->keys[j].k[w] >> shift) & 0xffff]++] = j;
	}
}

/* Put rows r[0..n) in the order idx gives (r'[i] = r[idx[i]]), in place,
 * following each cycle once. idx is consumed. */
static void sw_agg_permute(struct sw_remote *r, uint32_t *idx, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sw_remote hold;
		uint32_t j = i;

		if (idx[i] == i)
			continue;
		hold = r[i];
		while (idx[j] != i) {
			uint32_t k = idx[j];

			r[j] = r[k];
			idx[j] = j;
			j = k;
		}
		r[j] = hold;
		idx[j] = j;
	}
}

void sw_agg_sort_remotes(struct sw_agg *a)
{
	struct sw_agg_sortbuf *b = a->sortbuf;
	uint32_t n = a->nremotes;
	uint64_t vary[4] = { 0, 0, 0, 0 };

	if (n < SW_AGG_RADIX_MIN ||
	    (!b && !(b = a->sortbuf = calloc(1, sizeof(*b)))) ||
	    sw_agg_sortbuf_fit(b, n) < 0) {
		/* small, or no memory for the radix buffers: qsort needs none */
		if (n > 1)
			qsort(a->remotes, n, sizeof(*a->remotes), sw_agg_remote_cmp);
		return;
	}
	/* which bits differ anywhere: a digit that is the same in every key
	 * needs no pass */
	sw_agg_skey_make(&b->keys[0], &a->remotes[0]);
	for (uint32_t i = 0; i < n; i++) {
		sw_agg_skey_make(&b->keys[i], &a->remotes[i]);
		for (unsigned w = 0; w < 4; w++)
			vary[w] |= b->keys[i].k[w] ^ b->keys[0].k[w];
		b->idx[i] = i;
	}
	/* least significant first: word 3 ... word 0 */
	for (int w = 3; w >= 0; w--)
		for (unsigned shift = 0; shift < 64; shift += 16) {
			uint32_t *t = b->idx;

			if (!((vary[w] >> shift) & 0xffff))
				continue;
			sw_agg_radix_pass(b, n, (unsigned)w, shift);
			b->idx = b->tmp;
			b->tmp = t;
		}
	sw_agg_permute(a->remotes, b->idx, n);
}

void sw_agg_sortbuf_free(struct sw_agg *a)
{
	struct sw_agg_sortbuf *b = a->sortbuf;

	if (!b)
		return;
	free(b->keys);
	free(b->idx);
	free(b->tmp);
	free(b->hist);
	free(b);
	a->sortbuf = NULL;
}
