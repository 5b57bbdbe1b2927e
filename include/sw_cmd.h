/* sw_cmd.h - a subcommand is one descriptor: the word that selects it,
 * its usage lines, the options it takes, the check of its arguments and
 * its run function (tmux's cmd_entry is the model). The table is in
 * src/cmd/cmd.c; main dispatches through it, sw_cli_parse looks words
 * and scopes up in it. */
#ifndef SW_CMD_H
#define SW_CMD_H

#include <stdbool.h>

#include "sw_block.h"
#include "sw_cli.h"

struct sw_cmd_entry {
	enum sw_mode mode;    /* what sw_cli_parse sets in sw_opts.mode */
	const char *name;     /* the word that selects it; NULL: an option does */
	const char *label;    /* how messages name it: "block", "--cleanup" */
	const char *usage;    /* its lines of --help, after "sockwatch " */
	/* The long names of the scoped options (the scope table in src/cmd/cli.c) it
	 * takes; options given outside their scope are errors. NULL: the
	 * monitor, whose options the parser checks itself. */
	const char *const *options;
	/* Its own arguments (the target, --all): 0, or -1 with *cause set
	 * to a one-line message (sw_cause.h). NULL: nothing to check. */
	int (*check)(const struct sw_cmd_entry *e, const struct sw_opts *o,
		     char **cause);
	/* Runs it; returns the process exit code. */
	int (*run)(const struct sw_opts *o);
	bool flush;           /* main checks that stdout was written */
	bool two_words;       /* takes a second word after its first
				 (rules check FILE: target, arg2) */
};

/* The blocker's options the command line gives (--dry-run, --force,
 * --allow-file, --audit-log, the namespace): entered true when the
 * engine has entered the namespace already (the TUI, the daemon), so the
 * blocker only names it in the audit log. */
struct sw_block_opts sw_cmd_block_opts(const struct sw_opts *o, bool entered);

/* The descriptors, in --help order, ending with a NULL. */
extern const struct sw_cmd_entry *const sw_cmd_table[];

/* The entry of a mode (never NULL for a mode sw_cli_parse returned). */
const struct sw_cmd_entry *sw_cmd_of(enum sw_mode mode);

/* The entry a word selects, or NULL. */
const struct sw_cmd_entry *sw_cmd_find(const char *word);

/* Whether e takes the scoped option named name (its long name). */
bool sw_cmd_takes(const struct sw_cmd_entry *e, const char *name);

/* The entries, defined beside their run functions. */
extern const struct sw_cmd_entry sw_cmd_tui_entry;
extern const struct sw_cmd_entry sw_cmd_batch_entry;
extern const struct sw_cmd_entry sw_cmd_block_entry;
extern const struct sw_cmd_entry sw_cmd_unblock_entry;
extern const struct sw_cmd_entry sw_cmd_blocks_entry;
extern const struct sw_cmd_entry sw_cmd_cleanup_entry;
extern const struct sw_cmd_entry sw_cmd_doctor_entry;
extern const struct sw_cmd_entry sw_cmd_report_entry;
extern const struct sw_cmd_entry sw_cmd_daemon_entry;
extern const struct sw_cmd_entry sw_cmd_rules_entry;

#endif
