/* netns.c - enter a named network namespace with setns(CLONE_NEWNET). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include "sw_cause.h"
#include "sw_netns.h"

int sw_netns_enter(const char *name, char **cause)
{
	char path[4096];
	struct statfs fs;
	int fd;

	*cause = NULL;
	if (!name || !*name || (name[0] != '/' &&
	    (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")))) {
		errno = EINVAL;
		return sw_cause_set(cause, "--netns '%s': not a namespace name "
				    "(see 'ip netns list')", name ? name : "");
	}
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	/* O_NONBLOCK: a FIFO put there must not hang the open */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0 && (fstatfs(fd, &fs) < 0 || fs.f_type != NSFS_MAGIC)) {
		close(fd);
		errno = EINVAL; /* any other file: not a namespace, whoever we are */
		fd = -1;
	} else if (fd >= 0 && setns(fd, CLONE_NEWNET) == 0) {
		close(fd);
		return 0;
	}
	if (fd >= 0) { /* setns failed */
		int err = errno;

		close(fd);
		errno = err;
	}
	if (errno == ENOENT || errno == ENOTDIR)
		return sw_cause_set(cause, "--netns %s: no such network namespace "
				    "(see 'ip netns list')", name);
	if (errno == EPERM || errno == EACCES)
		return sw_cause_set(cause, "--netns %s: entering a network namespace "
				    "needs root or CAP_SYS_ADMIN", name);
	if (errno == EINVAL)
		return sw_cause_set(cause, "--netns %s: %s is not a network namespace "
				    "(see 'ip netns list')", name, path);
	return sw_cause_set(cause, "--netns %s: cannot enter %s: %s", name, path,
			    strerror(errno));
}
