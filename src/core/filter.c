/* filter.c - the filter language: tokenizer and recursive-descent parser
 * into the node array, with errors that point at the word and say what
 * was expected. Matching and the push-down analyses are in filter_prog.c,
 * the caret display of errors in filter_error.c. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter_prog.h"
#include "sw_filter.h"
#include "sw_grow.h"

#define TEXT_MAX 65536 /* longer texts are refused before tokenizing */
#define WORD_MAX 64    /* longest state name or address we copy out */
#define QUOTE_MAX 40   /* longest word quoted back in a message */

enum tok_kind { TK_END, TK_WORD, TK_LPAREN, TK_RPAREN, TK_AND, TK_OR, TK_NOT };

struct tok {
	enum tok_kind kind;
	int pos, len;
};

enum arg_kind { ARG_NONE, ARG_STATE, ARG_PORT, ARG_PREFIX };

static const char *const arg_what[] = {
	[ARG_NONE] = "",
	[ARG_STATE] = "a state name",
	[ARG_PORT] = "a port number",
	[ARG_PREFIX] = "an address or prefix",
};

/* Terms of the language. suggest: offered for misspellings. */
static const struct keyword {
	const char *name;
	enum sw_fnode_kind kind;
	enum arg_kind arg;
	unsigned value; /* proto or family of argument-less terms */
	bool suggest;
} keywords[] = {
	{"state", SW_F_STATE, ARG_STATE, 0, true},
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

/* Operator words; the symbols are recognised by the tokenizer. */
static const struct {
	const char *name;
	enum tok_kind kind;
} op_words[] = {{"and", TK_AND}, {"or", TK_OR}, {"not", TK_NOT}};

#define B(s) SW_STATE_BIT(s)
/* ss's state groups (ss(8), STATE-FILTER). */
static const struct {
	const char *name;
	uint32_t mask;
} state_groups[] = {
	{"connected", B(SW_ESTABLISHED) | B(SW_SYN_SENT) | B(SW_FIN_WAIT1) |
			      B(SW_FIN_WAIT2) | B(SW_CLOSE_WAIT) |
			      B(SW_LAST_ACK) | B(SW_CLOSING)},
	{"synchronized", B(SW_ESTABLISHED) | B(SW_FIN_WAIT1) | B(SW_FIN_WAIT2) |
				 B(SW_CLOSE_WAIT) | B(SW_LAST_ACK) |
				 B(SW_CLOSING)},
	{"bucket", B(SW_SYN_RECV) | B(SW_TIME_WAIT)},
	{"big", SW_TCP_ALL_STATES & ~(B(SW_SYN_RECV) | B(SW_TIME_WAIT))},
};
#undef B

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct parser {
	const char *text;
	struct tok *toks;
	int ntok, i, depth;
	struct sw_filter *f;
	size_t cap;
	struct sw_filter_error *err;
};

static bool tok_is(const struct parser *p, const struct tok *t, const char *w)
{
	return (size_t)t->len == strlen(w) &&
	       strncasecmp(p->text + t->pos, w, t->len) == 0;
}

/* Set the error at token t (or at pos/len) and return -1. */
static int fail_at(struct parser *p, int pos, int len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_at(struct parser *p, int pos, int len, const char *fmt, ...)
{
	va_list ap;

	p->err->pos = pos;
	p->err->len = len;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

#define FAIL(p, t, ...) fail_at((p), (t)->pos, (t)->len, __VA_ARGS__)

/* The word quoted for a message, cut at QUOTE_MAX characters. */
static const char *quote(const struct parser *p, const struct tok *t,
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
	       c == '&' || c == '|';
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
		if (c == '(' || c == ')' || c == '!') {
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
				    !strncasecmp(text + i, op_words[k].name, t->len))
					t->kind = op_words[k].kind;
		}
		i += t->len;
	}
}

static int new_node(struct parser *p, enum sw_fnode_kind kind, int l, int r,
		    const struct tok *at)
{
	struct sw_filter *f = p->f;

	if (f->nnodes >= SW_FILTER_MAX_NODES)
		return FAIL(p, at, "filter too long: more than %d terms",
			    SW_FILTER_MAX_NODES);
	if (sw_grow((void **)&f->nodes, &p->cap, (size_t)f->nnodes + 1,
		    sizeof(*f->nodes), 16))
		return fail_at(p, -1, 0, "out of memory");
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

/* Close enough to be a typo (at most 2 edits, fewer than the word) and
 * closer than *best, which it updates: ties keep the first candidate. */
static bool near(const char *w, int len, const char *cand, int *best)
{
	int d = edit_distance(w, len, cand);
	int lim = len <= 3 ? 1 : 2;

	if (d > lim || d >= len || d >= *best)
		return false;
	*best = d;
	return true;
}

/* Copy a word out as a C string; false when it is too long. */
static bool word_copy(const struct parser *p, const struct tok *t, char *buf)
{
	if (t->len >= WORD_MAX)
		return false;
	memcpy(buf, p->text + t->pos, t->len);
	buf[t->len] = '\0';
	return true;
}

/* A state name or group: its mask, or 0. */
static uint32_t state_lookup(const char *w)
{
	enum sw_state s = sw_state_parse(w);

	if (s != SW_ST_UNKNOWN)
		return SW_STATE_BIT(s);
	for (size_t k = 0; k < NELEM(state_groups); k++)
		if (!strcasecmp(w, state_groups[k].name))
			return state_groups[k].mask;
	return 0;
}

/* Lower-case netstat names of the states, then the groups. */
static void state_list(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned s = SW_ESTABLISHED; s < SW_ST_MAX && n < size; s++)
		n += snprintf(buf + n, size - n, "%s%s", n ? " " : "",
			      sw_state_name(s));
	for (size_t k = 0; k < NELEM(state_groups) && n < size; k++)
		n += snprintf(buf + n, size - n, " %s", state_groups[k].name);
	for (char *c = buf; *c; c++)
		*c = (char)tolower((unsigned char)*c);
}

static int bad_state(struct parser *p, const struct tok *t)
{
	char q[QUOTE_MAX + 8], list[160], low[WORD_MAX], hint[WORD_MAX + 32] = "";
	int best = WORD_MAX;
	const char *w = p->text + t->pos;

	for (unsigned s = SW_ESTABLISHED; s < SW_ST_MAX; s++) {
		snprintf(low, sizeof(low), "%s", sw_state_name(s));
		for (char *c = low; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (near(w, t->len, low, &best))
			snprintf(hint, sizeof(hint), " did you mean '%s'?", low);
	}
	for (size_t k = 0; k < NELEM(state_groups); k++)
		if (near(w, t->len, state_groups[k].name, &best))
			snprintf(hint, sizeof(hint), " did you mean '%s'?",
				 state_groups[k].name);
	state_list(list, sizeof(list));
	return FAIL(p, t, "unknown state %s;%s valid: %s",
		    quote(p, t, q, sizeof(q)), hint, list);
}

static int bad_keyword(struct parser *p, const struct tok *t)
{
	char q[QUOTE_MAX + 8], w[WORD_MAX], hint[160] = "";
	const char *err, *cand = NULL;
	struct sw_prefix pfx;
	int best = WORD_MAX;

	quote(p, t, q, sizeof(q));
	if (word_copy(p, t, w)) {
		if (state_lookup(w))
			snprintf(hint, sizeof(hint), "did you mean 'state %s'?", w);
		else if (strspn(w, "0123456789") == strlen(w))
			snprintf(hint, sizeof(hint), "did you mean 'port %s'?", w);
		else if (sw_prefix_parse(w, &pfx, &err) == 0)
			snprintf(hint, sizeof(hint), "did you mean 'addr %s'?", w);
	}
	for (size_t k = 0; k < NELEM(keywords) && !hint[0]; k++)
		if (keywords[k].suggest &&
		    near(p->text + t->pos, t->len, keywords[k].name, &best))
			cand = keywords[k].name;
	for (size_t k = 0; k < NELEM(op_words) && !hint[0]; k++)
		if (near(p->text + t->pos, t->len, op_words[k].name, &best))
			cand = op_words[k].name;
	if (cand)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", cand);
	if (!hint[0])
		snprintf(hint, sizeof(hint),
			 "expected state, port, sport, dport, addr, src, dst, "
			 "tcp, udp, v4, v6, not or '('");
	return FAIL(p, t, "unknown keyword %s; %s", q, hint);
}

static int parse_port(struct parser *p, const struct tok *t, uint16_t *out)
{
	char q[QUOTE_MAX + 8];
	const char *w = p->text + t->pos;
	int i = w[0] == '-' && t->len > 1;
	unsigned long v = 0;

	for (int k = i; k < t->len; k++) {
		if (!isdigit((unsigned char)w[k]))
			return FAIL(p, t, "bad port %s: not a number (0..65535)",
				    quote(p, t, q, sizeof(q)));
		if (v <= 65535)
			v = v * 10 + (unsigned long)(w[k] - '0');
	}
	if (v > 65535 || i)
		return FAIL(p, t, "bad port %s: out of range 0..65535",
			    quote(p, t, q, sizeof(q)));
	*out = (uint16_t)v;
	return 0;
}

/* OR together one STATE node per bit of mask, left-deep. */
static int state_nodes(struct parser *p, uint32_t mask, const struct tok *at)
{
	int acc = -1;

	for (unsigned s = 0; s < SW_ST_MAX; s++) {
		if (!(mask & SW_STATE_BIT(s)))
			continue;
		int n = new_node(p, SW_F_STATE, -1, -1, at);
		if (n < 0)
			return -1;
		p->f->nodes[n].u.state = s;
		if (acc >= 0 && (n = new_node(p, SW_F_OR, acc, n, at)) < 0)
			return -1;
		acc = n;
	}
	return acc;
}

/* A term: keyword, and its argument when it takes one. */
static int parse_term(struct parser *p)
{
	const struct tok *kt = &p->toks[p->i++];
	const struct keyword *kw = NULL;
	char q[QUOTE_MAX + 8], q2[QUOTE_MAX + 8], w[WORD_MAX];

	for (size_t k = 0; k < NELEM(keywords) && !kw; k++)
		if (tok_is(p, kt, keywords[k].name))
			kw = &keywords[k];
	if (!kw)
		return bad_keyword(p, kt);
	if (kw->arg == ARG_NONE) {
		int n = new_node(p, kw->kind, -1, -1, kt);
		if (n >= 0)
			p->f->nodes[n].u.proto = kw->value; /* or .family */
		return n;
	}

	const struct tok *at = &p->toks[p->i];
	if (at->kind == TK_END)
		return FAIL(p, kt, "'%s' needs %s after it", kw->name,
			    arg_what[kw->arg]);
	if (at->kind != TK_WORD)
		return FAIL(p, at, "expected %s after %s, found %s",
			    arg_what[kw->arg], quote(p, kt, q, sizeof(q)),
			    quote(p, at, q2, sizeof(q2)));
	p->i++;

	uint32_t mask;
	struct sw_prefix pfx;
	uint16_t port = 0;
	const char *why;
	int n;
	switch (kw->arg) {
	case ARG_STATE:
		if (!word_copy(p, at, w) || !(mask = state_lookup(w)))
			return bad_state(p, at);
		return state_nodes(p, mask, kt);
	case ARG_PORT:
		if (parse_port(p, at, &port) < 0)
			return -1;
		if ((n = new_node(p, kw->kind, -1, -1, kt)) >= 0)
			p->f->nodes[n].u.port = port;
		return n;
	case ARG_PREFIX:
		why = "too long";
		if (!word_copy(p, at, w) || sw_prefix_parse(w, &pfx, &why) < 0)
			return FAIL(p, at, "bad address %s: %s",
				    quote(p, at, q, sizeof(q)), why);
		if ((n = new_node(p, kw->kind, -1, -1, kt)) >= 0)
			p->f->nodes[n].u.pfx = pfx;
		return n;
	default:
		return -1;
	}
}

static int parse_or(struct parser *p, const struct tok *after);

/* The operand of `after` (an and/or/not/'(' token, or NULL at the start
 * of the text) is missing: say so, pointing at the culprit. */
static int missing_operand(struct parser *p, const struct tok *after)
{
	const struct tok *t = &p->toks[p->i];
	char q[QUOTE_MAX + 8], q2[QUOTE_MAX + 8];

	if (t->kind == TK_AND || t->kind == TK_OR) {
		if (after && after->kind != TK_LPAREN)
			return FAIL(p, t, "expected a filter after %s, found %s",
				    quote(p, after, q, sizeof(q)),
				    quote(p, t, q2, sizeof(q2)));
		return FAIL(p, t, "%s needs a filter before it",
			    quote(p, t, q, sizeof(q)));
	}
	if (after && t->kind == TK_END)
		return FAIL(p, after, "%s needs a filter after it",
			    quote(p, after, q, sizeof(q)));
	if (after)
		return FAIL(p, t, "expected a filter after %s, found %s",
			    quote(p, after, q, sizeof(q)),
			    quote(p, t, q2, sizeof(q2)));
	return FAIL(p, t, "unexpected ')' with no matching '('");
}

static int parse_unary(struct parser *p, const struct tok *after)
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
			return fail_at(p, t->pos, close->pos + 1 - t->pos,
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
		n = new_node(p, SW_F_NOT, n, -1, t);
	return n;
}

static bool starts_unary(enum tok_kind k)
{
	return k == TK_WORD || k == TK_LPAREN || k == TK_NOT;
}

static int parse_and(struct parser *p, const struct tok *after)
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
		l = new_node(p, SW_F_AND, l, r, op ? op : &p->toks[p->i]);
	}
	return l;
}

