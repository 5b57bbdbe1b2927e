/* audit.c - the audit log of blocking actions, JSON lines. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sw_audit.h"
#include "sw_cause.h"
#include "sw_report.h"

struct sw_audit {
	char *path; /* NULL: no log */
	char *user;
	char *netns; /* NULL: the host's namespace */
	int fd;
	struct sw_buf line;
	unsigned failures;            /* writes that failed */
	char error[SW_AUDIT_ERR_LEN]; /* the last one's message */
};

static void sw_audit_str(struct sw_buf *b, const char *key, const char *v)
{
	sw_buf_printf(b, ",\"%s\":", key);
	if (v)
		sw_buf_json_str(b, v);
	else
		sw_buf_puts(b, "null");
}

void sw_audit_format(struct sw_buf *b, const struct sw_audit_rec *r,
		     uint64_t time_ns, const char *user, const char *netns)
{
	char when[40];

	sw_buf_printf(b, "{\"time\":\"%s\"",
		      sw_report_time(time_ns, when, sizeof(when)));
	sw_audit_str(b, "action", r->action);
	sw_audit_str(b, "target", r->target);
	sw_buf_puts(b, ",\"timeout\":");
	if (r->timeout_s >= 0)
		sw_buf_json_num(b, r->timeout_s, 3);
	else
		sw_buf_puts(b, "null");
	if (r->connections >= 0)
		sw_buf_printf(b, ",\"connections\":%ld", r->connections);
	else
		sw_buf_puts(b, ",\"connections\":null");
	sw_audit_str(b, "reason", r->reason);
	sw_audit_str(b, "user", user);
	sw_audit_str(b, "netns", netns);
	sw_audit_str(b, "outcome", r->outcome);
	sw_audit_str(b, "detail", r->detail);
	if (r->count >= 0)
		sw_buf_printf(b, ",\"count\":%ld", r->count);
	sw_buf_puts(b, "}\n");
}

char *sw_audit_user(char *buf, size_t len)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (sudo && *sudo) {
		snprintf(buf, len, "%s", sudo);
		return buf;
	}
	if (getpwuid_r(getuid(), &pw, tmp, sizeof(tmp), &res) == 0 && res)
		snprintf(buf, len, "%s", res->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned)getuid());
	return buf;
}

struct sw_audit *sw_audit_new(const char *path, const char *user,
			      const char *netns)
{
	struct sw_audit *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->fd = -1;
	sw_buf_init(&a->line);
	a->user = strdup(user ? user : "");
	if (netns)
		a->netns = strdup(netns);
	if (path && *path && strcmp(path, "-") != 0)
		a->path = strdup(path);
	if (!a->user || (netns && !a->netns) ||
	    (path && *path && strcmp(path, "-") != 0 && !a->path)) {
		sw_audit_free(a);
		return NULL;
	}
	return a;
}

/* Count a failure, keep msg for sw_audit_failures and hand it on. */
static int sw_audit_failed(struct sw_audit *a, char **cause, char *msg)
{
	a->failures++;
	snprintf(a->error, sizeof(a->error), "%s", sw_cause_text(msg));
	if (cause)
		*cause = msg;
	else
		free(msg);
	return -1;
}

int sw_audit_ready(struct sw_audit *a, char **cause)
{
	struct stat st;

	if (!a->path || a->fd >= 0)
		return 0;
	/* O_NONBLOCK: a FIFO without a reader must not hang the open */
	a->fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
				   O_NONBLOCK | O_NOCTTY, 0640);
	if (a->fd < 0) {
		return sw_audit_failed(a, cause, sw_cause_fmt(
			"cannot write the audit log %s: %s (use --audit-log PATH, "
			"or - for none)", a->path, strerror(errno)));
	}
	if (fstat(a->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(a->fd);
		a->fd = -1;
		return sw_audit_failed(a, cause, sw_cause_fmt(
			"the audit log %s is not a regular file (use --audit-log "
			"FILE, or - for none)", a->path));
	}
	return 0;
}

unsigned sw_audit_failures(const struct sw_audit *a, const char **last)
{
	if (last)
		*last = a->failures ? a->error : NULL;
	return a->failures;
}

int sw_audit_write(struct sw_audit *a, const struct sw_audit_rec *r,
		   char **cause)
{
	struct timespec ts;
	ssize_t n;

	if (!a->path)
		return 0;
	if (sw_audit_ready(a, cause) < 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	sw_buf_reset(&a->line);
	sw_audit_format(&a->line, r,
			(uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec,
			a->user, a->netns);
	if (a->line.oom) {
		return sw_audit_failed(a, cause,
				       sw_cause_fmt("audit log: out of memory"));
	}
	n = write(a->fd, a->line.data, a->line.len);
	if (n != (ssize_t)a->line.len) {
		return sw_audit_failed(a, cause, sw_cause_fmt(
			"writing the audit log %s failed: %s", a->path,
			n < 0 ? strerror(errno) : "short write"));
	}
	return 0;
}

void sw_audit_free(struct sw_audit *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	sw_buf_free(&a->line);
	free(a->path);
	free(a->user);
	free(a->netns);
	free(a);
}
