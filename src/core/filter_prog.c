/* filter_prog.c - the compiled filter: every leaf of the expression
 * becomes one test with a "yes" and a "no" successor (another test, or
 * accept/reject), the way the kernel's inet_diag bytecode works. Matching
 * a socket is then a loop without recursion that evaluates each leaf at
 * most once; the push-down analyses walk the same graph. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter_prog.h"

#define ACCEPT (-1)
#define REJECT (-2)

struct sw_ftest {
	uint8_t kind;   /* enum sw_fnode_kind, a leaf */
	uint8_t family; /* of the prefix */
	uint8_t plen;
	uint8_t zero;   /* the prefix contains the all-zero address */
	uint16_t port;
	uint16_t value; /* proto or family */
	uint32_t states; /* SW_F_STATE: the set of states it accepts */
	int32_t yes, no; /* successors: test index (always lower), or ACCEPT/REJECT */
	uint32_t net4, mask4; /* IPv4 prefix, as loaded from the bytes */
	uint64_t net6[2], mask6[2];
};

/* Port ranges get kinds of their own, so that the equality tests stay as
 * cheap as they were. */
enum { T_PORT_GE = 32, T_PORT_LE, T_SPORT_GE, T_SPORT_LE, T_DPORT_GE, T_DPORT_LE };

static uint8_t port_kind(const struct sw_fnode *n)
{
	int base = n->kind == SW_F_PORT ? T_PORT_GE :
		   n->kind == SW_F_SPORT ? T_SPORT_GE : T_DPORT_GE;

	if (n->cmp == SW_FCMP_GE)
		return (uint8_t)base;
	return n->cmp == SW_FCMP_LE ? (uint8_t)(base + 1) : (uint8_t)n->kind;
}

static void prefix_masks(struct sw_ftest *t, const struct sw_prefix *p)
{
	uint8_t mask[16] = {0}, net[16];
	unsigned bits = p->plen > sw_family_bits(p->family) ?
				sw_family_bits(p->family) :
				p->plen;

	for (unsigned i = 0; i < bits / 8; i++)
		mask[i] = 0xff;
	if (bits % 8)
		mask[bits / 8] = (uint8_t)(0xff << (8 - bits % 8));
	for (int i = 0; i < 16; i++)
		net[i] = p->bytes[i] & mask[i];
	t->family = p->family;
	t->plen = (uint8_t)bits;
	memcpy(&t->net4, net, 4);
	memcpy(&t->mask4, mask, 4);
	memcpy(t->net6, net, 16);
	memcpy(t->mask6, mask, 16);
	t->zero = 1;
	for (int i = 0; i < 16; i++)
		t->zero &= net[i] == 0;
}

static int emit(struct sw_filter *f, const struct sw_fnode *n, int yes, int no)
{
	struct sw_ftest *t = &f->prog[f->nprog];

	memset(t, 0, sizeof(*t));
	t->kind = (uint8_t)n->kind;
	t->yes = yes;
	t->no = no;
	switch (n->kind) {
	case SW_F_PORT:
	case SW_F_SPORT:
	case SW_F_DPORT:
		t->port = n->u.port;
		t->kind = port_kind(n);
		break;
	case SW_F_ADDR:
	case SW_F_SRC:
	case SW_F_DST:
		prefix_masks(t, &n->u.pfx);
		break;
	case SW_F_STATE:
		t->states = n->u.state < 32 ? 1u << n->u.state : 0;
		break;
	default: /* proto, family */
		t->value = (uint16_t)n->u.proto;
		break;
	}
	return f->nprog++;
}

/* An or-chain of states only ("state connected", "state a or state b"):
 * their set, so that one test does. 0 otherwise. */
static uint32_t state_chain(const struct sw_filter *f, int node)
{
	uint32_t set = 0;

	for (;;) {
		const struct sw_fnode *n = &f->nodes[node];
		const struct sw_fnode *leaf = n->kind == SW_F_OR ? &f->nodes[n->right] : n;
		if (leaf->kind != SW_F_STATE || leaf->u.state >= 32)
			return 0;
		set |= 1u << leaf->u.state;
		if (n->kind != SW_F_OR)
			return set;
		node = n->left;
	}
}

