/* filter_pre.c - the pre-filter of a filter (sw_filter_pre.h): a
 * disjunction of port-range and prefix clauses that every socket the
 * filter matches satisfies.
 *
 * The expression is walked with its negations pushed down to the leaves
 * (De Morgan): "and" becomes the pairwise intersection of the clauses of
 * both sides, "or" their union. A port comparison is a range, its
 * negation one or two ranges; a prefix is one side's address, its
 * negation (the complement of a prefix is no prefix) and every other
 * term "anything". Where the result would not fit, a wider one is taken:
 * an "and" keeps one side, an "or" becomes "anything". Each step keeps a
 * superset, so the whole is one. */
#include <string.h>

#include "sw_filter.h"
#include "sw_filter_pre.h"

#define PRE_DEPTH 32

struct pre {
	unsigned n;
	bool any; /* true: every socket (no clause is kept) */
	struct sw_filter_pre_clause c[SW_FILTER_PRE_MAX];
};

static void pre_any(struct pre *p)
{
	p->n = 0;
	p->any = true;
}

static void clause_any(struct sw_filter_pre_clause *c)
{
	memset(c, 0, sizeof(*c));
	c->port_hi[0] = c->port_hi[1] = 0xffff;
}

/* p holds the one clause c. */
static struct sw_filter_pre_clause *pre_one(struct pre *p)
{
	p->any = false;
	p->n = 1;
	clause_any(&p->c[0]);
	return &p->c[0];
}

static void pre_add(struct pre *p, const struct sw_filter_pre_clause *c)
{
	if (p->any)
		return;
	if (p->n == SW_FILTER_PRE_MAX) {
		pre_any(p);
		return;
	}
	p->c[p->n++] = *c;
}

/* A port range on side k (0 local, 1 remote) of a new clause of p. */
static void pre_range(struct pre *p, int k, unsigned lo, unsigned hi)
{
	struct sw_filter_pre_clause c;

	if (lo > hi)
		return;
	clause_any(&c);
	c.port_lo[k] = (unsigned short)lo;
	c.port_hi[k] = (unsigned short)hi;
	pre_add(p, &c);
}

/* The ranges of a port comparison on side k, or of its negation. */
static void port_ranges(struct pre *p, int k, const struct sw_fnode *n, bool neg)
{
	unsigned v = n->u.port;

	switch (n->cmp) {
	case SW_FCMP_GE:
		if (neg && v > 0)
			pre_range(p, k, 0, v - 1);
		else if (!neg)
			pre_range(p, k, v, 0xffff);
		return;
	case SW_FCMP_LE:
		if (neg)
			pre_range(p, k, v + 1, 0xffff);
		else
			pre_range(p, k, 0, v);
		return;
	default:
		if (!neg) {
			pre_range(p, k, v, v);
		} else {
			if (v > 0)
				pre_range(p, k, 0, v - 1);
			pre_range(p, k, v + 1, 0xffff);
		}
		return;
	}
}

/* The view of prefix x (sw_filter_pre_view) as one side's test. */
static void side_of(struct sw_filter_pre_side *s, const struct sw_prefix *x)
{
	unsigned char net[16] = {0}, mask[16] = {0};
	unsigned bits, off = 0;

	memset(s, 0, sizeof(*s));
	if (x->family == SW_V4) {
		net[10] = net[11] = 0xff;
		memcpy(net + 12, x->bytes, 4);
		off = 96;
		bits = 96 + (x->plen > 32 ? 32 : x->plen);
	} else {
		memcpy(net, x->bytes, 16);
		bits = x->plen > 128 ? 128 : x->plen;
	}
	for (unsigned i = 0; i < bits / 8; i++)
		mask[i] = 0xff;
	if (bits % 8)
		mask[bits / 8] = (unsigned char)(0xff << (8 - bits % 8));
	for (unsigned i = 0; i < 16; i++)
		net[i] &= mask[i];
	memcpy(s->net, net, 16);
	memcpy(s->mask, mask, 16);
	/* an IPv4 prefix holding 0.0.0.0 also takes :: (shown as 0.0.0.0) */
	if (off) {
		bool zero = true;
		for (unsigned i = 12; i < 16; i++)
			zero &= net[i] == 0;
		s->zero = zero;
	}
}

