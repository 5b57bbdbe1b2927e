/* cmd.c - the table of subcommands, and the three that are not about
 * blocking: the TUI (its run function is in src/tui/tui.c), --help and
 * --version. The others are defined beside their run functions: batch
 * mode in batch.c, block, unblock, blocks and --cleanup in block.c. */
#include <stdio.h>
#include <string.h>

#include "sw_cmd.h"

/* --help: the usage lines of the table, then the options. */
static int sw_cmd_help(const struct sw_opts *o)
{
	const struct sw_cmd_entry *const *e;
	bool first = true;

	(void)o;
	for (e = sw_cmd_table; *e; e++) {
		if (!(*e)->usage)
			continue;
		printf("%ssockwatch %s", first ? "Usage: " : "       ", (*e)->usage);
		first = false;
	}
	fputs(sw_cli_usage(), stdout);
	return 0;
}

static int sw_cmd_version(const struct sw_opts *o)
{
	(void)o;
	printf("sockwatch %s\n", SW_VERSION);
	return 0;
}

const struct sw_cmd_entry sw_cmd_tui_entry = {
	.mode = SW_MODE_TUI,
	.label = "the TUI",
	.usage = "[options]                 live TUI\n",
	.run = sw_tui_main,
};

static const struct sw_cmd_entry sw_cmd_help_entry = {
	.mode = SW_MODE_HELP,
	.label = "--help",
	.run = sw_cmd_help,
	.flush = true,
};

static const struct sw_cmd_entry sw_cmd_version_entry = {
	.mode = SW_MODE_VERSION,
	.label = "--version",
	.run = sw_cmd_version,
	.flush = true,
};

const struct sw_cmd_entry *const sw_cmd_table[] = {
	&sw_cmd_tui_entry,
	&sw_cmd_batch_entry,
	&sw_cmd_block_entry,
	&sw_cmd_unblock_entry,
	&sw_cmd_blocks_entry,
	&sw_cmd_cleanup_entry,
	&sw_cmd_report_entry,
	&sw_cmd_daemon_entry,
	&sw_cmd_rules_entry,
	&sw_cmd_doctor_entry,
	&sw_cmd_help_entry,
	&sw_cmd_version_entry,
	NULL,
};

struct sw_block_opts sw_cmd_block_opts(const struct sw_opts *o, bool entered)
{
	struct sw_block_opts bo = {
		.dry_run = o->dry_run,
		.force = o->force,
		.allow_file = o->allow_file,
		.audit_log = o->audit_log,
		.netns = entered ? NULL : o->engine.netns,
		.audit_netns = entered ? o->engine.netns : NULL,
	};

	return bo;
}

const struct sw_cmd_entry *sw_cmd_of(enum sw_mode mode)
{
	const struct sw_cmd_entry *const *e;

	for (e = sw_cmd_table; *e; e++)
		if ((*e)->mode == mode)
			return *e;
	return NULL;
}

const struct sw_cmd_entry *sw_cmd_find(const char *word)
{
	const struct sw_cmd_entry *const *e;

	for (e = sw_cmd_table; *e; e++)
		if ((*e)->name && !strcmp((*e)->name, word))
			return *e;
	return NULL;
}

bool sw_cmd_takes(const struct sw_cmd_entry *e, const char *name)
{
	const char *const *n;

	for (n = e->options; n && *n; n++)
		if (!strcmp(*n, name))
			return true;
	return false;
}
