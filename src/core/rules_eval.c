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
	free(ev->ports);
	free(ev->peers.v);
	free(ev->peers.slots);
	free(ev->pidx);
	free(ev->fpeer);
	free(ev->flows.v);
	free(ev->flows.slots);
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

bool sw_rules_same_level(const struct sw_rule *r, const struct sw_prefix *p)
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

/* Whether rule r's states are every state a peer can be in. */
static bool in_all(const struct sw_rule *r)
{
	return (r->states | SW_STATE_BIT(SW_LISTEN)) == SW_TCP_ALL_STATES;
}

/* A row's inbound sockets in rule r's states (in_all, or the live ones). */
static uint32_t row_inbound(const struct sw_rule *r, const struct sw_remote *row)
{
	return in_all(r) ? row->inbound : row->inbound - row->inbound_tw;
}

/* Whether rule r can be counted from the aggregate's rows. */
static bool agg_fits(const struct sw_rule *r, unsigned g4, unsigned g6)
{
	if (r->match || (g4 && r->group_v4 > g4) || (g6 && r->group_v6 > g6))
		return false;
	/* a row's inbound counts are of all its inbound sockets and of the
	 * TIME_WAIT ones among them, with no other per-state split: inbound
	 * conns are answered for every state a peer can be in, or the live
	 * ones (all but TIME_WAIT) */
	if (r->incoming && !in_all(r) && r->states != SW_RULE_LIVE_STATES)
		return false;
	for (unsigned i = 0; i < r->nconds && r->incoming; i++) {
		const struct sw_rule_cond *c = &r->cond[i];

		if (c->metric != SW_RM_FINDING && c->metric != SW_RM_IDLE &&
		    c->metric != SW_RM_CONNS && c->metric != SW_RM_SOCKETS &&
		    c->metric != SW_RM_TW)
			return false;
	}
	return true;
}

int sw_rules_unit(struct sw_rules_eval *ev, size_t ri, const struct grp *g,
		  const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	struct sw_prefix k;
	struct grp *to;

	if (sw_rules_same_level(r, &g->pfx)) {
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
		return r->incoming ? row_inbound(r, row) : conns_of(r->states, row->states, row->udp);
	case SW_RM_TW: return r->incoming ? row->inbound_tw : row->states[SW_TIME_WAIT];
	case SW_RM_SOCKETS:
		if (r->incoming)
			return row->inbound;
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
		g.conns = r->incoming ? row_inbound(r, row)
				      : conns_of(r->states, row->states, row->udp);
		g.have_st = true;
		memcpy(g.st, row->states, sizeof(g.st));
		if (sw_rules_unit(ev, ri, &g, f))
			return -1;
	}
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

/* Idle inbound ESTABLISHED sockets of rule ri, from the per-connection
 * info: into its counters (walked) or per row (aggregate). */
static int count_idle(struct sw_rules_eval *ev, size_t ri,
		      const struct sw_frame *f, const uint8_t *ports)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	double ms = r->idle_after_s * 1000;
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
		int64_t pi = sw_rules_peer(&ev->peers, &p);

		if (pi < 0 || sw_rules_ctr_room(ev, ri, (uint32_t)pi + 1))
			return -1;
		for (unsigned c = 0; c < r->nconds; c++)
			if (r->cond[c].metric == SW_RM_IDLE)
				s->ctr[(size_t)pi * s->k + c]++;
	}
	return 0;
}

static int count(struct sw_rules_eval *ev, const struct sw_frame *f)
{
	size_t n = sw_rules_count(ev->rs), nw = 0;
	size_t walk[SW_RULES_MAX];
	const uint8_t *ports = listen_ports(ev, f);
	unsigned g4, g6;
	bool agg_ok = agg_complete(f, &g4, &g6);

	if (!ports)
		return -1;
	ev->agg_g4 = g4 ? g4 : 32;
	ev->agg_g6 = g6 ? g6 : 128;
	sw_rules_peers_reset(&ev->peers);
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
			/* new sockets are the aggregate's, per socket */
			s->new_known = f->agg && f->agg->have_prev && f->agg->sock_new;
			s->wants_new = uses(r, SW_RM_NEW_PER_S);
			walk[nw++] = i;
		}
	}
	if (nw && sw_rules_walk(ev, walk, nw, f, ports))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct sw_rule *r = sw_rules_get(ev->rs, i);
		struct rule_state *s = &ev->st[i];

		if (uses(r, SW_RM_IDLE) && count_idle(ev, i, f, ports))
			return -1;
		if (s->from_agg ? count_agg(ev, i, f) : sw_rules_walked_units(ev, i, f))
			return -1;
		if (rolled(ev, i, f))
			return -1;
	}
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
	/* the action array grew by realloc while it was filled: the
	 * requests' pointers into their own action are set here, once */
	for (size_t i = 0; i < ev->nacts; i++) {
		struct sw_rule_action *a = &ev->acts[i];

		a->req.reason = a->reason;
		if (a->req.states)
			a->req.states = a->states;
	}
	*out = ev->acts;
	*n = ev->nacts;
	return 0;
}
