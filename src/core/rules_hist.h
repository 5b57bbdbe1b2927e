/* rules_hist.h - private to the rules modules: the offender history's
 * storage and what the evaluator does with it. */
#ifndef SW_RULES_HIST_H
#define SW_RULES_HIST_H

#include "sw_rules.h"

struct sw_rules_history {
	struct sw_offender *v; /* sorted by target (address, then plen) */
	size_t n, cap;
	bool dirty;
};

/* The entry of target t, or NULL; valid until h changes. */
struct sw_offender *sw_rules_hist_find(struct sw_rules_history *h,
				       const struct sw_prefix *t);
/* Add or replace o (by target). Returns 0, or -1 with errno ENOMEM. */
int sw_rules_hist_put(struct sw_rules_history *h, const struct sw_offender *o);
/* Drop the entries whose ban has ended and whose window has passed. */
void sw_rules_hist_prune(struct sw_rules_history *h, uint64_t now);
/* How many single addresses inside p have a ban running at now. */
size_t sw_rules_hist_count_in(const struct sw_rules_history *h,
			      const struct sw_prefix *p, uint64_t now);

#endif
