/* batch.c - batch mode: -n refreshes, -d seconds apart, printed as text
 * tables or NDJSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sw_cli.h"
#include "sw_engine.h"
#include "sw_report.h"

static void sw_batch_sleep_until(const struct timespec *t)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

int sw_batch_main(const struct sw_opts *o)
{
	struct sw_report_opts ro = {
		.top = o->top,
		.group_v4 = o->engine.group.group_v4,
		.group_v6 = o->engine.group.group_v6,
		.netns = o->engine.netns,
	};
	struct sw_engine *e;
	struct timespec next;
	struct sw_buf out;
	char *cause = NULL;
	long i;
	int rc = 0;

	if (sw_engine_filter_check(o->engine.filter, &cause) < 0) {
		/* a bad -f is a bad command line */
		fprintf(stderr, "sockwatch: %s\n", cause);
		free(cause);
		return 2;
	}
	e = sw_engine_open(&o->engine, &cause);
	if (!e) {
		fprintf(stderr, "sockwatch: %s\n", cause ? cause : "cannot start");
		free(cause);
		return 1;
	}
	ro.filter = sw_engine_filter_text(e);
	sw_buf_init(&out);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; o->iterations == 0 || i < o->iterations; i++) {
		int r;

		if (i > 0 && !sw_engine_is_replay(e) && o->delay_s > 0) {
			long long ns = next.tv_nsec + (long long)(o->delay_s * 1e9);

			next.tv_sec += ns / 1000000000LL;
			next.tv_nsec = ns % 1000000000LL;
			sw_batch_sleep_until(&next);
		}
		r = sw_engine_refresh(e, &cause);
		if (r < 0) {
			fprintf(stderr, "sockwatch: %s\n", cause ? cause : "refresh failed");
			free(cause);
			cause = NULL;
			rc = 1;
			break;
		}
		if (r == 0) {
			if (i == 0) {
				fprintf(stderr, "sockwatch: %s: the recording holds no refresh\n",
					o->engine.replay);
				rc = 1;
			}
			break;
		}
		if (i == 0)
			clock_gettime(CLOCK_MONOTONIC, &next);
		sw_buf_reset(&out);
		if (o->json) {
			sw_report_json(&out, sw_engine_frame(e), &ro);
		} else {
			if (i > 0)
				sw_buf_puts(&out, "\n");
			sw_report_text(&out, sw_engine_frame(e), &ro);
		}
		if (out.oom) {
			fprintf(stderr, "sockwatch: out of memory formatting the report\n");
			rc = 1;
			break;
		}
		if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout)) {
			fprintf(stderr, "sockwatch: writing the report failed: %s\n",
				strerror(errno ? errno : EIO));
			rc = 1;
			break;
		}
	}
	sw_buf_free(&out);
	sw_engine_close(e);
	return rc;
}
