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
		rmap_free(&s->holds);
		rmap_free(&s->next_holds);
		rmap_free(&s->recent);
		rmap_free(&s->noted);
	}
	free(ev->st);
	free(ev->prev);
	free(ev->next);
	free(ev->ports);
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

uint32_t sw_rules_conns(const struct sw_rule *r, const struct grp *g)
{
	uint32_t n = 0;

	for (unsigned s = 0; s < SW_ST_MAX; s++)
		if (r->states & SW_STATE_BIT(s))
			n += g->st[s];
	if (r->states & SW_STATE_BIT(SW_ESTABLISHED))
		n += g->udp;
	return n;
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

double sw_rules_value(const struct sw_rules_eval *ev, size_t ri,
		      const struct sw_rule_cond *c, const struct grp *g,
		      const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	const struct rule_state *s = &ev->st[ri];
	uint32_t n = 0;

	switch (c->metric) {
	case SW_RM_CONNS:
		return s->from_agg && r->incoming ? g->inb : sw_rules_conns(r, g);
	case SW_RM_TW:
		return g->st[SW_TIME_WAIT];
	case SW_RM_SOCKETS:
		for (unsigned i = 0; i < SW_ST_MAX; i++)
			n += g->st[i];
		return n + g->udp;
	case SW_RM_NEW_PER_S:
		if (!s->new_known || !(f->interval_s > 0))
			return NAN; /* not known is not zero */
		return g->newc / f->interval_s;
	case SW_RM_IDLE:
		return g->idle;
	case SW_RM_STATE:
		return g->st[c->state];
	case SW_RM_FINDING:
		return findings_for(f, c->kind, &g->pfx);
	default:
		return NAN;
	}
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

static int count_agg(struct sw_rules_eval *ev, size_t ri,
		     const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];

	for (uint32_t i = 0; i < f->agg->nremotes; i++) {
		const struct sw_remote *row = &f->agg->remotes[i];
		struct sw_prefix k;
		struct grp *g;

		if (r->incoming && !row->inbound)
			continue;
		group_key(&k, r, row->pfx.family, row->pfx.bytes);
		if (!(g = gtab_get(&s->groups, &k)))
			return -1;
		for (unsigned st = 0; st < SW_ST_MAX; st++)
			g->st[st] += row->states[st];
		g->udp += row->udp;
		g->newc += row->new_conns;
		g->inb += row->inbound;
	}
	s->new_known = f->agg->have_prev;
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

/* One walk over the sockets for the rules in walk[0..nw). */
static int count_walk(struct sw_rules_eval *ev, const size_t *walk, size_t nw,
		      const struct sw_frame *f, const uint8_t *ports,
		      bool want_new)
{
	const struct sw_snapshot *sn = f->snap;

	for (uint32_t i = 0; i < sn->count; i++) {
		const struct sw_sock *so = &sn->socks[i];
		uint32_t bit = SW_STATE_BIT(so->state);
		int in = -1, fresh = -1;

		if (!sw_sock_has_peer(so) || so->state >= SW_ST_MAX)
			continue;
		for (size_t w = 0; w < nw; w++) {
			const struct sw_rule *r = sw_rules_get(ev->rs, walk[w]);
			struct rule_state *s = &ev->st[walk[w]];
			struct sw_prefix k;
			struct grp *g;

			if (!((so->proto == SW_TCP ? s->tcp_mask : s->udp_mask) & bit))
				continue;
			if (r->incoming) {
				if (in < 0)
					in = sw_agg_dir_inbound(ports, so);
				if (!in)
					continue;
			}
			if (r->match && !sw_filter_match(r->match, so))
				continue;
			group_key(&k, r, so->family, so->dst);
			if (!(g = gtab_get(&s->groups, &k)))
				return -1;
			if (so->proto == SW_TCP)
				g->st[so->state]++;
			else
				g->udp++;
			if (want_new && s->new_known) {
				if (fresh < 0)
					fresh = !cookie_seen(ev, cookie_key(so));
				g->newc += (uint32_t)fresh;
			}
		}
	}
	return 0;
}

/* Idle inbound ESTABLISHED sockets, from the per-connection info. */
static int count_idle(struct sw_rules_eval *ev, size_t ri,
		      const struct sw_frame *f, const uint8_t *ports)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	double ms = r->idle_after_s * 1000;

	for (size_t i = 0; f->conninfo && i < f->conninfo->n; i++) {
		const struct sw_conn_info *ci = &f->conninfo->v[i];
		const struct sw_sock *so;
		struct sw_prefix k;
		struct grp *g;

		if (ci->last_data_recv_ms < ms)
			continue;
		so = sw_snapshot_find(f->snap, SW_TCP, ci->cookie);
		if (!so || so->state != SW_ESTABLISHED ||
		    !sw_agg_dir_inbound(ports, so) ||
		    (r->match && !sw_filter_match(r->match, so)))
			continue;
		group_key(&k, r, so->family, so->dst);
		if (!(g = gtab_get(&s->groups, &k)))
			return -1;
		g->idle++;
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
	for (size_t i = 0; i < n; i++) {
		const struct sw_rule *r = sw_rules_get(ev->rs, i);
		struct rule_state *s = &ev->st[i];

		gtab_reset(&s->groups);
		s->from_agg = agg_ok && agg_fits(r, g4, g6);
		if (s->from_agg) {
			if (count_agg(ev, i, f))
				return -1;
		} else {
			s->new_known = ev->have_prev;
			want_new |= uses(r, SW_RM_NEW_PER_S);
			walk[nw++] = i;
		}
		if (uses(r, SW_RM_IDLE) && count_idle(ev, i, f, ports))
			return -1;
	}
	if (nw && count_walk(ev, walk, nw, f, ports, want_new))
		return -1;
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
