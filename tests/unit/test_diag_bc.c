/* test_diag_bc.c - filter -> INET_DIAG_REQ_BYTECODE: well-formed for the
 * kernel's audit, a superset of the filter (exact where the kernel can
 * see everything), checked against a mirror of the kernel's interpreter
 * on random sockets and then against the running kernel itself. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sw_test.h"
#include "filter_gen.h"
#include "sw_diag.h"
#include "sw_filter.h"
#define BCMAX 65536

static struct sw_filter *parse_ok(const char *text)
{
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse(text, &err);

	if (!f)
		fail_msg("'%s' did not parse: %s", text, err.msg);
	return f;
}

static int compile(const char *text, unsigned family, uint8_t *bc)
{
	struct sw_filter *f = parse_ok(text);
	int n = sw_diag_bytecode(f, family, bc, BCMAX);

	sw_filter_free(f);
	if (n > 0 && bci_audit(bc, n) < 0)
		fail_msg("'%s' (v%u): bytecode fails the kernel's audit", text, family);
	return n;
}

static void test_nothing_to_push(void **state)
{
	static const char *const texts[] = {
		"", "tcp", "state listen", "not tcp", "udp or port 80",
		"not state listen and udp", "v4 or v6", "addr 0.0.0.0/0 or v6",
		"not (tcp and port 80)",
	};
	uint8_t bc[BCMAX];
	(void)state;

	for (size_t i = 0; i < NELEM(texts); i++) {
		if (compile(texts[i], SW_V4, bc) != 0)
			fail_msg("'%s' pushed bytecode on v4", texts[i]);
	}
	assert_int_equal(compile("v4", SW_V4, bc), 0);
	assert_int_equal(compile("v6", SW_V4, bc), 4);
}

static void test_reject_all(void **state)
{
	static const char *const v4_dead[] = {"v6", "addr ::1", "src 2001:db8::/32",
					      "v4 and not v4", "tcp and dst ::/0"};
	uint8_t bc[BCMAX];
	struct bci_entry e = {.family = AF_INET, .sport = 80};
	(void)state;

	for (size_t i = 0; i < NELEM(v4_dead); i++) {
		assert_int_equal(compile(v4_dead[i], SW_V4, bc), 4);
		assert_int_equal(bci_run(bc, 4, &e), 0);
	}
}

static void test_layout(void **state)
{
	uint8_t bc[BCMAX];
	struct inet_diag_bc_op ops[5];
	(void)state;

	/* one port test: the port in the second op, host order */
	assert_int_equal(compile("sport 8080", SW_V4, bc), 8);
	memcpy(ops, bc, 8);
	assert_int_equal(ops[0].code, INET_DIAG_BC_S_EQ);
	assert_int_equal(ops[0].yes, 8);
	assert_int_equal(ops[0].no, 12);
	assert_int_equal(ops[1].no, 8080);

	/* either side: S_EQ, JMP to the end, D_EQ */
	assert_int_equal(compile("port 80", SW_V6, bc), 20);
	memcpy(ops, bc, 20);
	assert_int_equal(ops[0].code, INET_DIAG_BC_S_EQ);
	assert_int_equal(ops[0].no, 12); /* false: try the other side */
	assert_int_equal(ops[2].code, INET_DIAG_BC_JMP);
	assert_int_equal(ops[2].no, 12); /* true: to the end */
	assert_int_equal(ops[3].code, INET_DIAG_BC_D_EQ);
	assert_int_equal(ops[4].no, 80);

	/* a hostcond with its address */
	assert_int_equal(compile("src 127.0.0.0/8", SW_V4, bc), 16);
	struct inet_diag_hostcond hc;
	memcpy(ops, bc, 4);
	memcpy(&hc, bc + 4, sizeof(hc));
	assert_int_equal(ops[0].code, INET_DIAG_BC_S_COND);
	assert_int_equal(ops[0].yes, 16);
	assert_int_equal(ops[0].no, 20);
	assert_int_equal(hc.family, AF_INET);
	assert_int_equal(hc.prefix_len, 8);
	assert_int_equal(hc.port, -1);
	assert_int_equal(bc[12], 127);

	/* an IPv6 prefix over the mapped range excludes mapped sockets */
	int n = compile("dst ::/64", SW_V6, bc);
	assert_true(n > 28);
	struct bci_entry e = {.family = AF_INET6};
	e.daddr[15] = 1; /* ::1 */
	assert_int_equal(bci_run(bc, n, &e), 1);
	memcpy(e.daddr, bci_mapped_head, 12); /* ::ffff:0.0.0.1 */
	assert_int_equal(bci_run(bc, n, &e), 0);

	/* cap */
	struct sw_filter *f = parse_ok("port 80");
	assert_int_equal(sw_diag_bytecode(f, SW_V4, bc, 19), -1);
	assert_int_equal(sw_diag_bytecode(f, SW_V4, bc, 20), 20);
	assert_int_equal(sw_diag_bytecode(NULL, SW_V4, bc, 20), 0);
	sw_filter_free(f);
}

