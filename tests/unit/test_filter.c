/* test_filter.c - the filter language: parsing, precedence, matching,
 * push-down analyses, and every error with its position. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_test.h"
#include "filter_check.h"
#include "filter_gen.h"
#include "filter_ref.h"
#include "sw_addr.h"
#include "sw_filter.h"

static struct sw_filter *parse_ok(const char *text)
{
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse(text, &err);

	if (!f)
		fail_msg("'%s' did not parse: %s (pos %d)", text, err.msg, err.pos);
	return f;
}

/* The tree as an s-expression, to check shapes. */
static size_t render(const struct sw_filter *f, int i, char *b, size_t len)
{
	const struct sw_fnode *n = &f->nodes[i];
	static const char *const kw[] = {
		[SW_F_PORT] = "port", [SW_F_SPORT] = "sport", [SW_F_DPORT] = "dport",
		[SW_F_ADDR] = "addr", [SW_F_SRC] = "src", [SW_F_DST] = "dst"};
	size_t k = 0;

	switch (n->kind) {
	case SW_F_AND:
	case SW_F_OR:
		k = snprintf(b, len, "(%s ", n->kind == SW_F_AND ? "and" : "or");
		k += render(f, n->left, b + k, len - k);
		k += snprintf(b + k, len - k, " ");
		k += render(f, n->right, b + k, len - k);
		return k + snprintf(b + k, len - k, ")");
	case SW_F_NOT:
		k = snprintf(b, len, "(not ");
		k += render(f, n->left, b + k, len - k);
		return k + snprintf(b + k, len - k, ")");
	case SW_F_STATE:
		return snprintf(b, len, "state:%s", sw_state_name(n->u.state));
	case SW_F_PORT:
	case SW_F_SPORT:
	case SW_F_DPORT:
		return snprintf(b, len, "%s:%u", kw[n->kind], n->u.port);
	case SW_F_ADDR:
	case SW_F_SRC:
	case SW_F_DST:
		return snprintf(b, len, "%s:%u/%u", kw[n->kind], n->u.pfx.family,
				n->u.pfx.plen);
	case SW_F_PROTO:
		return snprintf(b, len, "%s", n->u.proto == SW_TCP ? "tcp" : "udp");
	case SW_F_FAMILY:
		return snprintf(b, len, "v%u", n->u.family);
	}
	return 0;
}

static void test_empty(void **state)
{
	static const char *const texts[] = {NULL, "", "   ", " \t\n"};
	struct sw_sock s = {.family = SW_V4, .proto = SW_UDP, .state = SW_CLOSE};
	(void)state;

	for (size_t i = 0; i < NELEM(texts); i++) {
		struct sw_filter *f = parse_ok(texts[i]);
		assert_int_equal(f->root, -1);
		assert_true(sw_filter_match(f, &s));
		assert_int_equal(sw_filter_state_mask(f, SW_TCP, SW_TCP_ALL_STATES),
				 SW_TCP_ALL_STATES);
		assert_true(sw_filter_may_match_family(f, SW_V4));
		assert_true(sw_filter_may_match_family(f, SW_V6));
		sw_filter_free(f);
	}
	assert_true(sw_filter_match(NULL, &s));
	sw_filter_free(NULL);
}

static void test_precedence(void **state)
{
	static const struct {
		const char *text, *tree;
	} cases[] = {
		{"tcp or udp and port 80", "(or tcp (and udp port:80))"},
		{"tcp and udp or port 80", "(or (and tcp udp) port:80)"},
		{"not tcp and udp", "(and (not tcp) udp)"},
		{"not (tcp and udp)", "(not (and tcp udp))"},
		{"tcp port 80", "(and tcp port:80)"},
		{"tcp port 80 or udp", "(or (and tcp port:80) udp)"},
		{"tcp or udp or v4", "(or (or tcp udp) v4)"},
		{"tcp udp v6", "(and (and tcp udp) v6)"},
		{"not not tcp", "tcp"},
		{"not not not tcp", "(not tcp)"},
		{"! tcp && (udp || v6)", "(and (not tcp) (or udp v6))"},
		{"!tcp&udp|v4", "(or (and (not tcp) udp) v4)"},
		{"TCP AND Port 80", "(and tcp port:80)"},
		{"sport 0 dport 65535", "(and sport:0 dport:65535)"},
		{"(((tcp)))", "tcp"},
		{"not (tcp or udp) and v6", "(and (not (or tcp udp)) v6)"},
		{"src 10.1.2.3/8 dst ::1 addr 2001:db8::/32",
		 "(and (and src:4/8 dst:6/128) addr:6/32)"},
		{"ipv4 or IPv6", "(or v4 v6)"},
		{"state bucket", "(or state:SYN_RECV state:TIME_WAIT)"},
		{"v4 and state time-wait or v6 and not state listen",
		 "(or (and v4 state:TIME_WAIT) (and v6 (not state:LISTEN)))"},
	};
	char buf[256];
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter *f = parse_ok(cases[i].text);
		render(f, f->root, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].tree);
		assert_string_equal(f->text, cases[i].text);
		sw_filter_free(f);
	}
}

