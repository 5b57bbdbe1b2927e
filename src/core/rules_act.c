/* rules_act.c - what the counted groups lead to: hold counters, bans
 * with escalation from the offender history, prefix bans, the circuit
 * breaker, dry runs; and the candidates and status front ends show. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_eval.h"
#include "sw_duration.h"
#include "sw_grow.h"

#define NS 1000000000ull
#define MINUTE_NS (60 * NS)

static bool dry(const struct sw_rules_eval *ev, const struct sw_rule *r)
{
	return ev->o.dry_run || r->dry_run;
}

/* The numbers behind a group, "conns 312 > 150 and syn_recv 40 > 20". */
static void numbers(const struct sw_rules_eval *ev, size_t ri,
		    const struct grp *g, const struct sw_frame *f, char *buf,
		    size_t len)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	size_t n = 0;
	char m[48];

	buf[0] = '\0';
	for (unsigned i = 0; i < r->nconds && n < len; i++) {
		const struct sw_rule_cond *c = &r->cond[i];
		double v = sw_rules_value(ev, ri, i, g, f);

		n += (size_t)snprintf(buf + n, len - n, "%s%s %.4g %s %.4g",
				      i ? " and " : "",
				      sw_rules_metric_text(c, m, sizeof(m)), v,
				      sw_rules_cmp_op(c->cmp), c->value);
	}
}

static struct sw_rule_action *new_act(struct sw_rules_eval *ev,
				      enum sw_rule_action_kind kind, size_t ri)
{
	struct sw_rule_action *a;

	if (sw_grow((void **)&ev->acts, &ev->capacts, ev->nacts + 1,
		    sizeof(*ev->acts), 16) ||
	    sw_grow((void **)&ev->undo, &ev->capundo, ev->nacts + 1,
		    sizeof(*ev->undo), 16))
		return NULL;
	a = &ev->acts[ev->nacts];
	memset(a, 0, sizeof(*a));
	memset(&ev->undo[ev->nacts], 0, sizeof(ev->undo[0]));
	ev->nacts++;
	a->kind = kind;
	a->rule = (unsigned)ri;
	return a;
}

/* The ban a target gets now: ban x factor^(offences within window). */
static double ban_for(const struct sw_rule *r, const struct sw_offender *o,
		      uint64_t now, unsigned *offence)
{
	unsigned prev = 0;
	double s = r->ban_s;

	if (o && (double)now <= (double)o->last_ns + o->window_s * 1e9)
		prev = o->offences;
	*offence = prev + 1;
	if (r->esc_factor > 1 && prev) {
		s = r->ban_s * pow(r->esc_factor, prev);
		if (!(s <= r->esc_max_s))
			s = r->esc_max_s;
	}
	return s > SW_DURATION_MAX ? SW_DURATION_MAX : s;
}

/* Ban (or say it would ban) target for rule ri. g is its group, NULL for
 * a prefix ban. */
static int ban(struct sw_rules_eval *ev, size_t ri,
	       const struct sw_prefix *target, const struct grp *g,
	       const struct sw_frame *f, unsigned held, const char *why)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	struct sw_offender *o = sw_rules_hist_find(ev->h, target), rec;
	uint64_t now = f->time_ns;
	bool d = dry(ev, r);
	unsigned offence;
	double secs = ban_for(r, o, now, &offence);
	struct sw_rule_action *a = new_act(ev, d ? SW_RA_WOULD_BLOCK : SW_RA_BLOCK, ri);
	struct rmap_item *it;
	char t[SW_ADDR_STRLEN], dur[16], esc[64] = "", held_s[48] = "";

	if (!a)
		return -1;
	if (o)
		ev->undo[ev->nacts - 1] = *o;
	a->req.target = *target;
	a->req.timeout_s = secs;
	a->req.kill = r->kill;
	a->req.reason = a->reason;
	a->prefix = g == NULL;
	a->offence = offence;
	if (g) {
		a->req.connections = g->conns;
		if (g->have_st) {
			memcpy(a->states, g->st, sizeof(a->states));
			a->req.states = a->states;
		}
	}
	snprintf(a->reason, sizeof(a->reason), "rule %s: %s", r->name, why);
	sw_prefix_format(target, t, sizeof(t));
	sw_duration_text(secs, dur, sizeof(dur));
	if (offence > 1)
		snprintf(esc, sizeof(esc), "; offence %u", offence);
	if (g)
		snprintf(held_s, sizeof(held_s), ", held %u refresh%s", held,
			 held == 1 ? "" : "es");
	snprintf(a->text, sizeof(a->text), "rule %s: %s %s for %s (%s%s%s)",
		 r->name, d ? "would block" : "block", t, dur, why, held_s, esc);
	if (!(it = rmap_put(&s->recent, target)))
		return -1;
	it->t = now;
	it->x = !d;
	if (d) {
		if (!(it = rmap_put(&s->noted, target)))
			return -1;
		it->t = now + (uint64_t)(secs * 1e9);
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	rec.target = *target;
	rec.offences = offence;
	rec.last_ns = now;
	rec.until_ns = now + (uint64_t)(secs * 1e9);
	rec.window_s = r->esc_window_s;
	snprintf(rec.rule, sizeof(rec.rule), "%s", r->name);
	return sw_rules_hist_put(ev->h, &rec);
}

