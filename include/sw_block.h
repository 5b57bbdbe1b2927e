/* sw_block.h - blocking remote addresses and prefixes in nftables, safely.
 *
 * Edge/orchestration header for the TUI and the block subcommands. It does
 * not include libmnl or libnftnl: callers see plain structs.
 *
 * A blocker owns one nftables table, `inet sockwatch`, and never touches
 * any other. In it: a base chain at prerouting, priority raw (-300), that
 * drops sources found in four sets: single IPv4 and IPv6 addresses
 * (`flags timeout`, per-element counters) and IPv4 and IPv6 prefixes
 * (the same, plus `flags interval`; every prefix is sent as an explicit
 * start and end element). The table is created on first use, adopted if
 * it exists; every write first checks its whole structure (table, chain
 * with hook and priority, one drop rule per set, the sets' flags) and
 * repairs it in the same batch (sw_nft.h).
 *
 * Every action passes the policy first (sw_policy.h: loopback, the host's
 * own addresses, default gateways, the operator's SSH peers, the allow
 * list, prefix floors), is sent as one atomic acknowledged netlink batch,
 * and is appended to the audit log as one JSON line.
 *
 * Not thread-safe: one thread at a time calls into one blocker. */
#ifndef SW_BLOCK_H
#define SW_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_sock.h"

#define SW_BLOCK_TABLE "sockwatch"
#define SW_BLOCK_ALLOW_FILE "/etc/sockwatch/allow"
#define SW_BLOCK_AUDIT_LOG "/var/log/sockwatch.log"
/* How long a block lasts when nobody says (--for, the TUI's prompt): 10m. */
#define SW_BLOCK_DEFAULT_S 600.0
/* Room for an element comment, with NUL (nftables caps comments at 128). */
#define SW_BLOCK_COMMENT_LEN 128
/* Room for a one-line reason or error message, with NUL. */
#define SW_BLOCK_MSG_LEN 256

struct sw_block_opts {
	bool dry_run;           /* print nft syntax, send nothing */
	bool force;             /* allow prefixes shorter than the floors
				   (/16 v4, /48 v6); never overrides the
				   never-block list or the allow list */
	const char *allow_file; /* NULL: SW_BLOCK_ALLOW_FILE, where a missing
				   file is an empty allow list. A file named
				   here must exist; an unreadable, non-regular,
				   too large (1 MiB) or malformed one makes
				   sw_blocker_open fail */
	const char *audit_log;  /* NULL: SW_BLOCK_AUDIT_LOG; "" or "-": none */
	const char *netns;      /* NAME under /run/netns to enter before any
				   netlink socket is opened, or NULL to stay
				   (the TUI's engine has already entered it) */
	const char *audit_netns; /* the namespace the audit log names when
				    netns is NULL because it was entered
				    already; NULL: netns */
};

struct sw_blocker;

/* Open a blocker: enter the namespace, read the allow list, the host's
 * addresses and default gateways (rtnetlink) and the SSH peers, open the
 * nfnetlink socket and probe nf_tables.
 *
 * Returns a blocker, or NULL with *cause (malloc'ed one-line message,
 * caller frees) when blocking must not be attempted at all: the allow list
 * is malformed ("/etc/sockwatch/allow:3: '10.0.0.0/33': prefix length 33
 * is larger than 32 for IPv4"), the namespace does not exist, or ENOMEM.
 *
 * Lacking CAP_NET_ADMIN or nf_tables is NOT a failure: the blocker is
 * returned and sw_blocker_unavailable() says why (monitoring goes on;
 * dry runs still print). Close with sw_blocker_close(). */
struct sw_blocker *sw_blocker_open(const struct sw_block_opts *o,
				   char **cause);

/* NULL when blocking works, else a one-line message owned by the blocker
 * (valid until close), e.g. "unavailable: no CAP_NET_ADMIN (run as root
 * to block; monitoring works)" or "unavailable: the kernel has no
 * nf_tables (modprobe nf_tables)". */
const char *sw_blocker_unavailable(const struct sw_blocker *b);

/* How many audit-log writes failed so far (an action that was done but
 * not logged still returns 0: check this); *last (may be NULL) gets the
 * last message, owned by the blocker. */
unsigned sw_blocker_audit_failures(const struct sw_blocker *b,
				   const char **last);

