/* sw_nl.h - the one netlink handle of every libmnl edge (sock_diag
 * reader and killer, rtnetlink, nftables): open and bind, sequence
 * numbers, send, the receive loop, and the reply run, on one path
 * (iproute2's lib/mnl_utils.c is the model). Every socket is
 * SOCK_CLOEXEC; every send and receive is retried on EINTR. Edge header:
 * includes libmnl; the core never includes it. */
#ifndef SW_NL_H
#define SW_NL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>

/* mnl_cb_run, but an NLMSG_DONE whose payload carries a non-zero error
 * (a dump that failed midway) is an error, not a normal end: libmnl's
 * default takes every DONE as the end. Data messages go to cb (may be
 * NULL); NLMSG_ERROR is handled as libmnl does (an ACK ends the run).
 * Returns MNL_CB_OK (> 0) when more replies are expected, MNL_CB_STOP (0)
 * at the end (DONE without error, an ACK, or cb stopped), or -1 with
 * errno: the kernel's error, EBADMSG for a short error message, ESRCH or
 * EPROTO for a reply to another socket or request, or what cb set. */
int sw_nl_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	      mnl_cb_t cb, void *data);

/* An open, bound netlink socket with its receive buffer. */
struct sw_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;   /* the last one given out */
	uint8_t *buf;   /* replies land here */
	size_t bufsz;
};

/* Open a netlink socket of bus (NETLINK_SOCK_DIAG, NETLINK_ROUTE, ...),
 * close-on-exec, bound to a port the kernel picks, with a receive buffer
 * of bufsz bytes. Returns the handle, or NULL with errno and *step (may
 * be NULL) "open", "bind" or "allocate" naming what failed. */
struct sw_nl *sw_nl_open(int bus, size_t bufsz, const char **step);

void sw_nl_close(struct sw_nl *h);

/* A fresh sequence number for a request (never 0: 0 matches any reply). */
uint32_t sw_nl_seq(struct sw_nl *h);

/* Send len bytes of requests. Returns 0, or -1 with errno. */
int sw_nl_send(struct sw_nl *h, const void *msg, size_t len);

/* Receive one buffer of replies into h->buf. Returns its length (> 0), or
 * -1 with errno (EBADMSG for an empty read). */
ssize_t sw_nl_recv(struct sw_nl *h);

/* Send one request (nlh->nlmsg_seq stamped here with sw_nl_seq) and run
 * every reply through cb (may be NULL) until the end: the dump's
 * NLMSG_DONE, the ACK, or cb stopping. Returns 0, or -1 with errno as
 * sw_nl_run. nlh may lie in h->buf. */
int sw_nl_talk(struct sw_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* sw_nl_talk with NLM_F_REQUEST | NLM_F_DUMP set. */
int sw_nl_dump(struct sw_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

#endif
