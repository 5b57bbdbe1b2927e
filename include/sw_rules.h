/* sw_rules.h - auto-defence rules: the rules file (an INI of named rules,
 * like fail2ban's jails), their evaluation on every refresh (frames in,
 * block requests out), the offender history that escalation remembers,
 * and the status a front end shows.
 *
 * Core header: pure, no I/O. The front ends (the daemon, the TUI) read
 * the file, hand its text here, send the requests through the blocker
 * (sw_block.h: the never-block policy, prefix floors, dry run and the
 * audit log apply there), and write the history text to disk atomically.
 *
 * The file (grammar; README "Auto-defence" has the examples):
 *
 *   file     := ( blank | comment | section | setting )*
 *   comment  := ws* "#" any*            (also after a value: " # ...")
 *   section  := "[" NAME "]"            NAME: [A-Za-z0-9_.-]{1,47}
 *   setting  := KEY ws* "=" ws* VALUE
 *
 * "[defaults]" (optional, first or anywhere: it applies to the rules
 * after it) sets any key but match/when for the rules that follow; every
 * other section is one rule. Keys:
 *
 *   match        = FILTER       which sockets count (sw_filter.h; default
 *                                all). "tcp and sport 80"
 *   states       = STATES       the states `conns` counts: state names or
 *                                ss groups (established syn-recv,
 *                                connected, "exclude listen ..."), as the
 *                                filter's state clauses; default every
 *                                state but TIME_WAIT and LISTEN
 *   incoming     = yes|no       count only inbound sockets (the local port
 *                                is one the host listens on); default no
 *   group        = /N [v6 /M]   how remotes are grouped: /32 (default),
 *                                /24, "v6 /64" (default v6 /128)
 *   when         = COND ( "and" COND )*       at most SW_RULE_MAX_CONDS
 *     COND       := METRIC CMP NUMBER | "finding" KIND [CMP NUMBER]
 *     METRIC     := conns | tw | new_per_s | idle | sockets | STATE
 *                   (a TCP state name: established, syn_recv, close_wait..)
 *     CMP        := > | >= | < | <= | == | !=
 *   idle_after   = DURATION     an inbound ESTABLISHED socket is idle when
 *                                it has received nothing for this long
 *                                (tcp_info; default 30s)
 *   for          = N            refreshes in a row the condition must hold
 *                                (default 1)
 *   ban          = DURATION     (sw_duration.h: "600", "10m"; default 10m)
 *   kill         = yes|no       also end the group's open connections
 *   escalate     = FACTOR [max DURATION] [window DURATION]
 *                                a repeat offender within the window gets
 *                                ban x FACTOR^offences, up to max
 *                                (defaults: max 7d, window 1d)
 *   prefix_after = K [/N] [v6 /M]  K addresses of one /24 (v6 /64) banned
 *                                at once ban the prefix
 *   dry_run      = yes|no       log "would block", send nothing
 *   breaker      = N            at most N targets banned per minute, else
 *                                the rule stops banning (default 10)
 *
 * Metrics of a group: conns: its sockets in the rule's states; tw: its
 * TIME_WAIT sockets; sockets: all its sockets; new_per_s: sockets new
 * since the previous refresh, per second; idle: idle inbound ESTABLISHED
 * sockets (frame->conninfo; 0 when the frame has none); a state name: its
 * TCP sockets in that state; "finding KIND": the number of findings of
 * that kind (sw_finding.h names) whose remote subject or block target
 * overlaps the group, or, for a finding about the host or a listener, 1
 * for every group (a gate: "finding syn_flood and syn_recv > 20").
 * Grouping normalises IPv4-mapped IPv6 peers to IPv4 (sw_prefix_make_norm).
 */
#ifndef SW_RULES_H
#define SW_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_block.h"
#include "sw_filter.h"
#include "sw_frame.h"

#define SW_RULES_DEFAULT_FILE "/etc/sockwatch/rules"
#define SW_RULE_NAME_LEN 48
#define SW_RULES_MAX 256          /* rules in one file */
#define SW_RULE_MAX_CONDS 4
#define SW_RULES_FILE_MAX (1 << 20) /* bytes a front end reads at most */
#define SW_RULE_REASON_LEN 120      /* fits an element comment */
#define SW_RULE_TEXT_LEN 320        /* one log line */

/* What a condition measures. */
enum sw_rule_metric {
	SW_RM_CONNS,     /* sockets in the rule's states */
	SW_RM_TW,        /* TIME_WAIT */
	SW_RM_SOCKETS,   /* all */
	SW_RM_NEW_PER_S, /* new since the previous refresh, per second */
	SW_RM_IDLE,      /* idle inbound ESTABLISHED (conninfo) */
	SW_RM_STATE,     /* TCP sockets in cond.state */
	SW_RM_FINDING,   /* findings of kind cond.kind */
	SW_RM_MAX
};

enum sw_rule_cmp { SW_RC_GT, SW_RC_GE, SW_RC_LT, SW_RC_LE, SW_RC_EQ, SW_RC_NE };

