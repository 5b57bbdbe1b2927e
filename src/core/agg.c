/* agg.c - one pass over the current snapshot: diff against the previous
 * one by (proto, cookie), and aggregate states, remotes and listeners. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_agg.h"
#include "sw_grow.h"

#define SW_NPORTS 65536u

void sw_agg_init(struct sw_agg *a)
{
	memset(a, 0, sizeof(*a));
}

void sw_agg_free(struct sw_agg *a)
{
	free(a->remotes);
	free(a->listeners);
	free(a->rslots);
	free(a->port_syn);
	free(a->port_est);
	free(a->port_dir);
	free(a->sock_new);
	free(a->syn[0].keys);
	free(a->syn[1].keys);
	sw_agg_sortbuf_free(a);
	sw_agg_init(a);
}

static inline uint64_t sw_agg_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t sw_agg_tuple_key(const struct sw_sock *s)
{
	uint64_t h = s->family, w[4];

	memcpy(w, s->src, 16);
	memcpy(w + 2, s->dst, 16);
	h = sw_agg_mix(h, w[0]);
	h = sw_agg_mix(h, w[1]);
	h = sw_agg_mix(h, w[2]);
	h = sw_agg_mix(h, w[3]);
	return sw_agg_mix(h, ((uint64_t)s->sport << 16) | s->dport);
}

/* The hash of a prefix given as its family, length and two masked words
 * of address: one multiply per word, the high half kept (the slots are
 * picked by its low bits). */
static inline uint32_t sw_agg_key_hash(unsigned family, unsigned plen,
				       uint64_t w0, uint64_t w1)
{
	uint64_t h = (w0 ^ ((uint64_t)family << 8 | plen)) * 0x9E3779B97F4A7C15ull;

	h ^= (w1 + (h >> 29)) * 0xC2B2AE3D27D4EB4Full;
	return (uint32_t)(h >> 32);
}

static uint32_t sw_agg_prefix_hash(const struct sw_prefix *p)
{
	uint64_t w[2];

	memcpy(w, p->bytes, 16);
	return sw_agg_key_hash(p->family, p->plen, w[0], w[1]);
}

/* A family's grouping made once per build: the length sw_prefix_make
 * would give and the mask of the two address words it would apply. */
struct sw_agg_grp {
	uint64_t m[2];
	unsigned plen;
};

static void sw_agg_grp_make(struct sw_agg_grp *g, unsigned family, unsigned plen)
{
	struct sw_prefix ones;
	uint8_t all[16];

	memset(all, 0xff, sizeof(all));
	sw_prefix_make(&ones, family, all, plen);
	memcpy(g->m, ones.bytes, 16);
	g->plen = ones.plen;
}

static int sw_agg_u64cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Make the remote hash hold at least twice rcap slots. */
static int sw_agg_rehash(struct sw_agg *a)
{
	uint32_t n = 1024, mask, i;

	while (n < a->rcap * 2u)
		n <<= 1;
	if (n != a->nrslots) {
		uint32_t *s = malloc((size_t)n * sizeof(*s));

		if (!s) {
			errno = ENOMEM;
			return -1;
		}
		free(a->rslots);
		a->rslots = s;
		a->nrslots = n;
	}
	memset(a->rslots, 0, (size_t)a->nrslots * sizeof(*a->rslots));
	mask = a->nrslots - 1;
	for (i = 0; i < a->nremotes; i++) {
		uint32_t h = sw_agg_prefix_hash(&a->remotes[i].pfx) & mask;

		while (a->rslots[h])
			h = (h + 1) & mask;
		a->rslots[h] = i + 1;
	}
	return 0;
}

/* The key of s's peer grouped as g4/g6 say (the prefix sw_prefix_make
 * makes, worked out here without a call per socket): its two address
 * words into w, its hash returned. */
static inline uint32_t sw_agg_sock_key(const struct sw_agg_grp *g4,
				       const struct sw_agg_grp *g6,
				       const struct sw_sock *s, uint64_t w[2])
{
	const struct sw_agg_grp *g = s->family == SW_V4 ? g4 : g6;

	memcpy(w, s->dst, 16);
	w[0] &= g->m[0];
	w[1] &= g->m[1];
	return sw_agg_key_hash(s->family, g->plen, w[0], w[1]);
}

/* The remote row of key (family, plen, w; hash hv), created empty if
 * absent; NULL on ENOMEM. */
