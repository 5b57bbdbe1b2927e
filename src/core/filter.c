/* filter.c - the filter language: tokenizer and recursive-descent parser
 * into the node array, with errors that point at the word and say what
 * was expected. The arguments of terms (states, ports, hosts) are read in
 * filter_arg.c, matching and the push-down analyses are in filter_prog.c,
 * the caret display of errors in filter_error.c. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter_parse.h"
#include "filter_prog.h"
#include "sw_filter.h"
#include "sw_grow.h"

#define TEXT_MAX 65536 /* longer texts are refused before tokenizing */

enum arg_kind { ARG_NONE, ARG_STATE, ARG_PORT, ARG_PREFIX };

/* Terms of the language. suggest: offered for misspellings. */
static const struct keyword {
	const char *name;
	enum sw_fnode_kind kind;
	enum arg_kind arg;
	unsigned value; /* proto or family of argument-less terms */
	bool suggest;
} keywords[] = {
	{"state", SW_F_STATE, ARG_STATE, 0, true},
	{"exclude", SW_F_STATE, ARG_STATE, 0, true},
	{"excl", SW_F_STATE, ARG_STATE, 0, false},
	{"port", SW_F_PORT, ARG_PORT, 0, true},
	{"sport", SW_F_SPORT, ARG_PORT, 0, true},
	{"dport", SW_F_DPORT, ARG_PORT, 0, true},
	{"addr", SW_F_ADDR, ARG_PREFIX, 0, true},
	{"src", SW_F_SRC, ARG_PREFIX, 0, true},
	{"dst", SW_F_DST, ARG_PREFIX, 0, true},
	{"tcp", SW_F_PROTO, ARG_NONE, SW_TCP, true},
	{"udp", SW_F_PROTO, ARG_NONE, SW_UDP, true},
	{"v4", SW_F_FAMILY, ARG_NONE, SW_V4, true},
	{"v6", SW_F_FAMILY, ARG_NONE, SW_V6, true},
	{"ipv4", SW_F_FAMILY, ARG_NONE, SW_V4, false},
	{"ipv6", SW_F_FAMILY, ARG_NONE, SW_V6, false},
};

