/* main.c - sockwatch: parse the command line, run a front end. */
#include <stdio.h>
#include <stdlib.h>

#include "sw_cli.h"

int main(int argc, char **argv)
{
	struct sw_opts o;
	char err[512];

	if (sw_cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "sockwatch: %s\n", err);
		return 2;
	}
	switch (o.mode) {
	case SW_MODE_HELP:
		fputs(sw_cli_usage(), stdout);
		return 0;
	case SW_MODE_VERSION:
		printf("sockwatch %s\n", SW_VERSION);
		return 0;
	case SW_MODE_BATCH:
		return sw_batch_main(&o);
	case SW_MODE_TUI:
		return sw_tui_main(&o);
	default:
		return sw_block_main(&o);
	}
}