static struct sw_remote *sw_agg_remote(struct sw_agg *a, unsigned family,
				       unsigned plen, const uint64_t w[2],
				       uint32_t hv)
{
	uint32_t mask, h, idx;
	struct sw_remote *r;

	if (a->nremotes == a->rcap) {
		if (sw_grow32((void **)&a->remotes, &a->rcap, a->nremotes + 1,
				sizeof(*a->remotes), 256) < 0 ||
		    sw_agg_rehash(a) < 0)
			return NULL;
	}
	mask = a->nrslots - 1;
	h = hv & mask;
	while ((idx = a->rslots[h]) != 0) {
		const struct sw_prefix *q = &a->remotes[idx - 1].pfx;
		uint64_t q0, q1;

		memcpy(&q0, q->bytes, 8);
		memcpy(&q1, q->bytes + 8, 8);
		if (q0 == w[0] && q1 == w[1] && q->family == family &&
		    q->plen == plen)
			return &a->remotes[idx - 1];
		h = (h + 1) & mask;
	}
	r = &a->remotes[a->nremotes];
	memset(r, 0, sizeof(*r));
	memcpy(r->pfx.bytes, w, 16);
	r->pfx.family = (uint8_t)family;
	r->pfx.plen = (uint8_t)plen;
	r->rx_per_s = -1; /* unknown until an info set says (agg_rx.c) */
	a->rslots[h] = ++a->nremotes;
	return r;
}

/* The main pass fetches ahead what a socket's remote lookup will read:
 * SW_AGG_AHEAD sockets ahead the hash slot of its key, half as far ahead
 * the lines of the row that slot points to (the row was a cache miss per
 * socket: a third of the pass). The keys' hashes wait in a ring. */
#define SW_AGG_AHEAD 32u
#define SW_AGG_RING 64u /* > SW_AGG_AHEAD, a power of two */

static inline void sw_agg_ahead(const struct sw_agg *a, const struct sw_snapshot *cur,
				uint32_t i, uint32_t ring[SW_AGG_RING],
				const struct sw_agg_grp *g4,
				const struct sw_agg_grp *g6)
{
	uint32_t j = i + SW_AGG_AHEAD, k = i + SW_AGG_AHEAD / 2, idx;
	uint64_t w[2];

	if (j < cur->count) {
		ring[j % SW_AGG_RING] = sw_agg_sock_key(g4, g6, &cur->socks[j], w);
		__builtin_prefetch(&a->rslots[ring[j % SW_AGG_RING] & (a->nrslots - 1)]);
	}
	if (k < cur->count &&
	    (idx = a->rslots[ring[k % SW_AGG_RING] & (a->nrslots - 1)]) != 0)
	{
		/* a row spans two or three lines */
		const char *row = (const char *)&a->remotes[idx - 1];

		__builtin_prefetch(row, 1);
		__builtin_prefetch(row + 56, 1);
		__builtin_prefetch(row + sizeof(struct sw_remote) - 1, 1);
	}
}

int sw_agg_find_remote(const struct sw_agg *a, const struct sw_prefix *p)
{
	uint32_t mask, h, idx;

	/* the hash is rebuilt after the rows are sorted (sw_agg_build) */
	if (!a->nrslots || !a->nremotes)
		return -1;
	mask = a->nrslots - 1;
	for (h = sw_agg_prefix_hash(p) & mask; (idx = a->rslots[h]) != 0;
	     h = (h + 1) & mask)
		if (idx <= a->nremotes && sw_prefix_eq(&a->remotes[idx - 1].pfx, p))
			return (int)(idx - 1);
	return -1;
}

unsigned sw_agg_top_states(const struct sw_remote *r, unsigned top[],
			   unsigned max)
{
	bool used[SW_ST_MAX] = {false};
	unsigned n, s;

	for (n = 0; n < max; n++) {
		unsigned best = 0;

		for (s = 1; s < SW_ST_MAX; s++)
			if (!used[s] && r->states[s] &&
			    (!best || r->states[s] > r->states[best]))
				best = s;
		if (!best)
			break;
		used[best] = true;
		top[n] = best;
	}
	return n;
}

char *sw_agg_fmt_states(const struct sw_remote *r,
			char *(*count)(uint64_t n, char *buf, size_t len),
			char *buf, size_t len)
{
	unsigned top[3], n = sw_agg_top_states(r, top, 3), k;
	char num[24];
	size_t o = 0;

	buf[0] = '\0';
	for (k = 0; k <= n && o < len; k++) {
		uint64_t v = k < n ? r->states[top[k]] : r->udp;

		if (k == n && !v)
			break;
		if (count)
			count(v, num, sizeof(num));
		else
			snprintf(num, sizeof(num), "%" PRIu64, v);
		o += (size_t)snprintf(buf + o, len - o, "%s%s %s", k ? " " : "",
				      k < n ? sw_state_short(top[k]) : "UDP", num);
	}
	return buf;
}

static int sw_agg_listener_cmp(const void *x, const void *y)
{
	const struct sw_listener *a = x, *b = y;
	int c;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
}

static void sw_agg_reset(struct sw_agg *a)
{
	memset(&a->tot, 0, sizeof(a->tot));
	a->interval_s = 0;
	a->nremotes = 0;
	a->nlisteners = 0;
}

