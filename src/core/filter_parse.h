/* filter_parse.h - private to the filter's parser: the token stream and
 * the helpers shared by the grammar (filter.c) and the arguments of its
 * terms (filter_arg.c). */
#ifndef SW_FILTER_PARSE_H
#define SW_FILTER_PARSE_H

#include <stdbool.h>

#include "sw_filter.h"

#define WORD_MAX 64  /* longest state name or address we copy out */
#define QUOTE_MAX 40 /* longest word quoted back in a message */

enum tok_kind {
	TK_END, TK_WORD, TK_LPAREN, TK_RPAREN, TK_AND, TK_OR, TK_NOT, TK_CMP
};

/* The comparisons of ss's grammar, as typed (TK_CMP's cmp). */
enum tok_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_GT, CMP_LE, CMP_GE };

struct tok {
	enum tok_kind kind;
	int pos, len;
	enum tok_cmp cmp; /* TK_CMP */
};

struct sw_fparser {
	const char *text;
	struct tok *toks;
	int ntok, i, depth;
	struct sw_filter *f;
	size_t cap;
	struct sw_filter_error *err;
	const struct sw_filter_env *env; /* NULL: no service names */
};

/* Set the error at pos/len and return -1. */
int sw_filter_fail(struct sw_fparser *p, int pos, int len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define FAIL(p, t, ...) sw_filter_fail((p), (t)->pos, (t)->len, __VA_ARGS__)

/* The word quoted for a message ("'word'", cut at QUOTE_MAX, or "the
 * end"). Returns buf. */
const char *sw_filter_quote(const struct sw_fparser *p, const struct tok *t,
			    char *buf, size_t size);

/* Append a node; its index, or -1 with the error set (too many, ENOMEM). */
int sw_filter_node(struct sw_fparser *p, enum sw_fnode_kind kind, int l, int r,
		   const struct tok *at);

/* Close enough to cand to be a typo of it, and closer than *best, which
 * it updates. */
bool sw_filter_near(const char *w, int len, const char *cand, int *best);

/* Copy a word out as a C string into buf[WORD_MAX]; false when too long. */
bool sw_filter_word(const struct sw_fparser *p, const struct tok *t, char *buf);

/* True when t is the word w (case-insensitive). */
bool sw_filter_tok_is(const struct sw_fparser *p, const struct tok *t,
		      const char *w);

/* ---- filter_arg.c: the arguments of terms ---- */

/* A state name or group: its SW_STATE_BIT mask, or 0. */
uint32_t sw_filter_arg_state_mask(const char *w);

/* A run of "state NAME" / "exclude NAME" clauses from p->i (at the first
 * keyword): the root of their nodes, or -1 with the error set. */
int sw_filter_arg_states(struct sw_fparser *p);

/* The argument of a port keyword (kind PORT/SPORT/DPORT, keyword token
 * kt), from p->i: [CMP] PORT. The root of its nodes, or -1. */
int sw_filter_arg_port(struct sw_fparser *p, enum sw_fnode_kind kind,
		       const struct tok *kt);

/* The argument of an address keyword (ADDR/SRC/DST): ["=" | "!="] HOST. */
int sw_filter_arg_host(struct sw_fparser *p, enum sw_fnode_kind kind,
		       const struct tok *kt);

#endif
