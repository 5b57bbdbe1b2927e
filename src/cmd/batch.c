/* batch.c - batch mode: -n refreshes, -d seconds apart, printed as text
 * tables or NDJSON by the report hook of the watch loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_cause.h"
#include "sw_cmd.h"
#include "sw_metrics.h"
#include "sw_prom.h"
#include "sw_report.h"
#include "sw_watch.h"

struct sw_batch {
	const struct sw_opts *o;
	struct sw_watch *w;
	struct sw_report_opts ro;
	struct sw_buf out;
	long printed;
};

/* The report hook: one frame as text or one NDJSON line, on stdout. */
static int sw_batch_print(void *arg, const struct sw_frame *f, bool forced,
			  char **cause)
{
	struct sw_batch *b = arg;

	(void)forced;
	sw_buf_reset(&b->out);
	if (b->o->prom) {
		struct sw_prom_in in = {
			.f = f,
			.top = (unsigned)b->o->metrics_top,
			.group_v4 = b->ro.group_v4,
			.group_v6 = b->ro.group_v6,
			.refresh_errors = sw_watch_refresh_errors(b->w),
			.version = SW_VERSION,
		};

		sw_prom_render(&b->out, &in, SW_PROM_TEXT);
	} else if (b->o->json) {
		sw_report_json(&b->out, f, &b->ro);
	} else {
		if (b->printed > 0)
			sw_buf_puts(&b->out, "\n");
		sw_report_text(&b->out, f, &b->ro);
	}
	if (b->out.oom)
		return sw_cause_set(cause, "out of memory formatting the report");
	if (fwrite(b->out.data, 1, b->out.len, stdout) != b->out.len ||
	    fflush(stdout))
		return sw_cause_set(cause, "writing the report failed: %s",
				    strerror(errno ? errno : EIO));
	b->printed++;
	return 0;
}

static int sw_batch_main(const struct sw_opts *o)
{
	struct sw_batch b = {
		.o = o,
		.ro = {
			.top = o->top,
			.group_v4 = o->engine.group.group_v4,
			.group_v6 = o->engine.group.group_v6,
			.netns = o->engine.netns,
			.no_diagnosis = o->no_diagnosis,
		},
	};
	struct sw_watch_opts wo = {
		.interval_s = o->delay_s > 0 ? o->delay_s : 0,
		.limit = o->iterations,
		.steady = true,
		.no_diagnosis = o->no_diagnosis,
	};
	struct sw_watch_hook h = { .frame = sw_batch_print, .arg = &b };
	struct sw_watch *w;
	struct sw_engine *e;
	struct sw_metrics *m;
	char *cause = NULL;
	int rc = 0;

	/* bound before the engine enters --netns: scrapers reach it here */
	if (sw_metrics_open(o, &m, &cause) < 0) {
		fprintf(stderr, "sockwatch: %s\n", cause);
		free(cause);
		return 1;
	}
	e = sw_engine_start(&o->engine, &rc, &cause);
	if (!e) { /* a bad -f is a bad command line: rc 2 */
		fprintf(stderr, "sockwatch: %s\n", cause ? cause : "cannot start");
		free(cause);
		sw_metrics_stop(m);
		return rc;
	}
	b.ro.filter = sw_engine_filter_text(e);
	sw_buf_init(&b.out);
	w = sw_watch_new(e, NULL, &wo, &cause);
	b.w = w;
	if (!w || sw_watch_hook(w, &h) < 0 || (m && sw_metrics_attach(m, w) < 0)) {
		fprintf(stderr, "sockwatch: %s\n", cause ? cause : "out of memory");
		rc = 1;
	} else if (sw_watch_run(w, &cause) < 0) {
		fprintf(stderr, "sockwatch: %s\n", cause ? cause : "refresh failed");
		rc = 1;
	} else if (sw_engine_frame(e)->seq == 0) {
		fprintf(stderr, "sockwatch: %s: the recording holds no refresh\n",
			o->engine.replay);
		rc = 1;
	}
	free(cause);
	/* a failed write to the recording failed its refresh: said above */
	free(sw_watch_close(w));
	sw_metrics_stop(m);
	sw_buf_free(&b.out);
	return rc;
}

const struct sw_cmd_entry sw_cmd_batch_entry = {
	.mode = SW_MODE_BATCH,
	.label = "batch mode",
	.usage = "-b [options]              batch: print snapshots and exit\n",
	.run = sw_batch_main, /* checks its own writes */
};
