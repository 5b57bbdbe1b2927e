/* doctor.c - `sockwatch doctor`: one refresh of the TCP sockets of the
 * namespace with its host settings, the sysctl configuration files, and
 * the verdict (src/core/doctor.c) as text or JSON. */
#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sw_cause.h"
#include "sw_cmd.h"
#include "sw_doctor.h"
#include "sw_proc.h"

/* Where tcp_tw_recycle is looked for: files, and directories whose *.conf
 * files are read. SOCKWATCH_SYSCTL_PATHS replaces the list (for tests;
 * colon-separated). */
#define SW_DOCTOR_CONF_PATHS "/etc/sysctl.conf:/etc/sysctl.d"

static void sw_doctor_scan_file(struct sw_doctor *d, const char *path,
				char **buf, size_t *cap)
{
	ssize_t n = sw_proc_read_file(path, buf, cap);

	if (n > 0)
		sw_doctor_scan_conf(d, path, *buf, (size_t)n);
}

static int sw_doctor_conf_filter(const struct dirent *e)
{
	return fnmatch("*.conf", e->d_name, FNM_PERIOD) == 0;
}

/* One entry of the list: a file, or a directory's *.conf files in name
 * order (as sysctl --system reads them). Missing ones are skipped. */
static void sw_doctor_scan_path(struct sw_doctor *d, const char *path,
				char **buf, size_t *cap)
{
	struct dirent **ents;
	struct stat st;
	int n;

	if (stat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		sw_doctor_scan_file(d, path, buf, cap);
		return;
	}
	n = scandir(path, &ents, sw_doctor_conf_filter, alphasort);
	for (int i = 0; i < n; i++) {
		char file[4096];

		if (snprintf(file, sizeof(file), "%s/%s", path, ents[i]->d_name) <
		    (int)sizeof(file))
			sw_doctor_scan_file(d, file, buf, cap);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static void sw_doctor_scan_all(struct sw_doctor *d)
{
	const char *env = getenv("SOCKWATCH_SYSCTL_PATHS");
	char *list = strdup(env ? env : SW_DOCTOR_CONF_PATHS), *save = NULL;
	char *buf = NULL;
	size_t cap = 0;

	for (char *p = list ? strtok_r(list, ":", &save) : NULL; p;
	     p = strtok_r(NULL, ":", &save))
		sw_doctor_scan_path(d, p, &buf, &cap);
	free(buf);
	free(list);
}

static int sw_doctor_main(const struct sw_opts *o)
{
	struct sw_engine_opts eo = {
		.tcp = true,
		.netns = o->engine.netns,
		.group = o->engine.group,
		.resolve_procs = true,
	};
	const struct sw_frame *f;
	struct sw_doctor *d = calloc(1, sizeof(*d));
	struct sw_engine *e;
	struct sw_buf b;
	char *cause = NULL;
	int rc = 1;

	if (!d) {
		fprintf(stderr, "sockwatch: doctor: out of memory\n");
		return 1;
	}
	e = sw_engine_start(&eo, &rc, &cause);
	if (!e || sw_engine_refresh(e, &cause) < 0) {
		fprintf(stderr, "sockwatch: doctor: %s\n",
			cause ? cause : "out of memory");
		free(cause);
		sw_engine_close(e);
		free(d);
		return 1;
	}
	f = sw_engine_frame(e);
	d->netns = o->engine.netns;
	if (sw_doctor_judge(d, f->host, f->agg, f->snap) < 0)
		fprintf(stderr, "sockwatch: doctor: out of memory counting outbound "
			"connections; the port range is judged without them\n");
	sw_doctor_scan_all(d);
	sw_buf_init(&b);
	if (o->json)
		sw_doctor_json(d, &b);
	else
		sw_doctor_text(d, &b);
	rc = b.oom ? 1 : d->risks ? 3 : 0;
	if (b.oom)
		fprintf(stderr, "sockwatch: doctor: out of memory formatting\n");
	else
		fwrite(b.data, 1, b.len, stdout);
	sw_buf_free(&b);
	sw_engine_close(e);
	free(d);
	return rc;
}

static int sw_doctor_check(const struct sw_cmd_entry *e,
			   const struct sw_opts *o, char **cause)
{
	(void)e;
	if (!o->target)
		return 0;
	return sw_cause_set(cause, "doctor takes no argument (for a namespace: "
			    "--netns NAME)");
}

const struct sw_cmd_entry sw_cmd_doctor_entry = {
	.mode = SW_MODE_DOCTOR,
	.name = "doctor",
	.label = "doctor",
	.usage = "doctor [--json]           host settings: their risks and advice\n",
	.options = (const char *const[]){"json", NULL},
	.check = sw_doctor_check,
	.run = sw_doctor_main,
	.flush = true,
};
