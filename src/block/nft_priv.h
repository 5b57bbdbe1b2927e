/* nft_priv.h - what nft.c, nft_dump.c and nft_syntax.c share. Private to
 * the nftables edge: includes libmnl. */
#ifndef SW_NFT_PRIV_H
#define SW_NFT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "sw_cause.h"
#include "sw_nft.h"
#include "sw_nl.h"

/* Send and receive buffers; a dump batch from the kernel fits in 32 KiB. */
#define SW_NFT_BUFSZ (64 * 1024)

/* One request at a time goes through sw_nl_talk(n->nl, ...) (NLM_F_ACK
 * or NLM_F_DUMP set in nlh; the sequence number is stamped there). */
struct sw_nft {
	struct sw_nl *nl; /* NETLINK_NETFILTER; replies in its SW_NFT_BUFSZ buffer */
	char *wbuf; /* SW_NFT_BUFSZ: requests and batches */
};


/* Messages in one batch at most: the whole structure rebuilt (flush and
 * delete chain, four sets deleted and added, table, chain, four rules)
 * and two element messages. */
#define SW_NFT_MAXMSG 24
/* The chain's priority: raw. */
#define SW_NFT_PRIO_RAW (-300)
/* nft's datatype numbers, so `nft list` shows addresses. */
#define SW_NFT_TYPE_IPADDR 7
#define SW_NFT_TYPE_IP6ADDR 8

struct mnl_nlmsg_batch;

/* One batch under construction (nft_batch.c): the messages and what each
 * one does, so a failing ACK can be named. */
struct sw_nft_batch {
	struct mnl_nlmsg_batch *b;
	uint32_t first_seq; /* of the first message after the begin */
	unsigned nmsg;
	int failed; /* after a failed send: the failing message, or -1 */
	char what[SW_NFT_MAXMSG][64];
};

/* Start a batch in n->wbuf. genid: the ruleset generation the batch was
 * planned on (the kernel refuses the batch with ERESTART when the
 * ruleset changed since), or 0 for none. */
void sw_nft_batch_start(struct sw_nft *n, struct sw_nft_batch *bt,
			uint32_t genid);
/* Header of the next message (NLM_F_ACK added); what describes it for
 * errors. Fill the payload, then sw_nft_batch_done. */
struct nlmsghdr *sw_nft_batch_msg(struct sw_nft *n, struct sw_nft_batch *bt,
				  uint16_t type, uint16_t flags,
				  const char *what);
void sw_nft_batch_done(struct sw_nft_batch *bt);
/* Drop a batch not sent. */
void sw_nft_batch_abort(struct sw_nft_batch *bt);
/* End and send the batch; check one ACK per message. 0, or -1 with errno
 * (the first error: ERESTART when the generation changed) and *cause
 * naming the message that failed. */
int sw_nft_batch_send(struct sw_nft *n, struct sw_nft_batch *bt, char **cause);

/* Messages of nft.c appended to bt, each 0 or -1 (ENOMEM): about the
 * table itself (add: flags 0, which also wakes a dormant table; delete),
 * set s, the chain, set s's drop rule, and all of them (first use). */
int sw_nft_table_msg(struct sw_nft *n, struct sw_nft_batch *bt, uint16_t type,
		     uint16_t flags, const char *what);
int sw_nft_add_set(struct sw_nft *n, struct sw_nft_batch *bt, enum sw_nft_set s);
int sw_nft_add_chain(struct sw_nft *n, struct sw_nft_batch *bt);
int sw_nft_add_rule(struct sw_nft *n, struct sw_nft_batch *bt, enum sw_nft_set s);
int sw_nft_add_everything(struct sw_nft *n, struct sw_nft_batch *bt);
struct nftnl_chain;
/* Our chain, named (table and name). NULL on ENOMEM. */
struct nftnl_chain *sw_nft_chain_alloc(void);

/* The structure of table inet sockwatch as the kernel has it now
 * (nft_check.c), against what sw_nft_add_everything builds. */
struct sw_nft_state {
	uint32_t genid;            /* generation it was read in */
	bool table;                /* the table exists */
	bool dormant;              /* ... with flags dormant: no hook runs */
	bool chain;                /* the chain exists */
	bool chain_ok;             /* ... a filter base chain at prerouting,
				      priority raw, policy accept */
	unsigned nrules;           /* rules in the chain */
	unsigned rules_ok;         /* bit per set: its drop rule is there */
	bool set[SW_NFT_NSETS];    /* the set exists */
	bool set_ok[SW_NFT_NSETS]; /* ... with our key type and flags */
	unsigned long elems[SW_NFT_NSETS]; /* elements of a set not ok */
	char chain_why[64];        /* what is wrong with the chain */
	char set_why[SW_NFT_NSETS][64];
};

/* Read the state in one generation (read again when it changed while
 * reading). 0, or -1 with errno and *cause. */
int sw_nft_state_read(struct sw_nft *n, struct sw_nft_state *st, char **cause);
/* True when st needs no repair. */
bool sw_nft_state_ok(const struct sw_nft_state *st);

/* Append to note (a "; "-separated list; fmt takes one string). */
void sw_nft_note(char *note, size_t notelen, const char *fmt, const char *arg);
/* Append the messages that repair st to bt (nft_repair.c); note gets
 * what was wrong ("" when nothing was, and on first use). A set of the
 * wrong kind is recreated when empty; one holding elements is not
 * touched: -1 with errno EUCLEAN and *cause. -1 with ENOMEM. */
int sw_nft_repair(struct sw_nft *n, struct sw_nft_batch *bt,
		  const struct sw_nft_state *st, char *note, size_t notelen,
		  char **cause);

struct nftnl_set;

/* A libnftnl set naming set s of our table (table and name: what an
 * element dump needs). NULL on ENOMEM; the caller frees it with
 * nftnl_set_free. */
struct nftnl_set *sw_nft_set_named(enum sw_nft_set s);

/* ... with its family and batch id, for messages in a batch. */
struct nftnl_set *sw_nft_set_alloc(enum sw_nft_set s);

/* An element's key in its set: an address, a prefix or a range. */
struct sw_nft_key {
	enum sw_nft_set set;
	uint8_t start[16];
	uint8_t end[16]; /* the first address after it: the interval end */
	bool has_end;    /* false: no end element (it reaches the top) */
};

/* The key of target, in the set sw_nft_set_for chooses. */
void sw_nft_key_prefix(struct sw_nft_key *k, const struct sw_prefix *t);
/* The key of the range first..last (inclusive) in the family's prefix
 * set. False when last is below first. */
bool sw_nft_key_range(struct sw_nft_key *k, unsigned family,
		      const uint8_t first[16], const uint8_t last[16]);

/* Append the message that adds (NFT_MSG_NEWSETELEM; e the element's
 * data) or deletes (NFT_MSG_DELSETELEM; e NULL) key to bt. 0, or -1
 * (ENOMEM). */
int sw_nft_elem_msg(struct sw_nft *n, struct sw_nft_batch *bt,
		    const struct sw_nft_key *key, uint16_t type, uint16_t flags,
		    const struct sw_nft_elem *e, const char *what);

/* 4 or 6. */
unsigned sw_nft_set_family(enum sw_nft_set s);
bool sw_nft_set_is_interval(enum sw_nft_set s);
/* NFT_SET_* flags of the set. */
uint32_t sw_nft_set_flags(enum sw_nft_set s);

#endif
