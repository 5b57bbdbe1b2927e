/* test_filter_ss.c - ss's expression syntax in the filter language: every
 * comparison and its aliases on ports (in user space and in the kernel's
 * bytecode, mirrored), ss's host forms against their sockwatch
 * equivalents, state runs and groups as ss builds them, service names
 * through an injected resolver, and the errors with their positions. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_test.h"
#include "filter_check.h"
#include "filter_gen.h"
#include "sw_diag.h"
#include "sw_filter.h"

#define BCMAX 65536

/* A services database for the tests: the resolver the edges inject. */
static int fake_service(const char *name, void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	if (!strcmp(name, "http"))
		return 80;
	if (!strcmp(name, "https"))
		return 443;
	if (!strcmp(name, "ssh"))
		return 22;
	if (!strcmp(name, "both"))
		return SW_FILTER_SERVICE_AMBIGUOUS;
	return SW_FILTER_SERVICE_UNKNOWN;
}

static int service_calls;
static const struct sw_filter_env env = {fake_service, &service_calls};

static struct sw_filter *parse_ok(const char *text)
{
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse_env(text, &env, &err);

	if (!f)
		fail_msg("'%s' did not parse: %s (pos %d)", text, err.msg, err.pos);
	return f;
}

static const uint16_t edge_ports[] = {0, 1, 21, 22, 23, 79, 80, 81, 442, 443,
				      1023, 1024, 1025, 8080, 65534, 65535};

static bool cmp_ok(const char *op, unsigned a, unsigned b)
{
	static const struct {
		const char *names[4];
		int lt, eq, gt; /* the result when a < b, a == b, a > b */
	} ops[] = {
		{{"=", "==", "eq", ""}, 0, 1, 0},  {{"!=", "ne", "neq", ""}, 1, 0, 1},
		{{"<", "lt", "", ""}, 1, 0, 0},    {{">", "gt", "", ""}, 0, 0, 1},
		{{"<=", "le", "leq", ""}, 1, 1, 0}, {{">=", "ge", "geq", ""}, 0, 1, 1},
	};

	for (size_t i = 0; i < NELEM(ops); i++)
		for (int k = 0; k < 4 && ops[i].names[k][0]; k++)
			if (!strcmp(op, ops[i].names[k]))
				return a < b ? ops[i].lt : a == b ? ops[i].eq : ops[i].gt;
	fail_msg("no operator '%s'", op);
	return false;
}

/* Every operator spelling ss(8) lists, on both sides and on either side,
 * with and without the ':' and as a service name, at the edges of the
 * range: user-space matching and the kernel's bytecode are both exact. */
static void test_port_comparisons(void **state)
{
	static const char *const opn[] = {"", "=", "==", "eq", "!=", "ne", "neq", "<",
					  "lt", ">", "gt", "<=", "le", "leq", ">=",
					  "ge", "geq"};
	static const char *const kws[] = {"sport", "dport", "port"};
	static uint8_t bc4[BCMAX], bc6[BCMAX];
	struct gen g = {.s = 0x9e3779b97f4a7c15ull};
	char text[64];
	int checked = 0;
	(void)state;

	for (size_t o = 0; o < NELEM(opn); o++)
		for (size_t k = 0; k < NELEM(kws); k++)
			for (size_t p = 0; p < NELEM(edge_ports); p++) {
				unsigned port = edge_ports[p];
				const char *op = opn[o][0] ? opn[o] : "=";
				snprintf(text, sizeof(text), "%s %s %s%u", kws[k], opn[o],
					 p % 2 ? ":" : "", port);
				struct sw_filter *f = parse_ok(text);
				int n4 = sw_diag_bytecode(f, SW_V4, bc4, BCMAX);
				int n6 = sw_diag_bytecode(f, SW_V6, bc6, BCMAX);
				if (n4 <= 0 || n6 <= 0)
					fail_msg("'%s': not pushed to the kernel (%d, %d)",
						 text, n4, n6);
				if (bci_audit(bc4, n4) || bci_audit(bc6, n6))
					fail_msg("'%s': bytecode fails the audit", text);
				for (int i = 0; i < 64; i++) {
					struct bci_entry e;
					struct sw_sock s;
					unsigned fam;
					gen_socket(&g, &e, &s, &fam);
					e.sport = s.sport = GEN_PICK(&g, edge_ports);
					e.dport = s.dport = GEN_PICK(&g, edge_ports);
					bool ls = cmp_ok(op, s.sport, port);
					bool ld = cmp_ok(op, s.dport, port);
					/* "port OP N": ss has none; sockwatch's is either
					 * side, its negations "not port ..." */
					bool pos = strcmp(op, "!=") && strcmp(op, "ne") &&
						   strcmp(op, "neq") && strcmp(op, "<") &&
						   strcmp(op, "lt") && strcmp(op, ">") &&
						   strcmp(op, "gt");
					bool want = k == 0 ? ls : k == 1 ? ld :
						    pos ? ls || ld : ls && ld;
					bool user = sw_filter_match(f, &s);
					int kern = bci_run(fam == SW_V4 ? bc4 : bc6,
							   fam == SW_V4 ? n4 : n6, &e);
					if (user != want || kern != want)
						fail_msg("'%s' on %u->%u: user %d kernel %d, "
							 "want %d", text, s.sport, s.dport,
							 user, kern, want);
					checked++;
				}
				sw_filter_free(f);
			}
	print_message("%d socket checks\n", checked);
}

