/* diag_bc.c - compile the port and address parts of a filter into
 * INET_DIAG_REQ_BYTECODE for one dump family.
 *
 * The kernel runs the bytecode op by op (net/ipv4/inet_diag.c,
 * inet_diag_bc_run): a true test moves on by op->yes, a false one by
 * op->no; landing exactly at the end accepts, landing 4 bytes past it
 * rejects. inet_diag_bc_audit wants every "yes" chain to walk op by op to
 * the end and every "no" to land on an op boundary or at end / end + 4.
 * So every op here falls through on yes (yes = its own size), and each
 * compiled piece follows one convention: true = fall off its end, false =
 * jump to its end + 4. Pieces then combine like ss does it:
 *   a and b : a b            a's "false" relocated to the new end + 4
 *   a or b  : a JMP(end) b   a's "false" lands on b, its "true" on the JMP
 *   not a   : a JMP(+8)      a's "true" hits the JMP to end + 4
 *
 * Leaves the kernel cannot see (state, protocol) and leaves it sees only
 * approximately are compiled with a polarity: as a superset where the
 * result must accept at least what the filter does, as a subset under a
 * "not". The whole is therefore always a superset of the filter for that
 * dump, and folding constants drops what says nothing. */
#include <linux/inet_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sw_diag.h"

#define BC_LIMIT 60000 /* jumps are 16 bits; the attribute is too */

enum { K_FALSE, K_TRUE, K_CODE, K_FAIL };

struct code {
	int k;
	uint8_t *p; /* K_CODE: the ops */
	size_t len;
};

static const struct code C_TRUE = {K_TRUE, NULL, 0};
static const struct code C_FALSE = {K_FALSE, NULL, 0};
static const struct code C_FAIL = {K_FAIL, NULL, 0};

static struct code raw(const void *ops, size_t len)
{
	struct code c = {K_CODE, malloc(len), len};

	if (!c.p)
		return C_FAIL;
	memcpy(c.p, ops, len);
	return c;
}

static void drop(struct code c)
{
	free(c.p);
}

static struct inet_diag_bc_op *op_at(uint8_t *p, size_t pos)
{
	return (struct inet_diag_bc_op *)(void *)(p + pos);
}

/* a, then extra (a JMP or nothing), then b; a's jumps to its own end + 4
 * move by reloc. */
static struct code join(struct code a, const struct inet_diag_bc_op *mid,
			struct code b, size_t reloc)
{
	size_t ml = mid ? sizeof(*mid) : 0, len = a.len + ml + b.len;
	struct code c = {K_CODE, NULL, len};

	if (len <= BC_LIMIT && (c.p = malloc(len))) {
		memcpy(c.p, a.p, a.len);
		if (mid)
			memcpy(c.p + a.len, mid, ml);
		if (b.len)
			memcpy(c.p + a.len + ml, b.p, b.len);
		for (size_t pos = 0; reloc && pos < a.len;) {
			struct inet_diag_bc_op *op = op_at(c.p, pos);
			if (pos + op->no == a.len + 4)
				op->no = (unsigned short)(op->no + reloc);
			pos += op->yes;
		}
	} else {
		c = C_FAIL;
	}
	drop(a);
	drop(b);
	return c;
}

static struct code c_and(struct code a, struct code b)
{
	if (a.k == K_FAIL || b.k == K_FAIL || a.k == K_FALSE || b.k == K_FALSE) {
		int k = a.k == K_FAIL || b.k == K_FAIL ? K_FAIL : K_FALSE;
		drop(a);
		drop(b);
		return k == K_FAIL ? C_FAIL : C_FALSE;
	}
	if (a.k == K_TRUE)
		return b;
	if (b.k == K_TRUE)
		return a;
	return join(a, NULL, b, b.len);
}

static struct code c_or(struct code a, struct code b)
{
	if (a.k == K_FAIL || b.k == K_FAIL || a.k == K_TRUE || b.k == K_TRUE) {
		int k = a.k == K_FAIL || b.k == K_FAIL ? K_FAIL : K_TRUE;
		drop(a);
		drop(b);
		return k == K_FAIL ? C_FAIL : C_TRUE;
	}
	if (a.k == K_FALSE)
		return b;
	if (b.k == K_FALSE)
		return a;
	struct inet_diag_bc_op jmp = {INET_DIAG_BC_JMP, 4,
				      (unsigned short)(b.len + 4)};
	return join(a, &jmp, b, 0);
}

