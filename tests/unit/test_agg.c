/* Unit tests: diff + aggregation (states, remotes, listeners). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_test.h"

#define NS 1000000000ull

static void add(struct sw_snapshot *s, unsigned proto, unsigned st,
		const char *src, unsigned sport, const char *dst,
		unsigned dport, uint64_t cookie)
{
	struct sw_sock r = sw_test_sock(proto, st, src, sport, dst, dport, cookie);

	assert_int_equal(sw_snapshot_add(s, &r), 1);
}

static const struct sw_remote *remote(const struct sw_agg *a, const char *text)
{
	struct sw_prefix p;
	const char *err;
	int i;

	assert_int_equal(sw_prefix_parse(text, &p, &err), 0);
	i = sw_agg_find_remote(a, &p);
	return i < 0 ? NULL : &a->remotes[i];
}

static void test_first_build_has_no_rates(void **state)
{
	struct sw_snapshot cur;
	struct sw_agg a;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };

	(void)state;
	sw_snapshot_init(&cur);
	sw_agg_init(&a);
	cur.mono_ns = 5 * NS;
	add(&cur, SW_TCP, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4000, 2);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4001, 3);
	add(&cur, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "198.51.100.9", 4001, 4);
	add(&cur, SW_TCP, SW_TIME_WAIT, "192.0.2.1", 80, "198.51.100.9", 4002, 5);
	add(&cur, SW_UDP, SW_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0, 6);
	add(&cur, SW_UDP, SW_ESTABLISHED, "192.0.2.1", 5000, "198.51.100.7", 53, 7);
	assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);
	assert_false(a.have_prev);
	assert_int_equal(a.total, 7);
	assert_int_equal(a.tcp, 5);
	assert_int_equal(a.udp, 2);
	assert_int_equal(a.udp_connected, 1);
	assert_int_equal(a.udp_unconnected, 1);
	assert_int_equal(a.states[SW_ESTABLISHED].count, 2);
	assert_int_equal(a.states[SW_ESTABLISHED].entered, 0);
	assert_int_equal(a.states[SW_LISTEN].count, 1);
	/* remotes: LISTEN and unconnected UDP have no peer */
	assert_int_equal(a.nremotes, 2);
	assert_int_equal(remote(&a, "198.51.100.7")->count, 3);
	assert_int_equal(remote(&a, "198.51.100.7")->udp, 1);
	assert_int_equal(remote(&a, "198.51.100.7")->states[SW_ESTABLISHED], 2);
	assert_int_equal(remote(&a, "198.51.100.9")->states[SW_SYN_RECV], 1);
	assert_int_equal(remote(&a, "198.51.100.7")->new_conns, 0);
	/* sorted by count */
	assert_int_equal(a.remotes[0].count, 3);
	/* listeners: the TCP one and the bound UDP one */
	assert_int_equal(a.nlisteners, 2);
	assert_int_equal(a.listeners[0].proto, SW_TCP);
	assert_int_equal(a.listeners[0].port, 80);
	assert_int_equal(a.listeners[0].syn_recv, 1);
	assert_int_equal(a.listeners[0].established, 2);
	assert_int_equal(a.listeners[1].proto, SW_UDP);
	sw_agg_free(&a);
	sw_snapshot_free(&cur);
}

static void test_diff_rates(void **state)
{
	struct sw_snapshot prev, cur;
	struct sw_agg a;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	uint64_t c;

	(void)state;
	sw_snapshot_init(&prev);
	sw_snapshot_init(&cur);
	sw_agg_init(&a);
	prev.mono_ns = 10 * NS;
	cur.mono_ns = 12 * NS; /* 2 s apart */
	/* prev: 2 established, one SYN_SENT that will complete, one closing */
	add(&prev, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4000, 1);
	add(&prev, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4001, 2);
	add(&prev, SW_TCP, SW_SYN_SENT, "192.0.2.1", 5555, "203.0.113.1", 443, 3);
	add(&prev, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.8", 4001, 4);
	/* cur: 1 and 2 stay, 3 became ESTABLISHED, 4 is gone, 10 new from .7 */
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4000, 1);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4001, 2);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 5555, "203.0.113.1", 443, 3);
	for (c = 100; c < 110; c++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7",
		    (unsigned)(5000 + c), c);
	assert_int_equal(sw_agg_build(&a, &prev, &cur, &o), 0);
	assert_true(a.have_prev);
	assert_true(a.interval_s > 1.999 && a.interval_s < 2.001);
	assert_int_equal(a.opened, 10);
	assert_int_equal(a.closed, 1);
	assert_int_equal(a.changed, 1);
	assert_int_equal(a.states[SW_ESTABLISHED].count, 13);
	assert_int_equal(a.states[SW_ESTABLISHED].delta, 10);
	assert_int_equal(a.states[SW_ESTABLISHED].entered, 11);
	assert_true(a.states[SW_ESTABLISHED].entered_per_s > 5.49 &&
		    a.states[SW_ESTABLISHED].entered_per_s < 5.51);
	assert_int_equal(a.states[SW_SYN_SENT].delta, -1);
	assert_int_equal(a.d_total, 9);
	assert_int_equal(remote(&a, "198.51.100.7")->new_conns, 10);
	assert_true(remote(&a, "198.51.100.7")->new_per_s > 4.99 &&
		    remote(&a, "198.51.100.7")->new_per_s < 5.01);
	assert_int_equal(remote(&a, "203.0.113.1")->new_conns, 0);
	assert_null(remote(&a, "198.51.100.8"));
	sw_agg_free(&a);
	sw_snapshot_free(&prev);
	sw_snapshot_free(&cur);
}

