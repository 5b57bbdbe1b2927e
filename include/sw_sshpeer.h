/* sw_sshpeer.h - the operator's SSH peers, for the never-block list:
 * SSH_CONNECTION's client, and the peers of sshd's established sockets
 * (sockets held by processes named sshd*, or on a port sshd listens on).
 * Edge: reads /proc and walks sockets of the current namespace. */
#ifndef SW_SSHPEER_H
#define SW_SSHPEER_H

#include <stddef.h>

#include "sw_policy.h"
#include "sw_sockkill.h"

/* Add them as SW_POLICY_SSH (note "SSH_CONNECTION" or "sshd"), each
 * address once. ssh_connection is getenv("SSH_CONNECTION") or NULL; a
 * malformed value is ignored. Returns the number added, or -1 with
 * *cause (may be NULL; the caller frees it) set to a one-line message. */
int sw_sshpeer_add(struct sw_policy *p, struct sw_sockkill *k,
		   const char *ssh_connection, char **cause);

/* The client address of an SSH_CONNECTION value ("198.51.100.5 52144
 * 192.0.2.1 22"; a link-local peer comes with its zone, "fe80::5%eth0
 * 52144 fe80::1%eth0 22", and counts as fe80::5). Returns 0, or -1 when
 * it is not one. Pure. */
int sw_sshpeer_parse_env(const char *value, struct sw_prefix *out);

/* The sshd peers among socks (what the walks return, LISTEN and
 * ESTABLISHED TCP sockets; others are ignored): the peer of every
 * established socket held by sshd (its inode among inodes[0..ninodes),
 * any order) or on a port where sshd listens. Added as in sw_sshpeer_add,
 * each once. Returns the number added, or -1 (ENOMEM). Pure. */
int sw_sshpeer_from_socks(struct sw_policy *p, const uint32_t *inodes,
			  size_t ninodes, const struct sw_sock *socks, size_t n);

#endif
