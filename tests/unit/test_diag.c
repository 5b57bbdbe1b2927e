/* Unit tests: the sock_diag reply parser, on hand-built buffers and on a
 * dump recorded from a namespace with known sockets
 * (tests/fixtures/make-diag-fixture.sh). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sw_diag.h"
#include "sw_record.h"
#include "sw_test.h"

#define FIXTURE "tests/fixtures/diag.rec"

#include "diag_build.h"

struct ctx {
	struct sw_snapshot snap;
	struct sw_diag_parse p;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	sw_snapshot_init(&c->snap);
	c->p.proto = SW_TCP;
	c->p.out = &c->snap;
	c->p.seq = 7;
	c->p.portid = 99;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	sw_snapshot_free(&c->snap);
	free(c);
	return 0;
}

static void test_fields_and_byte_order(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	const struct sw_sock *s;
	uint8_t want[16] = { 192, 0, 2, 7 };

	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.7", 8080, "198.51.100.9",
		 443, 0x1122334455667788ull);
	put_done(&x, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 0);
	assert_int_equal(c->p.done, 1);
	assert_int_equal(c->p.error, 0);
	assert_int_equal(c->p.parsed, 2);
	assert_int_equal(c->snap.count, 1);
	s = sw_snapshot_find(&c->snap, SW_TCP, 0x1122334455667788ull);
	assert_non_null(s);
	assert_int_equal(s->family, SW_V4);
	assert_int_equal(s->proto, SW_TCP);
	assert_int_equal(s->state, SW_ESTABLISHED);
	assert_int_equal(s->sport, 8080);
	assert_int_equal(s->dport, 443);
	assert_memory_equal(s->src, want, 16);
	assert_int_equal(s->dst[0], 198);
	assert_int_equal(s->rqueue, 3);
	assert_int_equal(s->wqueue, 128);
	assert_int_equal(s->inode, 4242);
}

static void test_ipv4_mapped_become_ipv4(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	const struct sw_sock *s;
	uint8_t v4[16] = { 203, 0, 113, 5 }, lo[16] = { 127, 0, 0, 1 };

	put_sock(&x, AF_INET6, SW_ESTABLISHED, "::ffff:127.0.0.1", 8443,
		 "::ffff:203.0.113.5", 50000, 1);
	put_sock(&x, AF_INET6, SW_LISTEN, "::", 8443, "::", 0, 2);
	put_sock(&x, AF_INET6, SW_ESTABLISHED, "2001:db8::1", 22,
		 "2001:db8::ffff:0:1", 4000, 3);
	put_sock(&x, AF_INET6, SW_LISTEN, "::ffff:127.0.0.1", 53, "::", 0, 4);
	put_sock(&x, AF_INET6, SW_SYN_SENT, "::", 1000, "::ffff:192.0.2.1", 80, 5);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 1);
	assert_int_equal(c->snap.count, 5);

	s = sw_snapshot_find(&c->snap, SW_TCP, 1);
	assert_int_equal(s->family, SW_V4);
	assert_memory_equal(s->src, lo, 16);
	assert_memory_equal(s->dst, v4, 16);
	assert_int_equal(s->dport, 50000);

	s = sw_snapshot_find(&c->snap, SW_TCP, 2); /* a dual-stack listener */
	assert_int_equal(s->family, SW_V6);

	s = sw_snapshot_find(&c->snap, SW_TCP, 3);
	assert_int_equal(s->family, SW_V6);
	assert_int_equal(s->dst[10], 0xff); /* not mapped: kept as it was */

	s = sw_snapshot_find(&c->snap, SW_TCP, 4);
	assert_int_equal(s->family, SW_V4);
	assert_memory_equal(s->src, lo, 16);

	s = sw_snapshot_find(&c->snap, SW_TCP, 5);
	assert_int_equal(s->family, SW_V4);
	assert_int_equal(s->dst[0], 192);
	assert_int_equal(s->src[0] | s->src[10] | s->src[11], 0);
}

