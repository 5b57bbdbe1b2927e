/* sw_filter_pre.h - the pre-filter: a necessary condition of a filter on
 * the ports and addresses alone, a short disjunction of clauses, each
 * clause a local and a remote port range and a local and a remote
 * address prefix. The BPF iterators (src/source/bpf/sockiter.bpf.c) test
 * it before they copy a socket out; the full filter still runs after, in
 * user space. Derived from the filter by src/core/filter_pre.c.
 *
 * The addresses are tested as the kernel has them: an AF_INET socket's
 * address is seen as its IPv4-mapped form ::ffff:a.b.c.d, an AF_INET6
 * socket's as it is, so one IPv4 prefix covers IPv4 sockets and the
 * mapped peers of IPv6 ones (which sockwatch shows as IPv4). A side may
 * also accept the unspecified address :: (sockwatch shows it as 0.0.0.0
 * next to a mapped one).
 *
 * Plain fixed-width types and no includes: the BPF program includes this
 * header too, and both sides run sw_filter_pre_match below.
 * Core header: pure. */
#ifndef SW_FILTER_PRE_H
#define SW_FILTER_PRE_H

#define SW_FILTER_PRE_MAX 16 /* clauses; a longer disjunction is not pushed */

/* One side's address: (view & mask) == net, or zero and the view is ::.
 * net and mask are the 16 bytes of the view as loaded (memcpy) into two
 * 64-bit words. mask 0 accepts every address. */
struct sw_filter_pre_side {
	unsigned long long net[2], mask[2];
	unsigned int zero;
	unsigned int pad;
};

struct sw_filter_pre_clause {
	unsigned short port_lo[2], port_hi[2]; /* [0] local, [1] remote; host order */
	struct sw_filter_pre_side side[2];     /* [0] local, [1] remote */
};

struct sw_filter_pre {
	unsigned int on; /* 0: nothing is pushed, every socket passes */
	unsigned int n;  /* clauses (on, n 0: no socket can match) */
	struct sw_filter_pre_clause c[SW_FILTER_PRE_MAX];
};

/* A socket's address as the pre-filter sees it: v6 (AF_INET6) as is,
 * else the IPv4 address in a[0..3] as ::ffff:a.b.c.d. */
static inline void sw_filter_pre_view(unsigned long long v[2], int v6,
				      const unsigned char a[16])
{
	unsigned char b[16] = {0};

	if (v6) {
		__builtin_memcpy(v, a, 16);
		return;
	}
	b[10] = 0xff;
	b[11] = 0xff;
	b[12] = a[0];
	b[13] = a[1];
	b[14] = a[2];
	b[15] = a[3];
	__builtin_memcpy(v, b, 16);
}

static inline int sw_filter_pre_side_ok(const struct sw_filter_pre_side *s,
					const unsigned long long v[2])
{
	if ((v[0] & s->mask[0]) == s->net[0] && (v[1] & s->mask[1]) == s->net[1])
		return 1;
	return s->zero && !(v[0] | v[1]);
}

/* Whether a socket (kernel family v6 or not, addresses as the kernel has
 * them, IPv4 in the first 4 bytes; ports host order) may match. 1 or 0. */
static inline int sw_filter_pre_match(const struct sw_filter_pre *p, int v6,
				      const unsigned char src[16],
				      const unsigned char dst[16],
				      unsigned int sport, unsigned int dport)
{
	unsigned long long s[2], d[2];
	unsigned int n = p->n;

	if (!p->on)
		return 1;
	sw_filter_pre_view(s, v6, src);
	sw_filter_pre_view(d, v6, dst);
	for (unsigned int i = 0; i < SW_FILTER_PRE_MAX; i++) {
		const struct sw_filter_pre_clause *c = &p->c[i];

		if (i >= n)
			break;
		if (sport < c->port_lo[0] || sport > c->port_hi[0] ||
		    dport < c->port_lo[1] || dport > c->port_hi[1])
			continue;
		if (sw_filter_pre_side_ok(&c->side[0], s) &&
		    sw_filter_pre_side_ok(&c->side[1], d))
			return 1;
	}
	return 0;
}

#ifndef __bpf__
struct sw_filter;

/* The pre-filter of f into *out: a superset of what f matches on every
 * socket (never drops one f keeps; f itself is not changed). What is
 * pushed: port comparisons (sport, dport, port; their "not"), address
 * prefixes (src, dst, addr), and/or of those; state, protocol and family
 * terms, a "not" over an address, a disjunction longer than
 * SW_FILTER_PRE_MAX and nesting deeper than 32 count as "anything". out->on
 * is 0 when nothing narrows (the empty filter). Never fails. */
void sw_filter_pre_derive(const struct sw_filter *f, struct sw_filter_pre *out);
#endif

#endif