static void test_prefix_host_bits(void **state)
{
	struct sw_filter *f = parse_ok("src 10.1.2.3/8");
	static const uint8_t want[16] = {10};
	(void)state;

	assert_int_equal(f->nodes[f->root].kind, SW_F_SRC);
	assert_memory_equal(f->nodes[f->root].u.pfx.bytes, want, 16);
	sw_filter_free(f);
}

static void test_state_spellings(void **state)
{
	static const struct {
		const char *word;
		unsigned st;
	} cases[] = {
		{"established", SW_ESTABLISHED}, {"ESTABLISHED", SW_ESTABLISHED},
		{"estab", SW_ESTABLISHED},       {"syn_sent", SW_SYN_SENT},
		{"syn-sent", SW_SYN_SENT},       {"syn_recv", SW_SYN_RECV},
		{"syn-recv", SW_SYN_RECV},       {"SYN_RECV", SW_SYN_RECV},
		{"fin_wait1", SW_FIN_WAIT1},     {"fin-wait-1", SW_FIN_WAIT1},
		{"fin_wait2", SW_FIN_WAIT2},     {"fin-wait-2", SW_FIN_WAIT2},
		{"time_wait", SW_TIME_WAIT},     {"time-wait", SW_TIME_WAIT},
		{"TIME-WAIT", SW_TIME_WAIT},     {"close", SW_CLOSE},
		{"close_wait", SW_CLOSE_WAIT},   {"close-wait", SW_CLOSE_WAIT},
		{"last_ack", SW_LAST_ACK},       {"last-ack", SW_LAST_ACK},
		{"listen", SW_LISTEN},           {"LISTEN", SW_LISTEN},
		{"closing", SW_CLOSING},
	};
	char text[64];
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		snprintf(text, sizeof(text), "state %s", cases[i].word);
		struct sw_filter *f = parse_ok(text);
		assert_int_equal(f->nnodes, 1);
		assert_int_equal(f->nodes[0].kind, SW_F_STATE);
		assert_int_equal(f->nodes[0].u.state, cases[i].st);
		sw_filter_free(f);
	}
}

static void test_state_groups(void **state)
{
	static const struct {
		const char *text;
		uint32_t mask;
	} cases[] = {
		/* as ss's scan_state has them */
		{"state connected",
		 SW_TCP_ALL_STATES & ~(SW_STATE_BIT(SW_LISTEN) | SW_STATE_BIT(SW_CLOSE))},
		{"state synchronized",
		 SW_TCP_ALL_STATES & ~(SW_STATE_BIT(SW_LISTEN) | SW_STATE_BIT(SW_CLOSE) |
				       SW_STATE_BIT(SW_SYN_SENT))},
		{"state bucket", SW_STATE_BIT(SW_SYN_RECV) | SW_STATE_BIT(SW_TIME_WAIT)},
		{"state BIG", SW_TCP_ALL_STATES & ~(SW_STATE_BIT(SW_SYN_RECV) |
						   SW_STATE_BIT(SW_TIME_WAIT))},
	};
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter *f = parse_ok(cases[i].text);
		uint32_t got = filter_tcp_states(f);
		assert_int_equal(got, cases[i].mask);
		assert_int_equal(sw_filter_state_mask(f, SW_TCP, SW_TCP_ALL_STATES),
				 cases[i].mask);
		sw_filter_free(f);
	}
}