static void test_duplicates_dropped(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 }, y = { .len = 0 };

	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 2, 10);
	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 2, 11);
	put_sock(&x, AF_INET, SW_FIN_WAIT1, "192.0.2.1", 1, "192.0.2.2", 2, 10);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 1);
	/* the next batch of the same dump repeats one under churn */
	put_sock(&y, AF_INET, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 2, 11);
	put_done(&y, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, y.b, y.len), 0);
	assert_int_equal(c->snap.count, 2);
	assert_int_equal(c->snap.dups, 2);
	/* the first copy wins */
	assert_int_equal(sw_snapshot_find(&c->snap, SW_TCP, 10)->state,
			 SW_ESTABLISHED);

	/* same cookie, other protocol: another socket */
	c->p.proto = SW_UDP;
	c->p.done = 0;
	assert_int_equal(sw_diag_parse_buf(&c->p, y.b, y.len), 0);
	assert_int_equal(c->snap.count, 3);
	assert_non_null(sw_snapshot_find(&c->snap, SW_UDP, 11));
}

static void test_done_error_decoded(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };

	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 2, 10);
	put_done(&x, -EBUSY);
	errno = 0;
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(c->p.error, EBUSY);
	assert_int_equal(c->p.done, 1);
	assert_int_equal(c->snap.count, 1); /* what came before stays */
}

static void test_done_without_payload_ends(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };

	put_msg(&x, NLMSG_DONE, 7, 99, NULL, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 0);
	assert_int_equal(c->p.error, 0);
}

static void test_nlmsg_error_decoded(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 }, y = { .len = 0 }, z = { .len = 0 };

	put_error(&x, -ENOENT);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(c->p.error, ENOENT);

	/* an impossible error number is a protocol error, not UB */
	c->p.error = 0;
	put_error(&y, INT_MIN);
	assert_int_equal(sw_diag_parse_buf(&c->p, y.b, y.len), -1);
	assert_int_equal(c->p.error, EPROTO);

	/* an ack ends the exchange cleanly */
	c->p.error = 0;
	put_error(&z, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, z.b, z.len), 0);
	assert_int_equal(c->p.error, 0);
}

static void test_short_error_is_bad_message(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	int32_t e = -EPERM;

	put_msg(&x, NLMSG_ERROR, 7, 99, &e, sizeof(e)); /* no nlmsghdr copy */
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(c->p.error, 0);
}

static void test_truncated_rejected(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 }, y = { .len = 0 };
	struct nlmsghdr h;
	size_t cut, one;

	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 2, 10);
	one = x.len;
	put_sock(&x, AF_INET6, SW_ESTABLISHED, "2001:db8::1", 1, "2001:db8::2", 2, 11);
	put_done(&x, 0);
	/* Every cut gives a clean "more" at a message boundary or EBADMSG,
	 * and never a socket from a partial message. */
	for (cut = 0; cut < x.len; cut++) {
		int rc;

		sw_snapshot_reset(&c->snap);
		c->p.parsed = 0;
		c->p.done = c->p.error = 0;
		errno = 0;
		rc = sw_diag_parse_buf(&c->p, x.b, cut);
		if (cut == 0 || cut == one || cut == 2 * one) {
			assert_int_equal(rc, 1);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(errno, EBADMSG);
		}
		assert_true(c->snap.count <= cut / one);
	}

	/* A diag message too short for inet_diag_msg. */
	put_msg(&y, SOCK_DIAG_BY_FAMILY, 7, 99, x.b + NLMSG_HDRLEN, 40);
	assert_int_equal(sw_diag_parse_buf(&c->p, y.b, y.len), -1);
	assert_int_equal(errno, EBADMSG);

	/* nlmsg_len shorter than its own header must not loop or read. */
	memset(&h, 0, sizeof(h));
	h.nlmsg_len = 4;
	h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	assert_int_equal(sw_diag_parse_buf(&c->p, &h, sizeof(h)), -1);
	assert_int_equal(errno, EBADMSG);
}

static void test_unknown_family_rejected(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };

	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 2, 10);
	x.b[NLMSG_HDRLEN] = AF_UNIX;
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(c->snap.count, 0);
}

