/* sw_sock.h - the neutral socket record shared by every layer.
 *
 * Core header: no curses, no netlink library headers. */
#ifndef SW_SOCK_H
#define SW_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Protocols sockwatch watches. */
enum sw_proto { SW_TCP = 0, SW_UDP = 1, SW_PROTO_MAX };

/* Address families, kept independent of <sys/socket.h> numbers. */
enum sw_family { SW_V4 = 4, SW_V6 = 6 };

/* TCP states with the kernel's numbering (include/net/tcp_states.h).
 * Request sockets are reported by sock_diag as SW_SYN_RECV. */
enum sw_state {
	SW_ST_UNKNOWN = 0,
	SW_ESTABLISHED = 1,
	SW_SYN_SENT,
	SW_SYN_RECV,
	SW_FIN_WAIT1,
	SW_FIN_WAIT2,
	SW_TIME_WAIT,
	SW_CLOSE,
	SW_CLOSE_WAIT,
	SW_LAST_ACK,
	SW_LISTEN,
	SW_CLOSING,
	SW_ST_MAX /* 12: array size for per-state tables */
};

/* Mask bit for a state, as sock_diag's idiag_states wants it. */
#define SW_STATE_BIT(s) (1u << (s))

/* Every real TCP state, including SYN_RECV (brings request sockets) and
 * TIME_WAIT. Never ~0: that adds a walk of bound-inactive sockets. */
#define SW_TCP_ALL_STATES                                                      \
	(SW_STATE_BIT(SW_ESTABLISHED) | SW_STATE_BIT(SW_SYN_SENT) |            \
	 SW_STATE_BIT(SW_SYN_RECV) | SW_STATE_BIT(SW_FIN_WAIT1) |              \
	 SW_STATE_BIT(SW_FIN_WAIT2) | SW_STATE_BIT(SW_TIME_WAIT) |             \
	 SW_STATE_BIT(SW_CLOSE) | SW_STATE_BIT(SW_CLOSE_WAIT) |                \
	 SW_STATE_BIT(SW_LAST_ACK) | SW_STATE_BIT(SW_LISTEN) |                 \
	 SW_STATE_BIT(SW_CLOSING))

/* UDP: connected sockets are ESTABLISHED, unconnected (bound) are CLOSE. */
#define SW_UDP_ALL_STATES                                                      \
	(SW_STATE_BIT(SW_ESTABLISHED) | SW_STATE_BIT(SW_CLOSE))

/* One socket, 64 bytes. Addresses are in network byte order; an IPv4
 * address (including an IPv4-mapped IPv6 peer, normalised) occupies the
 * first 4 bytes and the rest are zero. Ports are in host byte order. */
struct sw_sock {
	uint64_t cookie;  /* kernel socket cookie: identity with proto */
	uint8_t src[16];  /* local address */
	uint8_t dst[16];  /* remote address */
	uint16_t sport;   /* local port */
	uint16_t dport;   /* remote port */
	uint32_t rqueue;  /* LISTEN: accept queue; else bytes in recv queue */
	uint32_t wqueue;  /* LISTEN: backlog limit; else bytes in send queue */
	uint32_t inode;   /* 0 for TIME_WAIT, SYN_RECV, orphans */
	uint32_t expires; /* timer expiry, ms */
	uint8_t family;   /* enum sw_family */
	uint8_t proto;    /* enum sw_proto */
	uint8_t state;    /* enum sw_state */
	uint8_t timer;    /* idiag_timer */
};

/* netstat's name for a TCP state ("ESTABLISHED", "SYN_RECV", ...);
 * "UNKNOWN" for out-of-range values. Static storage, never NULL. */
const char *sw_state_name(unsigned state);

/* The TCP states in the order every report and pane lists them (netstat's:
 * ESTABLISHED ... CLOSING), and how many. */
extern const unsigned sw_state_order[];
extern const unsigned sw_state_norder;

/* Short name for narrow columns ("EST", "SR", "TW", ...). Never NULL. */
const char *sw_state_short(unsigned state);

/* Parse a state name, case-insensitive, netstat or ss spelling
 * ("syn_recv", "syn-recv", "established", "estab", "time-wait").
 * Returns the state or SW_ST_UNKNOWN. */
enum sw_state sw_state_parse(const char *name);

/* "tcp" / "udp". Never NULL. */
const char *sw_proto_name(unsigned proto);

/* True when the socket has a peer: not LISTEN and not unconnected UDP. */
static inline bool sw_sock_has_peer(const struct sw_sock *s)
{
	if (s->state == SW_LISTEN)
		return false;
	if (s->proto == SW_UDP && s->state != SW_ESTABLISHED)
		return false;
	return true;
}

/* True for listening TCP sockets and bound (unconnected) UDP sockets. */
static inline bool sw_sock_is_listener(const struct sw_sock *s)
{
	return (s->proto == SW_TCP && s->state == SW_LISTEN) ||
	       (s->proto == SW_UDP && s->state == SW_CLOSE);
}

#endif
