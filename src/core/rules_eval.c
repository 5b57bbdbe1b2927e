/* rules_eval.c - counting each rule's groups every refresh. A rule that
 * counts all sockets, grouped no finer than the aggregate, is counted
 * from the aggregate's remote rows (some thousands) instead of the
 * sockets; the others share one walk over the sockets, each testing its
 * states first and its filter only then. Idle counts come from the
 * per-connection info, looked up by cookie. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules_eval.h"
#include "sw_grow.h"

struct sw_rules_eval *sw_rules_eval_new(const struct sw_rules *rs,
					struct sw_rules_history *h,
					const struct sw_rules_eval_opts *o)
{
	struct sw_rules_eval *ev = calloc(1, sizeof(*ev));
	size_t n = sw_rules_count(rs);

	if (!ev)
		return NULL;
	ev->rs = rs;
	ev->h = h;
	if (o)
		ev->o = *o;
	ev->st = calloc(n ? n : 1, sizeof(*ev->st));
	if (!ev->st) {
		free(ev);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);

		ev->st[i].tcp_mask = sw_filter_state_mask(r->match, SW_TCP,
							  SW_TCP_ALL_STATES);
		ev->st[i].udp_mask = sw_filter_state_mask(r->match, SW_UDP,
							  SW_UDP_ALL_STATES);
	}
	return ev;
}

void sw_rules_eval_free(struct sw_rules_eval *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < sw_rules_count(ev->rs); i++) {
		struct rule_state *s = &ev->st[i];

		gtab_free(&s->groups);
		gtab_free(&s->held);
		free(s->ctr);
		free(s->idle);
		rmap_free(&s->holds);
		rmap_free(&s->next_holds);
		rmap_free(&s->recent);
		rmap_free(&s->noted);
	}
	free(ev->st);
	free(ev->prev);
	free(ev->next);
	free(ev->ports);
	free(ev->peers.v);
	free(ev->peers.slots);
	free(ev->pidx);
	free(ev->fresh);
	free(ev->acts);
	free(ev->undo);
	free(ev->cands);
	free(ev);
}

void sw_rules_eval_set(struct sw_rules_eval *ev,
		       const struct sw_rules_eval_opts *o)
{
	ev->o = *o;
}

/* The group of an address for rule r: IPv4-mapped IPv6 is IPv4. */
static void group_key(struct sw_prefix *k, const struct sw_rule *r,
		      unsigned family, const uint8_t bytes[16])
{
	unsigned plen = family == SW_V4 ? r->group_v4
			: sw_addr_is_mapped(bytes) ? r->group_v4 + 96
						   : r->group_v6;

	sw_prefix_make_norm(k, family, bytes, plen);
}

/* Whether a unit of prefix p (a row of the aggregate, a peer) is a group
 * of rule r as it is: r groups its family at p's length. */
static bool same_level(const struct sw_rule *r, const struct sw_prefix *p)
{
	return p->plen == (p->family == SW_V4 ? r->group_v4 : r->group_v6);
}

static uint32_t conns_of(uint32_t mask, const uint32_t st[SW_ST_MAX],
			 uint32_t udp)
{
	uint32_t n = 0;

	for (unsigned s = 0; s < SW_ST_MAX; s++)
		if (mask & SW_STATE_BIT(s))
			n += st[s];
	return n + (mask & SW_STATE_BIT(SW_ESTABLISHED) ? udp : 0);
}

static double findings_for(const struct sw_frame *f, unsigned kind,
			   const struct sw_prefix *p)
{
	double n = 0;

	for (size_t i = 0; i < f->nfindings; i++) {
		const struct sw_finding *x = &f->findings[i];

		if (x->kind != kind)
			continue;
		if (x->subject.kind != SW_SUBJ_REMOTE &&
		    x->action != SW_ACT_BLOCK)
			n++;
		else if ((x->subject.kind == SW_SUBJ_REMOTE &&
			  sw_prefix_overlaps(&x->subject.remote, p)) ||
			 (x->action == SW_ACT_BLOCK &&
			  sw_prefix_overlaps(&x->target, p)))
			n++;
	}
	return n;
}

