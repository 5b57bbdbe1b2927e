/* fuzz_cli.c - libFuzzer harness for the command line (sw_cli_parse):
 * the input is argv, NUL-separated.
 *
 * Beyond "no crash" it checks, and aborts on: a failure leaves a message
 * that is one line once escaped as main prints it; a success gives a known mode, a subcommand with its target
 * where one is needed, and values in their documented ranges. Parsing
 * the same argv twice gives the same answer (getopt's state is reset).
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_cli -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_cli.h"

#define MAXARGS 32

static int parse(char *copy, size_t size, struct sw_opts *o, char *err,
		 size_t errlen)
{
	char *argv[MAXARGS + 2];
	int argc = 0;
	size_t i = 0;

	argv[argc++] = "sockwatch";
	while (i < size && argc <= MAXARGS) {
		argv[argc++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	argv[argc] = NULL;
	return sw_cli_parse(argc, argv, o, err, errlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_opts o1, o2;
	char err1[512], err2[512], *a, *b;
	int r1, r2;

	if (size > 4096)
		return 0;
	/* two copies, each NUL-terminated: argv points into them */
	a = malloc(size + 1);
	b = malloc(size + 1);
	if (!a || !b)
		goto out;
	memcpy(a, data, size);
	memcpy(b, data, size);
	a[size] = b[size] = '\0';
	err1[0] = err2[0] = '\0';
	r1 = parse(a, size, &o1, err1, sizeof(err1));
	r2 = parse(b, size, &o2, err2, sizeof(err2));
	if (r1 != r2 || strcmp(err1, err2) != 0)
		abort();
	if (r1 < 0) {
		char safe[sizeof(err1) * 4];

		/* as main prints it: one line, whatever argv held */
		if (!err1[0] || strchr(sw_text_safe(err1, safe, sizeof(safe)), '\n'))
			abort();
		goto out;
	}
	if (o1.mode > SW_MODE_VERSION || o1.mode != o2.mode)
		abort();
	if (o1.mode == SW_MODE_HELP || o1.mode == SW_MODE_VERSION)
		goto out;
	if (o1.mode == SW_MODE_BLOCK && !o1.target)
		abort();
	if (o1.mode == SW_MODE_UNBLOCK && !o1.target == !o1.all)
		abort();
	if (o1.delay_s < 0 || o1.delay_s > 86400 || o1.iterations < 0 ||
	    o1.top < 0 || o1.block_for_s < 0 ||
	    o1.engine.group.group_v4 < 1 || o1.engine.group.group_v4 > 32 ||
	    o1.engine.group.group_v6 < 1 || o1.engine.group.group_v6 > 128)
		abort();
	if (o1.mode == SW_MODE_TUI && o1.delay_s < 0.2)
		abort();
	if (o1.engine.record && o1.engine.replay)
		abort();
out:
	free(a);
	free(b);
	return 0;
}