static int parse_or(struct parser *p, const struct tok *after)
{
	int l = parse_and(p, after);

	while (l >= 0 && p->toks[p->i].kind == TK_OR) {
		const struct tok *op = &p->toks[p->i++];
		int r = parse_and(p, op);
		if (r < 0)
			return -1;
		l = new_node(p, SW_F_OR, l, r, op);
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
	struct sw_filter_error spare;
	struct sw_filter *f = calloc(1, sizeof(*f));
	size_t tlen = text ? strlen(text) : 0;

	if (!err)
		err = &spare;
	memset(err, 0, sizeof(*err));
	if (!f || !(f->text = strdup(text ? text : ""))) {
		fail_at(&(struct parser){.err = err}, -1, 0, "out of memory");
		return parse_fail(f, ENOMEM);
	}
	f->root = -1;
	f->entry = -1;
	struct parser p = {.text = f->text, .f = f, .err = err};
	if (tlen > TEXT_MAX) {
		fail_at(&p, 0, 1, "filter too long: more than %d characters",
			TEXT_MAX);
		return parse_fail(f, EINVAL);
	}
	if (!(p.toks = malloc((tlen + 1) * sizeof(*p.toks)))) {
		fail_at(&p, -1, 0, "out of memory");
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
		fail_at(&p, -1, 0, "out of memory");
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
