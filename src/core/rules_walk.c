/* rules_walk.c - counting the rules the aggregate cannot answer (a match,
 * a state set it lacks, inbound per state, new per second) from the
 * sockets. One first pass finds each socket's peer (for every rule at
 * once) and, when a rule can use them, its flow: the sockets that share
 * protocol, state, local address and port and peer, whose filter result
 * is therefore the same; a rule whose match never reads the remote port
 * is then tested once per flow instead of once per socket. The others
 * read the sockets rule by rule over cache-sized blocks. */
#include <stdlib.h>
#include <string.h>

#include "rules_eval.h"
#include "sw_grow.h"

#define AHEAD 8    /* sockets ahead whose hash slots are fetched early */
#define BLOCK 2048 /* sockets (128 KiB) each rule reads in turn */
#define GOLD 0x9e3779b97f4a7c15ull

/* ---- open-addressing index tables (peers, flows) ---- */

/* Make t->slots hold want entries at half load; only while empty. */
static int slots_size(uint32_t **slots, uint32_t *nslots, uint32_t want)
{
	uint32_t n = *nslots ? *nslots : 4096;
	uint32_t *s;

	while (n < want * 2u)
		n *= 2;
	if (n == *nslots)
		return 0;
	if (!(s = calloc(n, sizeof(*s))))
		return -1;
	free(*slots);
	*slots = s;
	*nslots = n;
	return 0;
}

void sw_rules_peers_reset(struct peers *t)
{
	t->n = 0;
	if (t->slots)
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
}

int64_t sw_rules_peer(struct peers *t, const struct sw_prefix *p)
{
	uint32_t h, i;

	if ((t->n + 1) * 2 > t->nslots) {
		/* rehash into twice the slots */
		uint32_t n = t->nslots ? t->nslots * 2 : 4096, *s = calloc(n, sizeof(*s));

		if (!s)
			return -1;
		free(t->slots);
		t->slots = s;
		t->nslots = n;
		for (uint32_t j = 0; j < t->n; j++) {
			h = sw_rules_pfx_hash(&t->v[j]) & (n - 1);
			while (s[h])
				h = (h + 1) & (n - 1);
			s[h] = j + 1;
		}
	}
	for (h = sw_rules_pfx_hash(p) & (t->nslots - 1); (i = t->slots[h]);
	     h = (h + 1) & (t->nslots - 1))
		if (!memcmp(t->v[i - 1].bytes, p->bytes, 16) &&
		    t->v[i - 1].family == p->family)
			return i - 1;
	if (sw_grow32((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v), 4096))
		return -1;
	t->v[t->n] = *p;
	t->slots[h] = t->n + 1;
	return t->n++;
}

static uint32_t flow_hash(const struct sw_sock *s)
{
	uint64_t a, b, c, d;

	memcpy(&a, s->dst, 8);
	memcpy(&b, s->dst + 8, 8);
	memcpy(&c, s->src, 8);
	memcpy(&d, s->src + 8, 8);
	a = (a ^ (b * 0xc2b2ae3d27d4eb4full) ^ (c * 0x165667b19e3779f9ull) ^ d ^
	     ((uint64_t)s->sport << 16 | (uint64_t)s->state << 8 | s->proto) << 40 ^
	     s->family) * GOLD;
	return (uint32_t)(a >> 32);
}

static bool flow_eq(const struct sw_sock *a, const struct sw_sock *b)
{
	return a->sport == b->sport && a->state == b->state &&
	       a->proto == b->proto && a->family == b->family &&
	       !memcmp(a->dst, b->dst, 16) && !memcmp(a->src, b->src, 16);
}

/* The flow of socket s (slots sized for every socket: no rehash). */
static int64_t flow_of(struct flows *t, const struct sw_sock *s)
{
	uint32_t h, i;

	for (h = flow_hash(s) & (t->nslots - 1); (i = t->slots[h]);
	     h = (h + 1) & (t->nslots - 1))
		if (flow_eq(&t->v[i - 1].rep, s))
			return i - 1;
	if (sw_grow32((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v), 4096))
		return -1;
	memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
	t->v[t->n].rep = *s;
	t->slots[h] = t->n + 1;
	return t->n++;
}

/* Whether filter f reads only what a flow shares: nothing of the remote
 * port. */
bool sw_rules_flow_fits(const struct sw_filter *f)
{
	for (int i = 0; f && i < f->nnodes; i++)
		if (f->nodes[i].kind == SW_F_PORT || f->nodes[i].kind == SW_F_DPORT)
			return false;
	return true;
}

/* ---- counters ---- */

/* Room for the counters of peers 0..n-1 in every walked rule. */
static int ctr_room(struct sw_rules_eval *ev, const size_t *walk, size_t nw,
		    uint32_t n)
{
	for (size_t w = 0; w < nw; w++) {
		struct rule_state *s = &ev->st[walk[w]];
		size_t had = s->ctrcap, need = (size_t)n * s->k;

		if (need <= had)
			continue;
		if (sw_grow((void **)&s->ctr, &s->ctrcap, need, sizeof(*s->ctr),
			    4096 * s->k))
			return -1;
		memset(s->ctr + had, 0, (s->ctrcap - had) * sizeof(*s->ctr));
	}
	return 0;
}