/* The entry test of node's subtree, given where "true" and "false" go.
 * Loops down left children and through nots; recurses only into right
 * children, which are terms or parenthesised (depth-limited). */
static int compile(struct sw_filter *f, int node, int yes, int no)
{
	for (;;) {
		const struct sw_fnode *n = &f->nodes[node];
		uint32_t set;
		int x;
		if (n->kind == SW_F_OR && (set = state_chain(f, node))) {
			x = emit(f, n, yes, no);
			f->prog[x].kind = SW_F_STATE;
			f->prog[x].states = set;
			return x;
		}
		switch (n->kind) {
		case SW_F_AND:
			yes = compile(f, n->right, yes, no);
			break;
		case SW_F_OR:
			no = compile(f, n->right, yes, no);
			break;
		case SW_F_NOT:
			x = yes;
			yes = no;
			no = x;
			break;
		default:
			return emit(f, n, yes, no);
		}
		node = n->left;
	}
}

int sw_filter_prog_compile(struct sw_filter *f)
{
	free(f->prog);
	f->prog = NULL;
	f->nprog = 0;
	f->entry = ACCEPT;
	if (f->root < 0)
		return 0;
	if (!(f->prog = calloc((size_t)f->nnodes, sizeof(*f->prog)))) {
		errno = ENOMEM;
		return -1;
	}
	f->entry = compile(f, f->root, ACCEPT, REJECT);
	return 0;
}

/* Address a of socket s inside the test's prefix. An IPv4-mapped address
 * left in IPv6 form is compared as IPv4, as the kernel's hostcond does. */
static inline bool addr_in(const struct sw_ftest *t, const struct sw_sock *s,
			   const uint8_t *a)
{
	if (s->family == SW_V4 || sw_addr_is_mapped(a)) {
		uint32_t w;
		if (t->family != SW_V4)
			return false;
		memcpy(&w, s->family == SW_V4 ? a : a + 12, 4);
		return (w & t->mask4) == t->net4;
	}
	uint64_t x[2];
	if (t->family != SW_V6)
		return false;
	memcpy(x, a, 16);
	return (x[0] & t->mask6[0]) == t->net6[0] &&
	       (x[1] & t->mask6[1]) == t->net6[1];
}

/* IPv4 to an operator: an IPv4 socket, or a v6 one talking IPv4. */
static inline bool is_v4(const struct sw_sock *s)
{
	return s->family == SW_V4 || sw_addr_is_mapped(s->src) ||
	       sw_addr_is_mapped(s->dst);
}

static inline bool test(const struct sw_ftest *t, const struct sw_sock *s)
{
	switch (t->kind) {
	case SW_F_STATE:
		return s->state < 32 && (t->states >> s->state & 1);
	case SW_F_PORT:
		return s->sport == t->port || s->dport == t->port;
	case SW_F_SPORT:
		return s->sport == t->port;
	case SW_F_DPORT:
		return s->dport == t->port;
	case T_PORT_GE:
		return s->sport >= t->port || s->dport >= t->port;
	case T_PORT_LE:
		return s->sport <= t->port || s->dport <= t->port;
	case T_SPORT_GE:
		return s->sport >= t->port;
	case T_SPORT_LE:
		return s->sport <= t->port;
	case T_DPORT_GE:
		return s->dport >= t->port;
	case T_DPORT_LE:
		return s->dport <= t->port;
	case SW_F_ADDR:
		return addr_in(t, s, s->src) || addr_in(t, s, s->dst);
	case SW_F_SRC:
		return addr_in(t, s, s->src);
	case SW_F_DST:
		return addr_in(t, s, s->dst);
	case SW_F_PROTO:
		return s->proto == t->value;
	case SW_F_FAMILY:
		return is_v4(s) == (t->value == SW_V4);
	default:
		return false;
	}
}

