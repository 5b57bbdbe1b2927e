/* cli.c - the command line: options, subcommand words, validation. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_block.h"
#include "sw_bpf.h"
#include "sw_cause.h"
#include "sw_cmd.h"
#include "sw_duration.h"
#include "sw_metrics.h"
#include "sw_prom.h"

enum {
	OPT_JSON = 256,
	OPT_TOP,
	OPT_NETNS,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_NO_COLOR,
	OPT_WARN_SR,
	OPT_WARN_TW,
	OPT_WARN_CW,
	OPT_FOR,
	OPT_KILL,
	OPT_REASON,
	OPT_DRY_RUN,
	OPT_FORCE,
	OPT_REPLACE,
	OPT_ALL,
	OPT_ALLOW_FILE,
	OPT_AUDIT_LOG,
	OPT_CLEANUP,
	OPT_INBOUND,
	OPT_METRICS,
	OPT_METRICS_ALLOW,
	OPT_METRICS_TOP,
	OPT_TEXTFILE,
	OPT_PROM,
	OPT_AUDIT,
	OPT_RULES,
	OPT_STATE,
	OPT_INFO_EVERY,
	OPT_NO_DIAGNOSIS,
	OPT_BACKEND,
};

static const struct option sw_cli_longopts[] = {
	{"batch", no_argument, NULL, 'b'},
	{"delay", required_argument, NULL, 'd'},
	{"iterations", required_argument, NULL, 'n'},
	{"json", no_argument, NULL, OPT_JSON},
	{"tcp", no_argument, NULL, 't'},
	{"udp", no_argument, NULL, 'u'},
	{"ipv4", no_argument, NULL, '4'},
	{"ipv6", no_argument, NULL, '6'},
	{"filter", required_argument, NULL, 'f'},
	{"group", required_argument, NULL, 'g'},
	{"top", required_argument, NULL, OPT_TOP},
	{"inbound", no_argument, NULL, OPT_INBOUND},
	{"info-every", required_argument, NULL, OPT_INFO_EVERY},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"netns", required_argument, NULL, OPT_NETNS},
	{"record", required_argument, NULL, OPT_RECORD},
	{"replay", required_argument, NULL, OPT_REPLAY},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"no-diagnosis", no_argument, NULL, OPT_NO_DIAGNOSIS},
	{"warn-syn-recv", required_argument, NULL, OPT_WARN_SR},
	{"warn-time-wait", required_argument, NULL, OPT_WARN_TW},
	{"warn-close-wait", required_argument, NULL, OPT_WARN_CW},
	{"for", required_argument, NULL, OPT_FOR},
	{"kill", no_argument, NULL, OPT_KILL},
	{"reason", required_argument, NULL, OPT_REASON},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"force", no_argument, NULL, OPT_FORCE},
	{"replace", no_argument, NULL, OPT_REPLACE},
	{"all", no_argument, NULL, OPT_ALL},
	{"allow-file", required_argument, NULL, OPT_ALLOW_FILE},
	{"audit-log", required_argument, NULL, OPT_AUDIT_LOG},
	{"cleanup", no_argument, NULL, OPT_CLEANUP},
	{"metrics", required_argument, NULL, OPT_METRICS},
	{"metrics-allow", required_argument, NULL, OPT_METRICS_ALLOW},
	{"metrics-top", required_argument, NULL, OPT_METRICS_TOP},
	{"textfile", required_argument, NULL, OPT_TEXTFILE},
	{"prom", no_argument, NULL, OPT_PROM},
	{"audit", required_argument, NULL, OPT_AUDIT},
	{"output", required_argument, NULL, 'o'},
	{"rules", required_argument, NULL, OPT_RULES},
	{"state", required_argument, NULL, OPT_STATE},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static int sw_cli_fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int sw_cli_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int sw_cli_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int sw_cli_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* A whole number in [lo, hi] spanning exactly s[0..n). */
