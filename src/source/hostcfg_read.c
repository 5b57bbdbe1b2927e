/* hostcfg_read.c - the host settings as read from /proc/sys of this
 * thread's network namespace (sw_hostcfg_read.h). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sw_hostcfg.h"
#include "sw_hostcfg_read.h"

/* One sysctl file's text, whitespace runs as one space, no newline.
 * Returns its length, or -1 when it cannot be read or is empty. */
static int sw_hostcfg_read_one(const char *path, char *out, size_t cap)
{
	char raw[128];
	ssize_t n;
	size_t o = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n && o + 1 < cap; i++) {
		bool space = raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n';

		if (space && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = space ? ' ' : raw[i];
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o ? (int)o : -1;
}

int sw_hostcfg_read(const char *root, struct sw_buf *out)
{
	char path[256], val[128];
	const char *name;
	int got = 0;

	for (unsigned i = 0; (name = sw_hostcfg_sysctl(i)); i++) {
		if (!sw_hostcfg_path(root ? root : "/proc/sys", name, path,
				     sizeof(path)) ||
		    sw_hostcfg_read_one(path, val, sizeof(val)) < 0)
			continue;
		sw_buf_printf(out, "%s %s\n", name, val);
		got++;
	}
	return got;
}
