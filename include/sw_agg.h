/* sw_agg.h - diff of two snapshots and the three aggregations
 * (states, remotes, listeners) that every front end shows.
 *
 * Core header. One pass over the current snapshot does the diff (by
 * (proto, cookie) against the previous snapshot) and the aggregation.
 * All arrays are owned by struct sw_agg and reused across builds. */
#ifndef SW_AGG_H
#define SW_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_snapshot.h"
#include "sw_sock.h"

/* One TCP state's row. */
struct sw_state_row {
	uint32_t count;    /* TCP sockets in the state now */
	int64_t delta;     /* count minus the previous refresh's count */
	uint32_t entered;  /* sockets that entered the state since the previous
			      refresh: new ones in it, and ones changed into it */
	double entered_per_s;
};

/* Connections to one remote address or prefix. */
struct sw_remote {
	struct sw_prefix pfx; /* plen = the grouping length of its family */
	uint32_t count;       /* live sockets with this peer (TCP and UDP):
				 every state but TIME_WAIT */
	uint32_t tw;          /* TCP TIME_WAIT sockets with this peer */
	uint32_t new_conns;   /* of those, new since the previous refresh */
	double new_per_s;
	uint32_t states[SW_ST_MAX]; /* TCP per-state counts; connected UDP
				       are counted in count only */
	uint32_t udp;               /* connected UDP sockets */
	/* Direction (agg_dir.c): inbound when the local port is one the
	 * host listens on, else outbound; inbound + outbound = count + tw
	 * (TIME_WAIT sockets have a direction too). */
	uint32_t inbound, outbound;
	uint32_t inbound_tw;        /* of the inbound ones, TCP TIME_WAIT */
	uint16_t out_port;          /* the remote port of an outbound socket
				       (the first seen), 0 when none */
	bool out_ports_many;        /* outbound to more than one port */
	/* Bytes per second received from this remote: the sum of rx_per_s
	 * of its inbound ESTABLISHED sockets in the latest info set
	 * (sw_agg_rx_apply); < 0 when unknown (no info set, or none of its
	 * sockets measured twice yet). */
	double rx_per_s;
};

#define SW_PROC_NAME_LEN 16

/* A listening TCP socket or a bound (unconnected) UDP socket. */
struct sw_listener {
	uint64_t cookie;
	uint8_t addr[16];
	uint8_t family;
	uint8_t proto;
	uint16_t port;
	uint32_t accept_queue; /* TCP: idiag_rqueue; UDP: bytes queued */
	uint32_t backlog;      /* TCP: idiag_wqueue; UDP: 0 */
	uint32_t syn_recv;     /* SYN_RECV sockets this listener owns */
	uint32_t established;  /* ESTABLISHED sockets this listener owns
				  (sw_agg_owner) */
	uint32_t inode;
	int pid;               /* 0 when unknown */
	char process[SW_PROC_NAME_LEN]; /* "" when unknown */
};

/* Grouping of remotes: prefix lengths per family; and whether remotes
 * count only inbound sockets (outbound ones are left out). */
struct sw_agg_opts {
	unsigned group_v4; /* 1..32, default 32 */
	unsigned group_v6; /* 1..128, default 128 */
	bool inbound_only; /* --inbound, the TUI's i */
};

/* The counts of one refresh that front ends show above the lists. Listed
 * once, here: struct sw_agg and the TUI's model (sw_view_model) hold them
 * through SW_TOTALS, which names the whole (tot, copied in one go) and
 * each field (a->total) alike. */
#define SW_TOTALS_FIELDS                                                     \
	bool have_prev;   /* false on the first build: no deltas or rates */ \
	uint32_t total, tcp, udp;                                            \
	int64_t d_total, d_tcp, d_udp;                                       \
	/* Indexed by enum sw_state; TCP only. */                            \
	struct sw_state_row states[SW_ST_MAX];                               \
	uint32_t udp_connected, udp_unconnected;                             \
	/* Diff since the previous snapshot. */                              \
	uint32_t opened, closed, changed;

struct sw_totals {
	SW_TOTALS_FIELDS
};

#define SW_TOTALS                   \
	union {                     \
		struct sw_totals tot; \
		struct {            \
			SW_TOTALS_FIELDS \
		};                  \
	}

struct sw_agg {
	SW_TOTALS;
	double interval_s;
	/* The grouping it was built with (lengths filled in: 32/128 by
	 * default), so a reader can make a socket's remote prefix. */
	struct sw_agg_opts opts;

	/* Sorted by count descending, then tw descending, then address. */
	struct sw_remote *remotes;
	uint32_t nremotes;

	/* Sorted by proto, port, address. */
	struct sw_listener *listeners;
	uint32_t nlisteners;

	/* Per socket of the snapshot built from (same index): 1 when it is
	 * a new connection as new_conns counts them, else 0 (all 0 on the
	 * first build). Rules read it to count new sockets by their own
	 * filters. sncap is its capacity. */
	uint8_t *sock_new;
	uint32_t sncap;