/* Hand-made records. */
static struct sw_sock mk(unsigned proto, unsigned state, const char *src,
			 unsigned sport, const char *dst, unsigned dport)
{
	struct sw_sock s = {.proto = (uint8_t)proto, .state = (uint8_t)state,
			    .sport = (uint16_t)sport, .dport = (uint16_t)dport};
	int v6 = strchr(src, ':') != NULL;

	s.family = v6 ? SW_V6 : SW_V4;
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, src, s.src), 1);
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, dst, s.dst), 1);
	return s;
}

static void test_match_records(void **state)
{
	struct sw_sock est4 = mk(SW_TCP, SW_ESTABLISHED, "192.0.2.1", 80,
				 "203.0.113.9", 51000);
	struct sw_sock lis4 = mk(SW_TCP, SW_LISTEN, "0.0.0.0", 22, "0.0.0.0", 0);
	struct sw_sock est6 = mk(SW_TCP, SW_ESTABLISHED, "2001:db8::1", 443,
				 "2001:db8:1::5", 40000);
	struct sw_sock lis6 = mk(SW_TCP, SW_LISTEN, "::", 80, "::", 0);
	struct sw_sock udp4 = mk(SW_UDP, SW_CLOSE, "127.0.0.1", 53, "0.0.0.0", 0);
	struct sw_sock udp6 = mk(SW_UDP, SW_ESTABLISHED, "::1", 5353, "::1", 53);
	/* a v6 socket talking IPv4, left raw and normalised */
	struct sw_sock map6 = mk(SW_TCP, SW_SYN_RECV, "::ffff:192.0.2.1", 80,
				 "::ffff:198.51.100.7", 6000);
	struct sw_sock map4 = mk(SW_TCP, SW_SYN_RECV, "192.0.2.1", 80,
				 "198.51.100.7", 6000);
	const struct sw_sock *all[] = {&est4, &lis4, &est6, &lis6, &udp4,
				       &udp6, &map6, &map4};
	static const struct {
		const char *text;
		const char *want; /* one char per record above */
	} cases[] = {
		{"tcp", "11110011"},
		{"udp", "00001100"},
		{"v4", "11001011"},
		{"v6", "00110100"},
		{"port 80", "10010011"},
		{"sport 80", "10010011"},
		{"dport 80", "00000000"},
		{"port 53", "00001100"},
		{"dport 53", "00000100"},
		{"port 0", "01011000"},
		{"state listen", "01010000"},
		{"state syn_recv", "00000011"},
		{"state close", "00001000"},
		{"state established", "10100100"},
		{"addr 192.0.2.0/24", "10000011"},
		{"src 192.0.2.1", "10000011"},
		{"dst 198.51.100.0/24", "00000011"},
		{"dst 192.0.2.1", "00000000"},
		{"addr 0.0.0.0/0", "11001011"},
		{"addr ::/0", "00110100"},
		{"src ::", "00010000"},
		{"dst 0.0.0.0", "01001000"},
		{"addr ::1", "00000100"},
		{"addr 2001:db8::/32", "00100000"},
		{"src 2001:db8::/48 and dport 40000", "00100000"},
		{"addr ::ffff:198.51.100.7", "00000011"},
		{"tcp and not state listen", "10100011"},
		{"not tcp or port 22", "01001100"},
		{"(v4 or v6) and not (port 80 or port 53)", "01100000"},
		{"state listen or state close", "01011000"},
		{"tcp port 80 state syn-recv", "00000011"},
		{"not v4 and not v6", "00000000"},
	};
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter *f = parse_ok(cases[i].text);
		char got[NELEM(all) + 1] = {0};
		for (size_t r = 0; r < NELEM(all); r++)
			got[r] = sw_filter_match(f, all[r]) ? '1' : '0';
		if (strcmp(got, cases[i].want))
			fail_msg("'%s': matched %s, want %s", cases[i].text, got,
				 cases[i].want);
		sw_filter_free(f);
	}
}

/* Property: the compiled matcher agrees with an independent reading of
 * the text (filter_ref.h); the state mask and the family push-down never
 * exclude a socket that matches. */
