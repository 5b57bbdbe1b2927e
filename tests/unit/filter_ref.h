/* filter_ref.h - test helper: a reference for the filter language that
 * shares nothing with src/core/filter.c. It evaluates the expression text
 * itself against one socket, by recursive descent over the words, as the
 * README's grammar and prose define it: its own state names and ss groups
 * (on the kernel's TCP state numbers), its own CIDR parsing (inet_pton) and
 * bit comparison, "an IPv4-mapped socket is IPv4". Header-only. */
#ifndef SW_FILTER_REF_H
#define SW_FILTER_REF_H

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sw_sock.h"

struct ref {
	const char *p; /* the next word */
	const struct sw_sock *s;
	bool bad;      /* the text is outside the grammar */
};

static const unsigned char ref_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* The next word: an operator symbol, a parenthesis or a run of the other
 * non-space characters. Returns its length (0 at the end). */
static inline size_t ref_peek(struct ref *r, const char **at)
{
	const char *p = r->p;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	*at = p;
	if (!*p)
		return 0;
	if (strchr("()!", *p))
		return 1;
	if (*p == '&' || *p == '|')
		return p[1] == *p ? 2 : 1;
	while (p[n] && !isspace((unsigned char)p[n]) && !strchr("()!&|", p[n]))
		n++;
	return n;
}

static inline bool ref_is(const char *w, size_t n, const char *word)
{
	return n == strlen(word) && !strncasecmp(w, word, n);
}

static inline void ref_take(struct ref *r, const char *w, size_t n)
{
	r->p = w + n;
}

/* A bit mask of kernel TCP states for NAME (netstat or ss spelling, or
 * one of ss's groups), 0 if unknown. */
static inline unsigned ref_states(const char *w, size_t n)
{
	static const struct {
		const char *name;
		unsigned st;
	} names[] = {
		{"established", TCP_ESTABLISHED}, {"estab", TCP_ESTABLISHED},
		{"synsent", TCP_SYN_SENT},        {"synrecv", TCP_SYN_RECV},
		{"finwait1", TCP_FIN_WAIT1},      {"finwait2", TCP_FIN_WAIT2},
		{"timewait", TCP_TIME_WAIT},      {"close", TCP_CLOSE},
		{"closewait", TCP_CLOSE_WAIT},    {"lastack", TCP_LAST_ACK},
		{"listen", TCP_LISTEN},           {"closing", TCP_CLOSING},
	};
	unsigned all = 0, bucket = (1u << TCP_SYN_RECV) | (1u << TCP_TIME_WAIT);
	unsigned connected;
	char k[32];
	size_t m = 0;

	for (size_t i = 0; i < n && m + 1 < sizeof(k); i++)
		if (w[i] != '-' && w[i] != '_')
			k[m++] = (char)tolower((unsigned char)w[i]);
	k[m] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		all |= 1u << names[i].st;
	/* ss (iproute2 6.1) counts SYN_RECV and TIME_WAIT as connected */
	connected = all & ~((1u << TCP_LISTEN) | (1u << TCP_CLOSE));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(k, names[i].name))
			return 1u << names[i].st;
	if (!strcmp(k, "connected"))
		return connected;
	if (!strcmp(k, "synchronized"))
		return connected & ~(1u << TCP_SYN_SENT);
	if (!strcmp(k, "bucket"))
		return bucket;
	if (!strcmp(k, "big"))
		return all & ~bucket;
	if (!strcmp(k, "all"))
		return all;
	return 0;
}

/* An address of the socket as (family 4/6, 16 bytes): mapped is IPv4. */
static inline unsigned ref_sock_addr(const struct sw_sock *s, const uint8_t *a,
				     uint8_t out[16])
{
	memset(out, 0, 16);
	if (s->family == SW_V4) {
		memcpy(out, a, 4);
		return 4;
	}
	if (!memcmp(a, ref_mapped, 12)) {
		memcpy(out, a + 12, 4);
		return 4;
	}
	memcpy(out, a, 16);
	return 6;
}

