/* Unit tests: the BPF iterators' records (src/source/bpf/sockiter.h)
 * into the snapshot (sw_bpf_decode): fields, families, IPv4-mapped
 * normalisation as the netlink parser does it, the wanted families and
 * protocols, the filter, and bad input. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "../../src/source/bpf/sockiter.h"
#include "sw_bpf.h"
#include "sw_test.h"

static const bool all[2][2] = { { true, true }, { true, true } };

static struct sw_bpf_rec rec(unsigned fam, unsigned proto, unsigned state,
			     const char *src, unsigned sport, const char *dst,
			     unsigned dport, unsigned long long cookie)
{
	struct sw_bpf_rec r;

	memset(&r, 0, sizeof(r));
	r.family = (unsigned char)fam;
	r.proto = (unsigned char)proto;
	r.state = (unsigned char)state;
	inet_pton(fam, src, r.src);
	inet_pton(fam, dst, r.dst);
	r.sport = (unsigned short)sport;
	r.dport = (unsigned short)dport;
	r.cookie = cookie;
	return r;
}

static void test_fields(void **state)
{
	struct sw_snapshot s;
	struct sw_bpf_rec r[2];
	uint8_t a[16] = { 0 };

	(void)state;
	sw_snapshot_init(&s);
	r[0] = rec(AF_INET, SW_TCP, SW_LISTEN, "192.0.2.1", 80, "0.0.0.0", 0, 7);
	r[0].rqueue = 3;
	r[0].wqueue = 128;
	r[0].inode = 4242;
	r[1] = rec(AF_INET6, SW_UDP, SW_ESTABLISHED, "2001:db8::1", 5300,
		   "2001:db8::2", 53, 8);
	assert_int_equal(sw_bpf_decode(r, sizeof(r), all, NULL, &s), 2);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.dumped, 2);
	assert_int_equal(s.socks[0].family, SW_V4);
	assert_int_equal(s.socks[0].state, SW_LISTEN);
	assert_int_equal(s.socks[0].sport, 80);
	assert_int_equal(s.socks[0].rqueue, 3);
	assert_int_equal(s.socks[0].wqueue, 128);
	assert_int_equal(s.socks[0].inode, 4242);
	assert_int_equal(s.socks[0].cookie, 7);
	inet_pton(AF_INET, "192.0.2.1", a);
	assert_memory_equal(s.socks[0].src, a, 16);
	assert_int_equal(s.socks[1].family, SW_V6);
	assert_int_equal(s.socks[1].proto, SW_UDP);
	assert_int_equal(s.socks[1].dport, 53);
	inet_pton(AF_INET6, "2001:db8::2", a);
	assert_memory_equal(s.socks[1].dst, a, 16);
	sw_snapshot_free(&s);
}

/* An AF_INET6 socket with an IPv4-mapped peer is an IPv4 socket, as
 * the netlink parser makes it; a plain IPv6 one stays IPv6. */
/* The timer as the iterators fill it (idiag_timer, ms left), and a
 * record from before the timers (both 0): no timer, as netlink says of a
 * socket without one. The layout is the same, so old SOCKS items decode. */
static void test_timer(void **state)
{
	struct sw_snapshot s;
	struct sw_bpf_rec r[3];

	(void)state;
	sw_snapshot_init(&s);
	r[0] = rec(AF_INET, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 22, "198.51.100.7",
		   40000, 1);
	r[0].timer = 2; /* keepalive */
	r[0].expires = 299272;
	r[1] = rec(AF_INET6, SW_TCP, SW_TIME_WAIT, "2001:db8::1", 443, "2001:db8::2",
		   50000, 2);
	r[1].timer = 3;
	r[1].expires = 59328;
	r[2] = rec(AF_INET, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.8",
		   40001, 3);
	assert_int_equal(sw_bpf_decode(r, sizeof(r), all, NULL, &s), 3);
	assert_int_equal(s.socks[0].timer, 2);
	assert_int_equal(s.socks[0].expires, 299272);
	assert_int_equal(s.socks[1].timer, 3);
	assert_int_equal(s.socks[1].expires, 59328);
	assert_int_equal(s.socks[2].timer, 0);
	assert_int_equal(s.socks[2].expires, 0);
	sw_snapshot_free(&s);
}