/* Whether target is banned (history) or not to be asked for (noted). */
static bool resting(const struct sw_rules_eval *ev, const struct rule_state *s,
		    const struct sw_prefix *t, uint64_t now, bool *banned)
{
	struct sw_offender *o = sw_rules_hist_find(ev->h, t);
	struct rmap_item *n = rmap_find(&s->noted, t);

	*banned = o && o->until_ns > now;
	return *banned || (n && n->t > now);
}

static unsigned group_len(const struct sw_rule *r, const struct sw_prefix *p)
{
	return p->family == SW_V4 ? r->group_v4 : r->group_v6;
}

/* Addresses of rule ri inside p with a ban running (or, dry, noted). */
/* Where the entries inside p begin in a prefix-sorted array (they are
 * contiguous: sorted by address, p's first address comes first). */
static size_t first_in(const void *v, size_t n, size_t size,
		       const struct sw_prefix *p)
{
	struct sw_prefix start = *p;
	ptrdiff_t i;

	start.plen = 0; /* before any entry at p's first address */
	i = sw_rules_pfx_find(v, n, size, &start);
	return (size_t)(i >= 0 ? i : -i - 1);
}

static size_t banned_in(const struct sw_rules_eval *ev, size_t ri,
			const struct sw_prefix *p, uint64_t now)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	const struct rule_state *s = &ev->st[ri];
	size_t n = 0;

	for (size_t i = first_in(ev->h->v, ev->h->n, sizeof(*ev->h->v), p);
	     i < ev->h->n; i++) {
		const struct sw_offender *o = &ev->h->v[i];

		if (!sw_prefix_contains_addr(p, o->target.family, o->target.bytes))
			break;
		n += o->until_ns > now && o->target.plen == group_len(r, &o->target);
	}
	if (!dry(ev, r))
		return n;
	for (size_t i = first_in(s->noted.v, s->noted.n, sizeof(*s->noted.v), p);
	     i < s->noted.n; i++) {
		const struct rmap_item *it = &s->noted.v[i];

		if (!sw_prefix_contains_addr(p, it->pfx.family, it->pfx.bytes))
			break;
		n += it->t > now && it->pfx.plen == group_len(r, &it->pfx);
	}
	return n;
}

static int prefix_ban(struct sw_rules_eval *ev, size_t ri,
		      const struct sw_prefix *addr, const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct sw_prefix p;
	bool banned;
	size_t k;
	char why[SW_RULE_REASON_LEN], pt[SW_ADDR_STRLEN];

	sw_prefix_make(&p, addr->family, addr->bytes,
		       addr->family == SW_V4 ? r->prefix_v4 : r->prefix_v6);
	if (resting(ev, &ev->st[ri], &p, f->time_ns, &banned))
		return 0;
	k = banned_in(ev, ri, &p, f->time_ns);
	if (k < r->prefix_after)
		return 0;
	snprintf(why, sizeof(why), "%zu banned addresses in %s >= %u", k,
		 sw_prefix_format(&p, pt, sizeof(pt)), r->prefix_after);
	return ban(ev, ri, &p, NULL, f, 0, why);
}

static size_t recent_count(const struct rmap *m, bool sent_only)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n; i++)
		n += !sent_only || m->v[i].x;
	return n;
}

static int say(struct sw_rules_eval *ev, size_t ri,
	       enum sw_rule_action_kind kind, const char *text)
{
	struct sw_rule_action *a = new_act(ev, kind, ri);