static void test_property(void **state)
{
	struct gen g = {.s = 0x9e3779b97f4a7c15ull};
	char text[512];
	int matched = 0, masked_out = 0, fam_out = 0;
	(void)state;

	for (int e = 0; e < 3000; e++) {
		gen_filter_text(&g, text, sizeof(text), 1 + e % 5);
		struct sw_filter *f = parse_ok(text);
		uint32_t tm = sw_filter_state_mask(f, SW_TCP, SW_TCP_ALL_STATES);
		uint32_t um = sw_filter_state_mask(f, SW_UDP, SW_UDP_ALL_STATES);
		bool f4 = sw_filter_may_match_family(f, SW_V4);
		bool f6 = sw_filter_may_match_family(f, SW_V6);
		assert_int_equal(tm & ~SW_TCP_ALL_STATES, 0);
		assert_int_equal(um & ~SW_UDP_ALL_STATES, 0);
		masked_out += tm != SW_TCP_ALL_STATES;
		fam_out += !f4 || !f6;
		for (int k = 0; k < 200; k++) {
			struct bci_entry en;
			struct sw_sock s;
			unsigned dump;
			gen_socket(&g, &en, &s, &dump);
			bool m = sw_filter_match(f, &s), bad;
			if (m != ref_match(text, &s, &bad) || bad)
				fail_msg("'%s': compiled %d, reference %d%s", text, m, !m,
					 bad ? " (the reference cannot read it)" : "");
			if (!m)
				continue;
			matched++;
			uint32_t mask = s.proto == SW_TCP ? tm : um;
			if (!(mask & SW_STATE_BIT(s.state)))
				fail_msg("'%s': state mask %#x drops state %u",
					 text, mask, s.state);
			if (!(dump == SW_V4 ? f4 : f6))
				fail_msg("'%s': family push-down drops a v%u-dump "
					 "socket", text, dump);
		}
		sw_filter_free(f);
	}
	print_message("3000 filters x 200 sockets: %d matches, %d filters with "
		      "a narrower TCP state mask, %d ruling out a family\n",
		      matched, masked_out, fam_out);
	/* the property was exercised both ways */
	assert_true(matched > 10000);
	assert_true(masked_out > 250);
	assert_true(fam_out > 100);
}

static void test_state_mask(void **state)
{
	const uint32_t T = SW_TCP_ALL_STATES, U = SW_UDP_ALL_STATES;
	const uint32_t L = SW_STATE_BIT(SW_LISTEN), SR = SW_STATE_BIT(SW_SYN_RECV);
	const uint32_t TW = SW_STATE_BIT(SW_TIME_WAIT), E = SW_STATE_BIT(SW_ESTABLISHED);
	const struct {
		const char *text;
		uint32_t tcp, udp;
	} cases[] = {
		{"state listen", L, 0},
		{"not state listen", T & ~L, U},
		{"tcp and state syn_recv or udp", SR, U},
		{"port 80", T, U},
		{"udp", 0, U},
		{"not udp", T, 0},
		{"state listen or not state listen", T, U},
		{"not (state listen or state time_wait)", T & ~(L | TW), U},
		{"udp and state listen", 0, 0},
		{"state established and state listen", 0, 0},
		{"state established and port 80 or tcp state listen", E | L, E},
		{"not (tcp and not state listen)", L, U},
		{"v4 and state bucket", SR | TW, 0},
	};
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter *f = parse_ok(cases[i].text);
		assert_int_equal(sw_filter_state_mask(f, SW_TCP, T), cases[i].tcp);
		assert_int_equal(sw_filter_state_mask(f, SW_UDP, U), cases[i].udp);
		/* intersected with the caller's mask */
		assert_int_equal(sw_filter_state_mask(f, SW_TCP, L | E),
				 cases[i].tcp & (L | E));
		sw_filter_free(f);
	}
}

static void test_family(void **state)
{
	const struct {
		const char *text;
		bool v4, v6;
	} cases[] = {
		{"tcp", true, true},
		{"v6", false, true},
		{"not v4", false, true},
		{"v4", true, true}, /* IPv4-mapped sockets come from the v6 dump */
		{"addr ::1", false, true},
		{"src 2001:db8::/32 or dst 2001:db8::/32", false, true},
		{"addr 10.0.0.0/8", true, true},
		{"v4 and addr ::1", false, false},
		{"v6 and addr 10.0.0.1", false, false},
		{"v4 and src ::/0", false, true}, /* :: beside a mapped peer */
		{"not v6 and not v4", false, false},
		{"tcp and udp", false, false},
	};
	(void)state;

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sw_filter *f = parse_ok(cases[i].text);
		if (sw_filter_may_match_family(f, SW_V4) != cases[i].v4 ||
		    sw_filter_may_match_family(f, SW_V6) != cases[i].v6)
			fail_msg("'%s': family push-down v4=%d v6=%d", cases[i].text,
				 sw_filter_may_match_family(f, SW_V4),
				 sw_filter_may_match_family(f, SW_V6));
		sw_filter_free(f);
	}
}

