/* Unit tests: the info dump's parser (tcp_info of inbound ESTABLISHED
 * sockets, INET_DIAG_INFO) on hand-built reply buffers, and its bytecode
 * (the listened ports, then the filter's) run through the kernel's
 * checker and interpreter as bc_interp.h mirrors them. */
#include <errno.h>
#include <stdlib.h>

#include <linux/tcp.h>

#include "sw_test.h"
#include "diag_build.h"
#include "bc_interp.h"
#include "sw_diag.h"

/* An inet_diag_msg with an INET_DIAG_INFO attribute of ilen bytes of ti
 * (a kernel's tcp_info may be shorter or longer than ours). */
static void put_info_sock(struct bld *x, unsigned state, const char *src,
			  unsigned sport, const char *dst, unsigned dport,
			  uint64_t cookie, const struct tcp_info *ti, size_t ilen)
{
	uint8_t pl[sizeof(struct inet_diag_msg) + 8 + 2 * sizeof(struct tcp_info)];
	struct inet_diag_msg m;
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + ilen),
			    .nla_type = INET_DIAG_INFO };
	/* an attribute before it, which the parser must step over */
	struct nlattr other = { .nla_len = NLA_HDRLEN + 4, .nla_type = INET_DIAG_MARK };
	size_t off = sizeof(m);

	memset(pl, 0, sizeof(pl));
	memset(&m, 0, sizeof(m));
	m.idiag_family = strchr(src, ':') ? AF_INET6 : AF_INET;
	m.idiag_state = (uint8_t)state;
	assert_int_equal(inet_pton(m.idiag_family, src, m.id.idiag_src), 1);
	assert_int_equal(inet_pton(m.idiag_family, dst, m.id.idiag_dst), 1);
	m.id.idiag_sport = htons((uint16_t)sport);
	m.id.idiag_dport = htons((uint16_t)dport);
	m.id.idiag_cookie[0] = (uint32_t)cookie;
	m.id.idiag_cookie[1] = (uint32_t)(cookie >> 32);
	m.idiag_inode = 5151;
	memcpy(pl, &m, sizeof(m));
	memcpy(pl + off, &other, sizeof(other));
	off += NLA_ALIGN(other.nla_len);
	memcpy(pl + off, &a, sizeof(a));
	if (ti)
		memcpy(pl + off + NLA_HDRLEN, ti, ilen < sizeof(*ti) ? ilen : sizeof(*ti));
	off += NLA_ALIGN(a.nla_len);
	put_msg(x, SOCK_DIAG_BY_FAMILY, 7, 99, pl, off);
}

static struct tcp_info ti_of(uint64_t rx, uint64_t acked, uint32_t lr,
			     uint32_t ls, uint32_t rtt, uint32_t retr)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	ti.tcpi_bytes_received = rx;
	ti.tcpi_bytes_acked = acked;
	ti.tcpi_last_data_recv = lr;
	ti.tcpi_last_data_sent = ls;
	ti.tcpi_rtt = rtt;
	ti.tcpi_total_retrans = retr;
	return ti;
}

struct ctx {
	struct sw_conninfo_table t;
	uint8_t ports[65536];
	uint16_t plist[65536];
	struct sw_diag_info in;
	struct sw_diag_parse p;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	sw_conninfo_table_init(&c->t);
	c->in.table = &c->t;
	c->in.ports = c->ports;
	c->in.plist = c->plist;
	c->in.want[0] = c->in.want[1] = true;
	c->p.proto = SW_TCP;
	c->p.info = &c->in;
	c->p.seq = 7;
	c->p.portid = 99;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	sw_conninfo_table_free(&c->t);
	free(c);
	return 0;
}

static void test_msg_info_fields(void **state)
{
	struct bld x = { .len = 0 };
	struct tcp_info ti = ti_of(123456789012ull, 987654321ull, 4500, 61000,
				   250, 17);
	struct sw_conn_info ci;

	(void)state;
	put_info_sock(&x, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.9", 40000,
		      0xa1b2c3d4e5f60718ull, &ti, sizeof(ti));
	assert_int_equal(sw_diag_msg_info(x.b + NLMSG_HDRLEN, x.len - NLMSG_HDRLEN,
					  &ci), 1);
	assert_true(ci.cookie == 0xa1b2c3d4e5f60718ull);
	assert_true(ci.bytes_received == 123456789012ull);
	assert_true(ci.bytes_acked == 987654321ull);
	assert_int_equal(ci.last_data_recv_ms, 4500);
	assert_int_equal(ci.last_data_sent_ms, 61000);
	assert_int_equal(ci.rtt_us, 250);
	assert_int_equal(ci.retrans, 17);
	assert_true(ci.rx_per_s < 0); /* unknown until the table says */
}

