/* sw_neverblock.h - the never-block list as it is now: loopback, the
 * allow file, the host's addresses and default gateways (rtnetlink) and
 * the SSH peers. Edge: reads files, rtnetlink and sockets of the current
 * namespace; read again before every block decision, so a long-running
 * process never decides on a stale list. */
#ifndef SW_NEVERBLOCK_H
#define SW_NEVERBLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_policy.h"
#include "sw_sockkill.h"

/* The largest allow file read (bytes). */
#define SW_NEVERBLOCK_ALLOW_MAX (1024 * 1024)

/* Read the allow list at path into p. named: the operator gave the path
 * (--allow-file), so a missing file is an error; otherwise (the default
 * path) a missing file is an empty list. The file must be a regular file
 * of at most SW_NEVERBLOCK_ALLOW_MAX bytes; it is opened without blocking
 * (a FIFO is refused, never waited on). Returns the number of entries
 * added, or -1 with *cause (malloc'ed, caller frees). */
int sw_neverblock_allow(struct sw_policy *p, const char *path, bool named,
			char **cause);

/* Build the whole list into p (initialised here; on failure p is empty
 * but safe to free): loopback, the allow file as above, host addresses,
 * gateways, SSH peers (ssh_connection: getenv("SSH_CONNECTION") or NULL;
 * k walks sshd's sockets). Returns 0, or -1 with *cause (malloc'ed). */
int sw_neverblock_read(struct sw_policy *p, const char *allow_path,
		       bool named, struct sw_sockkill *k,
		       const char *ssh_connection, char **cause);

#endif
