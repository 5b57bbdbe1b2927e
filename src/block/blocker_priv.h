/* blocker_priv.h - the blocker's state, shared by blocker.c (open, the
 * last list) and blocker_act.c (the actions). Private to those two. */
#ifndef SW_BLOCKER_PRIV_H
#define SW_BLOCKER_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_audit.h"
#include "sw_block.h"
#include "sw_cause.h"
#include "sw_nft.h"
#include "sw_policy.h"
#include "sw_sockkill.h"

/* Reads slower than this (very large sets: the kernel walks a set from
 * its start for every 32 KiB dump batch) are spaced out by
 * SW_BLOCK_READ_SPACING times their duration. */
#define SW_BLOCK_SLOW_READ_MS 50.0
/* Reads of the sets that repeated elements (a torn dump) are retried up to
 * this many times in all. */
#define SW_BLOCK_READ_TRIES 3
#define SW_BLOCK_READ_SPACING 10.0

/* An entry that vanished within this long of its due time expired. */
#define SW_BLOCK_EXPIRY_SLACK_S 2.0

struct sw_blocker {
	bool dry_run, force;
	struct sw_policy policy;     /* as read before the last decision */
	char *allow_file;            /* --allow-file, or NULL: the default */
	struct sw_nft *nft;          /* NULL when unavailable */
	char *unavailable;           /* why, or NULL */
	struct sw_sockkill *kill;
	struct sw_audit *audit;
	char user[64];
	/* the last list: v[0..nsorted) sorted, then entries added since */
	struct sw_block_entry *v;
	size_t n, nsorted, cap;
	uint64_t time_ns;
	uint64_t read_mono_ns;       /* when the last read ended (monotonic) */
	double read_ms;              /* how long it took */
	struct sw_block_list list;   /* filled by sw_blocker_list */
};

/* Read the never-block list again (addresses, gateways and SSH peers
 * change while a TUI runs) and replace b->policy with it. Returns 0, or
 * -1 with *cause (malloc'ed); the old policy then stays. */
int sw_blocker_policy_renew(struct sw_blocker *b, char **cause);

/* Seconds as the milliseconds nftables takes: rounded, at least 1. */
uint64_t sw_blocker_ms(double s);

/* What a block of a target blocked already writes (blocker_renew.c). */
struct sw_block_renewal {
	struct sw_nft_elem elem;            /* its comment: NULL, use comment */
	char comment[SW_BLOCK_COMMENT_LEN]; /* the first block and this one */
	char message[SW_BLOCK_MSG_LEN];     /* "renewed ...", "kept ..." */
	const char *outcome;                /* "renewed", "kept", "replaced" */
};

/* Plan the block of req (for timeout_s) over old, the element the kernel
 * has for it: the longer time left wins unless req->replace; the counter
 * carries over. */
void sw_blocker_renewal(const struct sw_blocker *b,
			const struct sw_block_req *req, double timeout_s,
			const struct sw_block_entry *old,
			struct sw_block_renewal *out);

/* The entry for exactly p in the last list, or NULL. */
const struct sw_block_entry *sw_blocker_find(const struct sw_blocker *b,
					     const struct sw_prefix *p);
/* Record an action in the last list. append: 0 or -1 (ENOMEM). */
int sw_blocker_append(struct sw_blocker *b, const struct sw_block_entry *e);
void sw_blocker_forget(struct sw_blocker *b, const struct sw_prefix *p);
/* Replace the last list with the kernel's; audits expiries seen. */
int sw_blocker_read(struct sw_blocker *b, char **cause);

#endif