/* An older kernel's tcp_info ends before the byte counters: they are 0,
 * what it has is read; no INFO attribute: 0 (not an entry); a cut
 * attribute: EBADMSG. */
static void test_msg_info_short_and_bad(void **state)
{
	struct tcp_info ti = ti_of(5000, 6000, 10, 20, 30, 2);
	size_t cut = offsetof(struct tcp_info, tcpi_bytes_acked);
	struct sw_conn_info ci;
	struct bld x = { .len = 0 };
	struct inet_diag_msg m;
	uint8_t pl[sizeof(m) + 8];
	struct nlattr bad = { .nla_len = 200, .nla_type = INET_DIAG_INFO };

	(void)state;
	put_info_sock(&x, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.9", 1, 1,
		      &ti, cut);
	assert_int_equal(sw_diag_msg_info(x.b + NLMSG_HDRLEN, x.len - NLMSG_HDRLEN,
					  &ci), 1);
	assert_true(ci.bytes_received == 0 && ci.bytes_acked == 0);
	assert_int_equal(ci.rtt_us, 30);
	assert_int_equal(ci.retrans, 2);

	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_INET;
	assert_int_equal(sw_diag_msg_info(&m, sizeof(m), &ci), 0);
	memcpy(pl, &m, sizeof(m));
	memcpy(pl + sizeof(m), &bad, sizeof(bad));
	errno = 0;
	assert_int_equal(sw_diag_msg_info(pl, sizeof(pl), &ci), -1);
	assert_int_equal(errno, EBADMSG);
}

/* The dump's listeners mark the ports; only ESTABLISHED sockets on them
 * become entries (not the client sides, not CLOSE_WAIT, not other
 * ports), IPv4-mapped peers as IPv4. */
static void test_parse_inbound_only(void **state)
{
	struct ctx *c = *state;
	struct bld l = { .len = 0 }, e = { .len = 0 };
	struct tcp_info ti = ti_of(100, 200, 1, 2, 3, 0);
	const struct sw_conninfo *set;

	put_sock(&l, AF_INET, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1);
	put_sock(&l, AF_INET, SW_LISTEN, "127.0.0.1", 8443, "0.0.0.0", 0, 2);
	put_done(&l, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, l.b, l.len), 0);
	assert_int_equal(c->in.nports, 2);
	assert_true(c->ports[80] && c->ports[8443] && !c->ports[81]);
	assert_int_equal(c->in.n, 0);

	memset(&c->p.done, 0, sizeof(c->p.done));
	put_info_sock(&e, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.1", 5000, 30, &ti, sizeof(ti));
	put_info_sock(&e, SW_ESTABLISHED, "192.0.2.1", 5000, "198.51.100.1", 80, 31, &ti, sizeof(ti));
	put_info_sock(&e, SW_CLOSE_WAIT, "192.0.2.1", 80, "198.51.100.2", 5001, 32, &ti, sizeof(ti));
	put_info_sock(&e, SW_ESTABLISHED, "192.0.2.1", 81, "198.51.100.3", 5002, 33, &ti, sizeof(ti));
	put_info_sock(&e, SW_ESTABLISHED, "::ffff:127.0.0.1", 8443, "::ffff:203.0.113.5",
		      5003, 20, &ti, sizeof(ti));
	put_done(&e, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, e.b, e.len), 0);
	assert_int_equal(c->in.n, 2);
	set = sw_conninfo_table_commit(&c->t, c->in.n, 1000, 1000);
	assert_int_equal(set->n, 2);
	assert_true(set->v[0].cookie == 20 && set->v[1].cookie == 30);
}

/* The user's filter narrows the ESTABLISHED sockets, never the
 * listeners (a filter without them must not empty the set). */