double sw_rules_value(const struct sw_rules_eval *ev, size_t ri, unsigned i,
		      const struct grp *g, const struct sw_frame *f)
{
	const struct sw_rule_cond *c = &sw_rules_get(ev->rs, ri)->cond[i];

	if (c->metric == SW_RM_FINDING)
		return findings_for(f, c->kind, &g->pfx);
	if (c->metric == SW_RM_NEW_PER_S) {
		if (!ev->st[ri].new_known || !(f->interval_s > 0))
			return NAN; /* not known is not zero */
		return g->v[i] / f->interval_s;
	}
	return g->v[i];
}

bool sw_rules_holds(const struct sw_rules_eval *ev, size_t ri,
		    const struct grp *g, const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);

	for (unsigned i = 0; i < r->nconds; i++)
		if (!sw_rules_cmp(&r->cond[i], sw_rules_value(ev, ri, i, g, f)))
			return false;
	return r->nconds > 0;
}

/* Whether the aggregate holds every socket with a peer, and its
 * grouping lengths per family (0: no row of it). */
static bool agg_complete(const struct sw_frame *f, unsigned *g4, unsigned *g6)
{
	const struct sw_agg *a = f->agg;
	const struct sw_snapshot *sn = f->snap;
	uint64_t rows = 0, peers = sn->nstate[SW_UDP][SW_ESTABLISHED];

	*g4 = *g6 = 0;
	if (!a)
		return false;
	for (unsigned s = 0; s < SW_ST_MAX; s++)
		if (s != SW_LISTEN)
			peers += sn->nstate[SW_TCP][s];
	for (uint32_t i = 0; i < a->nremotes; i++) {
		const struct sw_remote *r = &a->remotes[i];

		rows += (uint64_t)r->count + r->tw;
		if (r->pfx.family == SW_V4)
			*g4 = r->pfx.plen;
		else if (sw_addr_is_mapped(r->pfx.bytes))
			return false; /* not normalised: walk */
		else
			*g6 = r->pfx.plen;
	}
	return rows == peers;
}

/* Whether rule r can be counted from the aggregate's rows. */
static bool agg_fits(const struct sw_rule *r, unsigned g4, unsigned g6)
{
	if (r->match || (g4 && r->group_v4 > g4) || (g6 && r->group_v6 > g6))
		return false;
	for (unsigned i = 0; i < r->nconds && r->incoming; i++) {
		const struct sw_rule_cond *c = &r->cond[i];

		/* the rows have inbound counts of live sockets only */
		if (c->metric != SW_RM_FINDING && c->metric != SW_RM_IDLE &&
		    !(c->metric == SW_RM_CONNS && r->states == SW_RULE_LIVE_STATES))
			return false;
	}
	return true;
}

/* A counted unit (a row, a peer) as a group of rule ri: held at once
 * when it is one of its groups, else added to its group. */
static int unit(struct sw_rules_eval *ev, size_t ri, const struct grp *g,
		const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	struct sw_prefix k;
	struct grp *to;

	if (same_level(r, &g->pfx)) {
		if (sw_rules_holds(ev, ri, g, f) && !gtab_push(&s->held, g))
			return -1;
		return 0;
	}
	group_key(&k, r, g->pfx.family, g->pfx.bytes);
	if (!(to = gtab_get(&s->groups, &k)))
		return -1;
	for (unsigned i = 0; i < SW_RULE_MAX_CONDS; i++)
		to->v[i] += g->v[i];
	to->conns += g->conns;
	to->have_st = g->have_st;
	for (unsigned i = 0; g->have_st && i < SW_ST_MAX; i++)
		to->st[i] += g->st[i];
	return 0;
}

/* The groups rolled up in s->groups, held or not. */
static int rolled(struct sw_rules_eval *ev, size_t ri, const struct sw_frame *f)
{
	struct rule_state *s = &ev->st[ri];

	s->ngroups += s->groups.n;
	for (uint32_t i = 0; i < s->groups.n; i++)
		if (sw_rules_holds(ev, ri, &s->groups.v[i], f) &&
		    !gtab_push(&s->held, &s->groups.v[i]))
			return -1;
	return 0;
}

/* A row's number for condition c of rule r. */
static uint32_t row_value(const struct sw_rule *r, const struct sw_rule_cond *c,
			  const struct sw_remote *row, uint32_t idle)
{
	uint32_t n = 0;

	switch (c->metric) {
	case SW_RM_CONNS:
		return r->incoming ? row->inbound : conns_of(r->states, row->states, row->udp);
	case SW_RM_TW: return row->states[SW_TIME_WAIT];
	case SW_RM_SOCKETS:
		for (unsigned s = 0; s < SW_ST_MAX; s++)
			n += row->states[s];
		return n + row->udp;
	case SW_RM_NEW_PER_S: return row->new_conns;
	case SW_RM_IDLE: return idle;
	case SW_RM_STATE: return row->states[c->state];
	default: return 0;
	}
}