static int sw_cli_long_n(const char *s, size_t n, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!n || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if ((size_t)(end - s) != n || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* -g V4[,V6]; with -6 alone a single length is IPv6's (-6 -g 64). */
static int sw_cli_group(const char *s, bool v6_only, struct sw_agg_opts *g,
			char *err, size_t len)
{
	const char *comma = strchr(s, ',');
	size_t n4 = comma ? (size_t)(comma - s) : strlen(s);
	long a = 32, b = 128;

	if (v6_only && !comma) {
		if (sw_cli_long_n(s, n4, 1, 128, &b) < 0)
			return sw_cli_fail(err, len,
					   "--group: '%s' is not an IPv6 prefix length "
					   "(1-128), e.g. -6 -g 64", s);
		g->group_v6 = (unsigned)b;
		return 0;
	}
	/* parsed in place: a long value is never cut to a shorter valid one */
	if ((n4 && sw_cli_long_n(s, n4, 1, 32, &a) < 0) ||
	    (comma && sw_cli_long_n(comma + 1, strlen(comma + 1), 1, 128, &b) < 0) ||
	    (!n4 && !comma))
		return sw_cli_fail(err, len,
				   "--group: '%s' is not V4[,V6] prefix lengths "
				   "(IPv4 1-32, IPv6 1-128), e.g. -g 24 or -g 24,64",
				   s);
	g->group_v4 = (unsigned)a;
	g->group_v6 = (unsigned)b;
	return 0;
}

static void sw_cli_defaults(struct sw_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	memset(o, 0, sizeof(*o));
	o->mode = SW_MODE_TUI;
	o->delay_s = 1;
	o->iterations = 1;
	o->top = 20;
	o->engine.group.group_v4 = 32;
	o->engine.group.group_v6 = 128;
	o->engine.resolve_procs = true;
	o->engine.info_every_s = 5;
	o->no_color = nc && *nc;
	o->block_for_s = SW_BLOCK_DEFAULT_S;
	o->audit_log = "/var/log/sockwatch.log";
	o->warn_syn_recv = 100;
	o->warn_time_wait = 10000;
	o->warn_close_wait = 100;
	o->metrics_top = SW_PROM_TOP_DEFAULT;
}

/* The option as the user typed it, for messages. */
static const char *sw_cli_optname(int c, char *buf, size_t len)
{
	const struct option *lo;

	for (lo = sw_cli_longopts; lo->name; lo++)
		if (lo->val == c) {
			if (c < 256)
				snprintf(buf, len, "-%c/--%s", c, lo->name);
			else
				snprintf(buf, len, "--%s", lo->name);
			return buf;
		}
	snprintf(buf, len, "-%c", c);
	return buf;
}

/* Options that belong to some subcommands only, and where they belong
 * for the message; which subcommands take one is in their descriptors
 * (include/sw_cmd.h). Options not listed apply everywhere (--netns,
 * --allow-file, --audit-log). The monitor checks its own (below). */
static const struct {
	int opt;
	const char *where;
} sw_cli_scope[] = {
	{'b', "batch mode"},
	{'d', "the TUI, batch mode and 'daemon'"},
	{'n', "batch mode"},
	{'t', "the TUI and batch mode"},
	{'u', "the TUI and batch mode"},
	{'4', "the TUI and batch mode"},
	{'6', "the TUI and batch mode"},
	{'f', "the TUI and batch mode"},
	{'g', "the TUI, batch mode and 'report'"},
	{OPT_JSON, "batch mode, 'blocks', 'report' and 'doctor'"},
	{OPT_AUDIT, "'report'"},
	{'o', "'report'"},
	{OPT_TOP, "batch mode"},
	{OPT_INBOUND, "the TUI and batch mode"},
	{OPT_INFO_EVERY, "the TUI and batch mode"},
	{OPT_BACKEND, "the TUI and batch mode"},
	{OPT_RECORD, "the TUI and batch mode"},
	{OPT_REPLAY, "the TUI and batch mode"},
	{OPT_NO_COLOR, "the TUI"},
	{OPT_NO_DIAGNOSIS, "the TUI and batch mode"},
	{OPT_WARN_SR, "the TUI"},
	{OPT_WARN_TW, "the TUI"},
	{OPT_WARN_CW, "the TUI"},
	{OPT_FOR, "'block' and the TUI"},
	{OPT_KILL, "'block' and the TUI"},
	{OPT_REASON, "'block' and the TUI"},
	{OPT_FORCE, "'block' and the TUI"},
	{OPT_REPLACE, "'block'"},
	{OPT_DRY_RUN, "'block', 'unblock', --cleanup, 'daemon' and the TUI"},
	{OPT_RULES, "'daemon' and the TUI"},
	{OPT_STATE, "'daemon'"},
	{OPT_METRICS, "the TUI, batch mode and 'daemon'"},
	{OPT_METRICS_ALLOW, "the TUI, batch mode and 'daemon'"},
	{OPT_METRICS_TOP, "the TUI, batch mode and 'daemon'"},
	{OPT_TEXTFILE, "the TUI, batch mode and 'daemon'"},
	{OPT_PROM, "batch mode"},
};

static int sw_cli_index(int c)
{
	const struct option *lo;

	for (lo = sw_cli_longopts; lo->name; lo++)
		if (lo->val == c)
			return (int)(lo - sw_cli_longopts);
	return -1;
}

static void sw_cli_seen(uint64_t *seen, int c)
{
	int i = sw_cli_index(c);

	if (i >= 0)
		*seen |= 1ull << i;
}

static bool sw_cli_saw(uint64_t seen, int c)
{
	int i = sw_cli_index(c);

	return i >= 0 && (seen & (1ull << i));
}

/* An option given to a subcommand that does not take it: -1 with err. */
static int sw_cli_check_scope(uint64_t seen, const struct sw_cmd_entry *cmd,
			      char *err, size_t errlen)
{
	char on[48];
	size_t i;

	for (i = 0; i < sizeof(sw_cli_scope) / sizeof(sw_cli_scope[0]); i++) {
		int idx = sw_cli_index(sw_cli_scope[i].opt);

		if (idx < 0 || !(seen & (1ull << idx)) ||
		    sw_cmd_takes(cmd, sw_cli_longopts[idx].name))
			continue;
		return sw_cli_fail(err, errlen, "%s means nothing with %s: it "
				   "belongs to %s",
				   sw_cli_optname(sw_cli_scope[i].opt, on, sizeof(on)),
				   cmd->label, sw_cli_scope[i].where);
	}
	return 0;
}

/* The message for what getopt did not know: a long option by its name
 * (with the candidates when it was an ambiguous prefix, or "takes no
 * value" for --help=x), a short one by its letter. */
static int sw_cli_unknown(const char *arg, int optopt_c, char *err, size_t errlen)
{
	const struct option *lo, *exact = NULL;
	char cands[256] = "";
	size_t n, o = 0;
	int hits = 0;

	if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
		if (optopt_c && optopt_c < 256)
			return sw_cli_fail(err, errlen, "unknown option '-%c' (see "
					   "sockwatch --help)", optopt_c);
		return sw_cli_fail(err, errlen, "unknown option '%s' (see "
				   "sockwatch --help)", arg);
	}
	n = strcspn(arg + 2, "=");
	for (lo = sw_cli_longopts; lo->name; lo++) {
		if (strncmp(lo->name, arg + 2, n) != 0)
			continue;
		if (strlen(lo->name) == n)
			exact = lo;
		o += (size_t)snprintf(cands + o, o < sizeof(cands) ? sizeof(cands) - o : 0,
				      "%s--%s", hits ? ", " : "", lo->name);
		if (o >= sizeof(cands))
			o = sizeof(cands) - 1;
		hits++;
	}
	if ((exact || hits == 1) && arg[2 + n] == '=')
		return sw_cli_fail(err, errlen, "option '--%s' takes no value (see "
				   "sockwatch --help)", exact ? exact->name : cands + 2);
	if (hits > 1 && !exact)
		return sw_cli_fail(err, errlen, "ambiguous option '--%.*s': could be "
				   "%s", (int)n, arg + 2, cands);
	return sw_cli_fail(err, errlen, "unknown option '--%.*s' (see sockwatch "
			   "--help)", (int)n, arg + 2);
}

/* "block, unblock or blocks": the words of the table. */
static void sw_cli_words(char *buf, size_t len)
{
	const struct sw_cmd_entry *const *e, *const *next;
	size_t o = 0;
	int n = 0;

	buf[0] = '\0';
	for (e = sw_cmd_table; *e; e++) {
		if (!(*e)->name)
			continue;
		for (next = e + 1; *next && !(*next)->name; next++)
			;
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s",
				      !n ? "" : *next ? ", " : " or ", (*e)->name);
		if (o >= len)
			o = len - 1;
		n++;
	}
}

