/* sw_view_model.h - the TUI's own copy of a frame (refreshes never change it
 * under the UI) and the blocks and marks listed with it. Core header. */
#ifndef SW_VIEW_MODEL_H
#define SW_VIEW_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_agg.h"
#include "sw_conninfo.h"
#include "sw_counters.h"
#include "sw_finding.h"
#include "sw_history.h"
#include "sw_sock.h"

struct sw_frame;

/* A blocked target (read back from the kernel) or a mark made with `b`. */
struct sw_view_block {
	struct sw_prefix target;
	double expires_s;   /* seconds left; <0 when unknown */
	uint64_t packets;   /* dropped so far */
	uint64_t bytes;
	bool marked;        /* a mark only: nothing was sent */
	bool never;         /* a kernel block without a timeout */
	bool range;         /* an interval from target's address to last
			     * (added by hand, not a CIDR block) */
	uint8_t last[16];   /* range: its last address (inclusive) */
	char reason[64];
};

/* A remote over a rule's threshold (the TUI's --rules): the group the
 * rule counts and how it reads on screen. */
#define SW_VIEW_RULE_TEXT 64
struct sw_view_rule_mark {
	struct sw_prefix target;
	bool banned;                   /* a ban of it is running */
	char text[SW_VIEW_RULE_TEXT];  /* "flood: bans in 1 refresh" */
};
/* At most this many are listed (the most urgent). */
#define SW_VIEW_MAX_RULE_MARKS 256

/* The process holding a socket, as the front end resolved it. */
struct sw_view_owner {
	uint32_t inode;
	int pid;                       /* 0: not found (gone, not ours) */
	char name[SW_PROC_NAME_LEN];
};

/* A run of the kernel blocks' lookup index: the blocks of one family and
 * prefix length, at bidx[start .. start + n). */
struct sw_view_block_run {
	uint8_t family, plen;
	uint32_t start, n;
};

/* The UI's own copy of a frame: refreshes never change it under the UI. */
struct sw_view_model {
	uint64_t seq;
	uint64_t time_ns;
	double interval_s, refresh_ms;
	const char *backend; /* the frame's (static storage), or NULL */
	SW_TOTALS;      /* the aggregation's, copied whole */
	struct sw_counters counters;
	double rate[SW_C_MAX];   /* per second; NAN without a previous frame */

	struct sw_remote *remotes;
	uint32_t nremotes, rcap;
	struct sw_listener *listeners;
	uint32_t nlisteners, lcap;
	struct sw_sock *socks;
	uint32_t nsocks, scap;
	/* the frame's diagnosis, worst first (sw_diagnosis.h) */
	struct sw_finding *findings;
	uint32_t nfindings, fcap;
	/* the frame's latest info set (tcp_info per inbound ESTABLISHED
	 * socket), sorted by cookie; have_conn false when there is none */
	struct sw_conn_info *conn;
	uint32_t nconn, ccap;
	uint64_t conn_epoch_ns; /* the set's epoch_ns (first_seen_s) */
	bool have_conn;
	/* owners of the sockets shown, sorted by inode: the front end
	 * resolves the rows on screen (sw_view_model_set_owners); emptied by
	 * each fill */
	struct sw_view_owner *owners;
	uint32_t nowners, ocap;
	struct sw_view_block *blocks;
	uint32_t nblocks, bcap;
	uint32_t nkernel_blocks; /* blocks[0..n) came from the kernel, the rest are marks */
	/* lookup index of the kernel blocks (sw_view_model_blocked): their
	 * indices sorted by family, length, address, index; one run per
	 * (family, length); ranges (rare: added by hand) last, the final
	 * nbranges of bidx, looked at one by one */
	uint32_t *bidx;
	uint32_t bidx_cap, nbranges;
	struct sw_view_block_run *bruns;
	uint32_t nbruns, brcap;
	/* the last minutes up to this frame (the refresher's, copied), for
	 * the trend columns and the detail graph; empty (cap 0) in models
	 * made by hand */
	struct sw_history hist;
	/* the rules (--rules): the remotes over a threshold, most urgent
	 * first, and the rules' state for the header */
	struct sw_view_rule_mark *rule_marks;
	uint32_t nrule_marks, rmcap;
	bool rules;                    /* rules run on this model */
	bool rules_armed;
	uint32_t rules_tripped;        /* rules whose breaker is tripped */
	char rules_tripped_name[48];   /* the first of them */
};

void sw_view_model_init(struct sw_view_model *m);
void sw_view_model_free(struct sw_view_model *m);

/* Copy a frame into m, reusing m's storage. Blocks are left alone.
 * Returns 0, or -1 (ENOMEM; m then holds an empty frame). */
int sw_view_model_fill(struct sw_view_model *m, const struct sw_frame *f);

/* The info of socket cookie (TCP) in m's info set, or NULL. */
const struct sw_conn_info *sw_view_model_conn(const struct sw_view_model *m,
					      uint64_t cookie);

/* Replace m's owners with a copy of o[0..n) (sorted here by inode).
 * Returns 0 or -1 (ENOMEM; owners emptied). */
int sw_view_model_set_owners(struct sw_view_model *m,
			     const struct sw_view_owner *o, uint32_t n);

/* The owner of inode among m's owners, or NULL (not resolved). */
const struct sw_view_owner *sw_view_model_owner(const struct sw_view_model *m,
						uint32_t inode);

/* Fill m's kernel blocks in place: sw_view_model_blocks_room drops the
 * blocks and marks and returns room for n blocks in m->blocks (owned by m),
 * or NULL (ENOMEM; blocks emptied); write them, then
 * sw_view_model_blocks_commit(m, n) lists them and builds the lookup
 * index. Commit returns 0 or -1 (ENOMEM; blocks emptied). */
struct sw_view_block *sw_view_model_blocks_room(struct sw_view_model *m,
						uint32_t n);
int sw_view_model_blocks_commit(struct sw_view_model *m, uint32_t n);

/* Replace m's blocks with a copy of n kernel blocks (marks dropped).
 * Returns 0 or -1 (ENOMEM; blocks emptied). */
int sw_view_model_set_blocks(struct sw_view_model *m,
			     const struct sw_view_block *kern, uint32_t n);

/* Replace the marks listed after the kernel blocks; a mark that a kernel
 * block already covers is not listed. Returns 0 or -1 (ENOMEM). */
int sw_view_model_set_marks(struct sw_view_model *m,
			    const struct sw_prefix *marks, uint32_t nmarks);

/* Replace the rule marks with a copy of the first
 * SW_VIEW_MAX_RULE_MARKS of v[0..n). Returns 0 or -1 (ENOMEM; none). */
int sw_view_model_set_rule_marks(struct sw_view_model *m,
				 const struct sw_view_rule_mark *v, uint32_t n);

/* The most urgent rule mark whose group overlaps p (a remote row: the
 * rule may group wider or narrower than the view), or NULL. Owned by m. */
const struct sw_view_rule_mark *sw_view_model_rule_mark(
	const struct sw_view_model *m, const struct sw_prefix *p);

/* Index into m->blocks of the first kernel block (in list order) that
 * covers p (same family, its prefix contains p's address and is not
 * longer than p), or -1. A binary search per distinct (family, length)
 * of the blocks, so cheap per screen row with 100,000 blocks. */
int sw_view_model_blocked(const struct sw_view_model *m,
			  const struct sw_prefix *p);

#endif