static void test_mapped(void **state)
{
	struct sw_snapshot s;
	struct sw_bpf_rec r = rec(AF_INET6, SW_TCP, SW_ESTABLISHED,
				  "::ffff:192.0.2.1", 8443,
				  "::ffff:198.51.100.50", 40000, 9);
	uint8_t a[16] = { 0 };

	(void)state;
	sw_snapshot_init(&s);
	assert_int_equal(sw_bpf_decode(&r, sizeof(r), all, NULL, &s), 1);
	assert_int_equal(s.socks[0].family, SW_V4);
	inet_pton(AF_INET, "198.51.100.50", a);
	assert_memory_equal(s.socks[0].dst, a, 16);
	inet_pton(AF_INET, "192.0.2.1", a);
	assert_memory_equal(s.socks[0].src, a, 16);
	sw_snapshot_free(&s);
}

/* want[proto][v6] by the kernel's family; the filter after that. */
static void test_want_and_filter(void **state)
{
	struct sw_snapshot s;
	struct sw_bpf_rec r[3];
	bool want[2][2] = { { true, false }, { false, false } };
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse("dport 443", &err);

	(void)state;
	assert_non_null(f);
	sw_snapshot_init(&s);
	r[0] = rec(AF_INET, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 443, 1);
	r[1] = rec(AF_INET, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 2, "192.0.2.2", 80, 2);
	r[2] = rec(AF_INET6, SW_TCP, SW_ESTABLISHED, "2001:db8::1", 3, "2001:db8::2", 443, 3);
	assert_int_equal(sw_bpf_decode(r, sizeof(r), want, f, &s), 3);
	assert_int_equal(s.dumped, 2); /* the IPv6 one is not wanted */
	assert_int_equal(s.count, 1);
	assert_int_equal(s.socks[0].cookie, 1);
	sw_filter_free(f);
	sw_snapshot_free(&s);
}

static void test_bad(void **state)
{
	struct sw_snapshot s;
	struct sw_bpf_rec r = rec(AF_INET, SW_TCP, SW_ESTABLISHED, "192.0.2.1",
				  1, "192.0.2.2", 2, 1);

	(void)state;
	sw_snapshot_init(&s);
	errno = 0;
	assert_int_equal(sw_bpf_decode(&r, sizeof(r) - 1, all, NULL, &s), -1);
	assert_int_equal(errno, EBADMSG);
	r.family = 1; /* AF_UNIX */
	assert_int_equal(sw_bpf_decode(&r, sizeof(r), all, NULL, &s), -1);
	assert_int_equal(errno, EBADMSG);
	r.family = AF_INET;
	r.proto = 5;
	assert_int_equal(sw_bpf_decode(&r, sizeof(r), all, NULL, &s), -1);
	r.proto = SW_TCP;
	r.state = 200; /* out of range: unknown, as netlink's */
	assert_int_equal(sw_bpf_decode(&r, sizeof(r), all, NULL, &s), 1);
	assert_int_equal(s.socks[0].state, SW_ST_UNKNOWN);
	assert_int_equal(s.count, 1);
	sw_snapshot_free(&s);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(sw_backend_name(SW_BACKEND_AUTO), "auto");
	assert_string_equal(sw_backend_name(SW_BACKEND_NETLINK), "netlink");
	assert_string_equal(sw_backend_name(SW_BACKEND_BPF), "bpf");
	assert_string_equal(sw_backend_name(9), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_mapped),
		cmocka_unit_test(test_want_and_filter),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
