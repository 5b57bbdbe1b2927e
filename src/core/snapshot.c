/* snapshot.c - flat array of sockets plus an open-addressing hash on
 * (proto, cookie). Storage is kept across resets, so a warm refresh
 * allocates nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_snapshot.h"

/* The home slot's hash bits (low half) and the tag's (high half). The
 * low bits pick the slot, and the slot keeps spare bits above the index
 * as a tag, so a probe that meets another socket's slot rarely has to
 * read that socket (a cache miss) to see it differs.
 * The kernel hands out cookies in runs of consecutive numbers, the first
 * time a dump asks, in the order its walk meets the sockets, and the walk
 * meets them in that order again the next time. So the cookie's lowest 4
 * bits stay as they are: 16 consecutive cookies fill one 64-byte line of
 * slots, one cache miss where there was one per socket (13% of a
 * 250k-socket refresh). The rest is mixed: consecutive runs must not
 * line up in the slots (runs that alias modulo the table size would
 * merge into one long probe chain).
 * Such a run fills its line, so a run whose line is taken steps a line
 * and a slot at a time (SW_SNAPSHOT_STEP), one probe per full line where
 * stepping by one slot read the rest of the line; and the tag carries
 * the cookie's low 4 bits (at the top, where a table of up to 2^28 slots
 * leaves them), so the sockets of one run, which share the mixed bits,
 * still have different tags. */
#define SW_SNAPSHOT_STEP 17u /* odd: the probe visits every slot */

static inline uint64_t sw_snapshot_hash(unsigned proto, uint64_t cookie)
{
	uint64_t x = cookie ^ ((uint64_t)proto << 62);
	uint64_t h = (x >> 4) * 0x9E3779B97F4A7C15ull;
	uint32_t home = (uint32_t)(h >> 36) << 4 | (uint32_t)(x & 15);
	uint32_t tag = (uint32_t)(x & 15) << 28 | ((uint32_t)(h >> 8) & 0x0fffffffu);

	return (uint64_t)tag << 32 | home;
}

void sw_snapshot_init(struct sw_snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void sw_snapshot_free(struct sw_snapshot *s)
{
	free(s->socks);
	free(s->slots);
	free(s->listen);
	sw_snapshot_init(s);
}

void sw_snapshot_reset(struct sw_snapshot *s)
{
	if (s->slots && s->count)
		memset(s->slots, 0, (size_t)s->nslots * sizeof(*s->slots));
	s->count = 0;
	s->nlisten = 0;
	s->dups = 0;
	s->dumped = 0;
	memset(s->nstate, 0, sizeof(s->nstate));
}

static void sw_snapshot_rehash(struct sw_snapshot *s)
{
	uint32_t mask = s->nslots - 1, i;

	memset(s->slots, 0, (size_t)s->nslots * sizeof(*s->slots));
	for (i = 0; i < s->count; i++) {
		uint64_t hv = sw_snapshot_hash(s->socks[i].proto, s->socks[i].cookie);
		uint32_t h = (uint32_t)hv & mask;

		while (s->slots[h])
			h = (h + SW_SNAPSHOT_STEP) & mask;
		s->slots[h] = (i + 1) | ((uint32_t)(hv >> 32) & ~mask);
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

struct sw_sock *sw_snapshot_room_grow(struct sw_snapshot *s)
{
	if (s->count == s->cap && sw_snapshot_reserve(s, s->count + 1) < 0)
		return NULL;
	return &s->socks[s->count];
}

/* Note the listener at socks[i]; -1 (ENOMEM) when the list cannot grow. */
static int sw_snapshot_note_listener(struct sw_snapshot *s, uint32_t i)
{
	if (s->nlisten == s->listen_cap) {
		uint32_t cap = s->listen_cap ? s->listen_cap * 2 : 64;
		uint32_t *l = cap > s->listen_cap ?
				      realloc(s->listen, (size_t)cap * sizeof(*l)) : NULL;

		if (!l) {
			errno = ENOMEM;
			return -1;
		}
		s->listen = l;
		s->listen_cap = cap;
	}
	s->listen[s->nlisten++] = i;
	return 0;
}

int sw_snapshot_commit(struct sw_snapshot *s)
{
	const struct sw_sock *rec = &s->socks[s->count];
	uint32_t mask, h, v, tag;
	unsigned proto = rec->proto < SW_PROTO_MAX ? rec->proto : SW_TCP;
	unsigned state = rec->state < SW_ST_MAX ? rec->state : SW_ST_UNKNOWN;
	uint64_t hv;

	mask = s->nslots - 1;
	hv = sw_snapshot_hash(rec->proto, rec->cookie);
	/* Fetch the line of the cookie 16 on: the walk meets the cookies in
	 * order (with gaps where sockets closed), so the next run's line is
	 * there when its first socket comes (a cache miss per run was a
	 * third of the time here). */
	__builtin_prefetch(&s->slots[(uint32_t)sw_snapshot_hash(rec->proto,
								 rec->cookie + 16) & mask], 1);
	tag = (uint32_t)(hv >> 32) & ~mask;
	h = (uint32_t)hv & mask;
	while ((v = s->slots[h]) != 0) {
		if ((v & ~mask) == tag) {
			const struct sw_sock *o = &s->socks[(v & mask) - 1];

			if (o->cookie == rec->cookie && o->proto == rec->proto) {
				s->dups++;
				return 0;
			}
		}
		h = (h + SW_SNAPSHOT_STEP) & mask;
	}
	if (sw_sock_is_listener(rec) && sw_snapshot_note_listener(s, s->count) < 0)
		return -1;
	s->slots[h] = ++s->count | tag;
	s->nstate[proto][state]++;
	return 1;
}

int sw_snapshot_add(struct sw_snapshot *s, const struct sw_sock *rec)
{
	struct sw_sock *room = sw_snapshot_room(s);

	if (!room)
		return -1;
	*room = *rec;
	return sw_snapshot_commit(s);
}

const struct sw_sock *sw_snapshot_find(const struct sw_snapshot *s,
				       unsigned proto, uint64_t cookie)
{
	uint32_t mask, h, v, tag;
	uint64_t hv;

	if (!s->count)
		return NULL;
	mask = s->nslots - 1;
	hv = sw_snapshot_hash(proto, cookie);
	tag = (uint32_t)(hv >> 32) & ~mask;
	h = (uint32_t)hv & mask;
	while ((v = s->slots[h]) != 0) {
		if ((v & ~mask) == tag) {
			const struct sw_sock *o = &s->socks[(v & mask) - 1];

			if (o->cookie == cookie && o->proto == proto)
				return o;
		}
		h = (h + SW_SNAPSHOT_STEP) & mask;
	}
	return NULL;
}

size_t sw_snapshot_bytes(const struct sw_snapshot *s)
{
	return (size_t)s->cap * sizeof(*s->socks) +
	       (size_t)s->nslots * sizeof(*s->slots) +
	       (size_t)s->listen_cap * sizeof(*s->listen);
}