/* The SYN_RECV set tagged with this snapshot's time, or NULL. */
static const struct sw_agg_synset *sw_agg_synset_of(const struct sw_agg *a,
						    const struct sw_snapshot *s)
{
	unsigned i;

	for (i = 0; i < 2; i++)
		if (a->syn[i].keys && a->syn[i].tag == s->mono_ns)
			return &a->syn[i];
	return NULL;
}

static bool sw_agg_synset_has(const struct sw_agg_synset *set, uint64_t key)
{
	return set && set->n &&
	       bsearch(&key, set->keys, set->n, sizeof(key), sw_agg_u64cmp);
}

/* The set not used by prev, emptied and made to hold n keys; NULL on
 * ENOMEM. The main pass fills it with cur's SYN_RECV tuple keys. */
static struct sw_agg_synset *sw_agg_synset_start(struct sw_agg *a,
						 const struct sw_agg_synset *keep,
						 uint32_t n)
{
	struct sw_agg_synset *set = keep == &a->syn[0] ? &a->syn[1] : &a->syn[0];

	if (sw_grow32((void **)&set->keys, &set->cap, n, sizeof(*set->keys), 256) < 0)
		return NULL;
	set->n = 0;
	set->tag = 0;
	return set;
}

static int sw_agg_fail(struct sw_agg *a)
{
	sw_agg_reset(a);
	errno = ENOMEM;
	return -1;
}