struct sw_rule_cond {
	enum sw_rule_metric metric;
	enum sw_rule_cmp cmp;
	double value;
	unsigned state; /* SW_RM_STATE: enum sw_state */
	unsigned kind;  /* SW_RM_FINDING: enum sw_finding_kind */
};

/* One rule, as parsed. Plain data for the front ends; filter is owned by
 * the rule set. */
struct sw_rule {
	char name[SW_RULE_NAME_LEN];
	unsigned line;              /* of its [name] */
	struct sw_filter *match;    /* NULL: all sockets */
	char *match_text;           /* as written, NULL when none */
	uint32_t states;            /* SW_STATE_BIT mask `conns` counts */
	bool states_set;            /* given in the file (else the default) */
	bool incoming;
	unsigned group_v4, group_v6;
	struct sw_rule_cond cond[SW_RULE_MAX_CONDS];
	unsigned nconds;
	double idle_after_s;
	unsigned hold;              /* `for` */
	double ban_s;
	bool kill;
	double esc_factor;          /* 1: no escalation */
	double esc_max_s;
	double esc_window_s;
	unsigned prefix_after;      /* 0: never */
	unsigned prefix_v4, prefix_v6;
	bool dry_run;
	unsigned breaker;           /* targets per minute */
};

struct sw_rules;

/* Parse a rules file's text (NUL-terminated). file names it in messages
 * ("/etc/sockwatch/rules"); env resolves service names in match (NULL:
 * none). Returns the rule set (caller frees with sw_rules_free), or NULL
 * with *errors: malloc'ed, one line per error, each
 * "FILE:LINE: what was wrong; what to do", newline-separated, no final
 * newline (caller frees). A file with any error is refused whole. ENOMEM
 * gives NULL with *errors NULL or a line saying so. A file with no rules
 * is valid (an empty set). */
struct sw_rules *sw_rules_parse(const char *text, const char *file,
				const struct sw_filter_env *env,
				char **errors);
void sw_rules_free(struct sw_rules *rs);

/* How many rules, and the i-th (file order); owned by the set. */
size_t sw_rules_count(const struct sw_rules *rs);
const struct sw_rule *sw_rules_get(const struct sw_rules *rs, size_t i);

/* The rule in words, one line, into buf (cut to len, NUL-terminated):
 * "ban for 10m any address holding more than 150 connections in any
 * state but LISTEN, after 1 refresh". Returns buf. */
char *sw_rule_describe(const struct sw_rule *r, char *buf, size_t len);

/* ---- offender history (escalation; survives restarts) ---- */

/* One banned target. */
struct sw_offender {
	struct sw_prefix target;
	unsigned offences;   /* bans so far in the current window chain */
	uint64_t last_ns;    /* wall clock of the last ban */
	uint64_t until_ns;   /* when the last ban ends */
	double window_s;     /* forgotten when last_ns + window_s has passed
				and the ban has ended */
	char rule[SW_RULE_NAME_LEN]; /* the rule that banned it last */
};

struct sw_rules_history;

/* An empty history; NULL with errno ENOMEM. */
struct sw_rules_history *sw_rules_history_new(void);
void sw_rules_history_free(struct sw_rules_history *h);

/* The entries (sorted by target), owned by h, valid until it changes. */
const struct sw_offender *sw_rules_history_list(
	const struct sw_rules_history *h, size_t *n);

/* Whether h changed since the last sw_rules_history_format (the front
 * end writes the file then). */
bool sw_rules_history_dirty(const struct sw_rules_history *h);

/* The history as text: a header line "# sockwatch offenders v1", then
 * one line per entry "TARGET OFFENCES LAST_S UNTIL_S WINDOW_S RULE"
 * (times in Unix seconds). Clears the dirty flag. Returns malloc'ed text
 * (caller frees), or NULL with errno ENOMEM. */
char *sw_rules_history_format(struct sw_rules_history *h);

/* Replace h's entries with those of text (as sw_rules_history_format
 * writes it). All or nothing: a bad line (or truncated file: no final
 * newline) leaves h unchanged and returns -1 with *cause (malloc'ed,
 * "line 3: 'x' is not an address"). Returns 0. */
int sw_rules_history_parse(struct sw_rules_history *h, const char *text,
			   size_t len, char **cause);

/* Forget target (an operator unblocked it); returns whether it was
 * there. */
bool sw_rules_history_forget(struct sw_rules_history *h,
			     const struct sw_prefix *target);

/* ---- evaluation ---- */

enum sw_rule_action_kind {
	SW_RA_BLOCK,       /* send req to the blocker */
	SW_RA_WOULD_BLOCK, /* dry run (rule or global): log text, send none */
	SW_RA_TRIPPED,     /* the breaker tripped: the rule stops banning */
	SW_RA_RESET,       /* the breaker closed again */
};