/* A request socket and its accepted child have different cookies: the
 * child is not a second new connection. */
static void test_accepted_child_not_new(void **state)
{
	struct sw_snapshot s0, s1, s2;
	struct sw_agg a;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };

	(void)state;
	sw_snapshot_init(&s0);
	sw_snapshot_init(&s1);
	sw_snapshot_init(&s2);
	sw_agg_init(&a);
	s0.mono_ns = 1 * NS;
	s1.mono_ns = 2 * NS;
	s2.mono_ns = 3 * NS;
	add(&s1, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "198.51.100.7", 4000, 50);
	add(&s2, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4000, 51);
	add(&s2, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 4001, 52);
	assert_int_equal(sw_agg_build(&a, &s0, &s1, &o), 0);
	assert_int_equal(remote(&a, "198.51.100.7")->new_conns, 1);
	assert_int_equal(a.states[SW_SYN_RECV].entered, 1);
	assert_int_equal(a.sock_new[0], 1);
	assert_int_equal(sw_agg_build(&a, &s1, &s2, &o), 0);
	assert_int_equal(remote(&a, "198.51.100.7")->new_conns, 1); /* only 52 */
	assert_int_equal(a.states[SW_ESTABLISHED].entered, 2);
	/* per socket, the same: 51 (the accepted child) is not new, 52 is */
	assert_int_equal(s2.socks[0].cookie, 51);
	assert_int_equal(a.sock_new[0], 0);
	assert_int_equal(a.sock_new[1], 1);
	/* re-aggregating the same pair (grouping change) gives the same */
	o.group_v4 = 24;
	assert_int_equal(sw_agg_build(&a, &s1, &s2, &o), 0);
	assert_int_equal(remote(&a, "198.51.100.0/24")->new_conns, 1);
	sw_agg_free(&a);
	sw_snapshot_free(&s0);
	sw_snapshot_free(&s1);
	sw_snapshot_free(&s2);
}

/* NEW/S of a SYN flood source: the request sockets that appeared since
 * the previous refresh (SYNs that created one), per second; the ones
 * still waiting from before are not new again. */
static void test_syn_source_rate(void **state)
{
	struct sw_snapshot s1, s2;
	struct sw_agg a;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	unsigned i;

	(void)state;
	sw_snapshot_init(&s1);
	sw_snapshot_init(&s2);
	sw_agg_init(&a);
	s1.mono_ns = 1 * NS;
	s2.mono_ns = 3 * NS;
	for (i = 0; i < 30; i++) {
		add(&s1, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "203.0.113.9", 5000 + i, 100 + i);
		add(&s2, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "203.0.113.9", 5000 + i, 100 + i);
	}
	for (i = 30; i < 50; i++)
		add(&s2, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "203.0.113.9", 5000 + i, 100 + i);
	assert_int_equal(sw_agg_build(&a, &s1, &s2, &o), 0);
	assert_int_equal(remote(&a, "203.0.113.9")->count, 50);
	assert_int_equal(remote(&a, "203.0.113.9")->new_conns, 20);
	assert_true(fabs(remote(&a, "203.0.113.9")->new_per_s - 10.0) < 1e-9);
	sw_agg_free(&a);
	sw_snapshot_free(&s1);
	sw_snapshot_free(&s2);
}

