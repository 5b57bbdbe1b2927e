/* fuzz_rules.c - libFuzzer harness for the rules file's parser
 * (sw_rules_parse), a rule in words, and the offender history's text
 * form (sw_rules_history_parse / _format).
 *
 * Beyond "no crash" it checks, and aborts on: a refused file gives
 * errors, each line "NAME:N: ..."; an accepted one gives no errors and
 * rules with a condition each; history text read back is written out and
 * read again to the same entries, and a refused text leaves the history
 * as it was.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_rules -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_rules.h"

static void rules(const char *text)
{
	char *err = NULL, words[1024];
	struct sw_rules *rs = sw_rules_parse(text, "f", NULL, &err);

	if (!rs) {
		if (!err)
			return; /* out of memory */
		for (const char *l = err; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (strncmp(l, "f:", 2))
				abort();
		free(err);
		return;
	}
	if (err)
		abort();
	for (size_t i = 0; i < sw_rules_count(rs); i++) {
		const struct sw_rule *r = sw_rules_get(rs, i);

		if (!r->nconds || r->nconds > SW_RULE_MAX_CONDS || !r->hold ||
		    !(r->ban_s >= 1) || !r->breaker)
			abort();
		sw_rule_describe(r, words, sizeof(words));
	}
	sw_rules_free(rs);
}

static void history(const char *data, size_t size)
{
	struct sw_rules_history *h = sw_rules_history_new(), *h2;
	char *cause = NULL, *text, *text2;
	const struct sw_offender *a, *b;
	size_t na, nb;

	if (!h)
		return;
	if (sw_rules_history_parse(h, data, size, &cause)) {
		sw_rules_history_list(h, &na);
		if (!cause || na)
			abort();
		free(cause);
		sw_rules_history_free(h);
		return;
	}
	text = sw_rules_history_format(h);
	h2 = sw_rules_history_new();
	if (!text || !h2 || sw_rules_history_parse(h2, text, strlen(text), &cause))
		abort();
	text2 = sw_rules_history_format(h2);
	a = sw_rules_history_list(h, &na);
	b = sw_rules_history_list(h2, &nb);
	if (na != nb || !text2 || strcmp(text, text2))
		abort();
	for (size_t i = 0; i < na; i++)
		if (!sw_prefix_eq(&a[i].target, &b[i].target) ||
		    a[i].offences != b[i].offences || strcmp(a[i].rule, b[i].rule))
			abort();
	free(text);
	free(text2);
	sw_rules_history_free(h);
	sw_rules_history_free(h2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rules(text);
	history(text, size);
	free(text);
	return 0;
}
