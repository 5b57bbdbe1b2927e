/* netns.c - enter a named network namespace with setns(CLONE_NEWNET). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sw_netns.h"

int sw_netns_enter(const char *name, char **cause)
{
	char path[4096];
	int fd, err;

	*cause = NULL;
	if (!name || !*name || (name[0] != '/' &&
	    (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")))) {
		if (asprintf(cause, "--netns '%s': not a namespace name (see 'ip netns list')",
			     name ? name : "") < 0)
			*cause = NULL;
		errno = EINVAL;
		return -1;
	}
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && setns(fd, CLONE_NEWNET) == 0) {
		close(fd);
		return 0;
	}
	err = errno;
	if (fd >= 0)
		close(fd);
	if (err == ENOENT || err == ENOTDIR)
		fd = asprintf(cause, "--netns %s: no such network namespace (see 'ip netns list')",
			      name);
	else if (err == EPERM || err == EACCES)
		fd = asprintf(cause, "--netns %s: entering a network namespace needs root or CAP_SYS_ADMIN",
			      name);
	else if (err == EINVAL)
		fd = asprintf(cause, "--netns %s: %s is not a network namespace (see 'ip netns list')",
			      name, path);
	else
		fd = asprintf(cause, "--netns %s: cannot enter %s: %s", name, path,
			      strerror(err));
	if (fd < 0)
		*cause = NULL;
	errno = err;
	return -1;
}