/* A condition the rows' order answers: conns (live states, all
 * sockets) > or >= N. The rows come sorted by count, biggest first: at
 * the first row below it, no later row passes. */
static bool sorted_cond(const struct sw_rule *r, const struct sw_rule_cond *c)
{
	return c->metric == SW_RM_CONNS && !r->incoming &&
	       r->states == SW_RULE_LIVE_STATES &&
	       (c->cmp == SW_RC_GT || c->cmp == SW_RC_GE);
}

static int count_agg(struct sw_rules_eval *ev, size_t ri,
		     const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	bool idle = s->idle != NULL, level4, level6;
	int stop = -1; /* the condition the order answers, if any */

	s->new_known = f->agg->have_prev;
	level4 = r->group_v4 == ev->agg_g4;
	level6 = r->group_v6 == ev->agg_g6;
	for (unsigned c = 0; c < r->nconds && level4 && level6; c++)
		if (sorted_cond(r, &r->cond[c]))
			stop = (int)c;
	if (level4 && level6)
		s->ngroups = f->agg->nremotes; /* a break leaves the rest uncounted */
	for (uint32_t i = 0; i < f->agg->nremotes; i++) {
		const struct sw_remote *row = &f->agg->remotes[i];
		bool same = row->pfx.family == SW_V4 ? level4 : level6, no = false;
		struct grp g;

		if (stop >= 0 && !sw_rules_cmp(&r->cond[stop], row->count))
			break;
		if (r->incoming && !row->inbound)
			continue;
		for (unsigned c = 0; c < r->nconds; c++) {
			const struct sw_rule_cond *cd = &r->cond[c];

			g.v[c] = row_value(r, cd, row, idle ? s->idle[i] : 0);
			/* a plain count that fails rules the row out at once */
			if (same && cd->metric != SW_RM_NEW_PER_S &&
			    cd->metric != SW_RM_FINDING && !sw_rules_cmp(cd, g.v[c]))
				no = true;
		}
		s->ngroups += same && !(level4 && level6);
		if (no)
			continue;
		g.pfx = row->pfx;
		g.conns = r->incoming ? row->inbound
				      : conns_of(r->states, row->states, row->udp);
		g.have_st = true;
		memcpy(g.st, row->states, sizeof(g.st));
		if (unit(ev, ri, &g, f))
			return -1;
	}
	return 0;
}

static bool cookie_seen(const struct sw_rules_eval *ev, uint64_t key)
{
	uint32_t m = ev->nprev - 1, h;

	if (!ev->nprev)
		return false;
	for (h = (uint32_t)(key * 0x9e3779b97f4a7c15ull >> 32) & m; ev->prev[h];
	     h = (h + 1) & m)
		if (ev->prev[h] == key)
			return true;
	return false;
}

static uint64_t cookie_key(const struct sw_sock *s)
{
	return (s->cookie << 1 | s->proto) | 1ull << 63; /* never 0 */
}

/* Remember the snapshot's cookies for the next refresh's new_per_s. */
static int cookies_keep(struct sw_rules_eval *ev, const struct sw_snapshot *sn)
{
	uint32_t n = 1024, m;
	uint64_t *t;

	while (n < sn->count * 2u)
		n *= 2;
	if (n > ev->nextcap) {
		t = realloc(ev->next, n * sizeof(*t));
		if (!t)
			return -1;
		ev->next = t;
		ev->nextcap = n;
	}
	memset(ev->next, 0, n * sizeof(*ev->next));
	m = n - 1;
	for (uint32_t i = 0; i < sn->count; i++) {
		uint64_t key = cookie_key(&sn->socks[i]);
		uint32_t h = (uint32_t)(key * 0x9e3779b97f4a7c15ull >> 32) & m;

		if (i + 8 < sn->count)
			__builtin_prefetch(&ev->next[(uint32_t)(cookie_key(&sn->socks[i + 8]) *
						     0x9e3779b97f4a7c15ull >> 32) & m]);

		while (ev->next[h])
			h = (h + 1) & m;
		ev->next[h] = key;
	}
	t = ev->prev, ev->prev = ev->next, ev->next = t;
	m = ev->prevcap, ev->prevcap = ev->nextcap, ev->nextcap = m;
	ev->nprev = n;
	ev->have_prev = true;
	return 0;
}

