/* tui.c - placeholder until the TUI lands (issue 3). */
#include <stdio.h>

#include "sw_cli.h"

int sw_tui_main(const struct sw_opts *o)
{
	(void)o;
	fprintf(stderr, "sockwatch: the TUI is not built yet; use batch mode: sockwatch -b\n");
	return 1;
}
