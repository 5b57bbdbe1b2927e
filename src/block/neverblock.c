/* neverblock.c - collect the never-block list from its sources, fresh. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_block.h"
#include "sw_cause.h"
#include "sw_neverblock.h"
#include "sw_rtnl.h"
#include "sw_sshpeer.h"

int sw_neverblock_allow(struct sw_policy *p, const char *path, bool named,
			char **cause)
{
	char *text = NULL, err[SW_BLOCK_MSG_LEN];
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int fd, r;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && !named)
			return 0;
		return sw_cause_set(cause, "cannot read the allow list %s: %s (fix "
				    "it or set --allow-file)", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		r = errno;
		close(fd);
		return sw_cause_set(cause, "cannot read the allow list %s: %s",
				    path, strerror(r));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return sw_cause_set(cause, "the allow list %s is %s, not a regular "
				    "file", path, S_ISDIR(st.st_mode) ? "a directory"
				    : S_ISFIFO(st.st_mode) ? "a FIFO" : "a device or socket");
	}
	text = malloc(SW_NEVERBLOCK_ALLOW_MAX + 1);
	if (!text) {
		close(fd);
		return sw_cause_set(cause, "out of memory reading %s", path);
	}
	/* one byte more than allowed tells a file that is too large */
	while (len <= SW_NEVERBLOCK_ALLOW_MAX) {
		n = read(fd, text + len, SW_NEVERBLOCK_ALLOW_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = errno;
			free(text);
			close(fd);
			return sw_cause_set(cause, "cannot read the allow list %s: %s",
					    path, strerror(r));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > SW_NEVERBLOCK_ALLOW_MAX) {
		free(text);
		return sw_cause_set(cause, "the allow list %s is larger than %d "
				    "bytes", path, SW_NEVERBLOCK_ALLOW_MAX);
	}
	r = sw_policy_parse_allow(p, text, len, path, err, sizeof(err));
	free(text);
	if (r < 0)
		return sw_cause_set(cause, "%s", err);
	return r;
}

int sw_neverblock_read(struct sw_policy *p, const char *allow_path,
		       bool named, struct sw_sockkill *k,
		       const char *ssh_connection, char **cause)
{
	char *why = NULL;

	if (sw_policy_init(p) < 0)
		return sw_cause_set(cause, "blocking: out of memory");
	if (sw_neverblock_allow(p, allow_path, named, cause) < 0)
		goto fail;
	/* without these the policy would be blind: refuse to block at all */
	if (sw_rtnl_host_addrs(p, cause) < 0 || sw_rtnl_gateways(p, cause) < 0)
		goto fail;
	if (sw_sshpeer_add(p, k, ssh_connection, &why) < 0) {
		sw_cause_set(cause, "finding SSH peers: %s", sw_cause_text(why));
		free(why);
		goto fail;
	}
	return 0;
fail:
	sw_policy_free(p);
	return -1;
}
