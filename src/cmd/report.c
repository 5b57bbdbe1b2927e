/* report.c - `sockwatch report FILE [--audit FILE] [-o OUT] [--json]`: a
 * recording read through the replay source and the engine (the very
 * frames a replay shows, the diagnosis' findings with them), one frame at
 * a time into the incident (sw_incident.h: bounded memory, whatever the
 * length), and the audit log line by line; then the HTML page or the
 * JSON summary. A recording damaged part way gives the report of what
 * was readable, with a note saying where it broke. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_cause.h"
#include "sw_cmd.h"
#include "sw_incident.h"
#include "sw_report_read.h"
#include "sw_watch.h"

/* Lines of the audit log longer than this are no audit record. */
#define SW_REPORT_LINE_MAX 65536

struct sw_report_reading {
	struct sw_incident *inc;
	char *damage;
	uint64_t seq;         /* the refresh taken last */
};

static int sw_report_frame(void *arg, const struct sw_frame *f, bool forced,
			   char **cause)
{
	struct sw_report_reading *r = arg;

	(void)cause;
	(void)forced; /* the first refresh is forced too: new ones go by seq */
	if (f->seq != r->seq)
		sw_incident_frame(r->inc, f);
	r->seq = f->seq;
	return 0;
}

static void sw_report_end(void *arg, const char *damage)
{
	struct sw_report_reading *r = arg;

	if (damage && !r->damage)
		r->damage = strdup(damage);
}

static int sw_report_frames(const char *path, const struct sw_agg_opts *group,
			    struct sw_incident *inc, char **note, char **cause)
{
	struct sw_engine_opts eo = { .replay = path, .group = *group };
	struct sw_watch_opts wo = { .retry = true };
	struct sw_report_reading r = { .inc = inc };
	struct sw_watch_hook h = { .frame = sw_report_frame, .end = sw_report_end,
				   .arg = &r };
	struct sw_engine *e;
	struct sw_watch *w;
	int status, rc = 0;

	e = sw_engine_start(&eo, &status, cause);
	if (!e)
		return -1;
	w = sw_watch_new(e, NULL, &wo, cause);
	if (!w)
		return -1;
	if (sw_watch_hook(w, &h) < 0) {
		rc = sw_cause_set(cause, "out of memory");
	} else if (sw_watch_run(w, cause) < 0) {
		/* a refresh that failed for another reason than the file:
		 * what was read so far still makes a report */
		if (!r.damage)
			r.damage = *cause ? strdup(*cause) : NULL;
		free(*cause);
		*cause = NULL;
	}
	free(sw_watch_close(w));
	*note = r.damage;
	return rc;
}

/* Open for reading a regular file only (a FIFO must not hang us). */
static FILE *sw_report_open(const char *path, char **cause)
{
	struct stat st;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		sw_cause_set(cause, "--audit %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		sw_cause_set(cause, "--audit %s: not a regular file (give the audit "
			     "log, e.g. /var/log/sockwatch.log)", path);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		sw_cause_set(cause, "--audit %s: %s", path, strerror(errno));
	}
	return f;
}

static int sw_report_audit(const char *path, struct sw_incident *inc,
			   char **cause)
{
	char *line = malloc(SW_REPORT_LINE_MAX);
	bool skipping = false;
	FILE *f;
	int rc = 0;

	if (!line)
		return sw_cause_set(cause, "out of memory");
	f = sw_report_open(path, cause);
	if (!f) {
		free(line);
		return -1;
	}
	while (fgets(line, SW_REPORT_LINE_MAX, f)) {
		size_t n = strlen(line);
		bool whole = n && line[n - 1] == '\n';

		if (!skipping && (whole || feof(f)))
			sw_incident_audit_line(inc, line, n);
		else if (!skipping)
			inc->events_bad++; /* too long to be a record */
		skipping = !whole && !feof(f);
	}
	if (ferror(f))
		rc = sw_cause_set(cause, "--audit %s: reading failed: %s", path,
				  strerror(errno ? errno : EIO));
	fclose(f);
	free(line);
	return rc;
}

