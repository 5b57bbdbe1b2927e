/* rules_eval.h - private to the evaluator (rules_eval.c counts the
 * groups, rules_act.c decides and acts; rules_map.c holds their maps). */
#ifndef SW_RULES_EVAL_H
#define SW_RULES_EVAL_H

#include "rules_hist.h"
#include "rules_priv.h"

/* A prefix-keyed entry: t is a time (ns) or a count, x spare. */
struct rmap_item {
	struct sw_prefix pfx;
	uint64_t t;
	uint32_t x;
};

struct rmap {
	struct rmap_item *v; /* sorted by prefix (rmap_sort after appends) */
	size_t n, cap;
};

int sw_rules_pfx_cmp(const struct sw_prefix *a, const struct sw_prefix *b);
struct rmap_item *rmap_find(const struct rmap *m, const struct sw_prefix *p);
/* Find or insert (zeroed but pfx); NULL on ENOMEM. */
struct rmap_item *rmap_put(struct rmap *m, const struct sw_prefix *p);
/* Append unsorted; rmap_sort before the next find. 0 or -1 (ENOMEM). */
int rmap_append(struct rmap *m, const struct sw_prefix *p, uint64_t t,
		uint32_t x);
void rmap_sort(struct rmap *m);
/* Drop the items with t < before. */
void rmap_prune(struct rmap *m, uint64_t before);
void rmap_free(struct rmap *m);

/* One group's numbers in one refresh. */
struct grp {
	struct sw_prefix pfx;
	uint32_t st[SW_ST_MAX]; /* TCP sockets per state */
	uint32_t udp;           /* connected UDP */
	uint32_t newc;          /* new since the previous refresh */
	uint32_t idle;          /* idle inbound ESTABLISHED */
	uint32_t inb;           /* inbound live (the aggregate's count) */
};

struct gtab {
	struct grp *v;
	uint32_t n, cap;
	uint32_t *slots; /* index+1 */
	uint32_t nslots;
};

void gtab_reset(struct gtab *t);
/* The group of p, created empty; NULL on ENOMEM. */
struct grp *gtab_get(struct gtab *t, const struct sw_prefix *p);
void gtab_free(struct gtab *t);

/* What the evaluator keeps per rule. */
struct rule_state {
	struct gtab groups;
	bool from_agg;        /* counted from the aggregate this refresh */
	bool new_known;       /* newc is meaningful */
	uint32_t tcp_mask, udp_mask; /* states its match can take */
	struct rmap holds, next_holds; /* x = refreshes held in a row */
	struct rmap recent;   /* breaker: targets (would-)banned, t = when,
				 x = 1 when sent */
	struct rmap noted;    /* not to ask again until t (dry run, refused) */
	uint64_t tripped_ns;
	size_t ncand;
	uint64_t ngroups;
};

struct sw_rules_eval {
	const struct sw_rules *rs;
	struct sw_rules_history *h;
	struct sw_rules_eval_opts o;
	struct rule_state *st;
	/* cookies of the previous snapshot, for new_per_s of walked rules */
	uint64_t *prev, *next;
	uint32_t nprev, nnext, prevcap, nextcap;
	bool have_prev;
	uint8_t *ports;       /* listening ports when the frame's agg has none */
	struct sw_rule_action *acts;
	struct sw_offender *undo; /* per action: the entry before it (or
				     target.family 0: none) */
	size_t nacts, capacts, capundo;
	struct sw_rule_candidate *cands;
	size_t ncands, capcands;
};

/* A condition's number for group g of rule r (findings from f). */
double sw_rules_value(const struct sw_rules_eval *ev, size_t ri,
		      const struct sw_rule_cond *c, const struct grp *g,
		      const struct sw_frame *f);
/* conns of g by r's states. */
uint32_t sw_rules_conns(const struct sw_rule *r, const struct grp *g);

/* Decide on the counted groups of every rule: holds, bans, breaker,
 * prefix bans, candidates. 0 or -1 (ENOMEM). */
int sw_rules_act(struct sw_rules_eval *ev, const struct sw_frame *f);

#endif