	if (!a)
		return -1;
	snprintf(a->text, sizeof(a->text), "%s", text);
	return 0;
}

/* The breaker of rule ri, given due targets of which fresh are not in
 * its tally yet. Returns 1 when it may ban, 0 when not, -1 ENOMEM. */
static int breaker(struct sw_rules_eval *ev, size_t ri, size_t fresh,
		   uint64_t now)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	size_t n = s->recent.n;
	char text[SW_RULE_TEXT_LEN];

	if (s->tripped_ns) {
		if (n + fresh > r->breaker || now - s->tripped_ns < MINUTE_NS)
			return 0;
		s->tripped_ns = 0;
		snprintf(text, sizeof(text), "rule %s: breaker closed: %zu "
			 "targets in the last minute <= %u; banning again",
			 r->name, n + fresh, r->breaker);
		return say(ev, ri, SW_RA_RESET, text) ? -1 : 1;
	}
	if (n + fresh <= r->breaker)
		return 1;
	s->tripped_ns = now ? now : 1;
	snprintf(text, sizeof(text), "rule %s: breaker tripped: %zu targets in a "
		 "minute > %u; banning stops, counting goes on%s", r->name,
		 n + fresh, r->breaker, dry(ev, r) ? " (dry run)" : "");
	return say(ev, ri, SW_RA_TRIPPED, text) ? -1 : 0;
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct sw_rule_candidate *a = pa, *b = pb;

	if (a->banned != b->banned)
		return a->banned ? 1 : -1;
	if (a->left != b->left)
		return a->left < b->left ? -1 : 1;
	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return sw_rules_pfx_cmp(&a->target, &b->target);
}

static int act_rule(struct sw_rules_eval *ev, size_t ri,
		    const struct sw_frame *f)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, ri);
	struct rule_state *s = &ev->st[ri];
	uint64_t now = f->time_ns;
	size_t first = ev->ncands, fresh = 0, ndue = 0;
	struct rmap tmp;
	int may;

	s->next_holds.n = 0;
	rmap_prune(&s->recent, now > MINUTE_NS ? now - MINUTE_NS + 1 : 0);
	rmap_prune(&s->noted, now + 1);
	for (uint32_t i = 0; i < s->held.n; i++) {
		const struct grp *g = &s->held.v[i];
		struct rmap_item *prev;
		struct sw_rule_candidate *c;

		if (sw_grow((void **)&ev->cands, &ev->capcands, ev->ncands + 1,
			    sizeof(*ev->cands), 64))
			return -1;
		c = &ev->cands[ev->ncands++];
		memset(c, 0, sizeof(*c));
		c->target = g->pfx;
		c->rule = (unsigned)ri;
		c->value = sw_rules_value(ev, ri, 0, g, f);
		c->count = g->conns;
		prev = rmap_find(&s->holds, &g->pfx);
		c->held = prev ? prev->x + 1 : 1;
		c->left = c->held >= r->hold ? 0 : r->hold - c->held;
		if (rmap_append(&s->next_holds, &g->pfx, 0, c->held))
			return -1;
		if (resting(ev, s, &g->pfx, now, &c->banned) || c->left)
			continue;
		ndue++;
		fresh += !rmap_find(&s->recent, &g->pfx);
	}
	rmap_sort(&s->next_holds);
	tmp = s->holds, s->holds = s->next_holds, s->next_holds = tmp;
	s->ncand = ev->ncands - first;
	if (!ndue || ev->o.disarmed)
		return 0;
	may = breaker(ev, ri, fresh, now);
	if (may < 0)
		return -1;
	for (size_t i = first; i < first + s->ncand; i++) {
		struct sw_rule_candidate *c = &ev->cands[i];
		const struct grp *g;
		char why[SW_RULE_REASON_LEN];
		struct rmap_item *it;

		if (c->banned || c->left || resting(ev, s, &c->target, now, &c->banned))
			continue;
		if (!may) {
			/* counted once a minute while it is held back */
			if (!rmap_find(&s->recent, &c->target)) {
				if (!(it = rmap_put(&s->recent, &c->target)))
					return -1;
				it->t = now;
			}
			continue;
		}
		g = &s->held.v[i - first];
		numbers(ev, ri, g, f, why, sizeof(why));
		if (ban(ev, ri, &c->target, g, f, c->held, why))
			return -1;
		c->banned = !dry(ev, r);
		if (r->prefix_after && prefix_ban(ev, ri, &c->target, f))
			return -1;
	}
	return 0;
}