static void test_reply_to_other_request_refused(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };

	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 1, "192.0.2.2", 2, 10);
	c->p.seq = 8;
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), -1);
	assert_int_equal(errno, EPROTO);
	c->p.seq = 7;
	c->p.portid = 100;
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), -1);
	assert_int_equal(errno, ESRCH);
	c->p.seq = 0; /* replay: anything goes */
	c->p.portid = 0;
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 1);
	assert_int_equal(c->snap.count, 1);
	assert_int_equal(c->p.error, 0);
}

static void test_state_out_of_range(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };

	put_sock(&x, AF_INET, 200, "192.0.2.1", 1, "192.0.2.2", 2, 10);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 1);
	assert_int_equal(c->snap.socks[0].state, SW_ST_UNKNOWN);
}

static void test_filter_applied(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse("sport 8080", &err);

	assert_non_null(f);
	c->p.filter = f;
	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 8080, "192.0.2.2", 2, 10);
	put_sock(&x, AF_INET, SW_ESTABLISHED, "192.0.2.1", 8081, "192.0.2.2", 2, 11);
	put_sock(&x, AF_INET6, SW_ESTABLISHED, "::ffff:192.0.2.1", 8080,
		 "::ffff:192.0.2.3", 2, 12);
	put_done(&x, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 0);
	assert_int_equal(c->p.parsed, 4);
	assert_int_equal(c->snap.count, 2);
	assert_null(sw_snapshot_find(&c->snap, SW_TCP, 11));
	sw_filter_free(f);
}

/* The first refresh of the fixture, parsed as replay does. */
static void test_recorded_dump(void **state)
{
	struct ctx *c = *state;
	struct sw_rec_reader *r;
	struct sw_rec_item it;
	struct sw_diag_parse p;
	char *cause = NULL;
	unsigned dumps = 0, i, lst = 0, mapped = 0, v6 = 0;

	r = sw_rec_reader_open(FIXTURE, &cause);
	assert_non_null(r);
	memset(&p, 0, sizeof(p));
	p.done = 1;
	while (sw_rec_next(r, &it, &cause) == 1 && it.type != SW_REC_END) {
		if (it.type != SW_REC_NLBUF)
			continue;
		if (p.done) {
			memset(&p, 0, sizeof(p));
			p.proto = it.data[0];
			p.out = &c->snap;
			dumps++;
		}
		assert_int_not_equal(sw_diag_parse_buf(&p, it.data + 4, it.len - 4), -1);
	}
	assert_null(cause);
	assert_int_equal(p.done, 1);
	sw_rec_reader_close(r);
	assert_int_equal(dumps, 4); /* TCP v4, v6, UDP v4, v6 */
	assert_int_equal(c->snap.count, 27);
	assert_int_equal(c->snap.dups, 0);
	assert_int_equal(c->snap.nstate[SW_TCP][SW_ESTABLISHED], 20);
	assert_int_equal(c->snap.nstate[SW_TCP][SW_TIME_WAIT], 2);
	assert_int_equal(c->snap.nstate[SW_TCP][SW_LISTEN], 3);
	assert_int_equal(c->snap.nstate[SW_UDP][SW_CLOSE], 1);
	assert_int_equal(c->snap.nstate[SW_UDP][SW_ESTABLISHED], 1);
	for (i = 0; i < c->snap.count; i++) {
		const struct sw_sock *s = &c->snap.socks[i];

		if (s->family == SW_V6) {
			v6++;
			assert_false(s->dst[10] == 0xff && s->dst[11] == 0xff);
		} else if (s->sport == 8443 || s->dport == 8443) {
			mapped++; /* dual-stack socket carrying IPv4 */
			assert_int_equal(s->src[0], 127);
			assert_int_equal(s->dst[0], 127);
		}
		if (s->state == SW_LISTEN && s->sport == 8080) {
			lst++;
			assert_int_equal(s->rqueue, 5);
			assert_int_equal(s->wqueue, 50);
			assert_int_not_equal(s->inode, 0);
		}
		if (s->state == SW_TIME_WAIT)
			assert_int_equal(s->inode, 0);
	}
	assert_int_equal(lst, 1);
	assert_int_equal(mapped, 6);
	assert_int_equal(v6, 6); /* [::]:8443, [::1]:9443 and its 4 */
}

