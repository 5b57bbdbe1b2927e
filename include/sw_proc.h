/* sw_proc.h - edge readers of /proc: protocol counter texts and the
 * owners (pid, name) of listening sockets.
 *
 * Edge header: reads files; no netlink library. */
#ifndef SW_PROC_H
#define SW_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sw_agg.h"

/* Read a whole small file (e.g. /proc/net/snmp) into *buf (grown with
 * realloc as needed, *cap updated; caller frees). Returns the length, or
 * -1 with errno. */
ssize_t sw_proc_read_file(const char *path, char **buf, size_t *cap);

/* The name of process pid ("1234") from /proc/PID/comm, without the
 * newline; "" when it cannot be read (gone, or not ours to see). */
void sw_proc_comm(const char *pid, char name[SW_PROC_NAME_LEN]);

/* The inode of an fd link's target "socket:[12345]" (n bytes, no NUL
 * needed); 0 for anything else. */
uint32_t sw_proc_sock_inode(const char *link, size_t n);

/* Owner of a socket inode. */
struct sw_proc_owner {
	uint32_t inode;
	int pid;
	char name[SW_PROC_NAME_LEN];
};

/* Cache of socket inode -> owner, filled by scanning /proc/[pid]/fd only
 * when an inode is not yet known (at most once per refresh). */
struct sw_procmap;

struct sw_procmap *sw_procmap_new(void);
void sw_procmap_free(struct sw_procmap *m);

/* Fill pid and process of every listener in a (by inode). Processes we may
 * not look into give an empty name and pid 0, never an error. If out and
 * nout are given, *out gets a malloc'ed array of the owners used (for
 * --record) and *nout its length. Returns 0 or -1 (ENOMEM). */
int sw_procmap_fill(struct sw_procmap *m, struct sw_agg *a,
		    struct sw_proc_owner **out, size_t *nout);

/* The owners of the socket inodes ino[0..n) (0 entries skipped), e.g.
 * the rows a view shows: out[i] gets inode ino[i] with its pid and name,
 * pid 0 when not found. Scans /proc, as sw_procmap_fill does, only when
 * an inode is new to m. Returns 0 or -1 (ENOMEM). */
int sw_procmap_lookup(struct sw_procmap *m, const uint32_t *ino, size_t n,
		      struct sw_proc_owner *out);

/* Apply recorded owners to a's listeners (replay). Sorts own by inode in
 * place. */
void sw_procmap_apply(struct sw_agg *a, struct sw_proc_owner *own, size_t n);

#endif
