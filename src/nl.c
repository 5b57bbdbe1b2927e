/* nl.c - libmnl's callback run with an NLMSG_DONE that reports errors. */
#include <errno.h>
#include <string.h>

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
