/* filter_gen.h - test helper: random filter expressions and random
 * sockets, as the kernel sees them (struct bci_entry) and as sockwatch
 * records them (struct sw_sock), for property tests. Header-only. */
#ifndef SW_FILTER_GEN_H
#define SW_FILTER_GEN_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bc_interp.h"
#include "sw_sock.h"

struct gen {
	uint64_t s;
	/* set by gen_expr: the expression has terms the kernel cannot test
	 * (state, proto), or prefixes holding the zero address */
	int opaque, zero;
};

static inline uint32_t gen_u32(struct gen *g)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (uint32_t)(g->s >> 11);
}

static inline unsigned gen_pick(struct gen *g, unsigned n)
{
	return gen_u32(g) % n;
}

#define GEN_PICK(g, arr) ((arr)[gen_pick((g), sizeof(arr) / sizeof((arr)[0]))])

static const char *const gen_ports[] = {"0", "22", "80", "443", "8080", "65535"};
static const uint16_t gen_port_vals[] = {0, 22, 80, 443, 8080, 65535, 5555};

/* prefixes; those holding the zero address are flagged by gen_expr */
static const struct {
	const char *text;
	int zero;
} gen_pfx[] = {
	{"127.0.0.0/8", 0},   {"127.0.0.1", 0},      {"10.0.0.0/8", 0},
	{"0.0.0.0/0", 1},     {"0.0.0.0/1", 1},      {"0.0.0.0", 1},
	{"192.0.2.0/24", 0},  {"203.0.113.9", 0},    {"128.0.0.0/1", 0},
	{"::1", 0},           {"::/0", 1},           {"::/1", 1},
	{"::", 1},            {"::/80", 1},          {"2001:db8::/32", 0},
	{"2001:db8::1", 0},   {"fe80::/10", 0},      {"::ffff:10.0.0.1", 0},
	{"8000::/1", 0},      {"::ffff:10.0.0.0/104", 0},
	{"::ffff:0:0/96", 1}, /* all of IPv4, as sockwatch reads it */
};

static const char *const gen_states[] = {
	"established", "syn-sent", "syn_recv", "fin_wait1", "fin-wait-2",
	"time-wait", "close", "close_wait", "last-ack", "listen",
	"closing", "estab", "connected", "bucket"};

static inline void gen_put(char *buf, size_t len, size_t *n, const char *s)
{
	size_t l = strlen(s);

	if (*n + l + 1 < len) {
		memcpy(buf + *n, s, l + 1);
		*n += l;
	}
}

static inline void gen_leaf(struct gen *g, char *buf, size_t len, size_t *n)
{
	static const char *const side[] = {"addr ", "src ", "dst "};
	static const char *const port[] = {"port ", "sport ", "dport "};
	static const char *const other[] = {"tcp", "udp", "v4", "v6", "ipv4"};
	unsigned k = gen_pick(g, 10);

	if (k < 4) {
		unsigned i = gen_pick(g, sizeof(gen_pfx) / sizeof(gen_pfx[0]));
		gen_put(buf, len, n, GEN_PICK(g, side));
		gen_put(buf, len, n, gen_pfx[i].text);
		g->zero |= gen_pfx[i].zero;
	} else if (k < 7) {
		gen_put(buf, len, n, GEN_PICK(g, port));
		gen_put(buf, len, n, GEN_PICK(g, gen_ports));
	} else if (k < 9) {
		const char *o = GEN_PICK(g, other);
		g->opaque |= o[0] == 't' || o[0] == 'u';
		gen_put(buf, len, n, o);
	} else {
		gen_put(buf, len, n, "state ");
		gen_put(buf, len, n, GEN_PICK(g, gen_states));
		g->opaque = 1;
	}
}

/* Append a random expression of at most depth levels. */
static inline void gen_expr(struct gen *g, char *buf, size_t len, size_t *n, int depth)
{
	static const char *const ands[] = {" and ", " ", " && ", " AND "};
	static const char *const ors[] = {" or ", " || ", " Or "};
	static const char *const nots[] = {"not ", "!", "NOT "};

	switch (depth <= 0 ? 0 : gen_pick(g, 6)) {
	case 0:
	case 1:
		gen_leaf(g, buf, len, n);
		break;
	case 2:
		gen_expr(g, buf, len, n, depth - 1);
		gen_put(buf, len, n, GEN_PICK(g, ands));
		gen_expr(g, buf, len, n, depth - 1);
		break;
	case 3:
		gen_expr(g, buf, len, n, depth - 1);
		gen_put(buf, len, n, GEN_PICK(g, ors));
		gen_expr(g, buf, len, n, depth - 1);
		break;
	case 4:
		gen_put(buf, len, n, GEN_PICK(g, nots));
		gen_expr(g, buf, len, n, depth - 1);
		break;
	default:
		gen_put(buf, len, n, "(");
		gen_expr(g, buf, len, n, depth - 1);
		gen_put(buf, len, n, ")");
		break;
	}
}

