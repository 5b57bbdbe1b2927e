/* proc.c - /proc readers: whole small files (the counter texts) and the
 * owners of sockets (the listeners', and the rows a detail view shows).
 *
 * Finding a socket's owner means reading every link in /proc/[pid]/fd, which
 * costs about a microsecond per descriptor on the machine: so owners are
 * cached by inode, the scan runs only when a listener's inode is new, at
 * most once per refresh, and records only the inodes asked for. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sw_clock.h"
#include "sw_grow.h"
#include "sw_proc.h"

ssize_t sw_proc_read_file(const char *path, char **buf, size_t *cap)
{
	size_t len = 0;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n;

		if (!*buf && *cap)
			*cap = 0;
		if (sw_grow((void **)buf, cap, len + 2, 1, 8192))
			goto fail;
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	(*buf)[len] = '\0';
	close(fd);
	return (ssize_t)len;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Open-addressing table of owners; inode 0 marks an empty slot. pid 0 is
 * an inode not searched for yet, SW_PROC_NOT_FOUND one searched for in
 * vain (a process we may not look into, or in another pid namespace): it
 * is not searched again, or every refresh would rescan /proc. */
#define SW_PROC_NOT_FOUND (-1)

struct sw_procmap {
	struct sw_proc_owner *slots;
	uint32_t nslots; /* power of two */
	uint32_t count;
	uint32_t left;   /* during a scan: inodes without an owner yet */
};

struct sw_procmap *sw_procmap_new(void)
{
	return calloc(1, sizeof(struct sw_procmap));
}

void sw_procmap_free(struct sw_procmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

static inline uint32_t sw_procmap_hash(uint32_t inode, uint32_t mask)
{
	return (uint32_t)((inode * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

static struct sw_proc_owner *sw_procmap_find(const struct sw_procmap *m,
					     uint32_t inode)
{
	uint32_t mask = m->nslots - 1, h;

	if (!m->nslots)
		return NULL;
	for (h = sw_procmap_hash(inode, mask); m->slots[h].inode;
	     h = (h + 1) & mask)
		if (m->slots[h].inode == inode)
			return &m->slots[h];
	return NULL;
}

static int sw_procmap_grow(struct sw_procmap *m, uint32_t need)
{
	struct sw_proc_owner *old = m->slots;
	uint32_t oldn = m->nslots, n = oldn ? oldn : 64, i;

	while (n < need * 2)
		n *= 2;
	if (n == oldn)
		return 0;
	m->slots = calloc(n, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		errno = ENOMEM;
		return -1;
	}
	m->nslots = n;
	for (i = 0; i < oldn; i++) {
		uint32_t h;

		if (!old[i].inode)
			continue;
		for (h = sw_procmap_hash(old[i].inode, n - 1); m->slots[h].inode;
		     h = (h + 1) & (n - 1))
			;
		m->slots[h] = old[i];
	}
	free(old);
	return 0;
}

/* Add inode as not-yet-found unless present. Returns 0 or -1 (ENOMEM). */
/* Add inode as wanted unless known. Returns 1 added, 0 known, -1 ENOMEM. */
static int sw_procmap_want(struct sw_procmap *m, uint32_t inode)
{
	uint32_t h;

	if (sw_procmap_find(m, inode))
		return 0;
	if (sw_procmap_grow(m, m->count + 1) < 0)
		return -1;
	for (h = sw_procmap_hash(inode, m->nslots - 1); m->slots[h].inode;
	     h = (h + 1) & (m->nslots - 1))
		;
	memset(&m->slots[h], 0, sizeof(m->slots[h]));
	m->slots[h].inode = inode;
	m->count++;
	return 1;
}

void sw_proc_comm(const char *pid, char name[SW_PROC_NAME_LEN])
{
	char path[300];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, name, SW_PROC_NAME_LEN - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	name[n] = '\0';
	name[strcspn(name, "\n")] = '\0';
}

uint32_t sw_proc_sock_inode(const char *link, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n < 10 || memcmp(link, "socket:[", 8) != 0 || link[n - 1] != ']')
		return 0;
	for (i = 8; i < n - 1; i++) {
		if (!isdigit((unsigned char)link[i]) || v > UINT32_MAX)
			return 0;
		v = v * 10 + (uint64_t)(link[i] - '0');
	}
	return v <= UINT32_MAX ? (uint32_t)v : 0;
}

/* Time spent reading processes of other namespaces, per scan. */
#define SW_PROC_FOREIGN_BUDGET_NS (50 * 1000000ull)

/* One process: every fd that is a socket we still want gets this owner.
 * /proc lists pids in ascending order, so the first owner found is the
 * lowest pid (workers sharing a listener show their master). */
static void sw_procmap_scan_pid(struct sw_procmap *m, const char *pid,
				unsigned maxfds, uint64_t deadline)
{
	unsigned nfd = 0;
	char path[300], link[64], name[SW_PROC_NAME_LEN];
	bool have_name = false;
	struct dirent *de;
	DIR *d;
	int p = atoi(pid);

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path); /* EACCES, ENOENT (exited): nothing to learn */
	if (!d)
		return;
	while (m->left && (de = readdir(d))) {
		struct sw_proc_owner *o;
		ssize_t n;
		uint32_t ino;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (++nfd > maxfds ||
		    (deadline && nfd % 256 == 0 && sw_now_ns(CLOCK_MONOTONIC) > deadline))
			break;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link));
		ino = n > 0 ? sw_proc_sock_inode(link, (size_t)n) : 0;
		if (!ino || !(o = sw_procmap_find(m, ino)) || o->pid)
			continue;
		if (!have_name) {
			sw_proc_comm(pid, name);
			have_name = true;
		}
		o->pid = p;
		memcpy(o->name, name, sizeof(o->name));
		m->left--;
	}
	closedir(d);
}