/* The subcommand the words and --cleanup select: NULL with err, or the
 * entry with o->target set (the monitor when none is given). */
static const struct sw_cmd_entry *sw_cli_command(struct sw_opts *o, uint64_t seen,
						 const char **pos, int npos,
						 char *err, size_t errlen)
{
	const struct sw_cmd_entry *cmd = &sw_cmd_tui_entry;
	char words[128];

	if (npos) {
		cmd = sw_cmd_find(pos[0]);
		if (!cmd) {
			sw_cli_words(words, sizeof(words));
			sw_cli_fail(err, errlen, "unknown command '%s': expected %s "
				    "(see sockwatch --help)", pos[0], words);
			return NULL;
		}
		o->target = pos[1];
		o->arg2 = pos[2];
		if (pos[2] && !cmd->two_words) {
			sw_cli_fail(err, errlen, "unexpected argument '%s' (see "
				    "sockwatch --help)", pos[2]);
			return NULL;
		}
	}
	if (sw_cli_saw(seen, OPT_CLEANUP)) {
		if (npos) {
			sw_cli_fail(err, errlen, "--cleanup cannot be combined with '%s'",
				    pos[0]);
			return NULL;
		}
		cmd = &sw_cmd_cleanup_entry;
	}
	return cmd;
}

/* The TUI and batch mode (-b): their options' own rules. */
static int sw_cli_check_monitor(struct sw_opts *o, uint64_t seen, char *err,
				size_t errlen)
{
	bool batch = sw_cli_saw(seen, 'b');

	o->mode = batch ? SW_MODE_BATCH : SW_MODE_TUI;
	if (sw_cli_saw(seen, 'n') && !batch)
		return sw_cli_fail(err, errlen,
				   "-n/--iterations only applies to batch mode: add -b");
	if (o->json && !batch)
		return sw_cli_fail(err, errlen, "--json only applies to batch mode: add -b");
	/* The TUI's b takes --for, --reason, --kill, --dry-run as its
	 * defaults; batch mode never blocks. */
	if (batch && (sw_cli_saw(seen, OPT_FOR) || o->kill || o->reason ||
		      o->dry_run || o->force))
		return sw_cli_fail(err, errlen,
				   "--for/--kill/--reason/--dry-run/--force belong to "
				   "'block' or the TUI, not batch mode");
	if (o->all)
		return sw_cli_fail(err, errlen, "--all belongs to 'unblock'");
	if (o->prom && !batch)
		return sw_cli_fail(err, errlen, "--prom only applies to batch mode: add -b "
				   "(or serve the metrics with --metrics)");
	if (o->prom && o->json)
		return sw_cli_fail(err, errlen, "--prom and --json cannot be used together: "
				   "pick one output");
	if (sw_cli_saw(seen, OPT_METRICS_ALLOW) && !o->metrics)
		return sw_cli_fail(err, errlen, "--metrics-allow only applies with "
				   "--metrics ADDR:PORT");
	if (sw_cli_saw(seen, OPT_METRICS_TOP) && !o->metrics && !o->textfile && !o->prom)
		return sw_cli_fail(err, errlen, "--metrics-top only applies with "
				   "--metrics, --textfile or --prom");
	if (o->output || o->audit_in)
		return sw_cli_fail(err, errlen, "%s belongs to 'report' (sockwatch report "
				   "FILE ...)", o->output ? "-o/--output" : "--audit");
	if (batch && o->rules_file)
		return sw_cli_fail(err, errlen, "--rules belongs to 'daemon' or the "
				   "TUI, not batch mode (check a file with 'sockwatch "
				   "rules check FILE')");
	if (o->state_file)
		return sw_cli_fail(err, errlen, "--state belongs to 'daemon'");
	return 0;
}