static void test_grouping_and_order(void **state)
{
	struct sw_snapshot cur;
	struct sw_agg a;
	struct sw_agg_opts o = { .group_v4 = 24, .group_v6 = 64 };
	uint64_t c = 1;
	int i;

	(void)state;
	sw_snapshot_init(&cur);
	sw_agg_init(&a);
	cur.mono_ns = NS;
	for (i = 0; i < 3; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "203.0.113.5", 1000 + i, c++);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "203.0.113.200", 1000, c++);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.1", 1000, c++);
	add(&cur, SW_TCP, SW_ESTABLISHED, "2001:db8::1", 80, "2001:db8:0:1::5", 1000, c++);
	add(&cur, SW_TCP, SW_ESTABLISHED, "2001:db8::1", 80, "2001:db8:0:1::6", 1000, c++);
	add(&cur, SW_TCP, SW_CLOSE_WAIT, "2001:db8::1", 80, "2001:db8:0:2::6", 1000, c++);
	assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);
	assert_int_equal(a.nremotes, 4);
	assert_int_equal(a.remotes[0].count, 4);
	assert_int_equal(a.remotes[0].pfx.plen, 24);
	assert_int_equal(remote(&a, "2001:db8:0:1::/64")->count, 2);
	/* ties (count 1): IPv4 before IPv6, then by address */
	assert_int_equal(a.remotes[2].pfx.family, 4);
	assert_int_equal(a.remotes[3].pfx.family, 6);
	assert_int_equal(remote(&a, "2001:db8:0:2::/64")->states[SW_CLOSE_WAIT], 1);
	sw_agg_free(&a);
	sw_snapshot_free(&cur);
}

static void test_many_remotes_rehash(void **state)
{
	struct sw_snapshot cur;
	struct sw_agg a;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	char addr[32];
	uint32_t i, total = 0;

	(void)state;
	sw_snapshot_init(&cur);
	sw_agg_init(&a);
	cur.mono_ns = NS;
	for (i = 0; i < 20000; i++) {
		snprintf(addr, sizeof(addr), "2001:db8::%x:%x", i >> 8, i & 255);
		add(&cur, SW_TCP, SW_ESTABLISHED, "2001:db8::1", 80, addr, 1000, i + 1);
		if (i % 3 == 0)
			add(&cur, SW_TCP, SW_TIME_WAIT, "2001:db8::1", 80, addr, 1001, 100000 + i);
	}
	assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);
	assert_int_equal(a.nremotes, 20000);
	for (i = 0; i < a.nremotes; i++) {
		total += a.remotes[i].count + a.remotes[i].tw;
		if (i)
			assert_true(a.remotes[i - 1].count >= a.remotes[i].count);
	}
	assert_int_equal(total, cur.count);
	/* TIME_WAIT is not a live connection: its own count, the tie-break */
	assert_int_equal(a.remotes[0].count, 1);
	assert_int_equal(a.remotes[0].tw, 1);
	sw_agg_free(&a);
	sw_snapshot_free(&cur);
}

/* Two listeners on one port split its sockets as the kernel's lookup
 * does: a specific address first, then the wildcard; IPv4 goes to
 * 0.0.0.0 before a dual-stack [::]; the sums equal the port's sockets. */