/* Does CIDR (w, n) hold the socket address a? */
static inline bool ref_cidr(struct ref *r, const char *w, size_t n, const uint8_t *a)
{
	char t[64];
	uint8_t net[16] = {0}, x[16];
	unsigned fam, plen, bits;
	char *slash;

	if (n >= sizeof(t)) {
		r->bad = true;
		return false;
	}
	memcpy(t, w, n);
	t[n] = '\0';
	slash = strchr(t, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, t, net) == 1) {
		fam = 4;
		bits = 32;
	} else if (inet_pton(AF_INET6, t, net) == 1) {
		fam = 6;
		bits = 128;
	} else {
		r->bad = true;
		return false;
	}
	plen = slash ? (unsigned)atoi(slash + 1) : bits;
	if (fam == 6 && !memcmp(net, ref_mapped, 12) && plen >= 96) {
		memmove(net, net + 12, 4); /* ::ffff:a.b.c.d/L is IPv4 */
		memset(net + 4, 0, 12);
		fam = 4;
		plen -= 96;
	}
	if (ref_sock_addr(r->s, a, x) != fam)
		return false;
	for (unsigned i = 0; i < plen; i++)
		if ((net[i / 8] ^ x[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static inline bool ref_or(struct ref *r);

static inline bool ref_unary(struct ref *r)
{
	const struct sw_sock *s = r->s;
	const char *w, *a;
	size_t n = ref_peek(r, &w), m;
	bool v;

	ref_take(r, w, n);
	if (ref_is(w, n, "not") || ref_is(w, n, "!"))
		return !ref_unary(r);
	if (ref_is(w, n, "(")) {
		v = ref_or(r);
		n = ref_peek(r, &w);
		if (!ref_is(w, n, ")"))
			r->bad = true;
		ref_take(r, w, n);
		return v;
	}
	if (ref_is(w, n, "tcp") || ref_is(w, n, "udp"))
		return s->proto == (ref_is(w, n, "tcp") ? SW_TCP : SW_UDP);
	if (ref_is(w, n, "v4") || ref_is(w, n, "ipv4") || ref_is(w, n, "v6") ||
	    ref_is(w, n, "ipv6")) {
		uint8_t x[16];
		bool v4 = ref_sock_addr(s, s->src, x) == 4 || ref_sock_addr(s, s->dst, x) == 4;
		return v4 == (w[n - 1] == '4');
	}
	m = ref_peek(r, &a); /* the argument */
	ref_take(r, a, m);
	if (ref_is(w, n, "state") || ref_is(w, n, "exclude") || ref_is(w, n, "excl")) {
		/* states := (("state" | "exclude" | "excl") NAME)+, one run as
		 * ss's command line reads it: "state" adds, "exclude" removes,
		 * a run that starts with "exclude" starts from every state */
		bool first_excl = !ref_is(w, n, "state");
		unsigned mask = first_excl ? ref_states("all", 3) : 0;

		for (;;) {
			unsigned one = ref_states(a, m);
			r->bad |= !one;
			if (ref_is(w, n, "state"))
				mask |= one;
			else
				mask &= ~one;
			n = ref_peek(r, &w);
			if (!ref_is(w, n, "state") && !ref_is(w, n, "exclude") &&
			    !ref_is(w, n, "excl"))
				break;
			ref_take(r, w, n);
			m = ref_peek(r, &a);
			ref_take(r, a, m);
		}
		return (mask >> s->state) & 1;
	}
	if (ref_is(w, n, "port") || ref_is(w, n, "sport") || ref_is(w, n, "dport")) {
		unsigned port = (unsigned)strtoul(a, NULL, 10);
		char k = (char)tolower((unsigned char)w[0]);
		return (k != 'd' && s->sport == port) || (k != 's' && s->dport == port);
	}
	if (ref_is(w, n, "addr"))
		return ref_cidr(r, a, m, s->src) || ref_cidr(r, a, m, s->dst);
	if (ref_is(w, n, "src"))
		return ref_cidr(r, a, m, s->src);
	if (ref_is(w, n, "dst"))
		return ref_cidr(r, a, m, s->dst);
	r->bad = true;
	return false;
}

/* and := unary ( ["and" | "&&" | "&"] unary )*: side by side is "and" */
static inline bool ref_and(struct ref *r)
{
	bool v = ref_unary(r);
	const char *w;
	size_t n;

	while ((n = ref_peek(r, &w)) && !ref_is(w, n, ")") && !ref_is(w, n, "or") &&
	       !ref_is(w, n, "||") && !ref_is(w, n, "|")) {
		if (ref_is(w, n, "and") || ref_is(w, n, "&&") || ref_is(w, n, "&"))
			ref_take(r, w, n);
		v = ref_unary(r) && v; /* both sides are read, whatever v is */
	}
	return v;
}

static inline bool ref_or(struct ref *r)
{
	bool v = ref_and(r);
	const char *w;
	size_t n;

	while ((n = ref_peek(r, &w)) &&
	       (ref_is(w, n, "or") || ref_is(w, n, "||") || ref_is(w, n, "|"))) {
		ref_take(r, w, n);
		v = ref_and(r) || v;
	}
	return v;
}

/* Does the filter text match s? *bad is set when the text is outside
 * what the reference understands (the test then fails loudly). */
static inline bool ref_match(const char *text, const struct sw_sock *s, bool *bad)
{
	struct ref r = {.p = text, .s = s};
	const char *w;
	bool v = ref_peek(&r, &w) ? ref_or(&r) : true;

	if (ref_peek(&r, &w))
		r.bad = true;
	*bad = r.bad;
	return v;
}

#endif