int sw_cli_parse(int argc, char **argv, struct sw_opts *o, char *err,
		 size_t errlen)
{
	const struct sw_cmd_entry *cmd;
	const char *group = NULL; /* -g, read once -4 / -6 are known */
	const char *pos[4] = {NULL, NULL, NULL, NULL};
	char *cause = NULL, on[48];
	uint64_t seen = 0;
	int npos = 0, c;

	sw_cli_defaults(o);
	/* 0, not 1: glibc then also forgets a half-read "-bd5" cluster of
	 * an earlier call (it would point into that call's argv) */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":bd:n:tu46f:g:o:hV", sw_cli_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'b': break; /* the monitor reads it from seen */
		case 'd':
			if (sw_cli_seconds(optarg, &o->delay_s) < 0 || o->delay_s > 86400)
				return sw_cli_fail(err, errlen,
						   "-d/--delay: '%s' is not a number of seconds "
						   "between 0 and 86400 (e.g. -d 0.5)", optarg);
			break;
		case 'n':
			if (sw_cli_long(optarg, 1, 1000000000L, &o->iterations) < 0)
				return sw_cli_fail(err, errlen,
						   "-n/--iterations: '%s' is not a positive whole "
						   "number (e.g. -n 10)", optarg);
			break;
		case 't': o->engine.tcp = true; break;
		case 'u': o->engine.udp = true; break;
		case '4': o->engine.v4 = true; break;
		case '6': o->engine.v6 = true; break;
		case 'f': o->engine.filter = optarg; break;
		case 'g': group = optarg; break;
		case OPT_JSON: o->json = true; break;
		case OPT_INBOUND: o->engine.group.inbound_only = true; break;
		case OPT_INFO_EVERY:
			if (sw_cli_seconds(optarg, &o->engine.info_every_s) < 0 ||
			    o->engine.info_every_s > 86400)
				return sw_cli_fail(err, errlen,
						   "--info-every: '%s' is not a number of seconds "
						   "between 0 and 86400 (0 = no tcp_info; e.g. "
						   "--info-every 10)", optarg);
			break;
		case OPT_BACKEND:
			if (!strcmp(optarg, "netlink"))
				o->engine.backend = SW_BACKEND_NETLINK;
			else if (!strcmp(optarg, "bpf"))
				o->engine.backend = SW_BACKEND_BPF;
			else if (!strcmp(optarg, "auto"))
				o->engine.backend = SW_BACKEND_AUTO;
			else
				return sw_cli_fail(err, errlen,
						   "--backend: '%s' is not a backend (netlink, "
						   "bpf or auto; e.g. --backend bpf)", optarg);
			break;
		case OPT_TOP:
			if (sw_cli_long(optarg, 0, 100000000L, &o->top) < 0)
				return sw_cli_fail(err, errlen,
						   "--top: '%s' is not a number of rows "
						   "(0 = all, e.g. --top 50)", optarg);
			break;
		case OPT_NETNS:
			if (!*optarg || strchr(optarg, '/') || !strcmp(optarg, ".") ||
			    !strcmp(optarg, ".."))
				return sw_cli_fail(err, errlen,
						   "--netns: '%s' is not a namespace name "
						   "(see 'ip netns list')", optarg);
			o->engine.netns = optarg;
			break;
		case OPT_RECORD: o->engine.record = optarg; break;
		case OPT_REPLAY: o->engine.replay = optarg; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case OPT_NO_DIAGNOSIS: o->no_diagnosis = true; break;
		case OPT_WARN_SR:
		case OPT_WARN_TW:
		case OPT_WARN_CW: {
			long *dst = c == OPT_WARN_SR ? &o->warn_syn_recv
				  : c == OPT_WARN_TW ? &o->warn_time_wait
						     : &o->warn_close_wait;

			if (sw_cli_long(optarg, 0, 100000000L, dst) < 0)
				return sw_cli_fail(err, errlen,
						   "%s: '%s' is not a socket count (e.g. 500)",
						   sw_cli_optname(c, on, sizeof(on)), optarg);
			break;
		}
		case OPT_FOR: {
			int rc = sw_duration_parse(optarg, &o->block_for_s);

			if (rc == -2)
				return sw_cli_fail(err, errlen,
						   "--for: '%s' is out of range: a block lasts "
						   SW_DURATION_RANGE, optarg);
			if (rc < 0)
				return sw_cli_fail(err, errlen,
						   "--for: '%s' is not a duration; use e.g. 90s, "
						   "10m, 2h or 1d", optarg);
			break;
		}
		case OPT_KILL: o->kill = true; break;
		case OPT_REASON: o->reason = optarg; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_FORCE: o->force = true; break;
		case OPT_REPLACE: o->replace = true; break;
		case OPT_ALL: o->all = true; break;
		case OPT_ALLOW_FILE: o->allow_file = optarg; break;
		case OPT_AUDIT_LOG: o->audit_log = optarg; break;
		case OPT_CLEANUP: break;
		case OPT_METRICS: {
			struct sw_prefix a;
			const char *why;
			uint16_t port;

			if (sw_metrics_parse_listen(optarg, &a, &port, &why) < 0)
				return sw_cli_fail(err, errlen,
						   "--metrics: '%s': %s (e.g. --metrics 10025, "
						   "--metrics 192.0.2.1:10025 or --metrics "
						   "[::]:10025)", optarg, why);
			o->metrics = optarg;
			break;
		}
		case OPT_METRICS_ALLOW: {
			struct sw_prefix a[SW_METRICS_MAX_ALLOW];
			char why[200];

			if (sw_metrics_parse_allow(optarg, a, SW_METRICS_MAX_ALLOW, why,
						   sizeof(why)) < 0)
				return sw_cli_fail(err, errlen, "--metrics-allow: %s", why);
			o->metrics_allow = optarg;
			break;
		}
		case OPT_METRICS_TOP:
			if (sw_cli_long(optarg, 1, SW_PROM_TOP_MAX, &o->metrics_top) < 0)
				return sw_cli_fail(err, errlen,
						   "--metrics-top: '%s' is not a number of remote "
						   "prefixes from 1 to %d (e.g. --metrics-top 20)",
						   optarg, SW_PROM_TOP_MAX);
			break;
		case OPT_TEXTFILE:
			if (!*optarg)
				return sw_cli_fail(err, errlen, "--textfile needs a directory "
						   "(node_exporter's --collector.textfile.directory)");
			o->textfile = optarg;
			break;
		case OPT_PROM: o->prom = true; break;
		case OPT_AUDIT: o->audit_in = optarg; break;
		case 'o': o->output = optarg; break;
		case OPT_RULES: o->rules_file = optarg; break;
		case OPT_STATE: o->state_file = optarg; break;
		case 'h': o->mode = SW_MODE_HELP; return 0;
		case 'V': o->mode = SW_MODE_VERSION; return 0;
		case ':':
			return sw_cli_fail(err, errlen, "%s needs a value (see sockwatch --help)",
					   argv[optind - 1]);
		default:
			return sw_cli_unknown(argv[optind - 1], optopt, err, errlen);
		}
		sw_cli_seen(&seen, c);
	}
	if (group && sw_cli_group(group, o->engine.v6 && !o->engine.v4,
				  &o->engine.group, err, errlen) < 0)
		return -1;
	while (optind < argc) {
		if (npos == 3)
			return sw_cli_fail(err, errlen,
					   "unexpected argument '%s' (see sockwatch --help)",
					   argv[optind]);
		pos[npos++] = argv[optind++];
	}
	cmd = sw_cli_command(o, seen, pos, npos, err, errlen);
	if (!cmd)
		return -1;
	if (cmd->options) {
		o->mode = cmd->mode;
		if (sw_cli_saw(seen, 'b'))
			return sw_cli_fail(err, errlen, "-b/--batch means nothing with %s",
					   cmd->label);
		if (sw_cli_check_scope(seen, cmd, err, errlen) < 0)
			return -1;
		if (cmd->check && cmd->check(cmd, o, &cause) < 0) {
			sw_cli_fail(err, errlen, "%s", sw_cause_text(cause));
			free(cause);
			return -1;
		}
	} else if (sw_cli_check_monitor(o, seen, err, errlen) < 0) {
		return -1;
	}
	if (o->mode != SW_MODE_BLOCK && (o->mode != SW_MODE_TUI) && o->kill)
		return sw_cli_fail(err, errlen, "--kill only applies to 'block'");
	if (o->mode != SW_MODE_BLOCK && o->replace)
		return sw_cli_fail(err, errlen, "--replace only applies to 'block'");
	if (o->engine.record && o->engine.replay)
		return sw_cli_fail(err, errlen,
				   "--record and --replay cannot be used together");
	if (o->engine.replay && o->engine.netns)
		return sw_cli_fail(err, errlen,
				   "--netns and --replay cannot be used together: a "
				   "replay reads the file, not a namespace");
	if (o->engine.replay && !sw_cli_saw(seen, 'n'))
		o->iterations = 0; /* a replay prints every recorded refresh */
	if (o->mode == SW_MODE_TUI && o->delay_s < 0.2)
		o->delay_s = 0.2; /* the TUI's floor; batch may use 0 */
	return 0;
}
