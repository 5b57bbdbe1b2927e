/* statefile.c - atomic replace (temp file, fsync, rename, fsync of the
 * directory), whole reads, and setting a damaged file aside. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sw_cause.h"
#include "sw_file.h"
#include "sw_statefile.h"

/* The directory of path, in buf (dirname without touching path). */
static const char *sw_statefile_dir(const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s", path);
	return dirname(buf);
}

static int sw_statefile_fsync_dir(const char *dir, char **cause)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return sw_cause_set(cause, "state file: cannot open %s: %s", dir,
				    strerror(errno));
	if (fsync(fd) < 0 && errno != EINVAL) {
		int e = errno;

		close(fd);
		errno = e;
		return sw_cause_set(cause, "state file: fsync of %s failed: %s",
				    dir, strerror(e));
	}
	close(fd);
	return 0;
}

static int sw_statefile_write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sw_statefile_write(const char *path, const char *data, size_t len,
		       char **cause)
{
	char tmp[4096], dbuf[4096];
	const char *dir = sw_statefile_dir(path, dbuf, sizeof(dbuf));
	const char *step;
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
			     (long)getpid()) >= sizeof(tmp))
		return sw_cause_set(cause, "state file: path too long: %s", path);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return sw_cause_set(cause, "state file: cannot make %s: %s", dir,
				    strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sw_cause_set(cause, "state file: cannot create %s: %s", tmp,
				    strerror(errno));
	step = "writing";
	if (sw_statefile_write_all(fd, data, len) < 0)
		goto fail;
	step = "fsync of";
	if (fsync(fd) < 0)
		goto fail;
	step = "closing";
	e = close(fd);
	fd = -1;
	if (e < 0)
		goto fail;
	step = "renaming";
	if (rename(tmp, path) < 0)
		goto fail;
	return sw_statefile_fsync_dir(dir, cause);
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return sw_cause_set(cause, "state file: %s %s failed: %s (the old %s "
			    "stays)", step, tmp, strerror(e), path);
}

int sw_statefile_read(const char *path, char **data, size_t *len, char **cause)
{
	char *text = NULL;

	*data = NULL;
	*len = 0;
	if (sw_file_read(path, "the state file", SW_STATEFILE_MAX, &text, len,
			 cause) < 0) {
		if (errno != ENOENT)
			return -1;
		sw_cause_clear(cause);
		*len = 0;
		return 0;
	}
	if (memchr(text, '\0', *len)) {
		free(text);
		*len = 0;
		return sw_cause_set(cause, "state file %s: holds a NUL byte: not "
				    "a state file (damaged?)", path);
	}
	*data = text;
	return 1;
}

int sw_statefile_clean(const char *path)
{
	char dbuf[4096], base[4096], full[8300];
	const char *dir = sw_statefile_dir(path, dbuf, sizeof(dbuf));
	const char *slash = strrchr(path, '/');
	struct dirent *de;
	size_t bl;
	DIR *d;
	int n = 0;

	snprintf(base, sizeof(base), "%s.tmp.", slash ? slash + 1 : path);
	bl = strlen(base);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(de->d_name, base, bl))
			continue;
		pid = strtol(de->d_name + bl, &end, 10);
		/* a writer still running keeps its file */
		if (*end || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, de->d_name);
		n += unlink(full) == 0;
	}
	closedir(d);
	return n;
}

int sw_statefile_set_aside(const char *path, char *aside, size_t asidelen,
			   char **cause)
{
	char to[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	struct stat st;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(to, sizeof(to), "%s.bad-%s", path, stamp);
		else
			snprintf(to, sizeof(to), "%s.bad-%s-%d", path, stamp, i);
		if (lstat(to, &st) < 0 && errno == ENOENT)
			break;
	}
	if (rename(path, to) < 0)
		return sw_cause_set(cause, "state file %s: cannot set it aside "
				    "as %s: %s", path, to, strerror(errno));
	if (aside)
		snprintf(aside, asidelen, "%s", to);
	return 0;
}