static inline void gen_filter_text(struct gen *g, char *buf, size_t len, int depth)
{
	size_t n = 0;

	g->opaque = g->zero = 0;
	buf[0] = '\0';
	gen_expr(g, buf, len, &n, depth);
}

static const char *const gen_v4[] = {"127.0.0.1", "127.0.0.2", "10.0.0.1",
				     "10.200.3.4", "192.0.2.7", "203.0.113.9",
				     "0.0.0.0", "128.0.0.1"};
static const char *const gen_v6[] = {"::1", "::", "2001:db8::1",
				     "2001:db8:ffff::2", "fe80::1", "::2",
				     "8000::5"};

static inline void gen_v4addr(struct gen *g, uint8_t out[16])
{
	memset(out, 0, 16);
	inet_pton(AF_INET, GEN_PICK(g, gen_v4), out);
}

/* A socket as the kernel has it (e, and which dump it is in: *dumpfam
 * SW_V4/SW_V6) and as sockwatch records it (s): IPv4-mapped v6 sockets
 * are recorded either normalised to IPv4 (:: next to them as 0.0.0.0)
 * or left raw, both of which sockwatch's parser may do. */
static inline void gen_socket(struct gen *g, struct bci_entry *e, struct sw_sock *s,
		       unsigned *dumpfam)
{
	memset(e, 0, sizeof(*e));
	memset(s, 0, sizeof(*s));
	s->proto = (uint8_t)gen_pick(g, 2);
	s->state = s->proto == SW_TCP ? (uint8_t)(1 + gen_pick(g, 11)) :
		   gen_pick(g, 2) ? SW_ESTABLISHED : SW_CLOSE;
	e->sport = s->sport = GEN_PICK(g, gen_port_vals);
	e->dport = s->dport = GEN_PICK(g, gen_port_vals);
	s->cookie = gen_u32(g);
	switch (gen_pick(g, 3)) {
	case 0: /* IPv4 */
		*dumpfam = SW_V4;
		e->family = AF_INET;
		gen_v4addr(g, e->saddr);
		gen_v4addr(g, e->daddr);
		s->family = SW_V4;
		memcpy(s->src, e->saddr, 16);
		memcpy(s->dst, e->daddr, 16);
		return;
	case 1: /* IPv6 */
		*dumpfam = SW_V6;
		e->family = AF_INET6;
		inet_pton(AF_INET6, GEN_PICK(g, gen_v6), e->saddr);
		inet_pton(AF_INET6, GEN_PICK(g, gen_v6), e->daddr);
		s->family = SW_V6;
		memcpy(s->src, e->saddr, 16);
		memcpy(s->dst, e->daddr, 16);
		return;
	default: /* IPv6 socket talking IPv4: mapped, the peer maybe :: */
		*dumpfam = SW_V6;
		e->family = AF_INET6;
		uint8_t a[16], b[16];
		gen_v4addr(g, a);
		gen_v4addr(g, b);
		memcpy(e->saddr, bci_mapped_head, 12);
		memcpy(e->saddr + 12, a, 4);
		int unspec = gen_pick(g, 3) == 0;
		if (!unspec) {
			memcpy(e->daddr, bci_mapped_head, 12);
			memcpy(e->daddr + 12, b, 4);
		}
		if (gen_pick(g, 2)) { /* normalised */
			s->family = SW_V4;
			memcpy(s->src, a, 4);
			if (!unspec)
				memcpy(s->dst, b, 4);
		} else {
			s->family = SW_V6;
			memcpy(s->src, e->saddr, 16);
			memcpy(s->dst, e->daddr, 16);
		}
		if (gen_pick(g, 2)) { /* swap sides: a mapped peer, :: local */
			uint8_t t[16];
			memcpy(t, e->saddr, 16);
			memcpy(e->saddr, e->daddr, 16);
			memcpy(e->daddr, t, 16);
			memcpy(t, s->src, 16);
			memcpy(s->src, s->dst, 16);
			memcpy(s->dst, t, 16);
		}
		return;
	}
}

/* Does the entry hold the unspecified address :: (v6) anywhere? */
static inline int gen_has_unspec(const struct bci_entry *e)
{
	static const uint8_t z[16];

	return e->family == AF_INET6 &&
	       (!memcmp(e->saddr, z, 16) || !memcmp(e->daddr, z, 16));
}

#endif