static void test_listeners_own_their_sockets(void **state)
{
	struct sw_snapshot cur;
	struct sw_agg a;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	uint64_t c = 1;
	unsigned i, syn = 0, est = 0;

	(void)state;
	sw_snapshot_init(&cur);
	sw_agg_init(&a);
	cur.mono_ns = NS;
	add(&cur, SW_TCP, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, c++);
	add(&cur, SW_TCP, SW_LISTEN, "::", 80, "::", 0, c++);
	add(&cur, SW_TCP, SW_LISTEN, "192.0.2.9", 80, "0.0.0.0", 0, c++);
	add(&cur, SW_TCP, SW_LISTEN, "::", 443, "::", 0, c++);
	/* a port of wildcards only (the usual dual-stack server): the family
	 * alone decides */
	add(&cur, SW_TCP, SW_LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0, c++);
	add(&cur, SW_TCP, SW_LISTEN, "::", 8080, "::", 0, c++);
	for (i = 0; i < 8; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, i % 2 ? "192.0.2.1" : "192.0.2.9", 8080,
		    "198.51.100.6", 7000 + i, c++);
	for (i = 0; i < 3; i++)
		add(&cur, SW_TCP, SW_SYN_RECV, "2001:db8::1", 8080, "2001:db8::6", 8000 + i, c++);
	for (i = 0; i < 7; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.1", 1000 + i, c++);
	for (i = 0; i < 5; i++)
		add(&cur, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "198.51.100.2", 2000 + i, c++);
	for (i = 0; i < 3; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "2001:db8::1", 80, "2001:db8::2", 3000 + i, c++);
	for (i = 0; i < 2; i++)
		add(&cur, SW_TCP, SW_SYN_RECV, "2001:db8::1", 80, "2001:db8::3", 4000 + i, c++);
	for (i = 0; i < 4; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.9", 80, "198.51.100.4", 5000 + i, c++);
	/* IPv4 via the dual-stack [::]:443 (normalised to IPv4 by the parser) */
	for (i = 0; i < 6; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 443, "198.51.100.5", 6000 + i, c++);
	assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);
	assert_int_equal(a.nlisteners, 6);
	for (i = 0; i < a.nlisteners; i++) {
		const struct sw_listener *l = &a.listeners[i];
		char ep[64];

		sw_endpoint_format(l->family, l->addr, l->port, ep, sizeof(ep));
		if (!strcmp(ep, "0.0.0.0:80")) {
			assert_int_equal(l->established, 7);
			assert_int_equal(l->syn_recv, 5);
		} else if (!strcmp(ep, "192.0.2.9:80")) {
			assert_int_equal(l->established, 4);
			assert_int_equal(l->syn_recv, 0);
		} else if (!strcmp(ep, "[::]:80")) {
			assert_int_equal(l->established, 3);
			assert_int_equal(l->syn_recv, 2);
		} else if (!strcmp(ep, "0.0.0.0:8080")) {
			assert_int_equal(l->established, 8);
			assert_int_equal(l->syn_recv, 0);
		} else if (!strcmp(ep, "[::]:8080")) {
			assert_int_equal(l->established, 0);
			assert_int_equal(l->syn_recv, 3);
		} else {
			assert_string_equal(ep, "[::]:443");
			assert_int_equal(l->established, 6);
		}
		if (l->port == 80) {
			syn += l->syn_recv;
			est += l->established;
		}
	}
	assert_int_equal(syn, 7);
	assert_int_equal(est, 14);
	sw_agg_free(&a);
	sw_snapshot_free(&cur);
}

/* A socket is inbound when its local port is one the host listens on
 * (same protocol), outbound otherwise: the host's own database peer is
 * told from a client, and --inbound leaves it out. */
static void test_direction(void **state)
{
	struct sw_snapshot cur;
	struct sw_agg a;
	struct sw_agg_opts o = {32, 128, false};
	const struct sw_remote *r;
	unsigned i;

	(void)state;
	sw_snapshot_init(&cur);
	sw_agg_init(&a);
	cur.mono_ns = 5 * NS;
	add(&cur, SW_TCP, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1);
	add(&cur, SW_UDP, SW_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0, 2);
	for (i = 0; i < 60; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 40000 + i,
		    "192.0.2.58", 5432, 10 + i);
	for (i = 0; i < 5; i++)
		add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7",
		    4000 + i, 100 + i);
	add(&cur, SW_TCP, SW_SYN_RECV, "192.0.2.1", 80, "198.51.100.7", 5000, 200);
	add(&cur, SW_TCP, SW_TIME_WAIT, "192.0.2.1", 80, "198.51.100.7", 5001, 201);
	/* .9: a client of ours, and we of its port 443 and 8443 */
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.9", 6000, 300);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 41000, "198.51.100.9", 443, 301);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 41001, "198.51.100.9", 8443, 302);
	/* UDP: to our port 53 is inbound; a TCP socket on local port 53 is not */
	add(&cur, SW_UDP, SW_ESTABLISHED, "192.0.2.1", 53, "203.0.113.5", 7000, 400);
	add(&cur, SW_TCP, SW_ESTABLISHED, "192.0.2.1", 53, "203.0.113.6", 53, 401);
	assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);

	r = remote(&a, "192.0.2.58");
	assert_non_null(r);
	assert_int_equal(r->count, 60);
	assert_int_equal(r->outbound, 60);
	assert_int_equal(r->inbound, 0);
	assert_int_equal(r->out_port, 5432);
	assert_false(r->out_ports_many);
	r = remote(&a, "198.51.100.7");
	assert_int_equal(r->inbound, 7); /* TIME_WAIT has a direction too */
	assert_int_equal(r->inbound_tw, 1);
	assert_int_equal(r->outbound, 0);
	assert_int_equal(r->out_port, 0);
	r = remote(&a, "198.51.100.9");
	assert_int_equal(r->inbound, 1);
	assert_int_equal(r->outbound, 2);
	assert_int_equal(r->out_port, 443);
	assert_true(r->out_ports_many);
	assert_int_equal(remote(&a, "203.0.113.5")->inbound, 1);
	assert_int_equal(remote(&a, "203.0.113.6")->outbound, 1);
	/* the database is the top remote by count... */
	assert_string_equal(sw_prefix_format(&a.remotes[0].pfx, (char[64]){0}, 64),
			    "192.0.2.58");

	/* ...and inbound only leaves it out, and .9's outbound sockets */
	o.inbound_only = true;
	assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);
	assert_null(remote(&a, "192.0.2.58"));
	assert_null(remote(&a, "203.0.113.6"));
	r = remote(&a, "198.51.100.9");
	assert_int_equal(r->count, 1);
	assert_int_equal(r->outbound, 0);
	assert_string_equal(sw_prefix_format(&a.remotes[0].pfx, (char[64]){0}, 64),
			    "198.51.100.7");
	/* the states and totals still count every socket */
	assert_int_equal(a.states[SW_ESTABLISHED].count, 69);
	sw_agg_free(&a);
	sw_snapshot_free(&cur);
}