/* Property: on random sockets, the kernel (mirrored) accepts every socket
 * the filter matches, and exactly those where the filter has nothing the
 * kernel cannot see. */
static void test_property(void **state)
{
	static uint8_t bc4[BCMAX], bc6[BCMAX];
	struct gen g = {.s = 0x2545f4914f6cdd1dull};
	char text[512];
	int pushed = 0, dropped = 0, checked_exact = 0;
	(void)state;

	for (int i = 0; i < 3000; i++) {
		gen_filter_text(&g, text, sizeof(text), 1 + i % 6);
		int opaque = g.opaque, zero = g.zero;
		struct sw_filter *f = parse_ok(text);
		int n4 = sw_diag_bytecode(f, SW_V4, bc4, BCMAX);
		int n6 = sw_diag_bytecode(f, SW_V6, bc6, BCMAX);
		assert_true(n4 >= 0 && n6 >= 0);
		if ((n4 && bci_audit(bc4, n4)) || (n6 && bci_audit(bc6, n6)))
			fail_msg("'%s': bytecode fails the kernel's audit", text);
		pushed += (n4 > 0) + (n6 > 0);
		for (int k = 0; k < 200; k++) {
			struct bci_entry e;
			struct sw_sock s;
			unsigned fam;
			gen_socket(&g, &e, &s, &fam);
			int n = fam == SW_V4 ? n4 : n6;
			int kern = n ? bci_run(fam == SW_V4 ? bc4 : bc6, n, &e) : 1;
			bool user = sw_filter_match(f, &s);
			assert_true(kern >= 0);
			dropped += !kern;
			if (user && !kern)
				fail_msg("'%s': kernel drops a matching v%u socket "
					 "%u->%u", text, fam, s.sport, s.dport);
			bool exact = !opaque &&
				     (fam == SW_V4 || !zero || !gen_has_unspec(&e));
			if (exact && kern && !user)
				fail_msg("'%s': kernel keeps a v%u socket the filter "
					 "drops, %u->%u", text, fam, s.sport, s.dport);
			checked_exact += exact;
		}
		sw_filter_free(f);
	}
	print_message("3000 filters x 200 sockets: %d bytecodes, %d sockets "
		      "dropped in kernel, %d checked for exactness\n",
		      pushed, dropped, checked_exact);
	assert_true(pushed > 3000);
	assert_true(dropped > 100000);
	assert_true(checked_exact > 100000);
}

/* ---- the running kernel ---- */

struct rec {
	struct sw_sock s;
	struct bci_entry e;
};

struct live {
	struct mnl_socket *nl;
	unsigned portid, seq;
	uint16_t ports[8];
	int nports;
	struct rec got[64];
	int ngot;
	char *buf;
};