int sw_agg_build(struct sw_agg *a, const struct sw_snapshot *prev,
		 const struct sw_snapshot *cur, const struct sw_agg_opts *o)
{
	unsigned g4 = o && o->group_v4 ? o->group_v4 : 32;
	unsigned g6 = o && o->group_v6 ? o->group_v6 : 128;
	uint32_t nsyn = cur->nstate[SW_TCP][SW_SYN_RECV];
	const struct sw_agg_synset *prev_syn;
	struct sw_agg_synset *syn = NULL;
	struct sw_agg_grp grp4, grp6;
	uint32_t ring[SW_AGG_RING];
	uint32_t i, matched = 0, pj = 0; /* pj: cursor into prev, see below */
	unsigned st;

	sw_agg_reset(a);
	if (!a->port_syn) {
		a->port_syn = calloc(SW_NPORTS, sizeof(*a->port_syn));
		a->port_est = calloc(SW_NPORTS, sizeof(*a->port_est));
		a->port_dir = calloc(SW_NPORTS, sizeof(*a->port_dir));
		if (!a->port_syn || !a->port_est || !a->port_dir)
			return sw_agg_fail(a);
	} else {
		memset(a->port_syn, 0, SW_NPORTS * sizeof(*a->port_syn));
		memset(a->port_est, 0, SW_NPORTS * sizeof(*a->port_est));
	}
	sw_agg_dir_ports(a->port_dir, cur);
	a->opts = (struct sw_agg_opts){ .group_v4 = g4, .group_v6 = g6,
					.inbound_only = o && o->inbound_only };
	sw_agg_grp_make(&grp4, SW_V4, g4);
	sw_agg_grp_make(&grp6, SW_V6, g6);
	if (!a->rslots && sw_agg_rehash(a) < 0)
		return sw_agg_fail(a);
	memset(a->rslots, 0, (size_t)a->nrslots * sizeof(*a->rslots));

	if (prev && prev->mono_ns < cur->mono_ns) {
		a->have_prev = true;
		a->interval_s = (double)(cur->mono_ns - prev->mono_ns) / 1e9;
	} else {
		prev = NULL;
	}
	prev_syn = prev ? sw_agg_synset_of(a, prev) : NULL;
	if (nsyn && !(syn = sw_agg_synset_start(a, prev_syn, nsyn)))
		return sw_agg_fail(a);

	if (sw_grow32((void **)&a->sock_new, &a->sncap, cur->count ? cur->count : 1,
		      sizeof(*a->sock_new), 1024) < 0)
		return sw_agg_fail(a);
	for (i = 0; i < cur->count && i < SW_AGG_AHEAD; i++) {
		uint64_t w[2];

		ring[i] = sw_agg_sock_key(&grp4, &grp6, &cur->socks[i], w);
	}
	for (i = 0; i < cur->count; i++) {
		const struct sw_sock *s = &cur->socks[i];
		bool tcp = s->proto == SW_TCP, new_conn = false;

		sw_agg_ahead(a, cur, i, ring, &grp4, &grp6);
		unsigned state = s->state < SW_ST_MAX ? s->state : SW_ST_UNKNOWN;

		if (tcp && state == SW_SYN_RECV) {
			a->port_syn[s->sport]++;
			syn->keys[syn->n++] = sw_agg_tuple_key(s);
		} else if (tcp && state == SW_ESTABLISHED) {
			a->port_est[s->sport]++;
		}

		if (prev) {
			const struct sw_sock *p;

			/* Dumps walk the kernel's hash in the same order each
			 * time: try the record after the last match first. */
			if (pj < prev->count && prev->socks[pj].cookie == s->cookie &&
			    prev->socks[pj].proto == s->proto) {
				p = &prev->socks[pj++];
			} else {
				p = sw_snapshot_find(prev, s->proto, s->cookie);
				if (p)
					pj = (uint32_t)(p - prev->socks) + 1;
			}

			if (!p) {
				a->opened++;
				if (tcp)
					a->states[state].entered++;
				new_conn = !(tcp && prev_syn &&
					     state != SW_SYN_RECV &&
					     sw_agg_synset_has(prev_syn,
							       sw_agg_tuple_key(s)));
			} else {
				matched++;
				if (p->state != s->state) {
					a->changed++;
					if (tcp)
						a->states[state].entered++;
				}
			}
		}

		a->sock_new[i] = new_conn;
		if (sw_sock_is_listener(s)) {
			struct sw_listener *l;

			if (a->nlisteners == a->lcap &&
			    sw_grow32((void **)&a->listeners, &a->lcap,
					a->nlisteners + 1, sizeof(*l), 256) < 0)
				return sw_agg_fail(a);
			l = &a->listeners[a->nlisteners++];
			memset(l, 0, sizeof(*l));
			l->cookie = s->cookie;
			memcpy(l->addr, s->src, 16);
			l->family = s->family;
			l->proto = s->proto;
			l->port = s->sport;
			l->accept_queue = s->rqueue;
			l->backlog = tcp ? s->wqueue : 0;
			l->inode = s->inode;
		} else if (sw_sock_has_peer(s)) {
			bool in = sw_agg_dir_inbound(a->port_dir, s);
			struct sw_remote *r;

			if (!in && o && o->inbound_only)
				continue;
			uint64_t w[2];
			const struct sw_agg_grp *g = s->family == SW_V4 ? &grp4 : &grp6;

			sw_agg_sock_key(&grp4, &grp6, s, w);
			r = sw_agg_remote(a, s->family, g->plen, w,
					  ring[i % SW_AGG_RING]);
			if (!r)
				return sw_agg_fail(a);
			if (tcp && state == SW_TIME_WAIT)
				r->tw++;
			else
				r->count++;
			if (tcp)
				r->states[state]++;
			else
				r->udp++;
			r->new_conns += new_conn;
			if (in) {
				r->inbound++;
				r->inbound_tw += tcp && state == SW_TIME_WAIT;
			} else {
				if (r->outbound++ == 0)
					r->out_port = s->dport;
				else if (r->out_port != s->dport)
					r->out_ports_many = true;
			}
		}
	}

	/* The snapshot counted its sockets per protocol and state as they
	 * were added. */
	for (st = 0; st < SW_ST_MAX; st++) {
		a->states[st].count = cur->nstate[SW_TCP][st];
		a->udp += cur->nstate[SW_UDP][st];
	}
	a->udp_connected = cur->nstate[SW_UDP][SW_ESTABLISHED];
	a->udp_unconnected = a->udp - a->udp_connected;
	a->tcp = cur->count - a->udp;
	a->total = cur->count;
	if (prev) {
		uint32_t ptcp = 0, pudp = 0;
		double iv = a->interval_s;

		a->closed = prev->count - matched;
		for (st = 0; st < SW_ST_MAX; st++) {
			ptcp += prev->nstate[SW_TCP][st];
			pudp += prev->nstate[SW_UDP][st];
			a->states[st].delta = (int64_t)a->states[st].count -
					      prev->nstate[SW_TCP][st];
			a->states[st].entered_per_s = a->states[st].entered / iv;
		}
		a->d_tcp = (int64_t)a->tcp - ptcp;
		a->d_udp = (int64_t)a->udp - pudp;
		a->d_total = (int64_t)a->total - prev->count;
		for (i = 0; i < a->nremotes; i++)
			a->remotes[i].new_per_s = a->remotes[i].new_conns / iv;
	}

	sw_agg_sort_remotes(a);
	/* index the sorted rows (sw_agg_find_remote); the slots are sized
	 * for rcap already, so this allocates nothing */
	if (a->nremotes && sw_agg_rehash(a) < 0)
		return sw_agg_fail(a);
	if (a->nlisteners)
		qsort(a->listeners, a->nlisteners, sizeof(*a->listeners),
		      sw_agg_listener_cmp);
	sw_agg_attribute(a, cur);

	if (syn) {
		qsort(syn->keys, syn->n, sizeof(*syn->keys), sw_agg_u64cmp);
		syn->tag = cur->mono_ns;
	}
	return 0;
}
