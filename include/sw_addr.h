/* sw_addr.h - addresses and prefixes (CIDR math), parse and format.
 *
 * Core header: pure functions, no I/O. */
#ifndef SW_ADDR_H
#define SW_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Longest text form of an address or prefix, with NUL ("ffff:...:ffff/128"). */
#define SW_ADDR_STRLEN 52

/* An address or a prefix. bytes as in struct sw_sock (IPv4 in the first 4
 * bytes, network order, rest zero). plen is the prefix length: 32/128 for
 * a single address. Bits past plen are always zero. */
struct sw_prefix {
	uint8_t bytes[16];
	uint8_t family; /* enum sw_family */
	uint8_t plen;
};

/* Parse "ADDR" or "ADDR/LEN" (IPv4 or IPv6; "::ffff:a.b.c.d" becomes IPv4).
 * Host bits are cleared. Returns 0, or -1 and a static message in *err
 * (e.g. "prefix length 33 is larger than 32 for IPv4"). */
int sw_prefix_parse(const char *text, struct sw_prefix *out, const char **err);

/* Make a prefix from raw address bytes and a length (clamped to the family). */
void sw_prefix_make(struct sw_prefix *out, unsigned family,
		    const uint8_t bytes[16], unsigned plen);

/* As sw_prefix_make, but an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is
 * IPv4 to an operator: it becomes a.b.c.d with the length less 96 (0 when
 * shorter). bytes is not changed. */
void sw_prefix_make_norm(struct sw_prefix *out, unsigned family,
			 const uint8_t bytes[16], unsigned plen);

/* Write "192.0.2.0/24", or the bare address when plen is the full length.
 * Returns buf. buf needs SW_ADDR_STRLEN bytes. */
char *sw_prefix_format(const struct sw_prefix *p, char *buf, size_t len);

/* Write the bare address ("192.0.2.7", "2001:db8::1"). Returns buf. */
char *sw_addr_format(unsigned family, const uint8_t bytes[16], char *buf,
		     size_t len);

/* True when address bytes of that family fall inside prefix p. */
bool sw_prefix_contains_addr(const struct sw_prefix *p, unsigned family,
			     const uint8_t bytes[16]);

/* True when a and b share any address (one contains the other). */
bool sw_prefix_overlaps(const struct sw_prefix *a, const struct sw_prefix *b);

/* Copy of bytes with the bits past plen cleared. */
void sw_addr_mask(uint8_t out[16], const uint8_t in[16], unsigned family,
		  unsigned plen);
/* The last address of the prefix: bytes with the bits past plen set, up
 * to the family's width (the bytes past it cleared). */
void sw_addr_last(uint8_t out[16], const uint8_t in[16], unsigned family,
		  unsigned plen);

/* If the 16 bytes are an IPv4-mapped IPv6 address (::ffff:a.b.c.d),
 * rewrite them as IPv4 (first 4 bytes) and return SW_V4; else return
 * family unchanged. */
unsigned sw_addr_normalise(uint8_t bytes[16], unsigned family);

/* True when a and b are the same prefix (family, length and bits). */
static inline bool sw_prefix_eq(const struct sw_prefix *a,
				const struct sw_prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       memcmp(a->bytes, b->bytes, 16) == 0;
}

/* True when 16 IPv6 bytes are an IPv4-mapped address (::ffff:a.b.c.d). */
bool sw_addr_is_mapped(const uint8_t bytes[16]);

/* Longest endpoint text, with NUL ("[ffff:...:ffff]:65535"). */
#define SW_ENDPOINT_STRLEN (SW_ADDR_STRLEN + 8)

/* "192.0.2.1:80" or "[2001:db8::1]:443". Returns buf. */
char *sw_endpoint_format(unsigned family, const uint8_t bytes[16],
			 unsigned port, char *buf, size_t len);

/* Full length for the family: 32 or 128. */
static inline unsigned sw_family_bits(unsigned family)
{
	return family == 4 ? 32 : 128;
}

/* Compare two (family, bytes) addresses: v4 before v6, then bytewise.
 * Returns <0, 0, >0. */
int sw_addr_cmp(unsigned fa, const uint8_t a[16], unsigned fb,
		const uint8_t b[16]);

#endif
