/* file.c - read a small configuration file whole (sw_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_cause.h"
#include "sw_file.h"

static int fail(int fd, char *text, int err, char **cause, const char *path,
		const char *what, const char *why)
{
	if (fd >= 0)
		close(fd);
	free(text);
	sw_cause_set(cause, "cannot read %s %s: %s", what, path, why);
	errno = err;
	return -1;
}

int sw_file_read(const char *path, const char *what, size_t max, char **text,
		 size_t *len, char **cause)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd;

	*text = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail(-1, NULL, errno, cause, path, what, strerror(errno));
	if (fstat(fd, &st) < 0)
		return fail(fd, NULL, errno, cause, path, what, strerror(errno));
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		sw_cause_set(cause, "%s %s is %s, not a regular file", what, path,
			     S_ISDIR(st.st_mode)    ? "a directory"
			     : S_ISFIFO(st.st_mode) ? "a FIFO"
						    : "a device or socket");
		errno = EINVAL;
		return -1;
	}
	buf = malloc(max + 1);
	if (!buf)
		return fail(fd, NULL, ENOMEM, cause, path, what, "out of memory");
	/* one byte more than allowed tells a file that is too large */
	while (n <= max) {
		r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(fd, buf, errno, cause, path, what, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(buf);
		sw_cause_set(cause, "%s %s is larger than %zu bytes", what, path, max);
		errno = EFBIG;
		return -1;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