static bool uses(const struct sw_rule *r, enum sw_rule_metric m)
{
	for (unsigned i = 0; i < r->nconds; i++)
		if (r->cond[i].metric == m)
			return true;
	return false;
}

static const uint8_t *listen_ports(struct sw_rules_eval *ev,
				   const struct sw_frame *f)
{
	if (f->agg && f->agg->port_dir)
		return f->agg->port_dir;
	if (!ev->ports && !(ev->ports = malloc(65536)))
		return NULL;
	sw_agg_dir_ports(ev->ports, f->snap);
	return ev->ports;
}

static uint32_t pfx_hash(const struct sw_prefix *p)
{
	uint64_t a, b;

	memcpy(&a, p->bytes, 8);
	memcpy(&b, p->bytes + 8, 8);
	a = (a ^ (b * 0xc2b2ae3d27d4eb4full) ^ p->family) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(a >> 32);
}

/* The dense index of peer p (full length, normalised), added when new;
 * -1 on ENOMEM. */
static int64_t peer_index(struct peers *t, const struct sw_prefix *p)
{
	uint32_t h, i;

	if ((t->n + 1) * 2 > t->nslots) {
		uint32_t n = t->nslots ? t->nslots * 2 : 4096;
		uint32_t *s = calloc(n, sizeof(*s));

		if (!s)
			return -1;
		free(t->slots);
		t->slots = s;
		t->nslots = n;
		for (uint32_t j = 0; j < t->n; j++) {
			h = pfx_hash(&t->v[j]) & (n - 1);
			while (s[h])
				h = (h + 1) & (n - 1);
			s[h] = j + 1;
		}
	}
	for (h = pfx_hash(p) & (t->nslots - 1); (i = t->slots[h]);
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

static void peers_reset(struct peers *t)
{
	t->n = 0;
	if (t->slots)
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
}

/* Room for the counters of peer index i in every walked rule. */
static int ctr_room(struct sw_rules_eval *ev, const size_t *walk, size_t nw,
		    uint32_t i)
{
	for (size_t w = 0; w < nw; w++) {
		struct rule_state *s = &ev->st[walk[w]];
		size_t had = s->ctrcap, need = (size_t)(i + 1) * s->k;

		if (need <= had)
			continue;
		if (sw_grow((void **)&s->ctr, &s->ctrcap, need, sizeof(*s->ctr),
			    4096 * s->k))
			return -1;
		memset(s->ctr + had, 0, (s->ctrcap - had) * sizeof(*s->ctr));
	}
	return 0;
}

/* Which of rule r's counters a socket adds to: bit i for condition i,
 * bit k-1 for conns. */
static unsigned ctr_bits(const struct sw_rule *r, const struct sw_sock *so,
			 int fresh)
{
	unsigned bits = 0, st = so->proto == SW_TCP ? so->state : SW_ST_MAX;
	uint32_t sb = SW_STATE_BIT(so->state);

	for (unsigned i = 0; i < r->nconds; i++) {
		const struct sw_rule_cond *c = &r->cond[i];
		bool on;

		switch (c->metric) {
		case SW_RM_CONNS: on = r->states & sb; break;
		case SW_RM_TW: on = st == SW_TIME_WAIT; break;
		case SW_RM_SOCKETS: on = true; break;
		case SW_RM_NEW_PER_S: on = fresh > 0; break;
		case SW_RM_STATE: on = st == c->state; break;
		default: on = false; break;
		}
		bits |= (unsigned)on << i;
	}
	if (r->states & sb)
		bits |= 1u << r->nconds;
	return bits;
}

#define AHEAD 8 /* sockets ahead whose hash slots are fetched early */
#define BLOCK 2048 /* sockets (128 KiB) each rule reads in turn */

/* The first pass of a walk: each socket's peer index (or UINT32_MAX: no
 * peer) and, when a rule wants it, whether it is new since the previous
 * refresh. The lookups are random, so the slots of a socket a few ahead
 * are fetched while this one is looked up. */
static int walk_peers(struct sw_rules_eval *ev, const struct sw_snapshot *sn,
		      bool want_new)
{
	if (sw_grow32((void **)&ev->pidx, &ev->pidxcap, sn->count ? sn->count : 1,
		      sizeof(*ev->pidx), 4096) ||
	    sw_grow32((void **)&ev->fresh, &ev->freshcap, sn->count ? sn->count : 1,
		      sizeof(*ev->fresh), 4096))
		return -1;
	/* sized for every socket at once: no rehash on the way */
	while (ev->peers.nslots < sn->count * 2u && ev->peers.n == 0) {
		uint32_t n = ev->peers.nslots ? ev->peers.nslots * 2 : 4096;
		uint32_t *sl = calloc(n, sizeof(*sl));

		if (!sl)
			return -1;
		free(ev->peers.slots);
		ev->peers.slots = sl;
		ev->peers.nslots = n;
	}
	for (uint32_t i = 0; i < sn->count; i++) {
		const struct sw_sock *so = &sn->socks[i];
		struct sw_prefix p;
		int64_t pi;

		if (i + AHEAD < sn->count) {
			const struct sw_sock *a = &sn->socks[i + AHEAD];

			if (want_new && ev->nprev)
				__builtin_prefetch(&ev->prev[(uint32_t)(cookie_key(a) *
						   0x9e3779b97f4a7c15ull >> 32) &
						  (ev->nprev - 1)]);
			sw_prefix_make_norm(&p, a->family, a->dst, 128);
			__builtin_prefetch(&ev->peers.slots[pfx_hash(&p) &
							    (ev->peers.nslots - 1)]);
		}
		ev->pidx[i] = UINT32_MAX;
		if (!sw_sock_has_peer(so) || so->state >= SW_ST_MAX)
			continue;
		sw_prefix_make_norm(&p, so->family, so->dst, 128);
		if ((pi = peer_index(&ev->peers, &p)) < 0)
			return -1;
		ev->pidx[i] = (uint32_t)pi;
		if (want_new)
			ev->fresh[i] = !cookie_seen(ev, cookie_key(so));
	}
	return 0;
}

/* A walk over the sockets for each rule in walk[0..nw): a first pass
 * finds the peers, then each rule counts into its own counters (which
 * stay in cache while it runs). */
static int count_walk(struct sw_rules_eval *ev, const size_t *walk, size_t nw,
		      const struct sw_frame *f, const uint8_t *ports)
{
	const struct sw_snapshot *sn = f->snap;
	bool want_new = false;

	for (size_t w = 0; w < nw; w++)
		want_new |= ev->st[walk[w]].wants_new && ev->st[walk[w]].new_known;
	if (walk_peers(ev, sn, want_new) ||
	    (ev->peers.n && ctr_room(ev, walk, nw, ev->peers.n - 1)))
		return -1;
	/* in blocks of sockets that stay in cache while every rule reads them */
	for (uint32_t b0 = 0; b0 < sn->count; b0 += BLOCK)
	for (size_t w = 0; w < nw; w++) {
		const struct sw_rule *r = sw_rules_get(ev->rs, walk[w]);
		struct rule_state *s = &ev->st[walk[w]];
		bool fresh = s->wants_new && s->new_known;
		uint32_t end = b0 + BLOCK < sn->count ? b0 + BLOCK : sn->count;

		for (uint32_t i = b0; i < end; i++) {
			const struct sw_sock *so = &sn->socks[i];
			unsigned bits;
			uint32_t *c;

			if (ev->pidx[i] == UINT32_MAX ||
			    !((so->proto == SW_TCP ? s->tcp_mask : s->udp_mask) &
			      SW_STATE_BIT(so->state)) ||
			    (r->incoming && !sw_agg_dir_inbound(ports, so)) ||
			    (r->match && !sw_filter_match(r->match, so)))
				continue;
			bits = ctr_bits(r, so, fresh ? ev->fresh[i] : 0);
			c = s->ctr + (size_t)ev->pidx[i] * s->k;
			for (unsigned b = 0; bits; b++, bits >>= 1)
				c[b] += bits & 1;
		}
	}
	return 0;
}

/* Idle inbound ESTABLISHED sockets of rule ri, from the per-connection
 * info: into its counters (walked) or per row (aggregate). */
static int count_idle(struct sw_rules_eval *ev, size_t ri,
		      const struct sw_frame *f, const uint8_t *ports)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	double ms = r->idle_after_s * 1000;
	size_t w = ri;

	if (s->from_agg) {
		size_t n = f->agg->nremotes;

		if (sw_grow((void **)&s->idle, &s->idlecap, n ? n : 1,
			    sizeof(*s->idle), 1024))
			return -1;
		memset(s->idle, 0, s->idlecap * sizeof(*s->idle));
	}
	for (size_t i = 0; f->conninfo && i < f->conninfo->n; i++) {
		const struct sw_conn_info *ci = &f->conninfo->v[i];
		const struct sw_sock *so;
		struct sw_prefix p;

		if (ci->last_data_recv_ms < ms)
			continue;
		so = sw_snapshot_find(f->snap, SW_TCP, ci->cookie);
		if (!so || so->state != SW_ESTABLISHED ||
		    !sw_agg_dir_inbound(ports, so) ||
		    (r->match && !sw_filter_match(r->match, so)))
			continue;
		if (s->from_agg) {
			int row;

			sw_prefix_make_norm(&p, so->family, so->dst,
					    so->family == SW_V4 ? ev->agg_g4
					    : sw_addr_is_mapped(so->dst) ? ev->agg_g4 + 96
									 : ev->agg_g6);
			row = sw_agg_find_remote(f->agg, &p);
			if (row >= 0)
				s->idle[row]++;
			continue;
		}
		sw_prefix_make_norm(&p, so->family, so->dst, 128);
		int64_t pi = peer_index(&ev->peers, &p);

		if (pi < 0 || ctr_room(ev, &w, 1, (uint32_t)pi))
			return -1;
		for (unsigned c = 0; c < r->nconds; c++)
			if (r->cond[c].metric == SW_RM_IDLE)
				s->ctr[(size_t)pi * s->k + c]++;
	}
	return 0;
}

/* The walked counters of rule ri as units. */
static int walked_units(struct sw_rules_eval *ev, size_t ri,
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
		s->ngroups += same_level(r, &g.pfx);
		memset(g.v, 0, sizeof(g.v));
		memcpy(g.v, c, r->nconds * sizeof(*c));
		g.conns = c[r->nconds];
		g.have_st = false;
		if (unit(ev, ri, &g, f))
			return -1;
	}
	return 0;
}

