/* addr.c - IPv4/IPv6 addresses and prefixes: parse, format, CIDR math.
 * Uses inet_pton/inet_ntop (libc, no I/O). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <endian.h>
#include <string.h>

#include "sw_addr.h"

static const uint8_t sw_v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0,
					       0, 0, 0, 0, 0xff, 0xff};

bool sw_addr_is_mapped(const uint8_t bytes[16])
{
	return memcmp(bytes, sw_v4mapped_prefix, 12) == 0;
}

unsigned sw_addr_normalise(uint8_t bytes[16], unsigned family)
{
	if (family != 6 || !sw_addr_is_mapped(bytes))
		return family;
	memmove(bytes, bytes + 12, 4);
	memset(bytes + 4, 0, 12);
	return 4;
}

void sw_addr_mask(uint8_t out[16], const uint8_t in[16], unsigned family,
		  unsigned plen)
{
	unsigned bits = sw_family_bits(family);
	uint64_t w[2];

	/* two words and their masks: this runs once per socket */
	if (plen > bits)
		plen = bits;
	memcpy(w, in, 16);
	for (unsigned k = 0; k < 2; k++) {
		unsigned b = plen > 64 * k ? plen - 64 * k : 0;

		if (b < 64)
			w[k] &= b ? htobe64(~0ull << (64 - b)) : 0;
	}
	memcpy(out, w, 16);
}

void sw_addr_last(uint8_t out[16], const uint8_t in[16], unsigned family,
		  unsigned plen)
{
	unsigned bits = sw_family_bits(family), i;

	sw_addr_mask(out, in, family, plen);
	for (i = plen < bits ? plen : bits; i < bits; i++)
		out[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

void sw_prefix_make(struct sw_prefix *out, unsigned family,
		    const uint8_t bytes[16], unsigned plen)
{
	unsigned bits = sw_family_bits(family);

	out->family = (uint8_t)family;
	out->plen = (uint8_t)(plen > bits ? bits : plen);
	sw_addr_mask(out->bytes, bytes, family, out->plen);
}

void sw_prefix_make_norm(struct sw_prefix *out, unsigned family,
			 const uint8_t bytes[16], unsigned plen)
{
	uint8_t b[16];
	unsigned fam;

	memcpy(b, bytes, 16);
	fam = sw_addr_normalise(b, family);
	if (fam != family)
		plen = plen >= 96 ? plen - 96 : 0;
	sw_prefix_make(out, fam, b, plen);
}

int sw_prefix_parse(const char *text, struct sw_prefix *out, const char **err)
{
	char buf[SW_ADDR_STRLEN + 8];
	uint8_t bytes[16] = {0};
	const char *slash;
	unsigned family, plen;
	size_t alen;

	if (!text || !*text) {
		*err = "empty address";
		return -1;
	}
	slash = strchr(text, '/');
	alen = slash ? (size_t)(slash - text) : strlen(text);
	if (alen == 0 || alen >= sizeof(buf)) {
		*err = "not an IPv4 or IPv6 address";
		return -1;
	}
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, bytes) == 1) {
		family = 4;
	} else if (inet_pton(AF_INET6, buf, bytes) == 1) {
		family = 6;
	} else {
		*err = "not an IPv4 or IPv6 address";
		return -1;
	}
	plen = sw_family_bits(family);
	if (slash) {
		const char *p = slash + 1;
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9') {
			*err = "prefix length after '/' must be a number";
			return -1;
		}
		errno = 0;
		v = strtoul(p, &end, 10);
		if (*end || errno) {
			*err = "prefix length after '/' must be a number";
			return -1;
		}
		if (v > sw_family_bits(family)) {
			*err = family == 4 ? "prefix length is larger than 32 for IPv4"
					   : "prefix length is larger than 128 for IPv6";
			return -1;
		}
		plen = (unsigned)v;
	}
	sw_prefix_make_norm(out, family, bytes, plen);
	return 0;
}

char *sw_addr_format(unsigned family, const uint8_t bytes[16], char *buf,
		     size_t len)
{
	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

char *sw_prefix_format(const struct sw_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	sw_addr_format(p->family, p->bytes, a, sizeof(a));
	if (p->plen == sw_family_bits(p->family))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, p->plen);
	return buf;
}

char *sw_endpoint_format(unsigned family, const uint8_t bytes[16],
			 unsigned port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	sw_addr_format(family, bytes, a, sizeof(a));
	snprintf(buf, len, family == 6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

bool sw_prefix_contains_addr(const struct sw_prefix *p, unsigned family,
			     const uint8_t bytes[16])
{
	uint8_t m[16];

	if (p->family != family)
		return false;
	sw_addr_mask(m, bytes, family, p->plen);
	return memcmp(m, p->bytes, 16) == 0;
}

bool sw_prefix_overlaps(const struct sw_prefix *a, const struct sw_prefix *b)
{
	const struct sw_prefix *wide = a->plen <= b->plen ? a : b;
	const struct sw_prefix *narrow = wide == a ? b : a;

	if (a->family != b->family)
		return false;
	return sw_prefix_contains_addr(wide, narrow->family, narrow->bytes);
}

int sw_addr_cmp(unsigned fa, const uint8_t a[16], unsigned fb,
		const uint8_t b[16])
{
	if (fa != fb)
		return fa < fb ? -1 : 1;
	return memcmp(a, b, fa == 4 ? 4 : 16);
}
