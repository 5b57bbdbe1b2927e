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

uint32_t sw_rules_pfx_hash(const struct sw_prefix *p);
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

/* One group's numbers in one refresh: v[i] is condition i's count (new
 * sockets for new_per_s; unused for findings), conns its conns. */
struct grp {
	struct sw_prefix pfx;
	uint32_t v[SW_RULE_MAX_CONDS];
	uint32_t conns;
	bool have_st;           /* st holds per-state counts (aggregate) */
	uint32_t st[SW_ST_MAX];
};

/* Groups by prefix: open addressing over a dense array, reused. */
struct gtab {
	struct grp *v;
	uint32_t n, cap;
	uint32_t *slots; /* index+1 */
	uint32_t nslots;
};

void gtab_reset(struct gtab *t);
/* The group of p, created empty; NULL on ENOMEM. */
struct grp *gtab_get(struct gtab *t, const struct sw_prefix *p);
/* Append g as is (no lookup: the caller knows it is new). */
struct grp *gtab_push(struct gtab *t, const struct grp *g);
void gtab_free(struct gtab *t);

/* Peers of the walked sockets, full length and normalised, each with a
 * dense index: the walk finds a socket's peer once for all rules. */
struct peers {
	struct sw_prefix *v;
	uint32_t n, cap;
	uint32_t *slots; /* index+1 */
	uint32_t nslots;
};

/* Sockets that share protocol, family, state, local address and port
 * and remote address: a filter that reads nothing else (no remote port)
 * gives them all the same answer. */
struct flow {
	struct sw_sock rep;   /* the first of them */
	uint32_t n, nfresh;   /* how many; of those, new */
	uint32_t peer;        /* peer index */
};

struct flows {
	struct flow *v;
	uint32_t n, cap;
	uint32_t *slots;
	uint32_t nslots;
};

/* What the evaluator keeps per rule. */
struct rule_state {
	struct gtab groups;   /* rolled up to the rule's grouping (when it is
				 coarser than the rows it is counted from) */
	struct gtab held;     /* the groups whose condition holds this refresh */
	bool from_agg;        /* counted from the aggregate this refresh */
	bool new_known;       /* new counts are meaningful */
	bool wants_new;       /* walked, with a new_per_s condition */
	bool by_flow;         /* walked per flow (its match fits them) */
	uint32_t tcp_mask, udp_mask; /* states its match can take */
	unsigned k;           /* counters per peer: nconds + 1 (conns) */
	uint32_t *ctr;        /* walk: k counters per peer index */
	size_t ctrcap;
	uint32_t *idle;       /* aggregate path: idle sockets per row */
	size_t idlecap;
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
	uint8_t *ports;       /* listening ports when the frame's agg has none */
	struct peers peers;
	struct flows flows;
	uint32_t *pidx;       /* per socket of the walk: its peer's index */
	uint32_t pidxcap;
	uint32_t *fpeer;      /* per flow: its peer's index */
	uint32_t fpeercap;
	unsigned agg_g4, agg_g6; /* the aggregate's grouping this refresh */
	struct sw_rule_action *acts;
	struct sw_offender *undo; /* per action: the entry before it (or
				     target.family 0: none) */
	size_t nacts, capacts, capundo;
	struct sw_rule_candidate *cands;
	size_t ncands, capcands;
};

/* Condition i's number for group g of rule ri (findings from f). */
double sw_rules_value(const struct sw_rules_eval *ev, size_t ri, unsigned i,
		      const struct grp *g, const struct sw_frame *f);

/* Whether a unit of prefix p (a row of the aggregate, a peer) is a
 * group of rule r as it is: r groups its family at p's length. */
bool sw_rules_same_level(const struct sw_rule *r, const struct sw_prefix *p);
/* A counted unit (a row, a peer) as a group of rule ri: held at once
 * when it is one of its groups, else added to its group. 0 or -1. */
int sw_rules_unit(struct sw_rules_eval *ev, size_t ri, const struct grp *g,
		  const struct sw_frame *f);

/* rules_walk.c: count the rules walk[0..nw) from the sockets into their
 * per-peer counters; their units then. Each 0 or -1 (ENOMEM). */
int sw_rules_walk(struct sw_rules_eval *ev, const size_t *walk, size_t nw,
		  const struct sw_frame *f, const uint8_t *ports);
int sw_rules_walked_units(struct sw_rules_eval *ev, size_t ri,
			  const struct sw_frame *f);
/* The peer index of p (full length, normalised), added when new; -1. */
int64_t sw_rules_peer(struct peers *t, const struct sw_prefix *p);
void sw_rules_peers_reset(struct peers *t);
/* Room for rule ri's counters of peers 0..n-1. 0 or -1. */
int sw_rules_ctr_room(struct sw_rules_eval *ev, size_t ri, uint32_t n);
/* Whether filter f can be tested once per flow. */
bool sw_rules_flow_fits(const struct sw_filter *f);

/* Whether every condition of rule ri holds for g. */
bool sw_rules_holds(const struct sw_rules_eval *ev, size_t ri,
		    const struct grp *g, const struct sw_frame *f);

/* Decide on the held groups of every rule: holds, bans, breaker,
 * prefix bans, candidates. 0 or -1 (ENOMEM). */
int sw_rules_act(struct sw_rules_eval *ev, const struct sw_frame *f);

#endif
