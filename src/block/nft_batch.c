/* nft_batch.c - one nftables batch: its messages, each described so a
 * failing ACK can be named, sent at once and every ACK checked. A batch
 * carries the ruleset generation its messages were planned on, so the
 * kernel refuses it (ERESTART) when anything changed in between. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>

#include "nft_priv.h"

void sw_nft_batch_start(struct sw_nft *n, struct sw_nft_batch *bt,
			uint32_t genid)
{
	struct nlmsghdr *nlh;

	memset(bt, 0, sizeof(*bt));
	bt->failed = -1;
	/* the batch may overrun its limit by one message: half the buffer */
	bt->b = mnl_nlmsg_batch_start(n->wbuf, SW_NFT_BUFSZ / 2);
	nlh = nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), sw_nl_seq(n->nl));
	if (genid)
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
	mnl_nlmsg_batch_next(bt->b);
}

struct nlmsghdr *sw_nft_batch_msg(struct sw_nft *n, struct sw_nft_batch *bt,
				  uint16_t type, uint16_t flags,
				  const char *what)
{
	uint32_t seq = sw_nl_seq(n->nl);

	if (!bt->nmsg)
		bt->first_seq = seq;
	if (bt->nmsg < SW_NFT_MAXMSG)
		snprintf(bt->what[bt->nmsg], sizeof(bt->what[0]), "%s", what);
	bt->nmsg++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
				     NFPROTO_INET, flags | NLM_F_ACK, seq);
}

void sw_nft_batch_abort(struct sw_nft_batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	bt->b = NULL;
}

void sw_nft_batch_done(struct sw_nft_batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
}

/* The kernel handles a batch in the sender's context, so every reply is
 * queued when sendto returns: read without blocking until the queue is
 * empty. */
int sw_nft_batch_send(struct sw_nft *n, struct sw_nft_batch *bt, char **cause)
{
	int fd = mnl_socket_get_fd(n->nl->sock), first_err = 0;
	unsigned acks = 0;
	char msg[160] = "";

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), sw_nl_seq(n->nl));
	mnl_nlmsg_batch_next(bt->b);
	if (sw_nl_send(n->nl, mnl_nlmsg_batch_head(bt->b),
		       mnl_nlmsg_batch_size(bt->b)) < 0) {
		sw_cause_set(cause, "nftables: sending the batch failed: %s",
			     strerror(errno));
		sw_nft_batch_abort(bt);
		return -1;
	}
	sw_nft_batch_abort(bt);
	for (;;) {
		ssize_t r = recv(fd, n->nl->buf, n->nl->bufsz, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)n->nl->buf;
		int len = (int)r;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			sw_cause_set(cause, "nftables: reading ACKs failed: %s",
				     strerror(errno));
			return -1;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;
			unsigned idx;

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error == 0) {
				acks++;
				continue;
			}
			if (first_err)
				continue;
			first_err = -e->error;
			idx = nlh->nlmsg_seq - bt->first_seq;
			if (nlh->nlmsg_seq >= bt->first_seq && idx < bt->nmsg)
				bt->failed = (int)idx;
			if (bt->failed >= 0 && idx < SW_NFT_MAXMSG)
				snprintf(msg, sizeof(msg), "%s", bt->what[idx]);
			else
				snprintf(msg, sizeof(msg), "batch");
		}
	}
	if (first_err) {
		sw_cause_set(cause, "nftables: %s: %s", msg, strerror(first_err));
		errno = first_err;
		return -1;
	}
	if (acks != bt->nmsg) {
		sw_cause_set(cause,
			     "nftables: the kernel acknowledged %u of %u messages",
			     acks, bt->nmsg);
		errno = EPROTO;
		return -1;
	}
	return 0;
}
