/* sw_cli.h - parsed command line, shared by main, batch, the TUI and the
 * block subcommands. Parsing lives in src/cmd/cli.c. */
#ifndef SW_CLI_H
#define SW_CLI_H

#include <stdbool.h>

#include "sw_engine.h"

/* Which subcommand runs; each has one descriptor (include/sw_cmd.h). */
enum sw_mode {
	SW_MODE_TUI,
	SW_MODE_BATCH,
	SW_MODE_BLOCK,
	SW_MODE_UNBLOCK,
	SW_MODE_BLOCKS,
	SW_MODE_CLEANUP,
	SW_MODE_DOCTOR,
	SW_MODE_REPORT,
	SW_MODE_DAEMON,
	SW_MODE_RULES,
	SW_MODE_HELP,
	SW_MODE_VERSION,
};

struct sw_opts {
	enum sw_mode mode;
	struct sw_engine_opts engine;
	double delay_s;      /* -d; default 1 */
	long iterations;     /* -n; default 1; 0 = all (replay default) */
	bool json;           /* --json */
	long top;            /* --top; default 20, 0 = all */
	bool no_color;       /* --no-color or NO_COLOR set */
	bool no_diagnosis;   /* --no-diagnosis */

	/* block and unblock, and blocking from the TUI */
	const char *target;      /* ADDR[/PREFIX] of block/unblock; the word
				    after a subcommand ("check" of rules) */
	const char *arg2;        /* the word after that (rules check FILE) */
	bool all;                /* unblock --all */
	double block_for_s;      /* --for; default SW_BLOCK_DEFAULT_S */
	bool kill;               /* --kill */
	const char *reason;      /* --reason */
	bool dry_run;            /* --dry-run */
	bool force;              /* --force */
	bool replace;            /* --replace: block may shorten a block */
	const char *allow_file;  /* --allow-file; NULL: /etc/sockwatch/allow */
	const char *audit_log;   /* --audit-log; default /var/log/sockwatch.log */

	/* metrics (the TUI and batch mode) */
	const char *metrics;       /* --metrics [ADDR:]PORT, or NULL */
	const char *metrics_allow; /* --metrics-allow CIDR,..., or NULL */
	long metrics_top;          /* --metrics-top; default 10 */
	const char *textfile;      /* --textfile DIR, or NULL */
	bool prom;                 /* --prom: batch prints the metrics */

	/* report */
	const char *output;      /* -o/--output; NULL: stdout */
	const char *audit_in;    /* --audit: the audit log to read, or NULL */
	/* auto-defence: the daemon, and the TUI's --rules */
	const char *rules_file;  /* --rules; NULL: none in the TUI, the
				    daemon's default SW_RULES_DEFAULT_FILE */
	const char *state_file;  /* --state; default SW_DAEMON_STATE_FILE */

	/* TUI thresholds for highlighting states */
	long warn_syn_recv;      /* --warn-syn-recv; default 100 */
	long warn_time_wait;     /* --warn-time-wait; default 10000 */
	long warn_close_wait;    /* --warn-close-wait; default 100 */
};

/* Parse argv into o (defaults first). Returns 0, or -1 with a one-line
 * message in err ("--delay: 'abc' is not a number of seconds; try -d 0.5").
 * Global options may come before or after a subcommand word. */
int sw_cli_parse(int argc, char **argv, struct sw_opts *o, char *err,
		 size_t errlen);

/* The --help text after the usage lines (those are the subcommands'). */
const char *sw_cli_usage(void);

/* The TUI's run function (src/tui/tui.c); returns the exit code. */
int sw_tui_main(const struct sw_opts *o);

#endif
