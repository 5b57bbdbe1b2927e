/* sw_sockkill.h - walk the sockets of the current namespace and end the
 * ones whose peer is inside a prefix: SOCK_DESTROY through sock_diag, as
 * `ss -K` does. Edge (libmnl under it); this header does not include it.
 * Not thread-safe. */
#ifndef SW_SOCKKILL_H
#define SW_SOCKKILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_sock.h"

/* TCP states ended by a kill: everything with a peer but TIME_WAIT
 * (it holds nothing worth ending, and has no owner to notice). */
#define SW_SOCKKILL_TCP_STATES                                                 \
	(SW_TCP_ALL_STATES & ~(SW_STATE_BIT(SW_LISTEN) |                       \
			       SW_STATE_BIT(SW_TIME_WAIT) |                    \
			       SW_STATE_BIT(SW_CLOSE)))

struct sw_sockkill;

/* Whether a kill of target ends this socket: proto SW_TCP in a state of
 * SW_SOCKKILL_TCP_STATES or connected SW_UDP (ESTABLISHED), with the peer
 * dst (4 bytes for SW_V4, 16 for SW_V6, IPv4-mapped counted as IPv4)
 * inside target. Pure. */
bool sw_sockkill_wants(const struct sw_prefix *target, unsigned proto,
		       unsigned state, unsigned family, const uint8_t *dst);

/* Open a NETLINK_SOCK_DIAG socket in the current namespace. Returns NULL
 * with *cause (malloc'ed, caller frees) on failure. */
struct sw_sockkill *sw_sockkill_open(char **cause);

/* Called for each socket of a walk: s has the peer normalised (IPv4-mapped
 * becomes IPv4). Return 0 to go on, -1 to stop the walk. */
typedef int (*sw_sockkill_visit_fn)(void *arg, const struct sw_sock *s);

/* Dump proto (SW_TCP/SW_UDP), both families, with the state mask, and
 * call fn for each socket. Returns 0, or -1 with *cause (may be NULL;
 * the caller frees it) set to a one-line message. */
int sw_sockkill_walk(struct sw_sockkill *k, unsigned proto, uint32_t states,
		     sw_sockkill_visit_fn fn, void *arg, char **cause);

/* End every TCP socket in SW_SOCKKILL_TCP_STATES and every connected UDP
 * socket whose peer is inside target; with dry_run only count them.
 * Returns the number ended (sockets that vanished meanwhile are not
 * counted), or -1 with *cause as above and errno: EOPNOTSUPP when the
 * kernel lacks CONFIG_INET_DIAG_DESTROY, EPERM without CAP_NET_ADMIN. */
int sw_sockkill_prefix(struct sw_sockkill *k, const struct sw_prefix *target,
		       bool dry_run, char **cause);

/* The message for a SOCK_DESTROY errno ("the kernel lacks
 * CONFIG_INET_DIAG_DESTROY: existing connections stay open"). Static. */
const char *sw_sockkill_strerror(int err);

void sw_sockkill_close(struct sw_sockkill *k);

#endif