static struct code c_not(struct code a)
{
	if (a.k != K_CODE)
		return a.k == K_TRUE ? C_FALSE : a.k == K_FALSE ? C_TRUE : a;
	struct inet_diag_bc_op jmp = {INET_DIAG_BC_JMP, 4, 8};
	return join(a, &jmp, (struct code){K_CODE, NULL, 0}, 0);
}

/* One port comparison: the port, host order, sits in the next op's "no". */
static struct code c_port(int code, uint16_t port)
{
	struct inet_diag_bc_op ops[2] = {
		{(unsigned char)code, 8, 12},
		{0, 0, port},
	};
	return raw(ops, sizeof(ops));
}

/* One hostcond: address on side code (S_COND/D_COND) in af/bytes/plen,
 * any port. AF_INET with plen 0 on a v6 socket means "IPv4-mapped". */
static struct code c_host(int code, int af, const uint8_t *bytes,
			  unsigned plen)
{
	uint8_t buf[sizeof(struct inet_diag_bc_op) +
		    sizeof(struct inet_diag_hostcond) + 16];
	size_t alen = af == AF_INET ? 4 : 16;
	size_t len = sizeof(struct inet_diag_bc_op) +
		     sizeof(struct inet_diag_hostcond) + alen;
	struct inet_diag_bc_op op = {(unsigned char)code, (unsigned char)len,
				     (unsigned short)(len + 4)};
	struct inet_diag_hostcond hc = {.family = (uint8_t)af,
					.prefix_len = (uint8_t)plen,
					.port = -1};

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &op, sizeof(op));
	memcpy(buf + sizeof(op), &hc, sizeof(hc));
	if (bytes)
		memcpy(buf + sizeof(op) + sizeof(hc), bytes, alen);
	return raw(buf, len);
}

static struct code c_mapped(int code)
{
	return c_host(code, AF_INET, NULL, 0);
}

static struct code c_unspecified(int code)
{
	static const uint8_t zero[16];

	return c_host(code, AF_INET6, zero, 128);
}

static bool pfx_has_zero(const struct sw_prefix *p)
{
	for (int i = 0; i < 16; i++)
		if (p->bytes[i])
			return false;
	return true;
}

/* p shares addresses with ::ffff:0:0/96. */
static bool pfx_meets_mapped(const struct sw_prefix *p)
{
	static const struct sw_prefix mapped = {
		.bytes = {[10] = 0xff, [11] = 0xff}, .family = SW_V6, .plen = 96};

	return sw_prefix_overlaps(p, &mapped);
}

/* One side's address in p. On a v4 dump the kernel sees what we see. On
 * a v6 dump an IPv4-mapped address is IPv4 to us (maybe normalised), and
 * the unspecified address :: may have been shown as 0.0.0.0 next to a
 * mapped one: prefixes holding the zero address are approximate. */
static struct code side(int code, const struct sw_prefix *p, unsigned family,
			bool super)
{
	bool zero = pfx_has_zero(p);

	if (family == SW_V4) {
		if (p->family != SW_V4)
			return C_FALSE;
		return p->plen ? c_host(code, AF_INET, p->bytes, p->plen) : C_TRUE;
	}
	if (p->family == SW_V4) {
		struct code c = c_host(code, AF_INET, p->bytes, p->plen);
		return zero && super ? c_or(c, c_unspecified(code)) : c;
	}
	struct code c = c_host(code, AF_INET6, p->bytes, p->plen);
	if (pfx_meets_mapped(p))
		c = c_and(c, c_not(c_mapped(code)));
	if (zero && !super)
		c = c_and(c, c_not(c_unspecified(code)));
	return c;
}