	/* Internal, reused across builds. */
	uint32_t rcap, lcap;
	uint32_t *rslots;     /* remote hash: index+1 into remotes */
	uint32_t nrslots;
	uint32_t *port_syn;   /* [65536] SYN_RECV per local port */
	uint32_t *port_est;   /* [65536] ESTABLISHED per local port */
	uint8_t *port_dir;    /* [65536] listening protocols per local port */
	/* Sorted 4-tuple hashes of the SYN_RECV sockets of two snapshots,
	 * tagged with the snapshot's mono_ns, to tell an accepted child from a
	 * new connection. */
	struct sw_agg_synset {
		uint64_t *keys;
		uint32_t n, cap;
		uint64_t tag;
	} syn[2];
	struct sw_agg_sortbuf *sortbuf; /* agg_sort.c's buffers */
};

/* agg_sort.c: sort a->remotes into their order (count descending, then
 * tw descending, then family, then address), the order of
 * sw_agg_remote_cmp. Never fails: without memory for its buffers it
 * falls back to qsort. sw_agg_sortbuf_free frees the buffers. */
void sw_agg_sort_remotes(struct sw_agg *a);
int sw_agg_remote_cmp(const void *x, const void *y);
void sw_agg_sortbuf_free(struct sw_agg *a);

/* Direction (agg_dir.c): mark in ports[65536] the local ports cur
 * listens on; whether s is inbound by them. */
#define SW_AGG_DIR_TCP 1u
#define SW_AGG_DIR_UDP 2u
void sw_agg_dir_ports(uint8_t *ports, const struct sw_snapshot *cur);
static inline bool sw_agg_dir_inbound(const uint8_t *ports,
				      const struct sw_sock *s)
{
	return ports[s->sport] & (s->proto == SW_TCP ? SW_AGG_DIR_TCP
						     : SW_AGG_DIR_UDP);
}

void sw_agg_init(struct sw_agg *a);
void sw_agg_free(struct sw_agg *a);

/* Build a from cur, diffing against prev (NULL on the first refresh; then
 * deltas and rates are zero and have_prev is false). interval_s is the
 * time between the two snapshots (from their mono_ns).
 *
 * A new socket counts as a new connection for its remote unless it is the
 * accepted child of a request socket (SYN_RECV) seen in prev with the same
 * 4-tuple: a request socket and its child have different cookies.
 * Listener pid/process are left empty: the caller fills them.
 * Returns 0, or -1 with errno ENOMEM (a is then empty but valid). */
int sw_agg_build(struct sw_agg *a, const struct sw_snapshot *prev,
		 const struct sw_snapshot *cur, const struct sw_agg_opts *o);

/* The up to max biggest TCP states of r (non-zero counts), biggest first,
 * ties by state number, into top[]. Returns how many. */
unsigned sw_agg_top_states(const struct sw_remote *r, unsigned top[],
			   unsigned max);

/* The three biggest TCP states of r, then its connected UDP sockets, as
 * "EST 590 SR 10 UDP 3" into buf (always NUL-terminated, cut to len).
 * count formats a count ("12.3k"); NULL prints it whole. Returns buf. */
char *sw_agg_fmt_states(const struct sw_remote *r,
			char *(*count)(uint64_t n, char *buf, size_t len),
			char *buf, size_t len);

/* The listener of ls[0..nl) (sorted as sw_agg_build leaves them) that
 * owns TCP socket s as the kernel's listener lookup would have chosen it:
 * its address, then the wildcard; IPv4 before a dual-stack IPv6
 * listener. NULL when none listens on its local port. */
const struct sw_listener *sw_listener_owner(const struct sw_listener *ls,
					    uint32_t nl,
					    const struct sw_sock *s);

/* Set each TCP listener's syn_recv and established from the sockets it
 * owns (sw_listener_owner); used by sw_agg_build. */
void sw_agg_attribute(struct sw_agg *a, const struct sw_snapshot *cur);

/* Index into a->remotes of the row for this prefix, or -1 (a hash
 * lookup). */
int sw_agg_find_remote(const struct sw_agg *a, const struct sw_prefix *p);

/* Per-remote receive rates from the latest info set (agg_rx.c). The sum
 * per remote is made once per info set (and grouping) and kept as rows
 * of (prefix, rate), then laid on each refresh's remotes: a refresh
 * without a new info set costs one lookup per measured remote, nothing
 * per socket. A socket's peer comes from the snapshot, by cookie. */
struct sw_agg_rx {
	struct sw_agg_rx_row {
		struct sw_prefix pfx;
		double rx_per_s;
	} *v;
	uint32_t n, cap;
	uint64_t set_time_ns;  /* the info set the rows were made from */
	size_t set_n;
	unsigned g4, g6;       /* and its grouping */
	bool made;
};

void sw_agg_rx_init(struct sw_agg_rx *x);
void sw_agg_rx_free(struct sw_agg_rx *x);

struct sw_conninfo;

/* Set a's remotes' rx_per_s from ci (NULL: left unknown) grouped as o
 * says; a socket's peer is found in snap (a's snapshot) by cookie. Returns
 * 0, or -1 with errno ENOMEM (the rates stay unknown). */
int sw_agg_rx_apply(struct sw_agg_rx *x, struct sw_agg *a,
		    const struct sw_snapshot *snap, const struct sw_conninfo *ci,
		    const struct sw_agg_opts *o);

#endif
