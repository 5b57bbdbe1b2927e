/* main.c - sockwatch: parse the command line, run a front end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_cli.h"

/* Output that did not reach stdout (a full disk, /dev/full) is a failure. */
static int sw_main_flushed(int rc)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	fprintf(stderr, "sockwatch: writing to standard output failed: %s\n",
		errno ? strerror(errno) : "write error");
	return rc ? rc : 1;
}

int main(int argc, char **argv)
{
	struct sw_opts o;
	char err[512];

	if (sw_cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		char safe[sizeof(err) * 4];

		/* the message quotes what was typed: no raw escapes */
		fprintf(stderr, "sockwatch: %s\n", sw_text_safe(err, safe, sizeof(safe)));
		return 2;
	}
	switch (o.mode) {
	case SW_MODE_HELP:
		fputs(sw_cli_usage(), stdout);
		return sw_main_flushed(0);
	case SW_MODE_VERSION:
		printf("sockwatch %s\n", SW_VERSION);
		return sw_main_flushed(0);
	case SW_MODE_BATCH:
		return sw_batch_main(&o); /* checks its own writes */
	case SW_MODE_TUI:
		return sw_tui_main(&o);
	default:
		return sw_main_flushed(sw_block_main(&o));
	}
}