int sw_report_read(const char *recording, const char *audit,
		   const struct sw_agg_opts *group, struct sw_incident *inc,
		   char **note, char **cause)
{
	*note = NULL;
	if (sw_incident_init(inc) < 0)
		return sw_cause_set(cause, "out of memory");
	if (sw_report_frames(recording, group, inc, note, cause) < 0 ||
	    (audit && sw_report_audit(audit, inc, cause) < 0)) {
		free(*note);
		*note = NULL;
		sw_incident_free(inc);
		return -1;
	}
	sw_incident_end(inc);
	return 0;
}

void sw_report_format(struct sw_buf *b, const struct sw_incident *inc,
		      const struct sw_report_src *src, bool json)
{
	if (json)
		sw_report_summary_json(b, inc, src);
	else
		sw_report_html(b, inc, src);
}

/* Write b to path through a temporary file beside it, so a page is
 * never half there. Returns 0 or -1 with *cause. */
static int sw_report_write(const struct sw_buf *b, const char *path,
			   char **cause)
{
	char *tmp = NULL;
	FILE *f;
	int err = 0;

	if (!path) {
		if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout))
			return sw_cause_set(cause, "writing the report failed: %s",
					    strerror(errno ? errno : EIO));
		return 0;
	}
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return sw_cause_set(cause, "out of memory");
	f = fopen(tmp, "wx");
	if (!f) {
		sw_cause_set(cause, "-o %s: cannot write %s: %s", path, tmp,
			     strerror(errno));
		free(tmp);
		return -1;
	}
	if (fwrite(b->data, 1, b->len, f) != b->len)
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err) {
		unlink(tmp);
		sw_cause_set(cause, "-o %s: writing failed: %s", path, strerror(err));
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int sw_report_main(const struct sw_opts *o)
{
	struct sw_report_src src = { .recording = o->target, .audit = o->audit_in };
	struct sw_incident inc;
	struct sw_buf out;
	char *cause = NULL, *note = NULL;
	int rc = 0;

	if (sw_report_read(o->target, o->audit_in, &o->engine.group, &inc, &note,
			   &cause) < 0) {
		fprintf(stderr, "sockwatch: report: %s\n", cause ? cause : "out of memory");
		free(cause);
		return 1;
	}
	src.note = note;
	sw_buf_init(&out);
	sw_report_format(&out, &inc, &src, o->json);
	if (out.oom) {
		fprintf(stderr, "sockwatch: report: out of memory formatting it\n");
		rc = 1;
	} else if (sw_report_write(&out, o->output, &cause) < 0) {
		fprintf(stderr, "sockwatch: report: %s\n", cause ? cause : "writing failed");
		rc = 1;
	}
	if (!rc && note)
		fprintf(stderr, "sockwatch: report: %s: the report covers the %llu "
			"refreshes before it\n", note, (unsigned long long)inc.frames);
	free(cause);
	free(note);
	sw_buf_free(&out);
	sw_incident_free(&inc);
	return rc;
}

static int sw_report_check(const struct sw_cmd_entry *e, const struct sw_opts *o,
			   char **cause)
{
	(void)e;
	if (!o->target || !*o->target)
		return sw_cause_set(cause, "report: which recording? (sockwatch report "
				    "FILE, a file made with --record FILE)");
	return 0;
}

const struct sw_cmd_entry sw_cmd_report_entry = {
	.mode = SW_MODE_REPORT,
	.name = "report",
	.label = "report",
	.usage = "report FILE [--audit LOG] [-o OUT] [--json] [-g V4[,V6]]\n"
		 "                                           an incident report of a "
		 "recording (HTML)\n",
	.options = (const char *const[]){"json", "audit", "output", "group", NULL},
	.check = sw_report_check,
	.run = sw_report_main, /* checks its own writes */
};