int sw_rules_ctr_room(struct sw_rules_eval *ev, size_t ri, uint32_t n)
{
	return ctr_room(ev, &ri, 1, n);
}

/* Which of rule r's counters a socket of this state adds to: bit i for
 * condition i, bit nconds for conns; *fresh_bits those that count only
 * new sockets. */
static unsigned ctr_bits(const struct sw_rule *r, const struct sw_sock *so,
			 unsigned *fresh_bits)
{
	unsigned bits = 0, st = so->proto == SW_TCP ? so->state : SW_ST_MAX;
	uint32_t sb = SW_STATE_BIT(so->state);

	*fresh_bits = 0;
	for (unsigned i = 0; i < r->nconds; i++) {
		const struct sw_rule_cond *c = &r->cond[i];
		bool on;

		switch (c->metric) {
		case SW_RM_CONNS: on = r->states & sb; break;
		case SW_RM_TW: on = st == SW_TIME_WAIT; break;
		case SW_RM_SOCKETS: on = true; break;
		case SW_RM_STATE: on = st == c->state; break;
		case SW_RM_NEW_PER_S: *fresh_bits |= 1u << i; /* fall through */
		default: on = false; break;
		}
		bits |= (unsigned)on << i;
	}
	if (r->states & sb)
		bits |= 1u << r->nconds;
	return bits;
}

static void add(uint32_t *c, unsigned bits, uint32_t n)
{
	for (unsigned b = 0; bits; b++, bits >>= 1)
		if (bits & 1)
			c[b] += n;
}

/* Whether socket (or flow representative) so counts for rule r. */
static bool takes(const struct sw_rule *r, const struct rule_state *s,
		  const struct sw_sock *so, const uint8_t *ports)
{
	return ((so->proto == SW_TCP ? s->tcp_mask : s->udp_mask) &
		SW_STATE_BIT(so->state)) &&
	       (!r->incoming || sw_agg_dir_inbound(ports, so)) &&
	       (!r->match || sw_filter_match(r->match, so));
}

/* The first pass: each socket's peer index (UINT32_MAX: no peer) and
 * its flow. The lookups are random, so the slots of a socket a few ahead
 * are fetched while this one is looked up. New sockets are the
 * aggregate's (sock_new), so the rules count them as its rows do. */
static int first_pass(struct sw_rules_eval *ev, const struct sw_snapshot *sn,
		      const uint8_t *fresh, bool want_flows)
{
	uint32_t n = sn->count ? sn->count : 1;
	struct flows *fl = &ev->flows;

	if (sw_grow32((void **)&ev->pidx, &ev->pidxcap, n, sizeof(*ev->pidx), 4096) ||
	    slots_size(&ev->peers.slots, &ev->peers.nslots, n) ||
	    (want_flows && slots_size(&fl->slots, &fl->nslots, n)))
		return -1;
	fl->n = 0;
	if (want_flows)
		memset(fl->slots, 0, fl->nslots * sizeof(*fl->slots));
	for (uint32_t i = 0; i < sn->count; i++) {
		const struct sw_sock *so = &sn->socks[i];
		struct sw_prefix p;
		int64_t x;

		if (i + AHEAD < sn->count) {
			const struct sw_sock *a = &sn->socks[i + AHEAD];

			if (want_flows) {
				__builtin_prefetch(&fl->slots[flow_hash(a) & (fl->nslots - 1)]);
			} else {
				sw_prefix_make_norm(&p, a->family, a->dst, 128);
				__builtin_prefetch(&ev->peers.slots[sw_rules_pfx_hash(&p) &
								    (ev->peers.nslots - 1)]);
			}
		}
		ev->pidx[i] = UINT32_MAX;
		if (!sw_sock_has_peer(so) || so->state >= SW_ST_MAX)
			continue;
		if (want_flows) {
			/* its flow for now; the flows find their peers below */
			if ((x = flow_of(fl, so)) < 0)
				return -1;
			fl->v[x].n++;
			fl->v[x].nfresh += fresh ? fresh[i] : 0;
		} else {
			sw_prefix_make_norm(&p, so->family, so->dst, 128);
			if ((x = sw_rules_peer(&ev->peers, &p)) < 0)
				return -1;
		}
		ev->pidx[i] = (uint32_t)x;
	}
	if (!want_flows)
		return 0;
	/* one peer lookup per flow, fetched ahead like the sockets'; kept
	 * compact too, for the sockets to read at random */
	if (sw_grow32((void **)&ev->fpeer, &ev->fpeercap, fl->n ? fl->n : 1,
		      sizeof(*ev->fpeer), 4096))
		return -1;
	for (uint32_t j = 0; j < fl->n; j++) {
		struct sw_prefix p;
		int64_t pi;

		if (j + AHEAD < fl->n) {
			const struct sw_sock *a = &fl->v[j + AHEAD].rep;

			sw_prefix_make_norm(&p, a->family, a->dst, 128);
			__builtin_prefetch(&ev->peers.slots[sw_rules_pfx_hash(&p) &
							    (ev->peers.nslots - 1)]);
		}
		sw_prefix_make_norm(&p, fl->v[j].rep.family, fl->v[j].rep.dst, 128);
		if ((pi = sw_rules_peer(&ev->peers, &p)) < 0)
			return -1;
		fl->v[j].peer = ev->fpeer[j] = (uint32_t)pi;
	}
	for (uint32_t i = 0; i < sn->count; i++)
		if (ev->pidx[i] != UINT32_MAX)
			ev->pidx[i] = ev->fpeer[ev->pidx[i]];
	return 0;
}