/* ss's host forms select what their sockwatch spelling selects. */
static void test_hosts(void **state)
{
	static const struct {
		const char *ss, *native;
	} cases[] = {
		{"dst 127.0.0.1:80", "dst 127.0.0.1 and dport 80"},
		{"dst = 127.0.0.1:80", "dst 127.0.0.1 and dport 80"},
		{"src 10.0.0.0/8:8080", "src 10.0.0.0/8 and sport 8080"},
		{"src [2001:db8::1]:443", "src 2001:db8::1 and sport 443"},
		{"dst [2001:db8::/32]:https", "dst 2001:db8::/32 and dport 443"},
		{"dst [::1]", "dst ::1"},
		{"dst [::ffff:10.0.0.1]", "dst 10.0.0.1"},
		{"src *:22", "sport 22"},
		{"src :ssh", "sport 22"},
		{"dst *", "tcp or udp"},
		{"dst *:*", "tcp or udp"},
		{"src 127.0.0.1:", "src 127.0.0.1"},
		{"src 127.0.0.1:*", "src 127.0.0.1"},
		{"dst 10/8", "dst 10.0.0.0/8"},
		{"dst 127.0/16", "dst 127.0.0.0/16"},
		{"dst 192.0.2", "dst 192.0.2.0"},
		{"dst != 10.0.0.0/8", "not dst 10.0.0.0/8"},
		{"dst 2001:db8::1:http", "dst 2001:db8::1 and dport 80"},
		{"dst 2001:db8::1", "dst 2001:db8::1"},
		{"dst 2001:db8::1:ssh", "dst 2001:db8::1 and dport 22"}, /* no address */
		{"src ::", "src ::"},
		{"addr 127.0.0.1:22", "(src 127.0.0.1 and sport 22) or (dst 127.0.0.1 and dport 22)"},
		{"addr :80", "port 80"},
		{"not dst 127.0.0.1:80", "not (dst 127.0.0.1 and dport 80)"},
		{"sport = *", "tcp or udp"},
		{"sport != :*", "v4 and v6"},
		{"dport = :ssh", "dport 22"},
		{"dport http", "dport 80"},
	};
	static uint8_t a4[BCMAX], a6[BCMAX], b4[BCMAX], b6[BCMAX];
	struct gen g = {.s = 0x2545f4914f6cdd1dull};
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter *a = parse_ok(cases[i].ss), *b = parse_ok(cases[i].native);
		int na4 = sw_diag_bytecode(a, SW_V4, a4, BCMAX);
		int na6 = sw_diag_bytecode(a, SW_V6, a6, BCMAX);
		int nb4 = sw_diag_bytecode(b, SW_V4, b4, BCMAX);
		int nb6 = sw_diag_bytecode(b, SW_V6, b6, BCMAX);
		for (int k = 0; k < 2000; k++) {
			struct bci_entry e;
			struct sw_sock s;
			unsigned fam;
			gen_socket(&g, &e, &s, &fam);
			if (k % 4 == 0) /* the ports of the cases */
				e.dport = s.dport = 80;
			bool ua = sw_filter_match(a, &s), ub = sw_filter_match(b, &s);
			int ka = fam == SW_V4 ? (na4 ? bci_run(a4, na4, &e) : 1) :
						(na6 ? bci_run(a6, na6, &e) : 1);
			int kb = fam == SW_V4 ? (nb4 ? bci_run(b4, nb4, &e) : 1) :
						(nb6 ? bci_run(b6, nb6, &e) : 1);
			if (ua != ub || ka != kb)
				fail_msg("'%s' vs '%s' on a v%u socket %u->%u: user %d/%d "
					 "kernel %d/%d", cases[i].ss, cases[i].native, fam,
					 s.sport, s.dport, ua, ub, ka, kb);
		}
		sw_filter_free(a);
		sw_filter_free(b);
	}
}