static int count(struct sw_rules_eval *ev, const struct sw_frame *f)
{
	size_t n = sw_rules_count(ev->rs), nw = 0;
	size_t walk[SW_RULES_MAX];
	const uint8_t *ports = listen_ports(ev, f);
	unsigned g4, g6;
	bool agg_ok = agg_complete(f, &g4, &g6), want_new = false;

	if (!ports)
		return -1;
	ev->agg_g4 = g4 ? g4 : 32;
	ev->agg_g6 = g6 ? g6 : 128;
	peers_reset(&ev->peers);
	for (size_t i = 0; i < n; i++) {
		const struct sw_rule *r = sw_rules_get(ev->rs, i);
		struct rule_state *s = &ev->st[i];

		gtab_reset(&s->groups);
		gtab_reset(&s->held);
		s->ngroups = 0;
		s->k = r->nconds + 1;
		s->from_agg = agg_ok && agg_fits(r, g4, g6);
		if (s->ctr)
			memset(s->ctr, 0, s->ctrcap * sizeof(*s->ctr));
		if (!s->from_agg) {
			s->new_known = ev->have_prev;
			s->wants_new = uses(r, SW_RM_NEW_PER_S);
			want_new |= s->wants_new;
			walk[nw++] = i;
		}
	}
	if (nw && count_walk(ev, walk, nw, f, ports))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct sw_rule *r = sw_rules_get(ev->rs, i);
		struct rule_state *s = &ev->st[i];

		if (uses(r, SW_RM_IDLE) && count_idle(ev, i, f, ports))
			return -1;
		if (s->from_agg ? count_agg(ev, i, f) : walked_units(ev, i, f))
			return -1;
		if (rolled(ev, i, f))
			return -1;
	}
	if (want_new)
		return cookies_keep(ev, f->snap);
	ev->have_prev = false;
	return 0;
}

int sw_rules_eval_run(struct sw_rules_eval *ev, const struct sw_frame *f,
		      const struct sw_rule_action **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	ev->nacts = 0;
	if (count(ev, f) || sw_rules_act(ev, f)) {
		ev->nacts = 0;
		errno = ENOMEM;
		return -1;
	}
	*out = ev->acts;
	*n = ev->nacts;
	return 0;
}