/* The remote rows of random peers under many groupings are the prefixes
 * sw_prefix_make makes of each peer, with the counts a plain count by
 * prefix gives (the build masks and hashes the keys itself). */
static void test_grouping_matches_prefix_make(void **state)
{
	static const unsigned groups[][2] = { { 32, 128 }, { 24, 48 }, { 17, 61 },
					      { 9, 1 }, { 1, 127 }, { 31, 64 },
					      { 8, 65 }, { 0, 0 } };
	enum { N = 3000 };
	struct sw_snapshot cur;
	struct sw_agg a;
	struct sw_prefix *ref = calloc(N, sizeof(*ref));
	uint32_t *cnt = calloc(N, sizeof(*cnt));
	uint64_t rng = 88172645463325252ull;
	uint32_t i, g, nref, j;

	(void)state;
	assert_non_null(ref);
	assert_non_null(cnt);
	sw_snapshot_init(&cur);
	sw_agg_init(&a);
	cur.mono_ns = NS;
	for (i = 0; i < N; i++) {
		struct sw_sock r = sw_test_sock(SW_TCP, SW_ESTABLISHED, "192.0.2.1",
						80, "198.51.100.1", 1000, i + 1);

		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		if (i % 3 == 0) {
			r = sw_test_sock(SW_TCP, SW_ESTABLISHED, "2001:db8::1", 80,
					 "2001:db8::2", 1000, i + 1);
			memcpy(r.dst + 4, &rng, 8); /* few bits apart: shared prefixes */
			r.dst[12] = (uint8_t)(rng >> 56) & 3;
		} else {
			r.dst[2] = (uint8_t)(rng >> 8) & 7;
			r.dst[3] = (uint8_t)(rng >> 16);
			r.dst[1] = (uint8_t)(rng >> 24) & 1;
		}
		assert_int_equal(sw_snapshot_add(&cur, &r), 1);
	}
	for (g = 0; g < NELEM(groups); g++) {
		struct sw_agg_opts o = { .group_v4 = groups[g][0],
					 .group_v6 = groups[g][1] };
		unsigned g4 = o.group_v4 ? o.group_v4 : 32;
		unsigned g6 = o.group_v6 ? o.group_v6 : 128;

		nref = 0;
		for (i = 0; i < cur.count; i++) {
			const struct sw_sock *s = &cur.socks[i];
			struct sw_prefix p;

			sw_prefix_make(&p, s->family, s->dst, s->family == SW_V4 ? g4 : g6);
			for (j = 0; j < nref && !sw_prefix_eq(&ref[j], &p); j++)
				;
			if (j == nref) {
				ref[nref] = p;
				cnt[nref++] = 0;
			}
			cnt[j]++;
		}
		assert_int_equal(sw_agg_build(&a, NULL, &cur, &o), 0);
		assert_int_equal(a.nremotes, nref);
		for (j = 0; j < nref; j++) {
			int k = sw_agg_find_remote(&a, &ref[j]);

			assert_true(k >= 0);
			assert_true(sw_prefix_eq(&a.remotes[k].pfx, &ref[j]));
			assert_int_equal(a.remotes[k].count, cnt[j]);
		}
	}
	free(ref);
	free(cnt);
	sw_agg_free(&a);
	sw_snapshot_free(&cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_build_has_no_rates),
		cmocka_unit_test(test_diff_rates),
		cmocka_unit_test(test_accepted_child_not_new),
		cmocka_unit_test(test_syn_source_rate),
		cmocka_unit_test(test_grouping_and_order),
		cmocka_unit_test(test_many_remotes_rehash),
		cmocka_unit_test(test_listeners_own_their_sockets),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_grouping_matches_prefix_make),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