static bool ours(const struct live *L, uint16_t a, uint16_t b)
{
	for (int i = 0; i < L->nports; i++)
		if (L->ports[i] == a || L->ports[i] == b)
			return true;
	return false;
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct live *L = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct rec r;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	r.e.family = m->idiag_family;
	r.e.sport = ntohs(m->id.idiag_sport);
	r.e.dport = ntohs(m->id.idiag_dport);
	memcpy(r.e.saddr, m->id.idiag_src, 16);
	memcpy(r.e.daddr, m->id.idiag_dst, 16);
	if (!ours(L, r.e.sport, r.e.dport) || L->ngot == (int)NELEM(L->got))
		return MNL_CB_OK;
	/* the record as sockwatch makes it: mapped sockets become IPv4 */
	r.s.cookie = m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
	r.s.state = m->idiag_state;
	r.s.sport = r.e.sport;
	r.s.dport = r.e.dport;
	r.s.family = m->idiag_family == AF_INET ? SW_V4 : SW_V6;
	memcpy(r.s.src, r.e.saddr, 16);
	memcpy(r.s.dst, r.e.daddr, 16);
	if (r.e.family == AF_INET) {
		memset(r.s.src + 4, 0, 12);
		memset(r.s.dst + 4, 0, 12);
	} else if (!memcmp(r.e.saddr, bci_mapped_head, 12) ||
		   !memcmp(r.e.daddr, bci_mapped_head, 12)) {
		r.s.family = SW_V4;
		memset(r.s.src, 0, 16);
		memset(r.s.dst, 0, 16);
		if (!memcmp(r.e.saddr, bci_mapped_head, 12))
			memcpy(r.s.src, r.e.saddr + 12, 4);
		if (!memcmp(r.e.daddr, bci_mapped_head, 12))
			memcpy(r.s.dst, r.e.daddr + 12, 4);
	}
	L->got[L->ngot++] = r;
	return MNL_CB_OK;
}

/* Dump one protocol and family with bytecode bc (none when bclen is 0).
 * Returns 0, or -errno from the kernel (EINVAL: bytecode refused). */
static int dump(struct live *L, int proto, int af, const void *bc, int bclen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(L->buf);
	struct inet_diag_req_v2 *r;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++L->seq;
	r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	r->sdiag_family = (uint8_t)af;
	r->sdiag_protocol = (uint8_t)proto;
	r->idiag_states = proto == IPPROTO_TCP ? SW_TCP_ALL_STATES : SW_UDP_ALL_STATES;
	if (bclen)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bclen, bc);
	L->ngot = 0;
	if (mnl_socket_sendto(L->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(L->nl, L->buf, BCMAX);
		if (n < 0)
			return -errno;
		int rc = mnl_cb_run(L->buf, n, L->seq, L->portid, on_msg, L);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			break;
	}
	for (int i = 0; i < L->ngot; i++)
		L->got[i].s.proto = proto == IPPROTO_TCP ? SW_TCP : SW_UDP;
	return 0;
}