static void test_errors(void **state)
{
	static const struct filter_err_case cases[] = {
		{"prot 80", 0, 4, "unknown keyword 'prot'; did you mean 'port'?"},
		{"tcp and stat listen", 8, 4, "unknown keyword 'stat'; did you mean 'state'?"},
		{"dprot 1", 0, 5, "unknown keyword 'dprot'; did you mean 'dport'?"},
		{"v5", 0, 2, "unknown keyword 'v5'; did you mean 'v4'?"},
		{"tcp adn udp", 4, 3, "unknown keyword 'adn'; did you mean 'and'?"},
		{"listen", 0, 6, "unknown keyword 'listen'; did you mean 'state listen'?"},
		{"tcp 80", 4, 2, "unknown keyword '80'; did you mean 'port 80'?"},
		{"10.0.0.0/8", 0, 10, "unknown keyword '10.0.0.0/8'; did you mean 'addr 10.0.0.0/8'?"},
		{"foo", 0, 3, "unknown keyword 'foo'; expected state, port, sport, dport, addr, src, dst, tcp, udp, v4, v6, not or '('"},
		{"state syn_rcv", 6, 7, "unknown state 'syn_rcv'; did you mean 'syn_recv'? valid: established syn_sent syn_recv fin_wait1 fin_wait2 time_wait close close_wait last_ack listen closing connected synchronized bucket big all"},
		{"state bogus", 6, 5, "unknown state 'bogus'; valid: established*"},
		{"state", 0, 5, "'state' needs a state name after it"},
		{"state (listen)", 6, 1, "expected a state name after 'state', found '('"},
		{"port http", 5, 4, "bad port 'http': not a number (0..65535)"},
		{"sport 8o", 6, 2, "bad port '8o': not a number (0..65535)"},
		{"port 65536", 5, 5, "bad port '65536': out of range 0..65535"},
		{"dport 99999999999999999999", 6, 20, "bad port '99999999999999999999': out of range 0..65535"},
		{"port -1", 5, 2, "bad port '-1': out of range 0..65535"},
		{"port", 0, 4, "'port' needs a port number after it"},
		{"tcp and port and udp", 13, 3, "expected a port number after 'port', found 'and'"},
		{"addr 1.2.3.4/33", 5, 10, "bad address '1.2.3.4/33': *"},
		{"src 300.1.1.1", 4, 9, "bad address '300.1.1.1': *"},
		{"dst ::1/129", 4, 7, "bad address '::1/129': *"},
		{"addr", 0, 4, "'addr' needs an address or prefix after it"},
		{"(tcp or udp", 0, 1, "missing ')' to close this '('"},
		{"tcp and (udp or (v4)", 8, 1, "missing ')' to close this '('"},
		{"tcp)", 3, 1, "unexpected ')' with no matching '('"},
		{")", 0, 1, "unexpected ')' with no matching '('"},
		{"(tcp))", 5, 1, "unexpected ')' with no matching '('"},
		{"tcp and", 4, 3, "'and' needs a filter after it"},
		{"tcp or", 4, 2, "'or' needs a filter after it"},
		{"tcp &&", 4, 2, "'&&' needs a filter after it"},
		{"and tcp", 0, 3, "'and' needs a filter before it"},
		{"or tcp", 0, 2, "'or' needs a filter before it"},
		{"(or tcp)", 1, 2, "'or' needs a filter before it"},
		{"not", 0, 3, "'not' needs a filter after it"},
		{"tcp and not", 8, 3, "'not' needs a filter after it"},
		{"!", 0, 1, "'!' needs a filter after it"},
		{"tcp or or udp", 7, 2, "expected a filter after 'or', found 'or'"},
		{"tcp and or udp", 8, 2, "expected a filter after 'and', found 'or'"},
		{"not and tcp", 4, 3, "expected a filter after 'not', found 'and'"},
		{"tcp and )", 8, 1, "expected a filter after 'and', found ')'"},
		{"not )", 4, 1, "expected a filter after 'not', found ')'"},
		{"()", 0, 2, "empty parentheses: expected a filter inside '()'"},
		{"tcp and ( )", 8, 3, "empty parentheses: expected a filter inside '()'"},
		{"(", 0, 1, "'(' needs a filter after it"},
		{"tcp (", 4, 1, "'(' needs a filter after it"},
	};
	(void)state;

	filter_check_errors(cases, NELEM(cases), NULL);
}

