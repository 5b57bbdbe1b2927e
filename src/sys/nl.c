/* nl.c - the netlink handle (open, sequence, send, receive, talk) and
 * libmnl's callback run with an NLMSG_DONE that reports errors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>

#include "sw_nl.h"

/* Kernels answer with negative errno values; some subsystems positive. */
static int sw_nl_errno(int32_t e)
{
	return e < 0 ? -e : e;
}

static int sw_nl_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* As libmnl's default: an error code 0 is an ACK and ends the run. */
static int sw_nl_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	errno = sw_nl_errno(err->error);
	return err->error == 0 ? MNL_CB_STOP : MNL_CB_ERROR;
}

/* The dump's final status: 0, or the error that cut it short. */
static int sw_nl_done(const struct nlmsghdr *nlh, void *data)
{
	int32_t e;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(e))
		return MNL_CB_STOP;
	memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	if (e == 0)
		return MNL_CB_STOP;
	errno = sw_nl_errno(e);
	return MNL_CB_ERROR;
}

int sw_nl_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	      mnl_cb_t cb, void *data)
{
	/* Every control type: libmnl runs no default for a type inside the
	 * array whose entry is NULL. On the stack: libmnl wants it mutable. */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = sw_nl_noop,
		[NLMSG_ERROR] = sw_nl_error,
		[NLMSG_DONE] = sw_nl_done,
		[NLMSG_OVERRUN] = sw_nl_noop,
	};

	return mnl_cb_run2(buf, len, seq, portid, cb, data, ctl, NLMSG_MIN_TYPE);
}

struct sw_nl *sw_nl_open(int bus, size_t bufsz, const char **step)
{
	struct sw_nl *h = calloc(1, sizeof(*h));
	const char *what = "allocate";
	int err;

	if (!h || !(h->buf = malloc(bufsz))) {
		errno = ENOMEM;
		goto fail;
	}
	h->bufsz = bufsz;
	what = "open";
	h->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!h->sock)
		goto fail;
	what = "bind";
	if (mnl_socket_bind(h->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	h->portid = mnl_socket_get_portid(h->sock);
	/* as iproute2: replies to an earlier process's port stand out */
	h->seq = (uint32_t)time(NULL);
	return h;
fail:
	err = errno;
	sw_nl_close(h);
	if (step)
		*step = what;
	errno = err;
	return NULL;
}

void sw_nl_close(struct sw_nl *h)
{
	if (!h)
		return;
	if (h->sock)
		mnl_socket_close(h->sock);
	free(h->buf);
	free(h);
}

uint32_t sw_nl_seq(struct sw_nl *h)
{
	if (++h->seq == 0)
		h->seq = 1;
	return h->seq;
}

int sw_nl_send(struct sw_nl *h, const void *msg, size_t len)
{
	ssize_t r;

	do
		r = mnl_socket_sendto(h->sock, msg, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : 0;
}

ssize_t sw_nl_recv(struct sw_nl *h)
{
	ssize_t r;

	do
		r = mnl_socket_recvfrom(h->sock, h->buf, h->bufsz);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		errno = EBADMSG;
		return -1;
	}
	return r;
}

int sw_nl_talk(struct sw_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = sw_nl_seq(h);
	ssize_t r;
	int ret;

	nlh->nlmsg_seq = seq;
	if (sw_nl_send(h, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		r = sw_nl_recv(h);
		if (r < 0)
			return -1;
		ret = sw_nl_run(h->buf, (size_t)r, seq, h->portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -1 : 0;
}

int sw_nl_dump(struct sw_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	return sw_nl_talk(h, nlh, cb, data);
}
