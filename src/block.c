/* block.c - placeholder until blocking lands (issue 4). */
#include <stdio.h>

#include "sw_cli.h"

int sw_block_main(const struct sw_opts *o)
{
	(void)o;
	fprintf(stderr, "sockwatch: blocking is not built yet\n");
	return 1;
}
