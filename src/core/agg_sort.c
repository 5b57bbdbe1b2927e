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
 * src[0..n) -> dst. */
static void sw_agg_radix_pass(struct sw_agg_sortbuf *b, const uint32_t *src,
			      uint32_t *dst, uint32_t n, unsigned w, unsigned shift)
{
	uint32_t *h = b->hist, sum = 0;

	memset(h, 0, SW_AGG_RADIX_BUCKETS * sizeof(*h));
	for (uint32_t i = 0; i < n; i++)
		h[(b->keys[src[i]].k[w] >> shift) & 0xffff]++;
	for (unsigned d = 0; d < SW_AGG_RADIX_BUCKETS; d++) {
		uint32_t c = h[d];

		h[d] = sum;
		sum += c;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = src[i];

		dst[h[(b->keys[j].k[w] >> shift) & 0xffff]++] = j;
	}
}

/* Sort idx[off .. off+n) stably by words whi down to wlo of the keys
 * (least significant first), with passes only on digits that differ
 * somewhere in the range; the result is left in idx. */
static void sw_agg_radix_range(struct sw_agg_sortbuf *b, uint32_t off,
			       uint32_t n, int wlo, int whi)
{
	uint32_t *src = b->idx + off, *dst = b->tmp + off, *t;
	uint64_t vary[4] = { 0, 0, 0, 0 };

	if (n < 2)
		return;
	for (uint32_t i = 0; i < n; i++)
		for (int w = wlo; w <= whi; w++)
			vary[w] |= b->keys[src[i]].k[w] ^ b->keys[src[0]].k[w];
	for (int w = whi; w >= wlo; w--)
		for (unsigned shift = 0; shift < 64; shift += 16) {
			if (!((vary[w] >> shift) & 0xffff))
				continue;
			sw_agg_radix_pass(b, src, dst, n, (unsigned)w, shift);
			t = src;
			src = dst;
			dst = t;
		}
	if (src != b->idx + off)
		memcpy(b->idx + off, src, (size_t)n * sizeof(*src));
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
	uint32_t n = a->nremotes, nlo = 0, nhi;

	if (n < SW_AGG_RADIX_MIN ||
	    (!b && !(b = a->sortbuf = calloc(1, sizeof(*b)))) ||
	    sw_agg_sortbuf_fit(b, n) < 0) {
		/* small, or no memory for the radix buffers: qsort needs none */
		if (n > 1)
			qsort(a->remotes, n, sizeof(*a->remotes), sw_agg_remote_cmp);
		return;
	}
	/* The rows of families up to IPv4 first, the rest after (every
	 * family of the first part sorts before every one of the second):
	 * each part is sorted by family and address on its own, the IPv4
	 * part on the 32 bits its addresses have, not on 128; then all by
	 * count and TIME_WAIT. Stable passes, so the ties keep the order
	 * of the words sorted before. */
	for (uint32_t i = 0; i < n; i++) {
		sw_agg_skey_make(&b->keys[i], &a->remotes[i]);
		nlo += a->remotes[i].pfx.family <= SW_V4;
	}
	nhi = nlo;
	for (uint32_t i = 0, lo = 0; i < n; i++) {
		if (a->remotes[i].pfx.family <= SW_V4)
			b->idx[lo++] = i;
		else
			b->idx[nhi++] = i;
	}
	sw_agg_radix_range(b, 0, nlo, 1, 3);
	sw_agg_radix_range(b, nlo, n - nlo, 1, 3);
	sw_agg_radix_range(b, 0, n, 0, 0);
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