/* What to block. */
struct sw_block_req {
	struct sw_prefix target; /* /32 or /128: address sets; else prefix sets */
	double timeout_s;        /* > 0; rounded to ms. 0: SW_BLOCK_DEFAULT_S */
	bool kill;               /* also end its established sockets */
	bool replace;            /* blocked already: take this timeout even
				    when it is shorter than the time left */
	const char *reason;      /* operator's text, or NULL */
	uint32_t connections;    /* sockets it held (for the comment/audit) */
	const uint32_t *states;  /* SW_ST_MAX per-state counts, or NULL */
	bool dry_run;            /* this request only: checked against the
				    policy, said and audited ("dry-run") as a
				    dry-run blocker would, nothing sent or
				    ended (the rules' "would block") */
};

enum sw_block_outcome {
	SW_BLOCK_SENT,    /* acknowledged by the kernel */
	SW_BLOCK_DRY_RUN, /* nothing sent; nft holds the syntax */
	SW_BLOCK_REFUSED, /* policy, overlap, or not blocked (unblock) */
	SW_BLOCK_FAILED,  /* the kernel said no, or blocking unavailable */
};

struct sw_block_result {
	enum sw_block_outcome outcome;
	/* SENT: what was done ("blocked 192.0.2.7 for 10m00s", "renewed ...");
	 * REFUSED/FAILED: why, one line, what to do where it helps. */
	char message[SW_BLOCK_MSG_LEN];
	/* DRY_RUN: the nft commands (nft -f syntax, newline-terminated),
	 * malloc'ed; NULL otherwise. Freed by sw_block_result_clear(). */
	char *nft;
	/* --kill: sockets ended (in dry run: sockets that would be); -1 when
	 * not asked or it failed, then kill_error says why (e.g. "the kernel
	 * lacks CONFIG_INET_DIAG_DESTROY: existing connections stay"). */
	int killed;
	char kill_error[SW_BLOCK_MSG_LEN];
	char comment[SW_BLOCK_COMMENT_LEN]; /* the element's comment */
	/* SENT: what was found wrong with the table's structure and repaired
	 * in the same batch ("the chain was missing"), or "" */
	char repaired[SW_BLOCK_MSG_LEN];
};

/* Free what r holds (the nft text) and zero it. Safe on a zeroed r. */
void sw_block_result_clear(struct sw_block_result *r);

/* Block req->target: policy check, then one batch (creating the table
 * and sets when missing, repairing whatever is wrong with the table, its
 * chain, rules and sets: r->repaired says what), then the kill if asked,
 * then one audit line per block/repair/refusal/kill. Fills *r (call
 * sw_block_result_clear when done). Returns 0 for SENT or DRY_RUN, -1 for
 * REFUSED or FAILED. A target already blocked is never shortened: with a
 * longer timeout than its time left it is renewed ("renewed 192.0.2.7 for
 * 1h00m"), else it keeps its time left ("kept 192.0.2.7 blocked: ...")
 * unless req->replace; its counter is kept, and its comment records the
 * first block and this one. A target overlapping or inside a different
 * blocked prefix is refused naming it. */
int sw_blocker_block(struct sw_blocker *b, const struct sw_block_req *req,
		     struct sw_block_result *r);

/* Whether the policy lets target be blocked at all (never-block list,
 * allow list, prefix floors; not whether it overlaps a block). false with
 * why (one line) when not. */
bool sw_blocker_allowed(struct sw_blocker *b, const struct sw_prefix *target,
			char *why, size_t whylen);

/* Unblock exactly target (as listed: an address, or a blocked prefix).
 * An address inside a blocked prefix is refused naming the prefix.
 * Returns 0 (SENT, DRY_RUN) or -1 (REFUSED: not blocked; FAILED). */
int sw_blocker_unblock(struct sw_blocker *b, const struct sw_prefix *target,
		       struct sw_block_result *r);
/* Unblock the range first..last of the family as listed (an interval
 * added by hand); as sw_blocker_unblock. */
int sw_blocker_unblock_range(struct sw_blocker *b, unsigned family,
			     const uint8_t first[16], const uint8_t last[16],
			     struct sw_block_result *r);

/* Empty all four sets in one batch (the table and chain stay). Returns 0
 * or -1 as above; message says how many entries were removed. */
int sw_blocker_unblock_all(struct sw_blocker *b, struct sw_block_result *r);

/* Delete the table `inet sockwatch` (sockwatch --cleanup). Missing table
 * is success ("nothing to clean up"). Returns 0 or -1 as above. */
int sw_blocker_cleanup(struct sw_blocker *b, struct sw_block_result *r);

