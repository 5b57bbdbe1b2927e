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
 * malformed value is ignored. Returns the number added, or -1 with a
 * one-line err. */
int sw_sshpeer_add(struct sw_policy *p, struct sw_sockkill *k,
		   const char *ssh_connection, char *err, size_t errlen);

/* The client address of an SSH_CONNECTION value ("198.51.100.5 52144
 * 192.0.2.1 22"). Returns 0, or -1 when it is not one. Pure. */
int sw_sshpeer_parse_env(const char *value, struct sw_prefix *out);

#endif