static void test_parse_filter(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	struct tcp_info ti = ti_of(1, 1, 1, 1, 1, 1);
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse("state established and dst 198.51.100.7", &err);

	assert_non_null(f);
	c->p.filter = f;
	put_sock(&x, AF_INET, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1);
	put_info_sock(&x, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.7", 1, 2, &ti, sizeof(ti));
	put_info_sock(&x, SW_ESTABLISHED, "192.0.2.1", 80, "198.51.100.8", 1, 3, &ti, sizeof(ti));
	put_done(&x, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 0);
	assert_int_equal(c->in.nports, 1);
	assert_int_equal(c->in.n, 1);
	assert_true(c->t.add[0].cookie == 2); /* a first dump: the side array */
	sw_filter_free(f);
}

/* A family not asked for (-4: AF_INET6 sockets, IPv4-mapped ones too, as
 * the main dump of AF_INET leaves them out): its listeners count, its
 * sockets do not. */
static void test_parse_family_not_wanted(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	struct tcp_info ti = ti_of(1, 1, 1, 1, 1, 1);

	c->in.want[1] = false;
	put_sock(&x, AF_INET6, SW_LISTEN, "::", 443, "::", 0, 1);
	put_info_sock(&x, SW_ESTABLISHED, "2001:db8::1", 443, "2001:db8::2", 1, 2, &ti, sizeof(ti));
	put_info_sock(&x, SW_ESTABLISHED, "::ffff:192.0.2.1", 443, "::ffff:192.0.2.2", 1, 3,
		      &ti, sizeof(ti));
	put_info_sock(&x, SW_ESTABLISHED, "192.0.2.1", 443, "192.0.2.3", 1, 4, &ti, sizeof(ti));
	put_done(&x, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 0);
	assert_true(c->ports[443]);
	assert_int_equal(c->in.n, 1);
	assert_true(c->t.add[0].cookie == 4);
}

/* The two-family dump's replies (TCPDIAG_GETSOCK messages) parse alike. */
static void test_parse_compat_replies(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	struct tcp_info ti = ti_of(77, 1, 1, 1, 1, 1);
	size_t at;

	put_sock(&x, AF_INET, SW_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 1);
	at = x.len;
	put_info_sock(&x, SW_ESTABLISHED, "192.0.2.1", 80, "192.0.2.3", 1, 4, &ti, sizeof(ti));
	((struct nlmsghdr *)(void *)x.b)->nlmsg_type = TCPDIAG_GETSOCK;
	((struct nlmsghdr *)(void *)(x.b + at))->nlmsg_type = TCPDIAG_GETSOCK;
	put_done(&x, 0);
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), 0);
	assert_int_equal(c->in.n, 1);
	assert_true(c->t.add[0].bytes_received == 77);
	assert_string_equal(sw_diag_name(SW_TCP, 0), "TCP");
}

/* A malformed message fails the parse, not just the entry. */
static void test_parse_malformed(void **state)
{
	struct ctx *c = *state;
	struct bld x = { .len = 0 };
	struct inet_diag_msg m;
	uint8_t pl[sizeof(m) + 8];
	struct nlattr bad = { .nla_len = 300, .nla_type = INET_DIAG_INFO };

	c->ports[80] = 1;
	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_INET;
	m.idiag_state = SW_ESTABLISHED;
	m.id.idiag_sport = htons(80);
	memcpy(pl, &m, sizeof(m));
	memcpy(pl + sizeof(m), &bad, sizeof(bad));
	put_msg(&x, SOCK_DIAG_BY_FAMILY, 7, 99, pl, sizeof(pl));
	errno = 0;
	assert_int_equal(sw_diag_parse_buf(&c->p, x.b, x.len), -1);
	assert_int_equal(errno, EBADMSG);
}

static struct bci_entry entry(uint16_t sport, uint16_t dport, const char *dst)
{
	struct bci_entry e;

	memset(&e, 0, sizeof(e));
	e.family = AF_INET;
	e.sport = sport;
	e.dport = dport;
	e.saddr[0] = 192;
	assert_int_equal(inet_pton(AF_INET, dst, e.daddr), 1);
	return e;
}

/* The port bytecode passes the kernel's audit and accepts exactly the
 * sockets on those local ports; with the filter's after it, both. */