/* One thing the evaluator asks for. text is the log line:
 * "rule ddos: block 192.0.2.7 for 10m (conns 312 > 150, held 1 refresh)"
 * / "rule ddos: would block ..." / "rule web: breaker tripped: 14 targets
 * in a minute > 10; banning stops, counting goes on". */
struct sw_rule_action {
	enum sw_rule_action_kind kind;
	unsigned rule;               /* index in the rule set */
	struct sw_block_req req;     /* BLOCK/WOULD_BLOCK; req.reason points
					to reason, req.states to states */
	bool prefix;                 /* a prefix_after ban */
	unsigned offence;            /* 1 for a first ban */
	char reason[SW_RULE_REASON_LEN]; /* "rule ddos: conns 312 > 150" */
	char text[SW_RULE_TEXT_LEN];
	uint32_t states[SW_ST_MAX];
};

struct sw_rules_eval_opts {
	bool dry_run;  /* global: every rule only says "would block" */
	bool disarmed; /* count and show candidates, ask for nothing (the
			  TUI starts so) */
};

struct sw_rules_eval;

/* An evaluator of rs (borrowed: it must outlive the evaluator) writing to
 * h (borrowed likewise). Returns NULL with errno ENOMEM. */
struct sw_rules_eval *sw_rules_eval_new(const struct sw_rules *rs,
					struct sw_rules_history *h,
					const struct sw_rules_eval_opts *o);
void sw_rules_eval_free(struct sw_rules_eval *ev);

/* Change the options between refreshes (arming in the TUI). */
void sw_rules_eval_set(struct sw_rules_eval *ev,
		       const struct sw_rules_eval_opts *o);

/* Evaluate frame f (snap, agg, conninfo, findings; time from
 * f->time_ns). Bans asked for are recorded in the history at once (a
 * target with a ban running is not asked for again); the front end says
 * sw_rules_eval_refused for those the blocker refused. *out gets the
 * actions, valid until the next run; *n how many. A rule with a match, a
 * state set or inbound counts the aggregate's rows cannot answer is
 * counted from the sockets: its actions have req.states NULL. Returns 0,
 * or -1 with errno ENOMEM (*n 0; what this run had counted is dropped,
 * the next run counts afresh). */
int sw_rules_eval_run(struct sw_rules_eval *ev, const struct sw_frame *f,
		      const struct sw_rule_action **out, size_t *n);

/* The blocker refused a's request (policy, overlap, failure): it does not
 * count as an offence (nor towards prefix_after), but is not asked for
 * again until its ban would have ended. */
void sw_rules_eval_refused(struct sw_rules_eval *ev,
			   const struct sw_rule_action *a);

/* The state of a rule, for status lines. */
enum sw_rule_mode {
	SW_RULE_ARMED,
	SW_RULE_DRY_RUN,
	SW_RULE_DISARMED,
	SW_RULE_TRIPPED,
};
/* "armed", "dry-run", "disarmed", "tripped". Static. */
const char *sw_rule_mode_name(unsigned mode);

struct sw_rule_status {
	const struct sw_rule *rule;
	enum sw_rule_mode mode;
	unsigned bans_minute;    /* targets banned in the last minute */
	unsigned would_minute;   /* targets it would have banned (counted on
				    while tripped, dry or disarmed) */
	uint64_t tripped_ns;     /* when the breaker tripped, 0 when closed */
	size_t ncandidates;      /* groups whose condition holds now */
	uint64_t groups;         /* groups counted in the last run */
	bool from_agg;           /* counted from the aggregate's rows (else
				    from a walk over the sockets) */
};

/* Status of rule i (< sw_rules_count). */
void sw_rules_eval_status(const struct sw_rules_eval *ev, size_t i,
			  struct sw_rule_status *st);

/* A group whose condition holds in the last run. */
struct sw_rule_candidate {
	struct sw_prefix target;
	unsigned rule;       /* index in the rule set */
	double value;        /* its first condition's number */
	unsigned held;       /* refreshes in a row it has held */
	unsigned left;       /* refreshes until it is banned: 0 = this one */
	bool banned;         /* a ban of it is running (history) */
	uint32_t count;      /* its conns */
};

/* Every candidate of the last run, most urgent first (banned last, then
 * by left, then by value descending, then target); owned by ev. */
const struct sw_rule_candidate *sw_rules_eval_candidates(
	const struct sw_rules_eval *ev, size_t *n);

/* The most urgent candidate whose target contains or equals p (a row of
 * the remotes pane), or NULL. */
const struct sw_rule_candidate *sw_rules_eval_candidate_of(
	const struct sw_rules_eval *ev, const struct sw_prefix *p);

/* How a candidate reads on screen: "bans in 2 refreshes", "bans now",
 * "would ban in 1 refresh" (dry run), "banned", "breaker tripped",
 * "disarmed: bans in 1 refresh". Returns buf. */
char *sw_rule_candidate_text(const struct sw_rules_eval *ev,
			     const struct sw_rule_candidate *c, char *buf,
			     size_t len);

#endif