/* The one-walk (compat) dump: replies typed TCPDIAG_GETSOCK carry both
 * families; p.families keeps those of the wanted families by the
 * kernel's family (a mapped IPv6 socket is an IPv6 dump's, as it would be
 * in a per-family dump). */
static void test_one_walk_reply_and_families(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	struct inet_diag_msg m;
	const struct {
		int af;
		const char *src, *dst;
	} socks[] = {
		{ AF_INET, "192.0.2.1", "198.51.100.7" },
		{ AF_INET6, "2001:db8::1", "2001:db8::7" },
		{ AF_INET6, "::ffff:192.0.2.1", "::ffff:198.51.100.8" },
	};
	const unsigned want[] = { 0, SW_DIAG_FAM_V4, SW_DIAG_FAM_V6,
				  SW_DIAG_FAM_V4 | SW_DIAG_FAM_V6 };
	const unsigned expect[] = { 3, 1, 2, 3 };

	for (unsigned i = 0; i < 3; i++) {
		memset(&m, 0, sizeof(m));
		m.idiag_family = (uint8_t)socks[i].af;
		m.idiag_state = SW_ESTABLISHED;
		assert_int_equal(inet_pton(socks[i].af, socks[i].src, m.id.idiag_src), 1);
		assert_int_equal(inet_pton(socks[i].af, socks[i].dst, m.id.idiag_dst), 1);
		m.id.idiag_sport = htons(80);
		m.id.idiag_dport = htons((uint16_t)(40000 + i));
		m.id.idiag_cookie[0] = i + 1;
		put_msg(&x, TCPDIAG_GETSOCK, 7, 99, &m, sizeof(m));
	}
	put_done(&x, 0);
	for (unsigned w = 0; w < 4; w++) {
		sw_snapshot_reset(&c->snap);
		memset(&c->p, 0, sizeof(c->p));
		c->p.proto = SW_TCP;
		c->p.out = &c->snap;
		c->p.seq = 7;
		c->p.portid = 99;
		c->p.families = want[w];
		assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 0);
		assert_int_equal(c->snap.count, expect[w]);
	}
	/* the mapped one is IPv4 to the operator */
	assert_int_equal(c->snap.socks[2].family, SW_V4);
	assert_string_equal(sw_diag_name(SW_TCP, SW_DIAG_BOTH), "TCP");
}

/* Live: the kernel refuses bytecode that jumps out of bounds; the error
 * comes back in NLMSG_ERROR and must be reported, and the socket stays
 * usable. */
static void test_live_kernel_error_reported(void **state)
{
	struct ctx *c = *state;
	struct inet_diag_bc_op bad = { .code = INET_DIAG_BC_JMP, .yes = 4, .no = 200 };
	char *cause = NULL;
	struct sw_diag *d = sw_diag_open(&cause);

	assert_non_null(d);
	assert_int_equal(sw_diag_dump(d, SW_TCP, SW_V4, SW_TCP_ALL_STATES, &bad,
				      sizeof(bad), NULL, &c->snap, NULL, NULL, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "TCP/IPv4"));
	assert_non_null(strstr(cause, strerror(EINVAL)));
	free(cause);
	cause = NULL;
	assert_int_equal(sw_diag_dump(d, SW_TCP, SW_V4, SW_TCP_ALL_STATES, NULL, 0,
				      NULL, &c->snap, NULL, NULL, &cause), 0);
	assert_null(cause);
	sw_diag_close(d);
}

/* Live: the one-walk dump brings this process's listeners of both
 * families, with the same fields as the per-family dumps. */
