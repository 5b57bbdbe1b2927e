/* rules.c - `sockwatch rules check [FILE]`: read a rules file, print its
 * errors with their lines (exit 1), or each rule in words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_cause.h"
#include "sw_cmd.h"
#include "sw_rules_file.h"

static int sw_rules_check(const struct sw_cmd_entry *e, const struct sw_opts *o,
			  char **cause)
{
	if (!o->target)
		return sw_cause_set(cause, "%s needs what to do: sockwatch rules "
				    "check [FILE]", e->label);
	if (strcmp(o->target, "check"))
		return sw_cause_set(cause, "%s: unknown action '%s'; expected "
				    "check (sockwatch rules check [FILE])",
				    e->label, o->target);
	return 0;
}

static int sw_rules_run(const struct sw_opts *o)
{
	const char *path = o->arg2 ? o->arg2 : SW_RULES_DEFAULT_FILE;
	char *cause = NULL, words[1024];
	struct sw_rules *rs = sw_rules_load(path, &cause);
	size_t n;

	if (!rs) {
		const char *t = sw_cause_text(cause);
		size_t lines = 1, pl = strlen(path);
		bool errs = !strncmp(t, path, pl) && t[pl] == ':' &&
			    t[pl + 1] >= '0' && t[pl + 1] <= '9';

		for (const char *c = t; *c; c++)
			lines += *c == '\n';
		/* the file's errors are "FILE:LINE: ..." lines, as compilers
		 * write them; anything else is one "sockwatch: " line */
		if (!errs) {
			fprintf(stderr, "sockwatch: %s%s\n", t,
				!o->arg2 && !strncmp(t, "cannot read", 11)
					? " (name the file: sockwatch rules check FILE)"
					: "");
			free(cause);
			return 1;
		}
		fprintf(stderr, "%s\n", t);
		fprintf(stderr, "sockwatch: rules check: %s is refused whole (%zu "
			"error%s); fix %s and check again\n", path, lines,
			lines == 1 ? "" : "s", lines == 1 ? "it" : "them");
		free(cause);
		return 1;
	}
	n = sw_rules_count(rs);
	if (!n)
		printf("%s: no rules (valid, but nothing will be banned)\n", path);
	else
		printf("%s: %zu rule%s, valid\n", path, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);

		printf("[%s] (line %u) %s\n", r->name, r->line,
		       sw_rule_describe(r, words, sizeof(words)));
	}
	sw_rules_free(rs);
	return 0;
}

const struct sw_cmd_entry sw_cmd_rules_entry = {
	.mode = SW_MODE_RULES,
	.name = "rules",
	.label = "rules",
	.usage = "rules check [FILE]        check a rules file, say what its "
		 "rules do\n",
	.options = (const char *const[]){NULL},
	.check = sw_rules_check,
	.run = sw_rules_run,
	.flush = true,
	.two_words = true,
};
