/* sshpeer.c - who must never be locked out: the SSH peer of this session
 * and the peers of every established sshd socket. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sw_grow.h"
#include "sw_proc.h"
#include "sw_cause.h"
#include "sw_sshpeer.h"

struct sw_sshpeer_ctx {
	struct sw_policy *p;
	uint32_t *inodes; /* sockets held by sshd processes, sorted */
	size_t ninodes, capinodes;
	uint16_t ports[16]; /* ports sshd listens on */
	size_t nports;
	int added;
	int nomem;
};

int sw_sshpeer_parse_env(const char *value, struct sw_prefix *out)
{
	char addr[SW_ADDR_STRLEN + IF_NAMESIZE], *zone;
	const char *err;
	size_t n;

	if (!value)
		return -1;
	n = strcspn(value, " ");
	if (n == 0 || n >= sizeof(addr) || value[n] != ' ')
		return -1;
	memcpy(addr, value, n);
	addr[n] = '\0';
	/* sshd writes link-local peers with their zone: fe80::5%eth0 */
	zone = strchr(addr, '%');
	if (zone) {
		if (!strchr(addr, ':') || !zone[1])
			return -1;
		*zone = '\0';
	}
	if (strchr(addr, '/') || sw_prefix_parse(addr, out, &err) < 0)
		return -1;
	return 0;
}

static int sw_sshpeer_add_one(struct sw_sshpeer_ctx *c,
			      const struct sw_prefix *pfx, const char *note)
{
	size_t i;

	for (i = 0; i < c->p->n; i++) {
		const struct sw_policy_entry *e = &c->p->v[i];

		if (e->kind == SW_POLICY_SSH && sw_prefix_eq(&e->pfx, pfx))
			return 0;
	}
	if (sw_policy_add(c->p, pfx, SW_POLICY_SSH, note) < 0) {
		c->nomem = 1;
		return -1;
	}
	c->added++;
	return 0;
}

static int sw_sshpeer_u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool sw_sshpeer_is_sshd(const char *pid)
{
	char comm[SW_PROC_NAME_LEN];

	sw_proc_comm(pid, comm);
	/* sshd, and sshd-session of newer OpenSSH */
	return strncmp(comm, "sshd", 4) == 0;
}

/* Every socket inode held open by an sshd process. */
static int sw_sshpeer_inodes(struct sw_sshpeer_ctx *c)
{
	DIR *d = opendir("/proc"), *fdd;
	struct dirent *de, *fe;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[300];

		if (!isdigit((unsigned char)de->d_name[0]) ||
		    !sw_sshpeer_is_sshd(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fdd = opendir(path);
		if (!fdd)
			continue;
		while ((fe = readdir(fdd))) {
			char target[64];
			uint32_t ino;
			ssize_t n;

			n = readlinkat(dirfd(fdd), fe->d_name, target, sizeof(target));
			ino = n > 0 ? sw_proc_sock_inode(target, (size_t)n) : 0;
			if (!ino)
				continue;
			if (sw_grow((void **)&c->inodes, &c->capinodes,
				    c->ninodes + 1, sizeof(*c->inodes), 64)) {
				closedir(fdd);
				closedir(d);
				c->nomem = 1;
				return -1;
			}
			c->inodes[c->ninodes++] = ino;
		}
		closedir(fdd);
	}
	closedir(d);
	if (c->ninodes)
		qsort(c->inodes, c->ninodes, sizeof(*c->inodes), sw_sshpeer_u32cmp);
	return 0;
}

static bool sw_sshpeer_held(const struct sw_sshpeer_ctx *c, uint32_t inode)
{
	return inode && c->ninodes && bsearch(&inode, c->inodes, c->ninodes, sizeof(inode),
				sw_sshpeer_u32cmp);
}

static int sw_sshpeer_listen_cb(void *arg, const struct sw_sock *s)
{
	struct sw_sshpeer_ctx *c = arg;
	size_t i;

	if (s->state != SW_LISTEN)
		return 0;

	if (!sw_sshpeer_held(c, s->inode))
		return 0;
	for (i = 0; i < c->nports; i++)
		if (c->ports[i] == s->sport)
			return 0;
	if (c->nports < sizeof(c->ports) / sizeof(c->ports[0]))
		c->ports[c->nports++] = s->sport;
	return 0;
}

static int sw_sshpeer_estab_cb(void *arg, const struct sw_sock *s)
{
	struct sw_sshpeer_ctx *c = arg;
	struct sw_prefix pfx;
	bool ssh;
	size_t i;

	if (s->state != SW_ESTABLISHED)
		return 0;
	ssh = sw_sshpeer_held(c, s->inode);
	for (i = 0; i < c->nports && !ssh; i++)
		ssh = c->ports[i] == s->sport;
	if (!ssh)
		return 0;
	sw_prefix_make_norm(&pfx, s->family, s->dst, sw_family_bits(s->family));
	return sw_sshpeer_add_one(c, &pfx, "sshd");
}

int sw_sshpeer_from_socks(struct sw_policy *p, const uint32_t *inodes,
			  size_t ninodes, const struct sw_sock *socks, size_t n)
{
	struct sw_sshpeer_ctx c = {.p = p};
	size_t i;

	c.inodes = malloc((ninodes ? ninodes : 1) * sizeof(*c.inodes));
	if (!c.inodes)
		return -1;
	if (ninodes)
		memcpy(c.inodes, inodes, ninodes * sizeof(*c.inodes));
	c.ninodes = ninodes;
	qsort(c.inodes, c.ninodes, sizeof(*c.inodes), sw_sshpeer_u32cmp);
	for (i = 0; i < n; i++)
		sw_sshpeer_listen_cb(&c, &socks[i]);
	for (i = 0; i < n && !c.nomem; i++)
		sw_sshpeer_estab_cb(&c, &socks[i]);
	free(c.inodes);
	return c.nomem ? -1 : c.added;
}

int sw_sshpeer_add(struct sw_policy *p, struct sw_sockkill *k,
		   const char *ssh_connection, char **cause)
{
	struct sw_sshpeer_ctx c = {.p = p};
	struct sw_prefix pfx;

	if (sw_sshpeer_parse_env(ssh_connection, &pfx) == 0 &&
	    sw_sshpeer_add_one(&c, &pfx, "SSH_CONNECTION") < 0)
		goto nomem;
	/* /proc not readable: no sshd sockets known, the env still counts */
	if (sw_sshpeer_inodes(&c) < 0 && c.nomem)
		goto nomem;
	if (c.ninodes) {
		if (sw_sockkill_walk(k, SW_TCP, SW_STATE_BIT(SW_LISTEN),
				     sw_sshpeer_listen_cb, &c, cause) < 0 ||
		    sw_sockkill_walk(k, SW_TCP, SW_STATE_BIT(SW_ESTABLISHED),
				     sw_sshpeer_estab_cb, &c, cause) < 0) {
			free(c.inodes);
			return -1;
		}
		if (c.nomem)
			goto nomem;
	}
	free(c.inodes);
	return c.added;
nomem:
	free(c.inodes);
	return sw_cause_set(cause, "out of memory collecting SSH peers");
}