/* Is process pid in the network namespace whose inode is ns? */
static bool sw_procmap_in_ns(const char *pid, ino_t ns)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	return stat(path, &st) == 0 && st.st_ino == ns;
}

/* How the scan goes, cheapest first, stopping once every wanted inode
 * has an owner: a socket's owner nearly always lives in the socket's
 * namespace and opened its listeners first (low descriptors), while a
 * load generator in another namespace may hold hundreds of thousands of
 * descriptors (0.6 s to read them all). */
static const struct {
	bool same_ns;     /* processes of our namespace, or the others */
	unsigned maxfds;  /* descriptors read per process */
	bool budget;      /* within SW_PROC_FOREIGN_BUDGET_NS */
} sw_procmap_passes[] = {
	{ true, 64, false },
	{ true, UINT_MAX, false },
	{ false, UINT_MAX, true },
};

static void sw_procmap_scan(struct sw_procmap *m)
{
	struct stat self;
	struct dirent *de;
	uint32_t i;
	unsigned pass;
	DIR *d;

	m->left = 0;
	for (i = 0; i < m->nslots; i++)
		m->left += m->slots[i].inode && !m->slots[i].pid;
	if (stat("/proc/thread-self/ns/net", &self) < 0)
		self.st_ino = 0;
	d = opendir("/proc");
	for (pass = 0; d && m->left && pass < sizeof(sw_procmap_passes) /
					     sizeof(sw_procmap_passes[0]); pass++) {
		uint64_t deadline = sw_procmap_passes[pass].budget ?
			sw_now_ns(CLOCK_MONOTONIC) + SW_PROC_FOREIGN_BUDGET_NS : 0;

		rewinddir(d);
		while (m->left && (de = readdir(d))) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
			    sw_procmap_in_ns(de->d_name, self.st_ino) !=
				    sw_procmap_passes[pass].same_ns)
				continue;
			if (deadline && sw_now_ns(CLOCK_MONOTONIC) > deadline)
				break;
			sw_procmap_scan_pid(m, de->d_name,
					    sw_procmap_passes[pass].maxfds, deadline);
		}
	}
	if (d)
		closedir(d);
	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].inode && !m->slots[i].pid)
			m->slots[i].pid = SW_PROC_NOT_FOUND;
}

