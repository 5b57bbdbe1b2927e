/* main.c - sockwatch: parse the command line, run the subcommand's
 * descriptor (include/sw_cmd.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_cmd.h"

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
	const struct sw_cmd_entry *cmd;
	struct sw_opts o;
	char err[512];
	int rc;

	if (sw_cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		char safe[sizeof(err) * 4];

		/* the message quotes what was typed: no raw escapes */
		fprintf(stderr, "sockwatch: %s\n", sw_text_safe(err, safe, sizeof(safe)));
		return 2;
	}
	cmd = sw_cmd_of(o.mode);
	rc = cmd->run(&o);
	return cmd->flush ? sw_main_flushed(rc) : rc;
}
