/* sw_test.h - cmocka includes in the order cmocka wants, and helpers to
 * build socket records and prefixes in unit tests. Every tests/unit/test_*.c
 * includes it. */
#ifndef SW_TEST_H
#define SW_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "sw_addr.h"
#include "sw_sock.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A TCP/UDP record: "192.0.2.1" or "2001:db8::1" addresses. */
static inline struct sw_sock sw_test_sock(unsigned proto, unsigned state,
					  const char *src, unsigned sport,
					  const char *dst, unsigned dport,
					  uint64_t cookie)
{
	struct sw_sock s;
	int v6 = strchr(src, ':') != NULL;

	memset(&s, 0, sizeof(s));
	s.proto = (uint8_t)proto;
	s.state = (uint8_t)state;
	s.family = v6 ? 6 : 4;
	inet_pton(v6 ? AF_INET6 : AF_INET, src, s.src);
	inet_pton(v6 ? AF_INET6 : AF_INET, dst, s.dst);
	s.sport = (uint16_t)sport;
	s.dport = (uint16_t)dport;
	s.cookie = cookie;
	return s;
}

/* "192.0.2.0/24", "2001:db8::1": a prefix, or the test fails. */
static inline struct sw_prefix sw_test_prefix(const char *text)
{
	struct sw_prefix p;
	const char *err = NULL;

	if (sw_prefix_parse(text, &p, &err) < 0)
		fail_msg("bad fixture '%s': %s", text, err);
	return p;
}

#endif