/* Want every inode of n (at ino, stride bytes apart; 0s skipped), and
 * scan /proc once if one is new. Returns 0 or -1 (ENOMEM). */
static int sw_procmap_resolve(struct sw_procmap *m, const uint32_t *ino,
			      size_t n, size_t stride)
{
	bool missing = false;

	for (size_t i = 0; i < n; i++) {
		uint32_t v = *(const uint32_t *)(const void *)((const char *)ino + i * stride);
		int r = v ? sw_procmap_want(m, v) : 0;

		if (r < 0)
			return -1;
		missing |= r > 0;
	}
	if (missing)
		sw_procmap_scan(m);
	return 0;
}

int sw_procmap_lookup(struct sw_procmap *m, const uint32_t *ino, size_t n,
		      struct sw_proc_owner *out)
{
	/* keep the cache near what is asked: rows come and go */
	if (m->count > 4 * n + 1024) {
		memset(m->slots, 0, (size_t)m->nslots * sizeof(*m->slots));
		m->count = 0;
	}
	if (sw_procmap_resolve(m, ino, n, sizeof(*ino)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct sw_proc_owner *o = ino[i] ? sw_procmap_find(m, ino[i]) : NULL;

		memset(&out[i], 0, sizeof(out[i]));
		out[i].inode = ino[i];
		if (o && o->pid > 0) {
			out[i].pid = o->pid;
			memcpy(out[i].name, o->name, sizeof(out[i].name));
		}
	}
	return 0;
}

static void sw_procmap_set(struct sw_listener *l, const struct sw_proc_owner *o)
{
	l->pid = o && o->pid > 0 ? o->pid : 0;
	if (l->pid)
		memcpy(l->process, o->name, sizeof(l->process));
	else
		l->process[0] = '\0';
	l->process[sizeof(l->process) - 1] = '\0';
}

int sw_procmap_fill(struct sw_procmap *m, struct sw_agg *a,
		    struct sw_proc_owner **out, size_t *nout)
{
	size_t n = 0;
	uint32_t i;

	if (out) {
		*out = NULL;
		*nout = 0;
	}
	/* Keep the cache near the listener count: sockets come and go. */
	if (m->count > 4 * a->nlisteners + 256) {
		memset(m->slots, 0, (size_t)m->nslots * sizeof(*m->slots));
		m->count = 0;
	}
	if (a->nlisteners &&
	    sw_procmap_resolve(m, &a->listeners[0].inode, a->nlisteners,
			       sizeof(*a->listeners)) < 0)
		return -1;
	for (i = 0; i < a->nlisteners; i++) {
		struct sw_listener *l = &a->listeners[i];

		sw_procmap_set(l, l->inode ? sw_procmap_find(m, l->inode) : NULL);
		n += l->pid != 0;
	}
	if (!out || !n)
		return 0;
	*out = malloc(n * sizeof(**out));
	if (!*out) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < a->nlisteners; i++) {
		const struct sw_listener *l = &a->listeners[i];
		struct sw_proc_owner *o;

		if (!l->pid)
			continue;
		o = &(*out)[(*nout)++];
		memset(o, 0, sizeof(*o));
		o->inode = l->inode;
		o->pid = l->pid;
		memcpy(o->name, l->process, sizeof(o->name));
	}
	return 0;
}

static int sw_procmap_cmp(const void *a, const void *b)
{
	const struct sw_proc_owner *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

void sw_procmap_apply(struct sw_agg *a, struct sw_proc_owner *own, size_t n)
{
	struct sw_proc_owner key;
	uint32_t i;

	if (n)
		qsort(own, n, sizeof(*own), sw_procmap_cmp);
	memset(&key, 0, sizeof(key));
	for (i = 0; i < a->nlisteners; i++) {
		struct sw_listener *l = &a->listeners[i];

		key.inode = l->inode;
		sw_procmap_set(l, l->inode && n ? bsearch(&key, own, n, sizeof(*own),
							  sw_procmap_cmp)
					       : NULL);
	}
}
