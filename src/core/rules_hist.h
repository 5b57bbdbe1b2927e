/* rules_hist.h - private to the rules modules: the offender history's
 * storage and what the evaluator does with it. */
#ifndef SW_RULES_HIST_H
#define SW_RULES_HIST_H

#include <stddef.h>

#include "sw_rules.h"

struct sw_rules_history {
	struct sw_offender *v; /* sorted by target (address, then plen) */
	size_t n, cap;
	bool dirty;
};

/* Prefixes in the order of the sorted arrays (address, then length). */
int sw_rules_pfx_cmp(const struct sw_prefix *a, const struct sw_prefix *b);
/* Binary search of p in v[0..n) (elements of size bytes, each starting
 * with its struct sw_prefix, sorted by sw_rules_pfx_cmp): its index, or
 * -(insertion point) - 1. */
ptrdiff_t sw_rules_pfx_find(const void *v, size_t n, size_t size,
			    const struct sw_prefix *p);

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
