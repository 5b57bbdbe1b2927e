/* sw_filter.h - the filter language shared by batch mode and the TUI.
 *
 *   expr    := or
 *   or      := and ( "or" and )*
 *   and     := unary ( ["and"] unary )*      (juxtaposition means and)
 *   unary   := "not" unary | "(" expr ")" | states | prim
 *   states  := ( ("state" | "exclude" | "excl") NAME )+
 *   prim    := ("port" | "sport" | "dport") [CMP] PORT
 *            | ("addr" | "src" | "dst") ["=" | "!="] HOST
 *            | "tcp" | "udp" | "v4" | "v6"
 *   CMP     := "=" "==" "eq" | "!=" "ne" "neq" | "<" "lt" | ">" "gt"
 *            | "<=" "le" "leq" | ">=" "ge" "geq"       (default "=")
 *   PORT    := [":"] (N | SERVICE | "*")
 *   HOST    := CIDR | "[" CIDR "]" [":" PORT] | V4CIDR ":" PORT
 *            | [ "*" ] ":" PORT | "*"
 *
 * This is ss's expression syntax (ss(8)) with the same meaning, plus
 * sockwatch's own terms. "port" matches either side, "addr" either side;
 * "src"/"sport" are the local side, "dst"/"dport" the remote; ADDR:PORT
 * tests both on the same side. Keywords are case-insensitive;
 * "&&"/"&", "||"/"|" and "!" are accepted for and, or, not; "ipv4"/"ipv6"
 * for v4/v6. "port != N" is "not port N", "port > N" is "not port <= N"
 * (as ss has it). A run of state clauses is one set, built as ss builds
 * it: "state" adds a state or group, "exclude" removes one, a run that
 * starts with "exclude" starts from all states. NAME is a TCP state in
 * netstat or ss spelling (syn_recv, syn-recv, estab, time-wait,
 * listening, unconnected, ...) or an ss group: all, connected (all but
 * listen and close), synchronized (connected but syn-sent), bucket
 * (syn-recv, time-wait), big (all but bucket). N is 0..65535; SERVICE a
 * name the caller's resolver knows (/etc/services at the edges); "*" any
 * port. CIDR is an IPv4 or IPv6 address with an optional /LEN; IPv4 may
 * be abbreviated as ss allows (198.51.100/24). An IPv6 address with a
 * port needs brackets: [2001:db8::1]:443; a bare IPv6 word that reads
 * both as an address and as ADDR:PORT is refused as ambiguous. An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is IPv4: "v4" and IPv4
 * prefixes match it.
 * Core header: pure. */
#ifndef SW_FILTER_H
#define SW_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_sock.h"

enum sw_fnode_kind {
	SW_F_AND,
	SW_F_OR,
	SW_F_NOT,
	SW_F_STATE, /* u.state */
	SW_F_PORT,  /* u.port: either side */
	SW_F_SPORT, /* u.port: local */
	SW_F_DPORT, /* u.port: remote */
	SW_F_ADDR,  /* u.pfx: either side */
	SW_F_SRC,   /* u.pfx: local */
	SW_F_DST,   /* u.pfx: remote */
	SW_F_PROTO, /* u.proto */
	SW_F_FAMILY /* u.family */
};

/* How a port node compares (ss's "<" and ">" are "not >=" and "not <="). */
enum sw_fcmp { SW_FCMP_EQ, SW_FCMP_GE, SW_FCMP_LE };

/* A STATE node with this state matches nothing ("exclude all"). */
#define SW_F_STATE_NONE 32u

/* A node of the parsed expression. Nodes live in the filter's own array;
 * children are indices into it. */
struct sw_fnode {
	enum sw_fnode_kind kind;
	int left, right; /* AND/OR: both; NOT: left; -1 otherwise */
	uint8_t cmp;     /* PORT/SPORT/DPORT: enum sw_fcmp against u.port */
	union {
		unsigned state;
		uint16_t port;
		struct sw_prefix pfx;
		unsigned proto;
		unsigned family;
	} u;
};

struct sw_ftest; /* private: one leaf test of the compiled form */

struct sw_filter {
	struct sw_fnode *nodes;
	int nnodes;
	int root; /* -1: the empty filter, matches everything */
	char *text; /* the expression as given */
	/* Compiled form used by sw_filter_match: leaf tests with yes/no
	 * jumps (no recursion per socket). Private to filter.c. */
	struct sw_ftest *prog;
	int nprog;
	int entry;
};

/* Limits: longer or deeper filters are rejected with an error. */
#define SW_FILTER_MAX_NODES 1024
#define SW_FILTER_MAX_DEPTH 64

/* Where and why a filter failed to parse. */
struct sw_filter_error {
	int pos;       /* byte offset of the offending word in the text */
	int len;       /* its length (>= 1, or 0 at end of text) */
	char msg[256]; /* "unknown state 'syn_rcv'; did you mean 'syn_recv'? ..." */
};

/* What the parser asks its caller: the port of a service name ("http"),
 * or SW_FILTER_SERVICE_UNKNOWN, or SW_FILTER_SERVICE_AMBIGUOUS when it
 * names different ports for the protocols in use (ss refuses those too).
 * The core does no I/O: edges pass a resolver reading /etc/services. */
#define SW_FILTER_SERVICE_UNKNOWN (-1)
#define SW_FILTER_SERVICE_AMBIGUOUS (-2)
struct sw_filter_env {
	int (*service)(const char *name, void *ctx);
	void *ctx;
};

/* Parse text (NULL or blank: the empty filter). Returns a new filter the
 * caller frees with sw_filter_free, or NULL with *err filled (ENOMEM gives
 * pos -1). sw_filter_parse knows no service names; sw_filter_parse_env
 * resolves them through env (NULL: none). */
struct sw_filter *sw_filter_parse(const char *text, struct sw_filter_error *err);
struct sw_filter *sw_filter_parse_env(const char *text,
				      const struct sw_filter_env *env,
				      struct sw_filter_error *err);

/* Free f; NULL is fine. */
void sw_filter_free(struct sw_filter *f);

/* True when socket s satisfies f (the empty filter matches all). */
bool sw_filter_match(const struct sw_filter *f, const struct sw_sock *s);

/* Kernel push-down. A superset of the states of protocol proto (SW_TCP or
 * SW_UDP) that can match f, as a SW_STATE_BIT mask intersected with all;
 * 0 when no socket of that protocol can match. */
uint32_t sw_filter_state_mask(const struct sw_filter *f, unsigned proto,
			      uint32_t all);

/* Whether any socket read from a dump of that family (SW_V4: AF_INET,
 * SW_V6: AF_INET6) can match f. A v6 dump also yields IPv4-mapped
 * sockets, which match as IPv4: "v4" alone does not rule out the v6
 * dump, "v6" rules out the v4 dump. */
bool sw_filter_may_match_family(const struct sw_filter *f, unsigned family);

/* Write "error: bad filter: <msg>\n  <text>\n  <spaces>^~~~" into buf
 * (no trailing newline), the caret under the word (columns counted in
 * UTF-8 characters, control characters shown as spaces). An ENOMEM error
 * (pos -1) gets the first line only. Truncates to len. Returns buf. */
char *sw_filter_error_format(const struct sw_filter_error *err,
			     const char *text, char *buf, size_t len);

#endif