bool sw_filter_match(const struct sw_filter *f, const struct sw_sock *s)
{
	if (!f)
		return true;
	int i = f->entry;
	while (i >= 0) {
		const struct sw_ftest *t = &f->prog[i];
		i = test(t, s) ? t->yes : t->no;
	}
	return i == ACCEPT;
}

/* ---- push-down analyses: three-valued leaves over the same graph ---- */

enum tri { NO, YES, MAYBE };

/* What a dump can yield: anything; plain IPv4 (v4 dump); plain IPv6 (v6
 * dump, nothing mapped); a v6 socket with an IPv4-mapped address, which
 * sockwatch may have normalised to IPv4 (its other address may be the
 * unspecified one, shown as :: or 0.0.0.0). */
enum scene { SC_ANY, SC_V4, SC_V6, SC_MAPPED };

struct know {
	int proto, state; /* -1: unknown */
	enum scene scene;
};

static enum tri known(int have, unsigned want)
{
	return have < 0 ? MAYBE : (unsigned)have == want ? YES : NO;
}

static enum tri addr3(const struct sw_ftest *t, enum scene sc)
{
	switch (sc) {
	case SC_V4:
		return t->family != SW_V4 ? NO : t->plen == 0 ? YES : MAYBE;
	case SC_V6:
		return t->family != SW_V6 ? NO : t->plen == 0 ? YES : MAYBE;
	case SC_MAPPED:
		return t->family == SW_V4 || t->zero ? MAYBE : NO;
	default:
		return MAYBE;
	}
}

static enum tri leaf3(const struct sw_ftest *t, const struct know *k)
{
	switch (t->kind) {
	case SW_F_STATE:
		if (k->state < 0)
			return MAYBE;
		return k->state < 32 && (t->states >> k->state & 1) ? YES : NO;
	case SW_F_PROTO:
		return known(k->proto, t->value);
	case SW_F_FAMILY:
		if (k->scene == SC_ANY)
			return MAYBE;
		return (k->scene != SC_V6) == (t->value == SW_V4) ? YES : NO;
	case SW_F_ADDR:
	case SW_F_SRC:
	case SW_F_DST:
		return addr3(t, k->scene);
	default:
		return MAYBE;
	}
}

/* Can some socket fitting k be accepted? Successors have lower indices,
 * so one pass upwards decides every test. Sound, not complete: a leaf
 * seen twice on a path is taken as unknown both times. */
static bool reachable(const struct sw_filter *f, const struct know *k)
{
	uint8_t ok[SW_FILTER_MAX_NODES];

	if (!f || f->entry < 0)
		return !f || f->entry == ACCEPT;
	for (int i = 0; i < f->nprog; i++) {
		const struct sw_ftest *t = &f->prog[i];
		enum tri v = leaf3(t, k);
		bool r = false;
		if (v != NO)
			r |= t->yes == ACCEPT || (t->yes >= 0 && ok[t->yes]);
		if (v != YES)
			r |= t->no == ACCEPT || (t->no >= 0 && ok[t->no]);
		ok[i] = r;
	}
	return ok[f->entry];
}

uint32_t sw_filter_state_mask(const struct sw_filter *f, unsigned proto,
			      uint32_t all)
{
	uint32_t mask = 0;

	for (unsigned s = 0; s < 32; s++) {
		struct know k = {(int)proto, (int)s, SC_ANY};
		if ((all & (1u << s)) && reachable(f, &k))
			mask |= 1u << s;
	}
	return mask;
}

bool sw_filter_may_match_family(const struct sw_filter *f, unsigned family)
{
	/* Knowing the protocol too makes "tcp and udp"-like dead ends show. */
	for (int proto = SW_TCP; proto < SW_PROTO_MAX; proto++) {
		struct know k = {proto, -1, family == SW_V4 ? SC_V4 : SC_V6};
		if (reachable(f, &k))
			return true;
		k.scene = SC_MAPPED;
		if (family != SW_V4 && reachable(f, &k))
			return true;
	}
	return false;
}