static int sock_on(int af, int type, const char *addr, uint16_t port, int v6only)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd = socket(af, type | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (af == AF_INET) {
		struct sockaddr_in *a = (void *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (void *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		len = sizeof(*a);
	}
	if (bind(fd, (void *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint16_t port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	getsockname(fd, (void *)&ss, &len);
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
					       ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int connect_to(int fd, int af, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;

	if (af == AF_INET) {
		struct sockaddr_in *a = (void *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (void *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		len = sizeof(*a);
	}
	return connect(fd, (void *)&ss, len);
}

static void test_kernel(void **state)
{
	struct live L = {0};
	int fds[24], nfd = 0;
	(void)state;

	L.nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!L.nl || mnl_socket_bind(L.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		print_message("SKIP: no NETLINK_SOCK_DIAG socket here (%s); the "
			      "live bytecode check did not run\n", strerror(errno));
		if (L.nl)
			mnl_socket_close(L.nl);
		skip();
	}
	L.portid = mnl_socket_get_portid(L.nl);
	L.buf = malloc(BCMAX);
	assert_non_null(L.buf);

	/* listeners: v4, v6, dual-stack v6 (IPv4 clients become mapped) */
	int l4 = fds[nfd++] = sock_on(AF_INET, SOCK_STREAM, "127.0.0.1", 0, 0);
	int l6 = fds[nfd++] = sock_on(AF_INET6, SOCK_STREAM, "::1", 0, 1);
	int ld = fds[nfd++] = sock_on(AF_INET6, SOCK_STREAM, "::", 0, 0);
	int u4 = fds[nfd++] = sock_on(AF_INET, SOCK_DGRAM, "127.0.0.1", 0, 0);
	int u6 = fds[nfd++] = sock_on(AF_INET6, SOCK_DGRAM, "::1", 0, 1);
	if (l4 < 0 || l6 < 0 || ld < 0 || u4 < 0 || u6 < 0) {
		print_message("SKIP: cannot bind on 127.0.0.1 and ::1 (%s)\n",
			      strerror(errno));
		for (int i = 0; i < nfd; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		mnl_socket_close(L.nl);
		free(L.buf);
		skip();
	}
	uint16_t P4 = port_of(l4), P6 = port_of(l6), PD = port_of(ld);
	uint16_t PU4 = port_of(u4), PU6 = port_of(u6);
	L.ports[L.nports++] = P4;
	L.ports[L.nports++] = P6;
	L.ports[L.nports++] = PD;
	L.ports[L.nports++] = PU4;
	L.ports[L.nports++] = PU6;
	assert_int_equal(listen(l4, 8) | listen(l6, 8) | listen(ld, 8), 0);
	int c4 = fds[nfd++] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int c6 = fds[nfd++] = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int cm = fds[nfd++] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int uc = fds[nfd++] = sock_on(AF_INET, SOCK_DGRAM, "127.0.0.1", 0, 0);
	assert_int_equal(connect_to(c4, AF_INET, "127.0.0.1", P4), 0);
	assert_int_equal(connect_to(c6, AF_INET6, "::1", P6), 0);
	assert_int_equal(connect_to(cm, AF_INET, "127.0.0.1", PD), 0);
	assert_int_equal(connect_to(uc, AF_INET, "127.0.0.1", PU4), 0);
	assert_true((fds[nfd++] = accept(l4, NULL, NULL)) >= 0);
	assert_true((fds[nfd++] = accept(l6, NULL, NULL)) >= 0);
	assert_true((fds[nfd++] = accept(ld, NULL, NULL)) >= 0);
	/* TIME_WAIT: a v4 client closing first, and a mapped server side
	 * closing first (TIME_WAIT in the v6 table with mapped addresses) */
	int t4 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int tm = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect_to(t4, AF_INET, "127.0.0.1", P4), 0);
	assert_int_equal(connect_to(tm, AF_INET, "127.0.0.1", PD), 0);
	int t4a = accept(l4, NULL, NULL), tma = accept(ld, NULL, NULL);
	assert_true(t4a >= 0 && tma >= 0);
	close(t4);
	close(tma);
	close(t4a);
	close(tm);

	/* the baseline: all of ours, per protocol and family */
	static const struct {
		int proto, af;
		unsigned fam;
		int count;
	} dumps[] = {
		{IPPROTO_TCP, AF_INET, SW_V4, 5},  /* l4 c4 a4 cm t4(TIME_WAIT) */
		{IPPROTO_TCP, AF_INET6, SW_V6, 6}, /* l6 c6 a6 ld am tma(TW), mapped */
		{IPPROTO_UDP, AF_INET, SW_V4, 2},  /* u4 uc */
		{IPPROTO_UDP, AF_INET6, SW_V6, 1}, /* u6 */
	};
	struct rec base[NELEM(dumps)][64];
	int nbase[NELEM(dumps)];
	for (size_t d = 0; d < NELEM(dumps); d++) {
		/* closes complete in softirq: give them up to a second. More
		 * than expected is fine: a TIME_WAIT of an earlier run may
		 * carry a port number that one of ours reuses. */
		for (int tries = 0; tries < 50; tries++) {
			assert_int_equal(dump(&L, dumps[d].proto, dumps[d].af, NULL, 0), 0);
			if (L.ngot >= dumps[d].count)
				break;
			usleep(20000);
		}
		assert_true(L.ngot >= dumps[d].count);
		memcpy(base[d], L.got, L.ngot * sizeof(L.got[0]));
		nbase[d] = L.ngot;
	}
	int mapped = 0, tw = 0;
	for (int i = 0; i < nbase[1]; i++)
		mapped += base[1][i].s.family == SW_V4;
	for (size_t d = 0; d < 2; d++)
		for (int i = 0; i < nbase[d]; i++)
			tw += base[d][i].s.state == SW_TIME_WAIT;
	assert_true(mapped >= 2);
	assert_true(tw >= 2);

	static const struct {
		const char *fmt; /* %1$u P4 %2$u P6 %3$u PD %4$u PU4 %5$u PU6 */
		int opaque, zero;
	} exprs[] = {
		{"sport %1$u", 0, 0},
		{"port %1$u", 0, 0},
		{"not port %1$u", 0, 0},
		{"dport %1$u or sport %3$u", 0, 0},
		{"src 127.0.0.1 and not sport %1$u", 0, 0},
		{"v4", 0, 0},
		{"v6", 0, 0},
		{"addr ::1", 0, 0},
		{"not src 127.0.0.0/8", 0, 0},
		{"dst 127.0.0.0/8 and port %3$u", 0, 0},
		{"not v4 or sport %1$u", 0, 0},
		{"(sport %2$u or sport %5$u) and not dst ::/0", 0, 1},
		{"src ::/0 and port %3$u", 0, 1},
		{"addr 0.0.0.0/0 and not port %4$u", 0, 1},
		{"tcp and state established and port %3$u", 1, 0},
		{"not (tcp or port %1$u)", 1, 0},
		{"dport %4$u and udp", 1, 0},
		{"sport %1$u sport %2$u", 0, 0},
		{"state time-wait and port %1$u", 1, 0},
		{"port %3$u and not state established", 1, 0},
		{"dst 127.0.0.1 and sport %3$u", 0, 0},
	};
	static uint8_t bc[BCMAX];
	char text[256];
	int pushed = 0, filtered = 0;
	for (size_t x = 0; x < NELEM(exprs); x++) {
		snprintf(text, sizeof(text), exprs[x].fmt, P4, P6, PD, PU4, PU6);
		struct sw_filter *f = parse_ok(text);
		for (size_t d = 0; d < NELEM(dumps); d++) {
			int n = sw_diag_bytecode(f, dumps[d].fam, bc, BCMAX);
			assert_true(n >= 0);
			int rc = dump(&L, dumps[d].proto, dumps[d].af, bc, n);
			if (rc)
				fail_msg("'%s': the kernel refused the bytecode: %s",
					 text, strerror(-rc));
			pushed += n > 0;
			filtered += nbase[d] - L.ngot;
			for (int i = 0; i < nbase[d]; i++) {
				const struct rec *r = &base[d][i];
				bool kern = false;
				for (int j = 0; j < L.ngot; j++)
					kern |= L.got[j].s.cookie == r->s.cookie;
				bool user = sw_filter_match(f, &r->s);
				if (n && bci_run(bc, n, &r->e) != kern)
					fail_msg("'%s': the mirror interpreter disagrees "
						 "with the kernel on %u->%u", text,
						 r->s.sport, r->s.dport);
				if (user && !kern)
					fail_msg("'%s': the kernel dropped matching "
						 "socket %u->%u", text, r->s.sport,
						 r->s.dport);
				bool exact = !exprs[x].opaque &&
					     (dumps[d].af == AF_INET ||
					      !exprs[x].zero || !gen_has_unspec(&r->e));
				if (exact && kern && !user)
					fail_msg("'%s': the kernel kept socket %u->%u "
						 "the filter drops", text,
						 r->s.sport, r->s.dport);
			}
		}
		sw_filter_free(f);
	}
	print_message("%zu filters x 4 dumps: %d bytecodes sent, the kernel "
		      "filtered out %d of our sockets\n", NELEM(exprs), pushed,
		      filtered);
	assert_true(pushed >= 40);
	assert_true(filtered >= 100);

	for (int i = 0; i < nfd; i++)
		close(fds[i]);
	mnl_socket_close(L.nl);
	free(L.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_to_push),
		cmocka_unit_test(test_reject_all),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_property),
		cmocka_unit_test(test_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