#define B(s) SW_STATE_BIT(s)
#define ALL SW_TCP_ALL_STATES

/* State runs as ss's command line builds them; groups as its scan_state. */
static void test_states(void **state)
{
	static const struct {
		const char *text;
		uint32_t mask;
	} cases[] = {
		{"state all", ALL},
		{"state connected", ALL & ~(B(SW_LISTEN) | B(SW_CLOSE))},
		{"state synchronized", ALL & ~(B(SW_LISTEN) | B(SW_CLOSE) | B(SW_SYN_SENT))},
		{"state bucket", B(SW_SYN_RECV) | B(SW_TIME_WAIT)},
		{"state big", ALL & ~(B(SW_SYN_RECV) | B(SW_TIME_WAIT))},
		{"state established state syn-recv", B(SW_ESTABLISHED) | B(SW_SYN_RECV)},
		{"exclude established", ALL & ~B(SW_ESTABLISHED)},
		{"excl listening exclude time-wait", ALL & ~(B(SW_LISTEN) | B(SW_TIME_WAIT))},
		{"state connected exclude established",
		 ALL & ~(B(SW_LISTEN) | B(SW_CLOSE) | B(SW_ESTABLISHED))},
		{"exclude big state listening", B(SW_SYN_RECV) | B(SW_TIME_WAIT) | B(SW_LISTEN)},
		{"exclude all", 0},
		{"state all exclude all state closing", B(SW_CLOSING)},
		{"state syn-rcv", B(SW_SYN_RECV)},
		{"state unconnected", B(SW_CLOSE)},
		{"state closed", B(SW_CLOSE)},
		{"state close", B(SW_CLOSE)},
		{"state listening", B(SW_LISTEN)},
		/* an explicit operator ends a run: and is and, or is or */
		{"state established and state syn-recv", 0},
		{"state established or state syn-recv", B(SW_ESTABLISHED) | B(SW_SYN_RECV)},
		{"not state established state syn-recv",
		 ALL & ~(B(SW_ESTABLISHED) | B(SW_SYN_RECV))},
		{"state established (state syn-recv or state listen)", 0},
	};
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter *f = parse_ok(cases[i].text);
		uint32_t got = filter_tcp_states(f);
		if (got != cases[i].mask ||
		    sw_filter_state_mask(f, SW_TCP, ALL) != cases[i].mask)
			fail_msg("'%s': matches 0x%x, pushes 0x%x, want 0x%x",
				 cases[i].text, got, sw_filter_state_mask(f, SW_TCP, ALL),
				 cases[i].mask);
		sw_filter_free(f);
	}
	/* UDP: its two states, through the same groups */
	struct sw_filter *f = parse_ok("state connected");
	assert_int_equal(sw_filter_state_mask(f, SW_UDP, SW_UDP_ALL_STATES),
			 B(SW_ESTABLISHED));
	sw_filter_free(f);
}

