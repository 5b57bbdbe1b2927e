/* filter_arg.c - the arguments of the filter's terms, as ss reads them:
 * state names and groups (with ss's state/exclude runs), ports with their
 * comparisons and service names, and host conditions ADDR[:PORT]. Each
 * builds its nodes; errors mark the part of the word that is wrong. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter_parse.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ANY_PORT (-1) /* "*" */
#define NO_PORT (-2)  /* none given */

#define B(s) SW_STATE_BIT(s)
#define ALL SW_TCP_ALL_STATES
/* ss's state groups, as ss's scan_state defines them (ss(8), STATE-FILTER). */
static const struct {
	const char *name;
	uint32_t mask;
} state_groups[] = {
	{"connected", ALL & ~(B(SW_LISTEN) | B(SW_CLOSE))},
	{"synchronized", ALL & ~(B(SW_LISTEN) | B(SW_CLOSE) | B(SW_SYN_SENT))},
	{"bucket", B(SW_SYN_RECV) | B(SW_TIME_WAIT)},
	{"big", ALL & ~(B(SW_SYN_RECV) | B(SW_TIME_WAIT))},
	{"all", ALL},
};
#undef B

uint32_t sw_filter_arg_state_mask(const char *w)
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

static int bad_state(struct sw_fparser *p, const struct tok *t)
{
	char q[QUOTE_MAX + 8], list[200], low[WORD_MAX], hint[WORD_MAX + 32] = "";
	int best = WORD_MAX;
	const char *w = p->text + t->pos;

	sw_filter_quote(p, t, q, sizeof(q));
	if (sw_filter_tok_is(p, t, "bound-inactive"))
		return FAIL(p, t, "state %s: sockwatch does not list bound, "
			    "inactive sockets", q);
	for (unsigned s = SW_ESTABLISHED; s < SW_ST_MAX; s++) {
		snprintf(low, sizeof(low), "%s", sw_state_name(s));
		for (char *c = low; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (sw_filter_near(w, t->len, low, &best))
			snprintf(hint, sizeof(hint), " did you mean '%s'?", low);
	}
	for (size_t k = 0; k < NELEM(state_groups); k++)
		if (sw_filter_near(w, t->len, state_groups[k].name, &best))
			snprintf(hint, sizeof(hint), " did you mean '%s'?",
				 state_groups[k].name);
	state_list(list, sizeof(list));
	return FAIL(p, t, "unknown state %s;%s valid: %s", q, hint, list);
}

/* OR together one STATE node per bit of mask, left-deep; an empty mask is
 * one node that matches nothing. */
static int state_nodes(struct sw_fparser *p, uint32_t mask, const struct tok *at)
{
	int acc = -1;

	if (!mask) {
		acc = sw_filter_node(p, SW_F_STATE, -1, -1, at);
		if (acc >= 0)
			p->f->nodes[acc].u.state = SW_F_STATE_NONE;
		return acc;
	}
	for (unsigned s = 0; s < SW_ST_MAX; s++) {
		if (!(mask & SW_STATE_BIT(s)))
			continue;
		int n = sw_filter_node(p, SW_F_STATE, -1, -1, at);
		if (n < 0)
			return -1;
		p->f->nodes[n].u.state = s;
		if (acc >= 0 && (n = sw_filter_node(p, SW_F_OR, acc, n, at)) < 0)
			return -1;
		acc = n;
	}
	return acc;
}

static bool state_keyword(const struct sw_fparser *p, const struct tok *t)
{
	return t->kind == TK_WORD &&
	       (sw_filter_tok_is(p, t, "state") || sw_filter_tok_is(p, t, "exclude") ||
		sw_filter_tok_is(p, t, "excl"));
}

int sw_filter_arg_states(struct sw_fparser *p)
{
	const struct tok *first = &p->toks[p->i];
	char q[QUOTE_MAX + 8], q2[QUOTE_MAX + 8], w[WORD_MAX];
	uint32_t set = 0, m;
	bool saw = false;

	while (state_keyword(p, &p->toks[p->i])) {
		const struct tok *kt = &p->toks[p->i++], *at = &p->toks[p->i];
		bool excl = !sw_filter_tok_is(p, kt, "state");
		if (at->kind == TK_END)
			return FAIL(p, kt, "%s needs a state name after it",
				    sw_filter_quote(p, kt, q, sizeof(q)));
		if (at->kind != TK_WORD)
			return FAIL(p, at, "expected a state name after %s, found %s",
				    sw_filter_quote(p, kt, q, sizeof(q)),
				    sw_filter_quote(p, at, q2, sizeof(q2)));
		p->i++;
		if (!sw_filter_word(p, at, w) || !(m = sw_filter_arg_state_mask(w)))
			return bad_state(p, at);
		if (!saw)
			set = excl ? ALL : 0;
		saw = true;
		set = excl ? set & ~m : set | m;
	}
	return state_nodes(p, set, first);
}

/* ---- ports ---- */

/* The port in text[pos, pos+len): [":"] N | SERVICE | "*". *out gets the
 * port or ANY_PORT. quiet: just say whether it is one. */
static int port_value(struct sw_fparser *p, int pos, int len, bool quiet,
		      int *out)
{
	const char *w = p->text + pos;
	char q[QUOTE_MAX + 8], name[WORD_MAX];
	struct tok t = {TK_WORD, pos, len, CMP_EQ};
	unsigned long v = 0;
	int i = 0;

	sw_filter_quote(p, &t, q, sizeof(q));
	if (len > 0 && w[0] == ':')
		i = 1;
	if (i == len)
		return quiet ? -1 : FAIL(p, &t, "bad port %s: expected a number "
					  "or a service name", q);
	if (len - i == 1 && w[i] == '*') {
		*out = ANY_PORT;
		return 0;
	}
	int neg = w[i] == '-' && len - i > 1, k = i + neg;
	while (k < len && isdigit((unsigned char)w[k])) {
		if (v <= 65535)
			v = v * 10 + (unsigned long)(w[k] - '0');
		k++;
	}
	if (k == len && (v > 65535 || neg))
		return quiet ? -1 : FAIL(p, &t, "bad port %s: out of range "
					  "0..65535", q);
	if (k == len) {
		*out = (int)v;
		return 0;
	}
	int r = SW_FILTER_SERVICE_UNKNOWN;
	if (len - i < WORD_MAX && p->env && p->env->service) {
		memcpy(name, w + i, (size_t)(len - i));
		name[len - i] = '\0';
		r = p->env->service(name, p->env->ctx);
	}
	if (r >= 0 && r <= 65535) {
		*out = r;
		return 0;
	}
	if (quiet)
		return -1;
	if (r == SW_FILTER_SERVICE_AMBIGUOUS)
		return FAIL(p, &t, "ambiguous port %s: a service with different "
			    "ports for TCP and UDP; give the number", q);
	if (p->env && p->env->service)
		return FAIL(p, &t, "bad port %s: not a number (0..65535) nor a "
			    "service name (/etc/services)", q);
	return FAIL(p, &t, "bad port %s: not a number (0..65535)", q);
}

static int leaf_port(struct sw_fparser *p, enum sw_fnode_kind kind,
		     enum sw_fcmp cmp, int port, const struct tok *at)
{
	int n = sw_filter_node(p, kind, -1, -1, at);

	if (n >= 0) {
		p->f->nodes[n].u.port = (uint16_t)port;
		p->f->nodes[n].cmp = (uint8_t)cmp;
	}
	return n;
}

static int negate(struct sw_fparser *p, int n, const struct tok *at)
{
	return n < 0 ? -1 : sw_filter_node(p, SW_F_NOT, n, -1, at);
}

/* Nodes for "kind cmp port" as ss has them: "!=" is not "=", ">" is not
 * "<=", "<" is not ">=". "*" is any port (">= 0"). */
static int port_nodes(struct sw_fparser *p, enum sw_fnode_kind kind,
		      enum tok_cmp cmp, int port, const struct tok *at,
		      const struct tok *op)
{
	char q[QUOTE_MAX + 8];

	if (port == ANY_PORT) {
		if (cmp != CMP_EQ && cmp != CMP_NE)
			return FAIL(p, op, "%s needs a port number: '*' (any "
				    "port) goes with = or !=",
				    sw_filter_quote(p, op, q, sizeof(q)));
		port = 0;
		cmp = cmp == CMP_EQ ? CMP_GE : CMP_LT;
	}
	switch (cmp) {
	case CMP_EQ:
		return leaf_port(p, kind, SW_FCMP_EQ, port, at);
	case CMP_NE:
		return negate(p, leaf_port(p, kind, SW_FCMP_EQ, port, at), at);
	case CMP_GE:
		return leaf_port(p, kind, SW_FCMP_GE, port, at);
	case CMP_LE:
		return leaf_port(p, kind, SW_FCMP_LE, port, at);
	case CMP_GT:
		return negate(p, leaf_port(p, kind, SW_FCMP_LE, port, at), at);
	default: /* CMP_LT */
		return negate(p, leaf_port(p, kind, SW_FCMP_GE, port, at), at);
	}
}

/* The word after a keyword, past an optional comparison (*op, or NULL);
 * what: "a port number" or "an address or prefix". */
static const struct tok *argument(struct sw_fparser *p, const struct tok *kt,
				  const struct tok **op, const char *what)
{
	char q[QUOTE_MAX + 8], q2[QUOTE_MAX + 8];
	const struct tok *at = &p->toks[p->i], *after = kt;

	*op = NULL;
	if (at->kind == TK_CMP) {
		*op = after = at;
		at = &p->toks[++p->i];
	}
	if (at->kind == TK_END) {
		FAIL(p, after, "%s needs %s after it",
		     sw_filter_quote(p, after, q, sizeof(q)), what);
		return NULL;
	}
	if (at->kind != TK_WORD) {
		FAIL(p, at, "expected %s after %s, found %s", what,
		     sw_filter_quote(p, after, q, sizeof(q)),
		     sw_filter_quote(p, at, q2, sizeof(q2)));
		return NULL;
	}
	p->i++;
	return at;
}

int sw_filter_arg_port(struct sw_fparser *p, enum sw_fnode_kind kind,
		       const struct tok *kt)
{
	const struct tok *op, *at = argument(p, kt, &op, "a port number");
	int port;

	if (!at || port_value(p, at->pos, at->len, false, &port) < 0)
		return -1;
	return port_nodes(p, kind, op ? op->cmp : CMP_EQ, port, kt, op);
}

/* ---- hosts ---- */

struct host {
	bool has_addr;
	struct sw_prefix pfx;
	int port; /* NO_PORT, ANY_PORT or the port */
};

/* ss's abbreviated IPv4 ("198.51.100" is 198.51.100.0, "10/8"): up to four
 * decimal parts, the missing ones zero. Writes the full form into out. */
static bool v4_abbrev(const char *w, char *out, size_t size)
{
	unsigned parts = 0, len = 0;
	const char *c = w;
	char *slash = strchr(w, '/');

	for (;;) {
		if (!isdigit((unsigned char)*c) || ++parts > 4)
			return false;
		while (isdigit((unsigned char)*c))
			c++;
		if (*c != '.')
			break;
		c++;
	}
	if (*c && c != slash)
		return false;
	len = (unsigned)(c - w);
	int n = snprintf(out, size, "%.*s", (int)len, w);
	for (; parts < 4 && n > 0 && (size_t)n < size; parts++)
		n += snprintf(out + n, size - (size_t)n, ".0");
	if (n > 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, "%s", slash ? slash : "");
	return true;
}

/* text[pos, pos+len) as a prefix; *why says what is wrong. */
static int addr_value(const struct sw_fparser *p, int pos, int len,
		      struct sw_prefix *out, const char **why)
{
	char w[WORD_MAX], full[WORD_MAX + 8];
	const char *why2;

	*why = "too long";
	if (len <= 0 || len >= WORD_MAX) {
		if (len <= 0)
			*why = "no address";
		return -1;
	}
	memcpy(w, p->text + pos, (size_t)len);
	w[len] = '\0';
	if (sw_prefix_parse(w, out, why) == 0)
		return 0;
	if (!strchr(w, ':') && v4_abbrev(w, full, sizeof(full)) &&
	    sw_prefix_parse(full, out, &why2) == 0)
		return 0;
	return -1;
}

static int bad_addr(struct sw_fparser *p, int pos, int len, const char *why)
{
	char q[QUOTE_MAX + 8];
	struct tok t = {TK_WORD, pos, len, CMP_EQ};

	return FAIL(p, &t, "bad address %s: %s",
		    sw_filter_quote(p, &t, q, sizeof(q)), why);
}

/* After the address: nothing, or ":PORT" from text[pos, end). */
static int host_port(struct sw_fparser *p, int pos, int end, struct host *h)
{
	struct tok t = {TK_WORD, pos, end - pos, CMP_EQ};
	char q[QUOTE_MAX + 8];

	if (pos == end)
		return 0;
	if (p->text[pos] != ':')
		return FAIL(p, &t, "bad address: expected ':PORT' after the "
			    "address, found %s", sw_filter_quote(p, &t, q, sizeof(q)));
	if (pos + 1 == end)
		return 0; /* ss takes "ADDR:" as any port */
	return port_value(p, pos, end - pos, false, &h->port);
}

/* ss's HOST: "[ADDR]" or "[ADDR]:PORT", "*" or "*:PORT", ":PORT",
 * "ADDR:PORT" split at the last ':' (after a '/'), or a bare CIDR. */
static int parse_host(struct sw_fparser *p, const struct tok *at, struct host *h)
{
	const char *w = p->text + at->pos, *why;
	int pos = at->pos, len = at->len, end = pos + len, colon = -1, ncolon = 0;
	int from = pos;
	char q[QUOTE_MAX + 8];

	h->has_addr = false;
	h->port = NO_PORT;
	if (w[0] == '[') {
		const char *close = memchr(w, ']', (size_t)len);
		if (!close)
			return bad_addr(p, pos, len, "missing ']'");
		int alen = (int)(close - w) - 1;
		if (addr_value(p, pos + 1, alen, &h->pfx, &why) < 0)
			return bad_addr(p, pos + 1, alen ? alen : 1, why);
		h->has_addr = true;
		return host_port(p, pos + alen + 2, end, h);
	}
	if (w[0] == '*')
		return host_port(p, pos + 1, end, h);
	for (int k = pos; k < end; k++)
		if (p->text[k] == '/')
			from = k;
	for (int k = pos; k < end; k++)
		if (p->text[k] == ':') {
			ncolon++;
			if (k >= from)
				colon = k;
		}
	struct sw_prefix whole, part = {0};
	int port = NO_PORT;
	bool whole_ok = addr_value(p, pos, len, &whole, &why) == 0;
	bool port_ok = colon >= 0 &&
		       (colon == end - 1 ||
			port_value(p, colon, end - colon, true, &port) == 0);
	bool part_ok = colon == pos ||
		       (colon > pos && addr_value(p, pos, colon - pos, &part, &why) == 0);
	if (whole_ok && port_ok && part_ok && colon > pos)
		return FAIL(p, at, "ambiguous address %s: write [%.*s]:%.*s for "
			    "port %.*s, or [%.*s] for the address",
			    sw_filter_quote(p, at, q, sizeof(q)), colon - pos, w,
			    end - colon - 1, p->text + colon + 1, end - colon - 1,
			    p->text + colon + 1, len, w);
	if (whole_ok) {
		h->has_addr = true;
		h->pfx = whole;
		return 0;
	}
	if (port_ok && part_ok) {
		h->has_addr = colon > pos;
		h->pfx = part;
		h->port = port;
		return 0;
	}
	if (colon < 0 || (ncolon > 1 && !part_ok)) { /* the address as a whole */
		addr_value(p, pos, len, &whole, &why);
		return bad_addr(p, pos, len, why);
	}
	if (!part_ok) {
		addr_value(p, pos, colon - pos, &part, &why);
		return bad_addr(p, pos, colon - pos, why);
	}
	return port_value(p, colon, end - colon, false, &port);
}

int sw_filter_arg_host(struct sw_fparser *p, enum sw_fnode_kind kind,
		       const struct tok *kt)
{
	const struct tok *op, *at = argument(p, kt, &op, "an address or prefix");
	char q[QUOTE_MAX + 8], q2[QUOTE_MAX + 8];
	struct host h;
	int n;

	if (!at)
		return -1;
	if (op && op->cmp != CMP_EQ && op->cmp != CMP_NE)
		return FAIL(p, op, "%s compares ports: %s takes an address, with "
			    "= or != before it", sw_filter_quote(p, op, q, sizeof(q)),
			    sw_filter_quote(p, kt, q2, sizeof(q2)));
	if (parse_host(p, at, &h) < 0)
		return -1;
	enum sw_fnode_kind pk = kind == SW_F_SRC ? SW_F_SPORT :
				kind == SW_F_DST ? SW_F_DPORT : SW_F_PORT;
	if (kind == SW_F_ADDR && h.has_addr && h.port >= 0) {
		/* either side, address and port on the same side */
		int s = sw_filter_node(p, SW_F_SRC, -1, -1, kt);
		int sp = leaf_port(p, SW_F_SPORT, SW_FCMP_EQ, h.port, kt);
		int d = sw_filter_node(p, SW_F_DST, -1, -1, kt);
		int dp = leaf_port(p, SW_F_DPORT, SW_FCMP_EQ, h.port, kt);
		if (s < 0 || sp < 0 || d < 0 || dp < 0)
			return -1;
		p->f->nodes[s].u.pfx = p->f->nodes[d].u.pfx = h.pfx;
		s = sw_filter_node(p, SW_F_AND, s, sp, kt);
		d = s < 0 ? -1 : sw_filter_node(p, SW_F_AND, d, dp, kt);
		n = d < 0 ? -1 : sw_filter_node(p, SW_F_OR, s, d, kt);
	} else {
		n = h.has_addr ? sw_filter_node(p, kind, -1, -1, kt) : -2;
		if (n >= 0)
			p->f->nodes[n].u.pfx = h.pfx;
		if (n != -1 && h.port != NO_PORT) {
			int pn = h.port == ANY_PORT ?
					 leaf_port(p, pk, SW_FCMP_GE, 0, kt) :
					 leaf_port(p, pk, SW_FCMP_EQ, h.port, kt);
			n = pn < 0 || n == -2 ? pn :
						sw_filter_node(p, SW_F_AND, n, pn, kt);
		}
		if (n == -2) /* "*": any address, any port */
			n = leaf_port(p, pk, SW_FCMP_GE, 0, kt);
	}
	return op && op->cmp == CMP_NE ? negate(p, n, kt) : n;
}
