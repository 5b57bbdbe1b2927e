/* sw_diag.h - the sock_diag reader (edge, libmnl underneath) and the
 * parser of its reply buffers, shared by live dumps and replay.
 *
 * This header does not include libmnl: callers see plain buffers. */
#ifndef SW_DIAG_H
#define SW_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include "sw_conninfo.h"
#include "sw_filter.h"
#include "sw_snapshot.h"

/* Size of the receive buffer: the kernel batches at most 32 KiB per recv. */
#define SW_DIAG_BUFSZ (64 * 1024)

/* Called with every raw reply buffer received (for --record). Return 0 to
 * go on, -1 to abort the dump (errno set). */
typedef int (*sw_diag_tap_fn)(void *arg, unsigned proto, unsigned family,
			      const void *buf, size_t len);

/* The family argument of sw_diag_dump for TCP of both families in one
 * walk; and the bits of struct sw_diag_parse.families. */
#define SW_DIAG_BOTH 0u
#define SW_DIAG_FAM_V4 1u
#define SW_DIAG_FAM_V6 2u

/* Where an info dump goes. Its LISTEN sockets (a dump of its own, not
 * filtered) mark the ports listened on; its ESTABLISHED ones on those
 * ports that pass the filter become raw entries, with their tcp_info, put
 * in a conninfo table (sw_conninfo_table_put; commit or abort is the
 * caller's). */
struct sw_diag_info {
	struct sw_conninfo_table *table;
	size_t n;             /* entries put so far */
	uint8_t *ports;       /* [65536] the caller's, zeroed: set for each
				 TCP port listened on */
	uint16_t *plist;      /* [65536] those ports, in the order seen */
	size_t nports;
	bool want[2];         /* ESTABLISHED sockets of AF_INET, AF_INET6
				 (the kernel's family) are taken */
};

/* Parse state for one dump (one proto; one family, or both). */
struct sw_diag_parse {
	unsigned proto;            /* SW_TCP / SW_UDP: stamped on records */
	struct sw_snapshot *out;   /* records are added here */
	const struct sw_filter *filter; /* user-space filter, or NULL */
	uint32_t seq, portid;      /* expected; 0 = accept any (replay) */
	uint32_t parsed;           /* messages seen */
	int done;                  /* set when NLMSG_DONE was seen */
	int error;                 /* errno from NLMSG_DONE/NLMSG_ERROR, or 0 */
	unsigned families;         /* SW_DIAG_FAM_* bits of the messages to
				      keep (by the kernel's family); 0: all */
	struct sw_diag_info *info; /* an info dump: entries go there, not to
				      out (which may be NULL) */
};

/* The tcp_info of one SOCK_DIAG_BY_FAMILY payload into c (the cookie
 * from the message; bytes received and acked, idle times, RTT,
 * retransmits from INET_DIAG_INFO; a shorter tcp_info from an older
 * kernel leaves what it lacks 0). Returns 1 filled, 0 when the
 * message has no INET_DIAG_INFO, -1 with errno EBADMSG (malformed). */
int sw_diag_msg_info(const void *payload, size_t len,
		     struct sw_conn_info *c);

/* One SOCK_DIAG_BY_FAMILY payload (struct inet_diag_msg and attributes)
 * as a record of protocol proto: IPv4-mapped addresses normalised, ports in
 * host order. Returns 0, or -1 with errno EBADMSG (too short, unknown
 * family). */
int sw_diag_msg_sock(const void *payload, size_t len, unsigned proto,
		     struct sw_sock *out);

/* An AF_INET6 record (family SW_V6) carrying IPv4 (both ends mapped, or
 * one mapped and the other unspecified) made an IPv4 one in place: the
 * one normalisation every source uses. Never fails. */
void sw_diag_normalise(struct sw_sock *s);

/* "TCP/IPv4", "UDP/IPv6", ("TCP" for SW_DIAG_BOTH) for messages. */
const char *sw_diag_name(unsigned proto, unsigned family);

/* Parse one reply buffer: every inet_diag_msg becomes a struct sw_sock
 * (IPv4-mapped peers normalised), filtered, added to p->out (duplicates
 * dropped there). Returns 1 when more buffers are expected, 0 when
 * NLMSG_DONE ended the dump, -1 on a malformed buffer (errno EBADMSG), a
 * kernel error (errno and p->error set from the message), or ENOMEM. */
int sw_diag_parse_buf(struct sw_diag_parse *p, const void *buf, size_t len);

struct sw_diag;

/* Open the long-lived NETLINK_SOCK_DIAG socket in the current namespace.
 * Returns NULL with *cause (malloc'ed) on failure. */
struct sw_diag *sw_diag_open(char **cause);

/* Dump one protocol and family (SW_V4/SW_V6; for TCP also SW_DIAG_BOTH:
 * both families in one kernel walk, the compat request) with the given state mask and
 * optional kernel bytecode (bc, bclen; NULL/0 for none), adding records
 * to out. tap, if set, sees every raw buffer. Returns 0, or -1 with
 * *cause (malloc'ed). */
int sw_diag_dump(struct sw_diag *d, unsigned proto, unsigned family,
		 uint32_t states, const void *bc, size_t bclen,
		 const struct sw_filter *filter, struct sw_snapshot *out,
		 sw_diag_tap_fn tap, void *tap_arg, char **cause);

/* One dump of the info dump, TCP of both families in one walk: state
 * SW_LISTEN (the ports listened on, no bytecode, no filter) or
 * SW_ESTABLISHED (with INET_DIAG_INFO, narrowed by bytecode bc, bclen
 * (NULL/0 for none) and the filter), into info (sw_diag_info). tap sees
 * every raw buffer (family 0: both). Returns 0, or -1 with *cause
 * (malloc'ed). */
int sw_diag_dump_info(struct sw_diag *d, unsigned state, const void *bc,
		      size_t bclen, const struct sw_filter *filter,
		      struct sw_diag_info *info, sw_diag_tap_fn tap,
		      void *tap_arg, char **cause);

void sw_diag_close(struct sw_diag *d);

/* Kernel bytecode (INET_DIAG_REQ_BYTECODE) for the parts of f that the
 * kernel can evaluate (ports, addresses). Writes at most cap bytes to buf
 * and returns the length; 0 when nothing useful can be pushed down (the
 * user-space filter still runs); -1 when cap is too small. The bytecode
 * accepts a superset of what f matches for that family. */
int sw_diag_bytecode(const struct sw_filter *f, unsigned family, void *buf,
		     size_t cap);

/* Bytecode for "the local port is one of ports[0..n)" and then, when
 * nalt > 0, "one of alt[0..nalt) accepts" (bytecodes sw_diag_bytecode
 * made; one of length 0 accepts everything, so none is needed). Returns
 * the length written to buf, 0 when n is 0 or over SW_DIAG_BC_PORTS_MAX
 * (no narrowing by port: the parse still checks), -1 when cap is too
 * small or out of memory. */
#define SW_DIAG_BC_PORTS_MAX 128
int sw_diag_bytecode_ports(const uint16_t *ports, size_t n,
			   const void *const *alt, const size_t *alt_len,
			   size_t nalt, void *buf, size_t cap);

#endif
