/* rules_stub.c - placeholders of the rules API (sw_rules.h) until the
 * parser, evaluator and history are written. Every call fails with
 * ENOSYS or returns nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_rules.h"

struct sw_rules *sw_rules_parse(const char *text, const char *file,
				const struct sw_filter_env *env, char **errors)
{
	(void)text, (void)file, (void)env;
	*errors = strdup("rules: not implemented yet");
	return NULL;
}
void sw_rules_free(struct sw_rules *rs) { (void)rs; }
size_t sw_rules_count(const struct sw_rules *rs) { (void)rs; return 0; }
const struct sw_rule *sw_rules_get(const struct sw_rules *rs, size_t i)
{
	(void)rs, (void)i;
	return NULL;
}
char *sw_rule_describe(const struct sw_rule *r, char *buf, size_t len)
{
	(void)r;
	if (len)
		buf[0] = 0;
	return buf;
}
struct sw_rules_history *sw_rules_history_new(void)
{
	errno = ENOSYS;
	return NULL;
}
void sw_rules_history_free(struct sw_rules_history *h) { (void)h; }
const struct sw_offender *sw_rules_history_list(const struct sw_rules_history *h, size_t *n)
{
	(void)h;
	*n = 0;
	return NULL;
}
bool sw_rules_history_dirty(const struct sw_rules_history *h) { (void)h; return false; }
char *sw_rules_history_format(struct sw_rules_history *h)
{
	(void)h;
	errno = ENOSYS;
	return NULL;
}
int sw_rules_history_parse(struct sw_rules_history *h, const char *text, size_t len, char **cause)
{
	(void)h, (void)text, (void)len;
	*cause = strdup("not implemented yet");
	return -1;
}
bool sw_rules_history_forget(struct sw_rules_history *h, const struct sw_prefix *t)
{
	(void)h, (void)t;
	return false;
}
struct sw_rules_eval *sw_rules_eval_new(const struct sw_rules *rs, struct sw_rules_history *h,
					const struct sw_rules_eval_opts *o)
{
	(void)rs, (void)h, (void)o;
	errno = ENOSYS;
	return NULL;
}
void sw_rules_eval_free(struct sw_rules_eval *ev) { (void)ev; }
void sw_rules_eval_set(struct sw_rules_eval *ev, const struct sw_rules_eval_opts *o) { (void)ev, (void)o; }
int sw_rules_eval_run(struct sw_rules_eval *ev, const struct sw_frame *f,
		      const struct sw_rule_action **out, size_t *n)
{
	(void)ev, (void)f;
	*out = NULL;
	*n = 0;
	errno = ENOSYS;
	return -1;
}
void sw_rules_eval_refused(struct sw_rules_eval *ev, const struct sw_rule_action *a) { (void)ev, (void)a; }
const char *sw_rule_mode_name(unsigned mode) { (void)mode; return "armed"; }
void sw_rules_eval_status(const struct sw_rules_eval *ev, size_t i, struct sw_rule_status *st)
{
	(void)ev, (void)i;
	memset(st, 0, sizeof(*st));
}
const struct sw_rule_candidate *sw_rules_eval_candidates(const struct sw_rules_eval *ev, size_t *n)
{
	(void)ev;
	*n = 0;
	return NULL;
}
const struct sw_rule_candidate *sw_rules_eval_candidate_of(const struct sw_rules_eval *ev,
							   const struct sw_prefix *p)
{
	(void)ev, (void)p;
	return NULL;
}
char *sw_rule_candidate_text(const struct sw_rules_eval *ev, const struct sw_rule_candidate *c,
			     char *buf, size_t len)
{
	(void)ev, (void)c;
	if (len)
		buf[0] = 0;
	return buf;
}