/* The port op of one side (0: local, 1: remote) for a node's comparison. */
static int port_code(const struct sw_fnode *n, int side)
{
	static const int codes[2][3] = {
		[0] = {[SW_FCMP_EQ] = INET_DIAG_BC_S_EQ,
		       [SW_FCMP_GE] = INET_DIAG_BC_S_GE,
		       [SW_FCMP_LE] = INET_DIAG_BC_S_LE},
		[1] = {[SW_FCMP_EQ] = INET_DIAG_BC_D_EQ,
		       [SW_FCMP_GE] = INET_DIAG_BC_D_GE,
		       [SW_FCMP_LE] = INET_DIAG_BC_D_LE},
	};

	return codes[side][n->cmp <= SW_FCMP_LE ? n->cmp : SW_FCMP_EQ];
}

static struct code leaf(const struct sw_fnode *n, unsigned family, bool super)
{
	switch (n->kind) {
	case SW_F_PORT:
		return c_or(c_port(port_code(n, 0), n->u.port),
			    c_port(port_code(n, 1), n->u.port));
	case SW_F_SPORT:
		return c_port(port_code(n, 0), n->u.port);
	case SW_F_DPORT:
		return c_port(port_code(n, 1), n->u.port);
	case SW_F_ADDR:
		return c_or(side(INET_DIAG_BC_S_COND, &n->u.pfx, family, super),
			    side(INET_DIAG_BC_D_COND, &n->u.pfx, family, super));
	case SW_F_SRC:
		return side(INET_DIAG_BC_S_COND, &n->u.pfx, family, super);
	case SW_F_DST:
		return side(INET_DIAG_BC_D_COND, &n->u.pfx, family, super);
	case SW_F_FAMILY: {
		struct code v4 = family == SW_V4 ?
					 C_TRUE :
					 c_or(c_mapped(INET_DIAG_BC_S_COND),
					      c_mapped(INET_DIAG_BC_D_COND));
		return n->u.family == SW_V4 ? v4 : c_not(v4);
	}
	default: /* state, protocol: invisible to the bytecode */
		return super ? C_TRUE : C_FALSE;
	}
}

/* super: accept at least what node matches; else at most. */
static struct code compile(const struct sw_filter *f, int node, unsigned family,
			   bool super)
{
	const struct sw_fnode *n = &f->nodes[node];

	switch (n->kind) {
	case SW_F_AND:
		return c_and(compile(f, n->left, family, super),
			     compile(f, n->right, family, super));
	case SW_F_OR:
		return c_or(compile(f, n->left, family, super),
			    compile(f, n->right, family, super));
	case SW_F_NOT:
		return c_not(compile(f, n->left, family, !super));
	default:
		return leaf(n, family, super);
	}
}

/* Copy code c to buf (cap bytes) and drop it: its length, or -1 when it
 * does not fit. */
static int emit(struct code c, void *buf, size_t cap)
{
	int len = (int)c.len;

	if (c.len > cap)
		len = -1;
	else
		memcpy(buf, c.p, c.len);
	drop(c);
	return len;
}

int sw_diag_bytecode(const struct sw_filter *f, unsigned family, void *buf,
		     size_t cap)
{
	if (!f || f->root < 0)
		return 0;
	struct code c = compile(f, f->root, family, true);
	if (c.k == K_FALSE) /* nothing of this family can match */
		c = raw(&(struct inet_diag_bc_op){INET_DIAG_BC_JMP, 4, 8}, 4);
	if (c.k != K_CODE) /* true: nothing to push; fail: too big, ENOMEM */
		return 0;
	return emit(c, buf, cap);
}

int sw_diag_bytecode_ports(const uint16_t *ports, size_t n,
			   const void *const *alt, const size_t *alt_len,
			   size_t nalt, void *buf, size_t cap)
{
	struct code c = C_FALSE, any = nalt ? C_FALSE : C_TRUE;

	if (!n || n > SW_DIAG_BC_PORTS_MAX)
		return 0;
	for (size_t i = 0; i < n && c.k != K_FAIL; i++)
		c = c_or(c, c_port(INET_DIAG_BC_S_EQ, ports[i]));
	for (size_t i = 0; i < nalt; i++)
		any = c_or(any, alt_len[i] ? raw(alt[i], alt_len[i]) : C_TRUE);
	c = c_and(c, any);
	if (c.k != K_CODE)
		return c.k == K_FAIL ? -1 : 0;
	return emit(c, buf, cap);
}
