/* nft_priv.h - what nft.c, nft_dump.c and nft_syntax.c share. Private to
 * the nftables edge: includes libmnl. */
#ifndef SW_NFT_PRIV_H
#define SW_NFT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "sw_nft.h"

/* Send and receive buffers; a dump batch from the kernel fits in 32 KiB. */
#define SW_NFT_BUFSZ (64 * 1024)

struct sw_nft {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *wbuf; /* SW_NFT_BUFSZ: requests and batches */
	char *rbuf; /* SW_NFT_BUFSZ: replies */
};

/* Send one request (seq and flags already in nlh, NLM_F_ACK or
 * NLM_F_DUMP set) and feed the replies to cb until the ACK or DONE.
 * Returns 0, or -1 with errno (the kernel's error). */
int sw_nft_talk(struct sw_nft *n, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data);

struct nftnl_set;

/* A libnftnl set naming set s of our table (table and name: what an
 * element dump needs). NULL on ENOMEM; the caller frees it with
 * nftnl_set_free. */
struct nftnl_set *sw_nft_set_named(enum sw_nft_set s);

/* 4 or 6. */
unsigned sw_nft_set_family(enum sw_nft_set s);
bool sw_nft_set_is_interval(enum sw_nft_set s);
/* NFT_SET_* flags of the set. */
uint32_t sw_nft_set_flags(enum sw_nft_set s);

#endif