static void test_live_one_walk(void **state)
{
	struct ctx *c = *state;
	char *cause = NULL;
	struct sw_diag *d = sw_diag_open(&cause);
	int fd4 = socket(AF_INET, SOCK_STREAM, 0), fd6 = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t l4 = sizeof(a4), l6 = sizeof(a6);
	unsigned found4 = 0, found6 = 0;

	assert_non_null(d);
	assert_true(fd4 >= 0 && fd6 >= 0);
	assert_int_equal(bind(fd4, (struct sockaddr *)&a4, sizeof(a4)), 0);
	assert_int_equal(listen(fd4, 7), 0);
	assert_int_equal(getsockname(fd4, (struct sockaddr *)&a4, &l4), 0);
	if (bind(fd6, (struct sockaddr *)&a6, sizeof(a6)) < 0)
		skip(); /* no IPv6 loopback here */
	assert_int_equal(listen(fd6, 9), 0);
	assert_int_equal(getsockname(fd6, (struct sockaddr *)&a6, &l6), 0);
	assert_int_equal(sw_diag_dump(d, SW_TCP, SW_DIAG_BOTH, SW_STATE_BIT(SW_LISTEN),
				      NULL, 0, NULL, &c->snap, NULL, NULL, &cause), 0);
	assert_null(cause);
	for (uint32_t i = 0; i < c->snap.count; i++) {
		const struct sw_sock *s = &c->snap.socks[i];

		assert_int_equal(s->state, SW_LISTEN);
		if (s->family == SW_V4 && s->sport == ntohs(a4.sin_port) && s->wqueue == 7)
			found4++;
		if (s->family == SW_V6 && s->sport == ntohs(a6.sin6_port) && s->wqueue == 9)
			found6++;
	}
	assert_int_equal(found4, 1);
	assert_int_equal(found6, 1);
	/* UDP has no one-walk request: refused, not silently half done */
	assert_int_equal(sw_diag_dump(d, SW_UDP, SW_DIAG_BOTH, SW_UDP_ALL_STATES,
				      NULL, 0, NULL, &c->snap, NULL, NULL, &cause), -1);
	free(cause);
	close(fd4);
	close(fd6);
	sw_diag_close(d);
}

struct tap_count {
	int calls, fail_at;
};

static int count_tap(void *arg, unsigned proto, unsigned family,
		     const void *buf, size_t len)
{
	struct tap_count *t = arg;

	(void)proto;
	(void)family;
	(void)buf;
	assert_true(len >= NLMSG_HDRLEN);
	if (++t->calls == t->fail_at) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

/* Live: a dump abandoned midway (the tap failed) leaves its replies
 * queued; the next dump must not read them as its own. Our own listening
 * sockets make the dump span several buffers. */
static void test_live_abandoned_dump_recovers(void **state)
{
	struct ctx *c = *state;
	struct sw_snapshot again;
	struct tap_count t = { 0, 1 };
	char *cause = NULL;
	struct sw_diag *d = sw_diag_open(&cause);
	int fds[600], i;

	for (i = 0; i < 600; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(bind(fds[i], (struct sockaddr *)&a, sizeof(a)), 0);
		assert_int_equal(listen(fds[i], 1), 0);
	}
	assert_int_equal(sw_diag_dump(d, SW_TCP, SW_V4, SW_STATE_BIT(SW_LISTEN),
				      NULL, 0, NULL, &c->snap, count_tap, &t, &cause), -1);
	assert_non_null(strstr(cause, strerror(ENOSPC)));
	free(cause);
	cause = NULL;
	t.calls = 0;
	t.fail_at = -1;
	sw_snapshot_init(&again);
	assert_int_equal(sw_diag_dump(d, SW_TCP, SW_V4, SW_STATE_BIT(SW_LISTEN),
				      NULL, 0, NULL, &again, count_tap, &t, &cause), 0);
	assert_true(t.calls >= 2); /* 600 listeners do not fit in one batch */
	assert_true(again.count >= 600);
	assert_int_equal(again.dups, 0);
	sw_snapshot_free(&again);
	sw_diag_close(d);
	for (i = 0; i < 600; i++)
		close(fds[i]);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fields_and_byte_order),
		T(test_ipv4_mapped_become_ipv4),
		T(test_duplicates_dropped),
		T(test_done_error_decoded),
		T(test_done_without_payload_ends),
		T(test_nlmsg_error_decoded),
		T(test_short_error_is_bad_message),
		T(test_truncated_rejected),
		T(test_unknown_family_rejected),
		T(test_reply_to_other_request_refused),
		T(test_state_out_of_range),
		T(test_filter_applied),
		T(test_one_walk_reply_and_families),
		T(test_recorded_dump),
		T(test_live_one_walk),
		T(test_live_kernel_error_reported),
		T(test_live_abandoned_dump_recovers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
