/* sw_nft.h - the nftables edge: the table `inet sockwatch`, its chain and
 * four sets, written with libnftnl in one acknowledged batch per action
 * and read back with element dumps. Used by the blocker (src/block/blocker.c);
 * front ends use sw_block.h instead.
 *
 * Failures set *cause (when cause is not NULL) to a one-line message the
 * caller frees (sw_cause.h). This header does not include libmnl or
 * libnftnl. Not thread-safe. */
#ifndef SW_NFT_H
#define SW_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_block.h"

#define SW_NFT_CHAIN "prerouting"

/* The four sets: single addresses and prefixes, per family. */
enum sw_nft_set { SW_NFT_ADDR4, SW_NFT_ADDR6, SW_NFT_NET4, SW_NFT_NET6,
		  SW_NFT_NSETS };
#define SW_NFT_ALL ((1u << SW_NFT_NSETS) - 1)
#define SW_NFT_NETS ((1u << SW_NFT_NET4) | (1u << SW_NFT_NET6))

/* Which set holds target ("addr4" for 192.0.2.7, "net4" for 192.0.2.0/24). */
enum sw_nft_set sw_nft_set_for(const struct sw_prefix *target);

/* The set's name in the table. Never NULL. */
const char *sw_nft_set_name(enum sw_nft_set s);

struct sw_nft;

/* Open an NETLINK_NETFILTER socket in the current namespace and probe
 * nf_tables with a generation query. Returns the handle, or NULL with
 * errno set and *cause (malloc'ed, caller frees) starting "unavailable: "
 * for EPERM (no CAP_NET_ADMIN) and for a kernel without nf_tables, or
 * "nftables: ..." for anything else. */
struct sw_nft *sw_nft_open(char **cause);

/* What is wrong with the table's structure now, read only: 1 with why
 * ("the chain was missing"), 0 when it is right or absent, -1 with *cause. */
int sw_nft_damage(struct sw_nft *n, char *why, size_t whylen, char **cause);

/* True when the table and its chain exist now (one get). -1 on error
 * (errno set). */
int sw_nft_table_exists(struct sw_nft *n);

/* One element to write. */
struct sw_nft_elem {
	uint64_t timeout_ms;     /* 0: none (it never expires) */
	uint64_t expires_ms;     /* time left; 0: the whole timeout */
	const char *comment;     /* <= 127 bytes, may be "" or NULL */
	bool counter;            /* its counter starts at packets/bytes */
	uint64_t packets, bytes;
};

/* Every write below first reads the structure of the table (the table
 * not dormant; chain prerouting a filter base chain at hook prerouting,
 * priority raw, policy accept; exactly one drop rule per set; the four
 * sets with our key types and flags) and sends, in the same atomic
 * batch, whatever repairs it, planned on the ruleset generation it read:
 * when the ruleset changed before the batch arrived the kernel refuses it
 * and it is planned again (8 tries). A set of the wrong kind is
 * recreated when empty; one holding elements fails the action (errno
 * EUCLEAN) rather than be emptied. note (notelen bytes) gets what was
 * repaired, "" when nothing was (or the table was created on first use).
 * Returns 0 when every message was acknowledged, -1 with errno and a
 * one-line message in *cause. */

/* Add target as e (prefixes as explicit start and end elements; no end
 * element when the prefix reaches the top of the space), creating the
 * table when missing. replace: delete the element there first, in the
 * same batch. errno EEXIST: target is there (or overlaps an interval:
 * then also ENOTEMPTY), ENOENT with replace: it is gone. */
int sw_nft_put(struct sw_nft *n, const struct sw_prefix *target,
	       const struct sw_nft_elem *e, bool replace, char *note,
	       size_t notelen, char **cause);

/* Exactly target (an address, or a prefix that is not a range), as the
 * kernel has it: 1 and *out filled, 0 when not there, -1 with *cause. */
int sw_nft_get(struct sw_nft *n, const struct sw_prefix *target,
	       struct sw_block_entry *out, char **cause);

/* Delete exactly target, or, when last is not NULL, the range from
 * target's address to last in the prefix set. -1 with errno ENOENT when
 * it is not there. */
int sw_nft_del(struct sw_nft *n, const struct sw_prefix *target,
	       const uint8_t *last, char *note, size_t notelen, char **cause);

/* Flush the four sets in one batch. A missing table is success. */
int sw_nft_flush(struct sw_nft *n, char *note, size_t notelen, char **cause);

/* Delete the table. Returns 0, 1 when there was no table, -1 on error. */
int sw_nft_destroy(struct sw_nft *n, char **cause);

/* Read the sets in set_mask (bit 1u << enum sw_nft_set; SW_NFT_ALL for
 * the four) back. Fills *v (realloc'ed as needed; caller owns
 * and frees it, *cap tracks its capacity) with *count entries, unsorted.
 * A missing table gives 0 entries. Returns 0, or -1 with *cause. */
int sw_nft_dump(struct sw_nft *n, unsigned set_mask, struct sw_block_entry **v,
		size_t *count, size_t *cap, char **cause);

void sw_nft_close(struct sw_nft *n);

/* Dry run: the nft commands (nft -f syntax) equivalent to sw_nft_add,
 * with the table, sets, chain and rules first when with_table. Returns a
 * malloc'ed string (caller frees), or NULL on ENOMEM. */
char *sw_nft_syntax_add(const struct sw_prefix *target, uint64_t timeout_ms,
			const char *comment, bool with_table);
/* ... of sw_nft_del (last: NULL, or the range's last address). */
char *sw_nft_syntax_del(const struct sw_prefix *target, const uint8_t *last);
/* ... of sw_nft_flush / sw_nft_destroy. */
char *sw_nft_syntax_flush(void);
char *sw_nft_syntax_destroy(void);

/* Keep a comment safe for the kernel and for nft's quoted syntax:
 * printable ASCII without '"' and '\\', at most SW_BLOCK_COMMENT_LEN-1
 * bytes. Writes out (SW_BLOCK_COMMENT_LEN bytes). */
void sw_nft_comment_clean(char *out, const char *in);

/* The first address after prefix p (the key of its interval end
 * element); false when that wraps past the top of the address space
 * (then no end element is sent: the interval runs to the top). */
bool sw_nft_prefix_end(const struct sw_prefix *p, uint8_t end[16]);

/* Format a timeout for nft ("600s", "1500ms"). Returns buf. */
char *sw_nft_format_timeout(uint64_t ms, char *buf, size_t len);

#endif
