/* snapshot.c - flat array of sockets plus an open-addressing hash on
 * (proto, cookie). Storage is kept across resets, so a warm refresh
 * allocates nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_snapshot.h"

/* 32 hash bits: the low ones pick the slot, the rest are kept in the
 * slot above the index as a tag, so a probe that meets another socket's
 * slot rarely has to read that socket (a cache miss) to see it differs.
 * The kernel hands out cookies in runs of consecutive numbers, the first
 * time a dump asks, in the order its walk meets the sockets, and the walk
 * meets them in that order again the next time. So the cookie's lowest 4
 * bits stay as they are: 16 consecutive cookies fill one 64-byte line of
 * slots, one cache miss where there was one per socket (13% of a
 * 250k-socket refresh). The rest is mixed: consecutive runs must not
 * line up in the slots (runs that alias modulo the table size would
 * merge into one long probe chain). */
static inline uint32_t sw_snapshot_hash(unsigned proto, uint64_t cookie)
{
	uint64_t x = cookie ^ ((uint64_t)proto << 62);
	uint64_t h = (x >> 4) * 0x9E3779B97F4A7C15ull;

	return (uint32_t)(h >> 36) << 4 | (uint32_t)(x & 15);
}

void sw_snapshot_init(struct sw_snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void sw_snapshot_free(struct sw_snapshot *s)
{
	free(s->socks);
	free(s->slots);
	sw_snapshot_init(s);
}

void sw_snapshot_reset(struct sw_snapshot *s)
{
	if (s->slots && s->count)
		memset(s->slots, 0, (size_t)s->nslots * sizeof(*s->slots));
	s->count = 0;
	s->dups = 0;
	s->dumped = 0;
	memset(s->nstate, 0, sizeof(s->nstate));
}

static void sw_snapshot_rehash(struct sw_snapshot *s)
{
	uint32_t mask = s->nslots - 1, i;

	memset(s->slots, 0, (size_t)s->nslots * sizeof(*s->slots));
	for (i = 0; i < s->count; i++) {
		uint32_t hv = sw_snapshot_hash(s->socks[i].proto, s->socks[i].cookie);
		uint32_t h = hv & mask;

		while (s->slots[h])
			h = (h + 1) & mask;
		s->slots[h] = (i + 1) | (hv & ~mask);
	}
}

int sw_snapshot_reserve(struct sw_snapshot *s, uint32_t n)
{
	uint32_t cap = s->cap ? s->cap : 1024, nslots;
	struct sw_sock *socks;
	uint32_t *slots;

	if (n <= s->cap)
		return 0;
	while (cap < n) {
		if (cap > UINT32_MAX / 4) {
			errno = ENOMEM;
			return -1;
		}
		cap *= 2;
	}
	socks = realloc(s->socks, (size_t)cap * sizeof(*socks));
	if (!socks) {
		errno = ENOMEM;
		return -1;
	}
	s->socks = socks;
	for (nslots = 1; nslots < cap * 2u; nslots <<= 1)
		;
	if (nslots != s->nslots) {
		slots = malloc((size_t)nslots * sizeof(*slots));
		if (!slots) {
			errno = ENOMEM;
			return -1; /* socks grew; cap unchanged, still valid */
		}
		free(s->slots);
		s->slots = slots;
		s->nslots = nslots;
		s->cap = cap;
		sw_snapshot_rehash(s);
	} else {
		s->cap = cap;
	}
	return 0;
}

int sw_snapshot_add(struct sw_snapshot *s, const struct sw_sock *rec)
{
	uint32_t mask, h, v, hv, tag;

	if (s->count == s->cap && sw_snapshot_reserve(s, s->count + 1) < 0)
		return -1;
	mask = s->nslots - 1;
	hv = sw_snapshot_hash(rec->proto, rec->cookie);
	tag = hv & ~mask;
	h = hv & mask;
	while ((v = s->slots[h]) != 0) {
		if ((v & ~mask) == tag) {
			const struct sw_sock *o = &s->socks[(v & mask) - 1];

			if (o->cookie == rec->cookie && o->proto == rec->proto) {
				s->dups++;
				return 0;
			}
		}
		h = (h + 1) & mask;
	}
	s->socks[s->count] = *rec;
	s->slots[h] = ++s->count | tag;
	s->nstate[rec->proto < SW_PROTO_MAX ? rec->proto : SW_TCP]
		 [rec->state < SW_ST_MAX ? rec->state : SW_ST_UNKNOWN]++;
	return 1;
}

const struct sw_sock *sw_snapshot_find(const struct sw_snapshot *s,
				       unsigned proto, uint64_t cookie)
{
	uint32_t mask, h, v, hv, tag;

	if (!s->count)
		return NULL;
	mask = s->nslots - 1;
	hv = sw_snapshot_hash(proto, cookie);
	tag = hv & ~mask;
	h = hv & mask;
	while ((v = s->slots[h]) != 0) {
		if ((v & ~mask) == tag) {
			const struct sw_sock *o = &s->socks[(v & mask) - 1];

			if (o->cookie == cookie && o->proto == proto)
				return o;
		}
		h = (h + 1) & mask;
	}
	return NULL;
}

size_t sw_snapshot_bytes(const struct sw_snapshot *s)
{
	return (size_t)s->cap * sizeof(*s->socks) +
	       (size_t)s->nslots * sizeof(*s->slots);
}