static void test_error_format(void **state)
{
	struct sw_filter_error err;
	char buf[512];
	(void)state;

	assert_null(sw_filter_parse("tcp and stat listen", &err));
	assert_string_equal(sw_filter_error_format(&err, "tcp and stat listen", buf,
						   sizeof(buf)),
			    "error: bad filter: unknown keyword 'stat'; did you mean 'state'?\n"
			    "  tcp and stat listen\n"
			    "          ^~~~");
	/* multibyte characters before the word, a tab shown as a space */
	const char *t = "tcp \xc3\xa9\xc3\xa9\tport x";
	assert_null(sw_filter_parse(t, &err));
	assert_string_equal(sw_filter_error_format(&err, t, buf, sizeof(buf)),
			    "error: bad filter: unknown keyword '\xc3\xa9\xc3\xa9'; expected state, port, sport, dport, addr, src, dst, tcp, udp, v4, v6, not or '('\n"
			    "  tcp \xc3\xa9\xc3\xa9 port x\n"
			    "      ^~");
	/* at the end of the text */
	struct sw_filter_error end = {.pos = 3, .len = 0, .msg = "m"};
	assert_string_equal(sw_filter_error_format(&end, "tcp", buf, sizeof(buf)),
			    "error: bad filter: m\n  tcp\n     ^");
	/* no position: one line */
	struct sw_filter_error nomem = {.pos = -1, .msg = "out of memory"};
	assert_string_equal(sw_filter_error_format(&nomem, "tcp", buf, sizeof(buf)),
			    "error: bad filter: out of memory");
	/* truncation never overruns */
	char small[24];
	memset(small, 'x', sizeof(small));
	sw_filter_error_format(&err, t, small, 20);
	assert_int_equal(strlen(small), 19);
	assert_int_equal(small[20], 'x');
}

static void test_limits(void **state)
{
	struct sw_filter_error err;
	char *t = malloc(100000);
	(void)state;

	/* nesting: the limit parses, one more does not */
	int n = 0;
	for (int i = 0; i < SW_FILTER_MAX_DEPTH; i++)
		t[n++] = '(';
	n += sprintf(t + n, "tcp");
	for (int i = 0; i < SW_FILTER_MAX_DEPTH; i++)
		t[n++] = ')';
	t[n] = '\0';
	struct sw_filter *f = parse_ok(t);
	sw_filter_free(f);
	memmove(t + 1, t, strlen(t) + 1);
	t[0] = '(';
	strcat(t, ")");
	assert_null(sw_filter_parse(t, &err));
	assert_int_equal(err.pos, SW_FILTER_MAX_DEPTH);
	assert_non_null(strstr(err.msg, "too deeply nested"));

	/* terms */
	n = sprintf(t, "port 1");
	for (int i = 0; i < SW_FILTER_MAX_NODES; i++)
		n += sprintf(t + n, " or port %d", i);
	assert_null(sw_filter_parse(t, &err));
	assert_non_null(strstr(err.msg, "filter too long"));
	assert_true(err.pos > 0 && err.pos < n);

	/* a long chain just under the limit parses and matches iteratively */
	n = sprintf(t, "port 1");
	for (int i = 0; i < SW_FILTER_MAX_NODES / 2 - 1; i++)
		n += sprintf(t + n, " or port %d", 1000 + i);
	f = parse_ok(t);
	struct sw_sock s = {.family = SW_V4, .sport = 1000 + 300};
	assert_true(sw_filter_match(f, &s));
	s.sport = 999;
	assert_false(sw_filter_match(f, &s));
	sw_filter_free(f);

	/* text */
	memset(t, ' ', 70000);
	memcpy(t + 69990, "tcp", 3);
	t[70000] = '\0';
	assert_null(sw_filter_parse(t, &err));
	assert_non_null(strstr(err.msg, "too long"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_prefix_host_bits),
		cmocka_unit_test(test_state_spellings),
		cmocka_unit_test(test_state_groups),
		cmocka_unit_test(test_match_records),
		cmocka_unit_test(test_property),
		cmocka_unit_test(test_state_mask),
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