/* The man page's and iproute2's examples parse into the expected tree. */
static void test_examples(void **state)
{
	static const struct {
		const char *text;
		int nnodes;
	} cases[] = {
		{"state established '( dport = :ssh or sport = :ssh )'", 0},
		{"state established ( dport = :ssh or sport = :ssh )", 5},
		{"state fin-wait-1 ( sport = :http or sport = :https ) dst 198.51.100/24", 7},
		{"src 0.0.0.0 sport = 22", 3},
		{"( src 0.0.0.0 or src 10.0.0.1 ) and dst 10.0.0.2", 5},
		{"dport>=1024", 1},
		{"sport!=22", 2},
		{"!dport=22", 2},
	};
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter_error err;
		struct sw_filter *f = sw_filter_parse_env(cases[i].text, &env, &err);
		if (!cases[i].nnodes) { /* shell quotes are the shell's */
			assert_null(f);
			continue;
		}
		if (!f)
			fail_msg("'%s': %s", cases[i].text, err.msg);
		assert_int_equal(f->nnodes, cases[i].nnodes);
		sw_filter_free(f);
	}
	struct sw_filter *f = parse_ok("state fin-wait-1 ( sport = :http or sport = :https ) dst 198.51.100/24");
	struct sw_sock s = {.proto = SW_TCP, .family = SW_V4, .state = SW_FIN_WAIT1,
			    .sport = 443, .dport = 50000, .dst = {198, 51, 100, 9}};
	assert_true(sw_filter_match(f, &s));
	s.dst[2] = 101;
	assert_false(sw_filter_match(f, &s));
	s.dst[2] = 100;
	s.state = SW_ESTABLISHED;
	assert_false(sw_filter_match(f, &s));
	sw_filter_free(f);
}

/* Service names go through the injected resolver; without one they are
 * not numbers. */
static void test_services(void **state)
{
	struct sw_filter_error err;
	(void)state;

	service_calls = 0;
	struct sw_filter *f = parse_ok("dport = :https");
	assert_int_equal(service_calls, 1);
	assert_int_equal(f->nodes[0].u.port, 443);
	sw_filter_free(f);
	f = parse_ok("sport 8080"); /* a number is never looked up */
	assert_int_equal(service_calls, 1);
	sw_filter_free(f);
	assert_null(sw_filter_parse("dport http", &err));
	assert_string_equal(err.msg, "bad port 'http': not a number (0..65535)");
	assert_null(sw_filter_parse_env("dport http", NULL, &err));
}

static void test_errors(void **state)
{
	static const struct filter_err_case cases[] = {
		{"dport = :htp", 8, 4, "bad port ':htp': not a number (0..65535) nor a service name (/etc/services)"},
		{"dport = :both", 8, 5, "ambiguous port ':both': a service with different ports for TCP and UDP; give the number"},
		{"sport >= :", 9, 1, "bad port ':': expected a number or a service name"},
		{"sport > :65536", 8, 6, "bad port ':65536': out of range 0..65535"},
		{"sport >", 6, 1, "'>' needs a port number after it"},
		{"sport = and tcp", 8, 3, "expected a port number after '=', found 'and'"},
		{"dport < *", 6, 1, "'<' needs a port number: '*' (any port) goes with = or !="},
		{"dst 10.0.0.1:htp", 12, 4, "bad port ':htp': not a number (0..65535) nor a service name (/etc/services)"},
		{"dst 10.0.0.300:80", 4, 10, "bad address '10.0.0.300': *"},
		{"src [2001:db8::1", 4, 12, "bad address '[2001:db8::1': missing ']'"},
		{"src [2001:db8::g]:80", 5, 11, "bad address '2001:db8::g': *"},
		{"src [2001:db8::1]x", 17, 1, "bad address: expected ':PORT' after the address, found 'x'"},
		{"src 2001:db8::1:22", 4, 14, "ambiguous address '2001:db8::1:22': write [2001:db8::1]:22 for port 22, or [2001:db8::1:22] for the address"},
		{"dst 2001:zz::1", 4, 10, "bad address '2001:zz::1': *"},
		{"dst >= 10.0.0.1", 4, 2, "'>=' compares ports: 'dst' takes an address, with = or != before it"},
		{"dst =", 4, 1, "'=' needs an address or prefix after it"},
		{"tcp = 1", 4, 1, "unexpected '=': a comparison goes after port, sport, dport, addr, src or dst"},
		{"= 22", 0, 1, "unexpected '=': a comparison goes after port, sport, dport, addr, src or dst"},
		{"exclude", 0, 7, "'exclude' needs a state name after it"},
		{"state established exclude bogus", 26, 5, "unknown state 'bogus'; *"},
		{"excl (listen)", 5, 1, "expected a state name after 'excl', found '('"},
		{"state listne", 6, 6, "unknown state 'listne'; did you mean 'listen'? *"},
		{"state bound-inactive", 6, 14, "state 'bound-inactive': sockwatch does not list bound, inactive sockets"},
		{"exlcude listen", 0, 7, "unknown keyword 'exlcude'; did you mean 'exclude'?"},
	};
	(void)state;

	filter_check_errors(cases, NELEM(cases), &env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_comparisons),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