int sw_rules_act(struct sw_rules_eval *ev, const struct sw_frame *f)
{
	ev->ncands = 0;
	sw_rules_hist_prune(ev->h, f->time_ns);
	for (size_t i = 0; i < sw_rules_count(ev->rs); i++)
		if (act_rule(ev, i, f))
			return -1;
	if (ev->ncands > 1)
		qsort(ev->cands, ev->ncands, sizeof(*ev->cands), cand_cmp);
	return 0;
}

void sw_rules_eval_refused(struct sw_rules_eval *ev,
			   const struct sw_rule_action *a)
{
	size_t i = (size_t)(a - ev->acts);
	struct rule_state *s;
	struct rmap_item *it;

	if (i >= ev->nacts || a->kind != SW_RA_BLOCK)
		return;
	s = &ev->st[a->rule];
	if (ev->undo[i].target.family)
		sw_rules_hist_put(ev->h, &ev->undo[i]);
	else
		sw_rules_history_forget(ev->h, &a->req.target);
	it = rmap_put(&s->noted, &a->req.target);
	if (it) {
		struct rmap_item *r = rmap_find(&s->recent, &a->req.target);

		it->t = (r ? r->t : 0) + (uint64_t)(a->req.timeout_s * 1e9);
		if (r)
			r->x = 0;
	}
}

/* ---- status ---- */

static const char *const mode_names[] = {
	[SW_RULE_ARMED] = "armed",
	[SW_RULE_DRY_RUN] = "dry-run",
	[SW_RULE_DISARMED] = "disarmed",
	[SW_RULE_TRIPPED] = "tripped",
};

const char *sw_rule_mode_name(unsigned mode)
{
	return mode <= SW_RULE_TRIPPED ? mode_names[mode] : "unknown";
}

void sw_rules_eval_status(const struct sw_rules_eval *ev, size_t i,
			  struct sw_rule_status *st)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, i);
	const struct rule_state *s = &ev->st[i];

	memset(st, 0, sizeof(*st));
	if (!r)
		return;
	st->rule = r;
	st->mode = ev->o.disarmed ? SW_RULE_DISARMED
		   : s->tripped_ns ? SW_RULE_TRIPPED
		   : dry(ev, r)    ? SW_RULE_DRY_RUN
				   : SW_RULE_ARMED;
	st->bans_minute = (unsigned)recent_count(&s->recent, true);
	st->would_minute = (unsigned)recent_count(&s->recent, false);
	st->tripped_ns = s->tripped_ns;
	st->ncandidates = s->ncand;
	st->groups = s->ngroups;
	st->from_agg = s->from_agg;
}

const struct sw_rule_candidate *sw_rules_eval_candidates(
	const struct sw_rules_eval *ev, size_t *n)
{
	*n = ev->ncands;
	return ev->cands;
}

const struct sw_rule_candidate *sw_rules_eval_candidate_of(
	const struct sw_rules_eval *ev, const struct sw_prefix *p)
{
	for (size_t i = 0; i < ev->ncands; i++) {
		const struct sw_rule_candidate *c = &ev->cands[i];

		if (c->target.family == p->family && c->target.plen <= p->plen &&
		    sw_prefix_contains_addr(&c->target, p->family, p->bytes))
			return c;
	}
	return NULL;
}

char *sw_rule_candidate_text(const struct sw_rules_eval *ev,
			     const struct sw_rule_candidate *c, char *buf,
			     size_t len)
{
	const struct sw_rule *r = sw_rules_get(ev->rs, c->rule);
	const char *pre = ev->o.disarmed ? "disarmed: " : "";
	bool d = r && dry(ev, r);

	if (c->banned)
		snprintf(buf, len, "banned");
	else if (r && ev->st[c->rule].tripped_ns && !ev->o.disarmed)
		snprintf(buf, len, "breaker tripped");
	else if (!c->left)
		snprintf(buf, len, "%s%s now", pre, d ? "would ban" : "bans");
	else
		snprintf(buf, len, "%s%s in %u refresh%s", pre,
			 d ? "would ban" : "bans", c->left,
			 c->left == 1 ? "" : "es");
	return buf;
}