/* End every established socket whose peer is inside target (SOCK_DESTROY,
 * like ss -K), without blocking. Returns the count ended, or -1 with
 * *cause (may be NULL; the caller frees it) set to a one-line message.
 * In dry run, counts without ending. */
int sw_blocker_kill(struct sw_blocker *b, const struct sw_prefix *target,
		    char **cause);

/* Count the sockets whose peer is inside target (for the confirmation and
 * the comment): TCP in states other than LISTEN/TIME_WAIT, and connected
 * UDP. states (SW_ST_MAX entries, may be NULL) gets the TCP per-state
 * counts. Returns the count, or -1 with *cause as sw_blocker_kill. */
int sw_blocker_count(struct sw_blocker *b, const struct sw_prefix *target,
		     uint32_t *states, char **cause);

/* One block as the kernel reports it. */
struct sw_block_entry {
	/* an address or prefix; for a range (added by hand, not a CIDR
	 * block), the widest prefix at its start */
	struct sw_prefix target;
	bool range;         /* an interval from target's address to last */
	uint8_t last[16];   /* range: its last address (inclusive) */
	double timeout_s;   /* as set; 0 = none: it never expires */
	double expires_s;   /* left; 0 = none */
	bool counted;       /* it has a counter */
	uint64_t packets;   /* dropped so far (element counter) */
	uint64_t bytes;
	char comment[SW_BLOCK_COMMENT_LEN]; /* "" when none */
};

/* The entry's target as listed: "192.0.2.7", "198.51.100.0/24", or a
 * range "192.0.2.10-192.0.2.20". buf needs SW_BLOCK_TARGET_STRLEN.
 * Returns buf. */
#define SW_BLOCK_TARGET_STRLEN (2 * SW_ADDR_STRLEN + 2)
char *sw_block_entry_target(const struct sw_block_entry *e, char *buf,
			    size_t len);

/* Its time left as listed: "9m58s", "never" (no timeout), "-" (due).
 * buf needs 16 bytes. Returns buf. */
char *sw_block_entry_left(const struct sw_block_entry *e, char *buf,
			  size_t len);

struct sw_block_list {
	/* sorted by sw_addr_cmp, then plen; entries added by this blocker
	 * since the last refresh follow, in the order they were added */
	const struct sw_block_entry *v;
	size_t n;
	uint64_t time_ns;               /* wall clock of the read */
};

/* Read the four sets back from the kernel (one dump each) into the
 * blocker's list, replacing the previous one; entries gone before their
 * expiry was due are audited as "expire" when their timeout had run out.
 * A missing table is an empty list. Returns 0, or -1 with *cause
 * (malloc'ed). When unavailable, returns 0 with an empty list.
 * A read of a very large set is slow (about 0.5 s for 100,000 entries:
 * the kernel walks the set from its start for every dump batch); when
 * the last read took over 50 ms, calls within 10 times that duration
 * keep the last list (with this blocker's own actions applied) and
 * return 0 at once. */
int sw_blocker_refresh(struct sw_blocker *b, char **cause);

/* Whether the kernel would drop what the list shows: 1 with why (one
 * line: "the drop rules were changed") when table inet sockwatch is
 * damaged (the next block or unblock repairs it), 0 when it is right,
 * absent or blocking is unavailable, -1 with *cause (may be NULL; the
 * caller frees it) set to a one-line message. */
int sw_blocker_damage(struct sw_blocker *b, char *why, size_t whylen,
		      char **cause);

/* The last list read (by refresh or after an action). Owned by the
 * blocker; valid until the next refresh, action or close. Never NULL. */
const struct sw_block_list *sw_blocker_list(struct sw_blocker *b);

/* Format an entry's time left as "9m58s", "1h02m", "-" (none). buf needs
 * 16 bytes. Returns buf. */
char *sw_block_format_left(double seconds, char *buf, size_t len);

/* Append one audit line for something decided but not sent to the kernel
 * (a rule's breaker tripping or closing, the daemon starting, stopping or
 * reloading its rules): action ("breaker-trip", "reload", ...), target
 * (may be NULL), reason (may be NULL), outcome ("seen", "refused", ...)
 * and detail, the one-line message. Returns 0, or -1 with *cause (may be
 * NULL; the caller frees it). */
int sw_blocker_note(struct sw_blocker *b, const char *action,
		    const char *target, const char *reason, const char *outcome,
		    const char *detail, char **cause);

void sw_blocker_close(struct sw_blocker *b);

#endif