static void test_bytecode_ports(void **state)
{
	uint16_t ports[] = { 22, 80, 443 };
	uint8_t bc[4096], fbc[1024], fbc6[1024];
	struct sw_filter_error err;
	struct sw_filter *f;
	struct bci_entry e;
	int n, fn;

	(void)state;
	n = sw_diag_bytecode_ports(ports, 3, NULL, NULL, 0, bc, sizeof(bc));
	assert_true(n > 0);
	assert_int_equal(bci_audit(bc, n), 0);
	for (unsigned p = 0; p < 1000; p++) {
		e = entry((uint16_t)p, 80, "198.51.100.1");
		assert_int_equal(bci_run(bc, n, &e), p == 22 || p == 80 || p == 443);
	}
	f = sw_filter_parse("dst 198.51.100.0/24", &err);
	assert_non_null(f);
	fn = sw_diag_bytecode(f, SW_V4, fbc, sizeof(fbc));
	assert_true(fn > 0);
	{
		const void *alt[2] = { fbc, fbc6 };
		size_t alen[2] = { (size_t)fn, 0 };

		/* one family's filter */
		n = sw_diag_bytecode_ports(ports, 3, alt, alen, 1, bc, sizeof(bc));
		assert_true(n > fn);
		assert_int_equal(bci_audit(bc, n), 0);
		e = entry(80, 5, "198.51.100.9");
		assert_int_equal(bci_run(bc, n, &e), 1);
		e = entry(80, 5, "203.0.113.9");
		assert_int_equal(bci_run(bc, n, &e), 0);
		e = entry(81, 5, "198.51.100.9");
		assert_int_equal(bci_run(bc, n, &e), 0);
		/* both families' (one walk): either accepts */
		sw_filter_free(f);
		f = sw_filter_parse("dst 198.51.100.0/24 or dst 2001:db8::/32", &err);
		assert_non_null(f);
		fn = sw_diag_bytecode(f, SW_V4, fbc, sizeof(fbc));
		alen[0] = (size_t)fn;
		alen[1] = (size_t)sw_diag_bytecode(f, SW_V6, fbc6, sizeof(fbc6));
		assert_true(fn > 0 && alen[1] > 0);
		n = sw_diag_bytecode_ports(ports, 3, alt, alen, 2, bc, sizeof(bc));
		assert_true(n > 0);
		assert_int_equal(bci_audit(bc, n), 0);
		e = entry(443, 5, "198.51.100.9");
		assert_int_equal(bci_run(bc, n, &e), 1);
		e = entry(443, 5, "203.0.113.9");
		assert_int_equal(bci_run(bc, n, &e), 0);
		e.family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, "2001:db8::9", e.daddr), 1);
		assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", e.saddr), 1);
		assert_int_equal(bci_run(bc, n, &e), 1);
		e.sport = 444;
		assert_int_equal(bci_run(bc, n, &e), 0);
		/* a family whose filter pushes nothing down: ports alone */
		alen[1] = 0;
		n = sw_diag_bytecode_ports(ports, 3, alt, alen, 2, bc, sizeof(bc));
		e = entry(22, 5, "203.0.113.9");
		assert_int_equal(bci_run(bc, n, &e), 1);
	}
	sw_filter_free(f);
	/* nothing to narrow by, too many ports, too little room */
	assert_int_equal(sw_diag_bytecode_ports(ports, 0, NULL, NULL, 0, bc, sizeof(bc)), 0);
	{
		static uint16_t many[SW_DIAG_BC_PORTS_MAX + 1];

		for (unsigned i = 0; i < NELEM(many); i++)
			many[i] = (uint16_t)(1000 + i);
		assert_int_equal(sw_diag_bytecode_ports(many, NELEM(many), NULL, NULL, 0,
							bc, sizeof(bc)), 0);
		n = sw_diag_bytecode_ports(many, SW_DIAG_BC_PORTS_MAX, NULL, NULL, 0,
					   bc, sizeof(bc));
		assert_true(n > 0);
		assert_int_equal(bci_audit(bc, n), 0);
		e = entry(1000 + SW_DIAG_BC_PORTS_MAX - 1, 1, "198.51.100.1");
		assert_int_equal(bci_run(bc, n, &e), 1);
	}
	assert_int_equal(sw_diag_bytecode_ports(ports, 3, NULL, NULL, 0, bc, 8), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_msg_info_fields),
		T(test_msg_info_short_and_bad),
		T(test_parse_inbound_only),
		T(test_parse_filter),
		T(test_parse_family_not_wanted),
		T(test_parse_compat_replies),
		T(test_parse_malformed),
		T(test_bytecode_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