/* Rule ri over the flows b0 .. end-1. */
static void count_flows(struct sw_rules_eval *ev, size_t ri, const uint8_t *ports,
			uint32_t b0, uint32_t end)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];

	for (uint32_t i = b0; i < end; i++) {
		const struct flow *fl = &ev->flows.v[i];
		unsigned bits, fbits;
		uint32_t *c;

		if (!takes(r, s, &fl->rep, ports))
			continue;
		bits = ctr_bits(r, &fl->rep, &fbits);
		c = s->ctr + (size_t)fl->peer * s->k;
		add(c, bits, fl->n);
		if (s->wants_new && s->new_known)
			add(c, fbits, fl->nfresh);
	}
}

int sw_rules_walk(struct sw_rules_eval *ev, const size_t *walk, size_t nw,
		  const struct sw_frame *f, const uint8_t *ports)
{
	const struct sw_snapshot *sn = f->snap;
	const uint8_t *fresh = f->agg && f->agg->have_prev ? f->agg->sock_new : NULL;
	bool want_flows = false;
	size_t sock[SW_RULES_MAX], ns = 0;

	size_t nflow = 0;

	/* flows pay for themselves when two rules or more share them */
	for (size_t w = 0; w < nw; w++)
		nflow += sw_rules_flow_fits(sw_rules_get(ev->rs, walk[w])->match);
	for (size_t w = 0; w < nw; w++) {
		struct rule_state *s = &ev->st[walk[w]];

		s->by_flow = nflow > 1 &&
			     sw_rules_flow_fits(sw_rules_get(ev->rs, walk[w])->match);
		want_flows |= s->by_flow;
		if (!s->by_flow)
			sock[ns++] = walk[w];
	}
	if (first_pass(ev, sn, fresh, want_flows) ||
	    ctr_room(ev, walk, nw, ev->peers.n))
		return -1;
	/* in blocks of flows and of sockets that stay in cache while every
	 * rule reads them */
	for (uint32_t b0 = 0; b0 < ev->flows.n; b0 += BLOCK)
		for (size_t w = 0; w < nw; w++)
			if (ev->st[walk[w]].by_flow)
				count_flows(ev, walk[w], ports, b0,
					    b0 + BLOCK < ev->flows.n ? b0 + BLOCK : ev->flows.n);
	for (uint32_t b0 = 0; b0 < sn->count; b0 += BLOCK)
		for (size_t w = 0; w < ns; w++) {
			const struct sw_rule *r = sw_rules_get(ev->rs, sock[w]);
			struct rule_state *s = &ev->st[sock[w]];
			bool news = s->wants_new && s->new_known;
			uint32_t end = b0 + BLOCK < sn->count ? b0 + BLOCK : sn->count;

			for (uint32_t i = b0; i < end; i++) {
				const struct sw_sock *so = &sn->socks[i];
				unsigned bits, fbits;

				if (ev->pidx[i] == UINT32_MAX || !takes(r, s, so, ports))
					continue;
				bits = ctr_bits(r, so, &fbits);
				if (news && fresh[i])
					bits |= fbits;
				add(s->ctr + (size_t)ev->pidx[i] * s->k, bits, 1);
			}
		}
	return 0;
}

int sw_rules_walked_units(struct sw_rules_eval *ev, size_t ri,
			  const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];

	for (uint32_t i = 0; i < ev->peers.n; i++) {
		const uint32_t *c = s->ctr + (size_t)i * s->k;
		struct grp g;
		bool any = false;

		if ((size_t)(i + 1) * s->k > s->ctrcap)
			break;
		for (unsigned j = 0; j < s->k; j++)
			any |= c[j] != 0;
		if (!any)
			continue;
		g.pfx = ev->peers.v[i];
		s->ngroups += sw_rules_same_level(r, &g.pfx);
		memset(g.v, 0, sizeof(g.v));
		memcpy(g.v, c, r->nconds * sizeof(*c));
		g.conns = c[r->nconds];
		g.have_st = false;
		if (sw_rules_unit(ev, ri, &g, f))
			return -1;
	}
	return 0;
}