/* a and b into a; false when no address satisfies both. Exact. */
static bool side_and(struct sw_filter_pre_side *a, const struct sw_filter_pre_side *b)
{
	bool meet = true, z1 = a->zero, z2 = b->zero;
	bool n1zero = !(a->net[0] | a->net[1]), n2zero = !(b->net[0] | b->net[1]);
	bool zero = (z1 && (z2 || n2zero)) || (z2 && n1zero);

	for (int w = 0; w < 2; w++) {
		unsigned long long both = a->mask[w] & b->mask[w];
		meet &= (a->net[w] & both) == (b->net[w] & both);
	}
	if (meet) {
		for (int w = 0; w < 2; w++) {
			a->net[w] |= b->net[w];
			a->mask[w] |= b->mask[w];
		}
		a->zero = zero;
		return true;
	}
	if (!zero)
		return false;
	/* only :: is left */
	a->net[0] = a->net[1] = 0;
	a->mask[0] = a->mask[1] = ~0ull;
	a->zero = 1;
	return true;
}

/* a and b into a; false when empty. */
static bool clause_and(struct sw_filter_pre_clause *a,
		       const struct sw_filter_pre_clause *b)
{
	for (int k = 0; k < 2; k++) {
		if (b->port_lo[k] > a->port_lo[k])
			a->port_lo[k] = b->port_lo[k];
		if (b->port_hi[k] < a->port_hi[k])
			a->port_hi[k] = b->port_hi[k];
		if (a->port_lo[k] > a->port_hi[k])
			return false;
		if (!side_and(&a->side[k], &b->side[k]))
			return false;
	}
	return true;
}

static void pre_and(struct pre *a, const struct pre *b)
{
	struct pre r;

	if (b->any)
		return;
	if (a->any) {
		*a = *b;
		return;
	}
	if (a->n * b->n > SW_FILTER_PRE_MAX) {
		/* either side alone is wider than both: keep the shorter */
		if (b->n < a->n)
			*a = *b;
		return;
	}
	r.any = false;
	r.n = 0;
	for (unsigned i = 0; i < a->n; i++)
		for (unsigned j = 0; j < b->n; j++) {
			struct sw_filter_pre_clause c = a->c[i];
			if (clause_and(&c, &b->c[j]))
				r.c[r.n++] = c;
		}
	*a = r;
}

static void pre_or(struct pre *a, const struct pre *b)
{
	if (a->any)
		return;
	if (b->any || a->n + b->n > SW_FILTER_PRE_MAX) {
		pre_any(a);
		return;
	}
	for (unsigned j = 0; j < b->n; j++)
		a->c[a->n++] = b->c[j];
}

/* The clauses of node (negated when neg) into out. */
static void derive(const struct sw_filter *f, int node, bool neg, int depth,
		   struct pre *out)
{
	const struct sw_fnode *n = &f->nodes[node];
	struct pre b;

	if (depth > PRE_DEPTH) {
		pre_any(out);
		return;
	}
	switch (n->kind) {
	case SW_F_NOT:
		derive(f, n->left, !neg, depth + 1, out);
		return;
	case SW_F_AND:
	case SW_F_OR:
		derive(f, n->left, neg, depth + 1, out);
		derive(f, n->right, neg, depth + 1, &b);
		/* not (a and b) is (not a) or (not b) */
		if ((n->kind == SW_F_AND) != neg)
			pre_and(out, &b);
		else
			pre_or(out, &b);
		return;
	case SW_F_SPORT:
	case SW_F_DPORT:
		out->any = false;
		out->n = 0;
		port_ranges(out, n->kind == SW_F_DPORT, n, neg);
		return;
	case SW_F_PORT:
		/* either side; not: neither side */
		out->any = false;
		out->n = 0;
		port_ranges(out, 0, n, neg);
		b.any = false;
		b.n = 0;
		port_ranges(&b, 1, n, neg);
		if (neg)
			pre_and(out, &b);
		else
			pre_or(out, &b);
		return;
	case SW_F_SRC:
	case SW_F_DST:
	case SW_F_ADDR:
		if (neg) {
			pre_any(out);
			return;
		}
		if (n->kind != SW_F_DST)
			side_of(&pre_one(out)->side[0], &n->u.pfx);
		if (n->kind == SW_F_ADDR) {
			side_of(&pre_one(&b)->side[1], &n->u.pfx);
			pre_or(out, &b);
		} else if (n->kind == SW_F_DST) {
			side_of(&pre_one(out)->side[1], &n->u.pfx);
		}
		return;
	default: /* state, protocol, family: not the pre-filter's */
		pre_any(out);
		return;
	}
}

void sw_filter_pre_derive(const struct sw_filter *f, struct sw_filter_pre *out)
{
	struct pre p;

	memset(out, 0, sizeof(*out));
	if (!f || f->root < 0)
		return;
	derive(f, f->root, false, 0, &p);
	if (p.any)
		return;
	out->on = 1;
	out->n = p.n;
	memcpy(out->c, p.c, p.n * sizeof(p.c[0]));
}
