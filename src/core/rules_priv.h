/* rules_priv.h - private to the rules modules (src/core/rules*.c): the
 * rule set, the parser's error list, the value parsers of the keys. */
#ifndef SW_RULES_PRIV_H
#define SW_RULES_PRIV_H

#include "sw_buf.h"
#include "sw_rules.h"

struct sw_rules {
	struct sw_rule *v;
	size_t n, cap;
};

/* Default `conns` states: every TCP state but TIME_WAIT and LISTEN (the
 * live connections; connected UDP counts as ESTABLISHED). */
#define SW_RULE_LIVE_STATES \
	(SW_TCP_ALL_STATES & ~(SW_STATE_BIT(SW_TIME_WAIT) | SW_STATE_BIT(SW_LISTEN)))

/* A key's value parser: 0, or -1 with a message (what was wrong and
 * what to do) in msg. */
typedef int (*sw_rules_val_fn)(struct sw_rule *r, const char *v,
			       const struct sw_filter_env *env, char *msg,
			       size_t len);

struct sw_rules_key {
	const char *name;
	sw_rules_val_fn parse;
	bool rule_only;     /* not in [defaults] */
	const char *example; /* for the error messages */
};

/* The keys, in the grammar's order, and how many. */
extern const struct sw_rules_key sw_rules_keys[];
extern const size_t sw_rules_nkeys;

/* The defaults of a rule with nothing set. */
void sw_rules_default(struct sw_rule *r);

/* "more than", "at least", ... Static. */
const char *sw_rules_cmp_words(unsigned cmp);
/* ">", ">=", ... Static. */
const char *sw_rules_cmp_op(unsigned cmp);
/* The name a condition's metric is written with ("conns", "syn_recv",
 * "finding syn_flood"), into buf. Returns buf. */
char *sw_rules_metric_text(const struct sw_rule_cond *c, char *buf,
			   size_t len);
/* Whether value v satisfies c's comparison. */
bool sw_rules_cmp(const struct sw_rule_cond *c, double v);

#endif