/* Operator words (ss's); the symbols are recognised by the tokenizer. */
static const struct {
	const char *name;
	enum tok_kind kind;
	enum tok_cmp cmp;
} op_words[] = {
	{"and", TK_AND, 0},    {"or", TK_OR, 0},      {"not", TK_NOT, 0},
	{"eq", TK_CMP, CMP_EQ}, {"ne", TK_CMP, CMP_NE}, {"neq", TK_CMP, CMP_NE},
	{"lt", TK_CMP, CMP_LT}, {"gt", TK_CMP, CMP_GT}, {"le", TK_CMP, CMP_LE},
	{"leq", TK_CMP, CMP_LE}, {"ge", TK_CMP, CMP_GE}, {"geq", TK_CMP, CMP_GE},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

bool sw_filter_tok_is(const struct sw_fparser *p, const struct tok *t,
		      const char *w)
{
	return (size_t)t->len == strlen(w) &&
	       strncasecmp(p->text + t->pos, w, t->len) == 0;
}

int sw_filter_fail(struct sw_fparser *p, int pos, int len, const char *fmt, ...)
{
	va_list ap;

	p->err->pos = pos;
	p->err->len = len;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *sw_filter_quote(const struct sw_fparser *p, const struct tok *t,
			    char *buf, size_t size)
{
	if (t->kind == TK_END)
		snprintf(buf, size, "the end");
	else if (t->len > QUOTE_MAX)
		snprintf(buf, size, "'%.*s...'", QUOTE_MAX, p->text + t->pos);
	else
		snprintf(buf, size, "'%.*s'", t->len, p->text + t->pos);
	return buf;
}

static bool is_sep(char c)
{
	return isspace((unsigned char)c) || c == '(' || c == ')' || c == '!' ||
	       c == '&' || c == '|' || c == '=' || c == '<' || c == '>';
}

/* Split text into tokens; toks has room for strlen(text) + 1. */
static int tokenize(const char *text, struct tok *toks)
{
	int n = 0, i = 0;

	for (;;) {
		while (isspace((unsigned char)text[i]))
			i++;
		struct tok *t = &toks[n++];
		char c = text[i];
		t->pos = i;
		t->len = 1;
		if (!c) {
			t->kind = TK_END;
			t->len = 0;
			return n;
		}
		if (c == '=' || c == '<' || c == '>' ||
		    (c == '!' && text[i + 1] == '=')) {
			/* = == != < <= > >= */
			t->kind = TK_CMP;
			t->len = text[i + 1] == '=' ? 2 : 1;
			t->cmp = c == '=' ? CMP_EQ : c == '!' ? CMP_NE :
				 c == '<' ? (t->len == 2 ? CMP_LE : CMP_LT) :
					    (t->len == 2 ? CMP_GE : CMP_GT);
		} else if (c == '(' || c == ')' || c == '!') {
			t->kind = c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN : TK_NOT;
		} else if (c == '&' || c == '|') {
			t->kind = c == '&' ? TK_AND : TK_OR;
			if (text[i + 1] == c)
				t->len = 2;
		} else {
			t->kind = TK_WORD;
			while (text[i + t->len] && !is_sep(text[i + t->len]))
				t->len++;
			for (size_t k = 0; k < NELEM(op_words); k++)
				if ((size_t)t->len == strlen(op_words[k].name) &&
				    !strncasecmp(text + i, op_words[k].name, t->len)) {
					t->kind = op_words[k].kind;
					t->cmp = op_words[k].cmp;
				}
		}
		i += t->len;
	}
}

int sw_filter_node(struct sw_fparser *p, enum sw_fnode_kind kind, int l, int r,
		   const struct tok *at)
{
	struct sw_filter *f = p->f;

	if (f->nnodes >= SW_FILTER_MAX_NODES)
		return FAIL(p, at, "filter too long: more than %d terms",
			    SW_FILTER_MAX_NODES);
	if (sw_grow((void **)&f->nodes, &p->cap, (size_t)f->nnodes + 1,
		    sizeof(*f->nodes), 16))
		return sw_filter_fail(p, -1, 0, "out of memory");
	struct sw_fnode *n = &f->nodes[f->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->left = l;
	n->right = r;
	return f->nnodes++;
}

/* Optimal-string-alignment distance, case-insensitive, short words only. */
static int edit_distance(const char *a, int la, const char *b)
{
	int lb = (int)strlen(b), d[WORD_MAX + 1][WORD_MAX + 1];

	if (la > WORD_MAX || lb > WORD_MAX)
		return WORD_MAX;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			int v = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    cb == tolower((unsigned char)a[i - 2]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* At most 2 edits, fewer than the word: ties keep the first candidate. */
bool sw_filter_near(const char *w, int len, const char *cand, int *best)
{
	int d = edit_distance(w, len, cand);
	int lim = len <= 3 ? 1 : 2;

	if (d > lim || d >= len || d >= *best)
		return false;
	*best = d;
	return true;
}

bool sw_filter_word(const struct sw_fparser *p, const struct tok *t, char *buf)
{
	if (t->len >= WORD_MAX)
		return false;
	memcpy(buf, p->text + t->pos, t->len);
	buf[t->len] = '\0';
	return true;
}

static int bad_keyword(struct sw_fparser *p, const struct tok *t)
{
	char q[QUOTE_MAX + 8], w[WORD_MAX], hint[160] = "";
	const char *err, *cand = NULL;
	struct sw_prefix pfx;
	int best = WORD_MAX;

	sw_filter_quote(p, t, q, sizeof(q));
	if (sw_filter_word(p, t, w)) {
		if (sw_filter_arg_state_mask(w))
			snprintf(hint, sizeof(hint), "did you mean 'state %s'?", w);
		else if (strspn(w, "0123456789") == strlen(w))
			snprintf(hint, sizeof(hint), "did you mean 'port %s'?", w);
		else if (sw_prefix_parse(w, &pfx, &err) == 0)
			snprintf(hint, sizeof(hint), "did you mean 'addr %s'?", w);
	}
	for (size_t k = 0; k < NELEM(keywords) && !hint[0]; k++)
		if (keywords[k].suggest &&
		    sw_filter_near(p->text + t->pos, t->len, keywords[k].name, &best))
			cand = keywords[k].name;
	for (size_t k = 0; k < NELEM(op_words) && !hint[0]; k++)
		if (sw_filter_near(p->text + t->pos, t->len, op_words[k].name, &best))
			cand = op_words[k].name;
	if (cand)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", cand);
	if (!hint[0])
		snprintf(hint, sizeof(hint),
			 "expected state, port, sport, dport, addr, src, dst, "
			 "tcp, udp, v4, v6, not or '('");
	return FAIL(p, t, "unknown keyword %s; %s", q, hint);
}

/* A term: keyword, and its argument when it takes one. */
static int parse_term(struct sw_fparser *p)
{
	const struct tok *kt = &p->toks[p->i++];
	const struct keyword *kw = NULL;

	for (size_t k = 0; k < NELEM(keywords) && !kw; k++)
		if (sw_filter_tok_is(p, kt, keywords[k].name))
			kw = &keywords[k];
	if (!kw)
		return bad_keyword(p, kt);
	if (kw->arg == ARG_NONE) {
		int n = sw_filter_node(p, kw->kind, -1, -1, kt);
		if (n >= 0)
			p->f->nodes[n].u.proto = kw->value; /* or .family */
		return n;
	}

	switch (kw->arg) {
	case ARG_STATE:
		p->i--;
		return sw_filter_arg_states(p);
	case ARG_PORT:
		return sw_filter_arg_port(p, kw->kind, kt);
	default:
		return sw_filter_arg_host(p, kw->kind, kt);
	}
}

static int parse_or(struct sw_fparser *p, const struct tok *after);

/* The operand of `after` (an and/or/not/'(' token, or NULL at the start
 * of the text) is missing: say so, pointing at the culprit. */
static int missing_operand(struct sw_fparser *p, const struct tok *after)
{
	const struct tok *t = &p->toks[p->i];
	char q[QUOTE_MAX + 8], q2[QUOTE_MAX + 8];

	if (t->kind == TK_AND || t->kind == TK_OR) {
		if (after && after->kind != TK_LPAREN)
			return FAIL(p, t, "expected a filter after %s, found %s",
				    sw_filter_quote(p, after, q, sizeof(q)),
				    sw_filter_quote(p, t, q2, sizeof(q2)));
		return FAIL(p, t, "%s needs a filter before it",
			    sw_filter_quote(p, t, q, sizeof(q)));
	}
	if (t->kind == TK_CMP)
		return FAIL(p, t, "unexpected %s: a comparison goes after port, "
			    "sport, dport, addr, src or dst",
			    sw_filter_quote(p, t, q, sizeof(q)));
	if (after && t->kind == TK_END)
		return FAIL(p, after, "%s needs a filter after it",
			    sw_filter_quote(p, after, q, sizeof(q)));
	if (after)
		return FAIL(p, t, "expected a filter after %s, found %s",
			    sw_filter_quote(p, after, q, sizeof(q)),
			    sw_filter_quote(p, t, q2, sizeof(q2)));
	return FAIL(p, t, "unexpected ')' with no matching '('");
}

static int parse_unary(struct sw_fparser *p, const struct tok *after)
{
	int nots = 0, n;

	while (p->toks[p->i].kind == TK_NOT) {
		after = &p->toks[p->i++];
		nots++;
	}
	const struct tok *t = &p->toks[p->i];
	if (t->kind == TK_WORD) {
		n = parse_term(p);
	} else if (t->kind == TK_LPAREN) {
		const struct tok *close = &p->toks[p->i + 1];
		if (close->kind == TK_RPAREN)
			return sw_filter_fail(p, t->pos, close->pos + 1 - t->pos,
				       "empty parentheses: expected a filter "
				       "inside '()'");
		if (++p->depth > SW_FILTER_MAX_DEPTH)
			return FAIL(p, t, "too deeply nested: more than %d "
				    "levels of '('", SW_FILTER_MAX_DEPTH);
		p->i++;
		if ((n = parse_or(p, t)) < 0)
			return -1;
		if (p->toks[p->i].kind != TK_RPAREN)
			return FAIL(p, t, "missing ')' to close this '('");
		p->i++;
		p->depth--;
	} else {
		return missing_operand(p, after);
	}
	if (n >= 0 && nots % 2)
		n = sw_filter_node(p, SW_F_NOT, n, -1, t);
	return n;
}

static bool starts_unary(enum tok_kind k)
{
	return k == TK_WORD || k == TK_LPAREN || k == TK_NOT;
}

static int parse_and(struct sw_fparser *p, const struct tok *after)
{
	int l = parse_unary(p, after);

	while (l >= 0) {
		const struct tok *op = NULL;
		if (p->toks[p->i].kind == TK_AND)
			op = &p->toks[p->i++];
		else if (!starts_unary(p->toks[p->i].kind))
			break;
		int r = parse_unary(p, op);
		if (r < 0)
			return -1;
		l = sw_filter_node(p, SW_F_AND, l, r, op ? op : &p->toks[p->i]);
	}
	return l;
}

static int parse_or(struct sw_fparser *p, const struct tok *after)
{
	int l = parse_and(p, after);

	while (l >= 0 && p->toks[p->i].kind == TK_OR) {
		const struct tok *op = &p->toks[p->i++];
		int r = parse_and(p, op);
		if (r < 0)
			return -1;
		l = sw_filter_node(p, SW_F_OR, l, r, op);
	}
	return l;
}

static struct sw_filter *parse_fail(struct sw_filter *f, int e)
{
	sw_filter_free(f);
	errno = e;
	return NULL;
}

struct sw_filter *sw_filter_parse(const char *text,
				  struct sw_filter_error *err)
{
	return sw_filter_parse_env(text, NULL, err);
}

struct sw_filter *sw_filter_parse_env(const char *text,
				      const struct sw_filter_env *env,
				      struct sw_filter_error *err)
{
	struct sw_filter_error spare;
	struct sw_filter *f = calloc(1, sizeof(*f));
	size_t tlen = text ? strlen(text) : 0;

	if (!err)
		err = &spare;
	memset(err, 0, sizeof(*err));
	if (!f || !(f->text = strdup(text ? text : ""))) {
		sw_filter_fail(&(struct sw_fparser){.err = err}, -1, 0, "out of memory");
		return parse_fail(f, ENOMEM);
	}
	f->root = -1;
	f->entry = -1;
	struct sw_fparser p = {.text = f->text, .f = f, .err = err, .env = env};
	if (tlen > TEXT_MAX) {
		sw_filter_fail(&p, 0, 1, "filter too long: more than %d characters",
			TEXT_MAX);
		return parse_fail(f, EINVAL);
	}
	if (!(p.toks = malloc((tlen + 1) * sizeof(*p.toks)))) {
		sw_filter_fail(&p, -1, 0, "out of memory");
		return parse_fail(f, ENOMEM);
	}
	p.ntok = tokenize(f->text, p.toks);
	bool empty = p.toks[0].kind == TK_END;
	if (!empty) {
		f->root = parse_or(&p, NULL);
		if (f->root >= 0 && p.toks[p.i].kind != TK_END)
			f->root = missing_operand(&p, NULL); /* a stray ')' */
	}
	free(p.toks);
	if (f->root < 0 && !empty)
		return parse_fail(f, err->pos < 0 ? ENOMEM : EINVAL);
	if (sw_filter_prog_compile(f) < 0) {
		sw_filter_fail(&p, -1, 0, "out of memory");
		return parse_fail(f, ENOMEM);
	}
	return f;
}

void sw_filter_free(struct sw_filter *f)
{
	if (!f)
		return;
	free(f->nodes);
	free(f->text);
	free(f->prog);
	free(f);
}
