/* filter_check.h - checks the filter tests share: the TCP states a filter
 * matches, and bad expressions, each refused with exactly its message and
 * the word it marks. */
#ifndef FILTER_CHECK_H
#define FILTER_CHECK_H

#include <stdbool.h>
#include <string.h>

#include "sw_filter.h"
#include "sw_test.h"

/* The TCP states (as state bits) that f matches on an IPv4 socket. */
static inline uint32_t filter_tcp_states(const struct sw_filter *f)
{
	uint32_t got = 0;

	for (unsigned st = 1; st < SW_ST_MAX; st++) {
		struct sw_sock s = {.proto = SW_TCP, .family = SW_V4,
				    .state = (uint8_t)st};
		if (sw_filter_match(f, &s))
			got |= SW_STATE_BIT(st);
	}
	return got;
}

struct filter_err_case {
	const char *text;
	int pos, len;
	const char *msg; /* the whole message, or its start when ending in '*' */
};

/* Parse each case with env (NULL: no service names); fail the test on a
 * case that parses, or whose message or position differs. */
static inline void filter_check_errors(const struct filter_err_case *cases,
				       size_t n, const struct sw_filter_env *env)
{
	for (size_t i = 0; i < n; i++) {
		struct sw_filter_error err;
		struct sw_filter *f = sw_filter_parse_env(cases[i].text, env, &err);
		if (f)
			fail_msg("'%s' parsed but should not", cases[i].text);
		size_t ml = strlen(cases[i].msg);
		bool prefix = cases[i].msg[ml - 1] == '*';
		if (prefix ? strncmp(err.msg, cases[i].msg, ml - 1) :
			     strcmp(err.msg, cases[i].msg))
			fail_msg("'%s': message \"%s\", want \"%s\"", cases[i].text,
				 err.msg, cases[i].msg);
		if (err.pos != cases[i].pos || err.len != cases[i].len)
			fail_msg("'%s': at %d+%d, want %d+%d", cases[i].text, err.pos,
				 err.len, cases[i].pos, cases[i].len);
	}
}

#endif
