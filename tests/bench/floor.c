/* floor.c - the floor for sockwatch's refresh cost: a bare libmnl
 * sock_diag dump of TCP over IPv4 and IPv6 that only counts the sockets.
 *
 *   floor [-n ITERATIONS] [--netns NAME] [-q] [--one-walk]
 *
 * The request sockwatch's engine made before it walked once:
 * SW_TCP_ALL_STATES, one family per request (the two-dump floor); with
 * --one-walk the compat request (TCPDIAG_GETSOCK: both families in one
 * kernel walk), as the engine makes it now. One netlink socket and one 64 KiB buffer reused across
 * iterations. Prints one line per dump and a median line:
 *   dump 1 sockets 250000 wall_ms 212.301 cpu_ms 210.004
 *   median sockets 250000 wall_ms 211.9 cpu_ms 209.8 n 10
 * Benchmarks assert nothing about time; this only prints figures. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_floor.h"
#include "sw_sock.h"

#define FLOOR_BUFSZ (64 * 1024)

struct floor_ctx {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
	char *buf;
	unsigned long count;
	int one_walk; /* --one-walk: the compat request, both families */
};

static int floor_count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct floor_ctx *c = data;

	if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_type == TCPDIAG_GETSOCK)
		c->count++;
	return MNL_CB_OK;
}

/* NLMSG_DONE carries an int error code; libmnl's default ignores it. */
static int floor_done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);
		if (err < 0) {
			errno = -err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int floor_dump(struct floor_ctx *c, unsigned char family)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_DONE] = floor_done_cb,
	};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf);
	struct inet_diag_req_v2 *req;
	ssize_t n;
	int ret;

	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++c->seq;
	if (family == AF_UNSPEC) { /* both families, one walk */
		struct inet_diag_req *old = mnl_nlmsg_put_extra_header(nlh, sizeof(*old));

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		old->idiag_family = AF_INET;
		old->idiag_states = SW_TCP_ALL_STATES;
	} else {
		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		req->sdiag_family = family;
		req->sdiag_protocol = IPPROTO_TCP;
		req->idiag_states = SW_TCP_ALL_STATES;
	}
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(c->nl, c->buf, FLOOR_BUFSZ);
		if (n < 0)
			return -1;
		ret = mnl_cb_run2(c->buf, (size_t)n, c->seq, c->portid,
				  floor_count_cb, c, ctl, NLMSG_MIN_TYPE);
		if (ret < 0)
			return -1;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static int floor_enter_netns(const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "floor: --netns %s: %s (ip netns list shows them)\n",
			name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "floor: --netns %s: setns: %s (needs root)\n",
			name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void floor_usage(FILE *f)
{
	fprintf(f, "usage: floor [-n ITERATIONS] [--netns NAME] [-q] [--one-walk]\n"
		   "  bare libmnl sock_diag TCP v4+v6 dump that counts sockets\n"
		   "  (two dumps; --one-walk: one compat dump of both families);\n"
		   "  prints per-dump wall and CPU ms, then the medians\n");
}

/* One floor walk: both families in one dump (c->one_walk) or two. */
static int floor_walk(void *ctx, unsigned long *count)
{
	struct floor_ctx *c = ctx;
	int rc;

	c->count = 0;
	rc = c->one_walk ? floor_dump(c, AF_UNSPEC)
			 : floor_dump(c, AF_INET) < 0 ? -1 : floor_dump(c, AF_INET6);
	*count = c->count;
	return rc;
}

int main(int argc, char **argv)
{
	struct floor_ctx c = {0};
	struct bench_floor f;
	int rc = bench_floor_args(argc, argv, "floor", "--one-walk", floor_usage, &f);

	if (rc >= 0)
		return rc;
	c.one_walk = f.flag;
	if (f.netns && floor_enter_netns(f.netns) < 0)
		return 1;
	c.buf = malloc(FLOOR_BUFSZ);
	if (!c.buf) {
		fprintf(stderr, "floor: out of memory\n");
		return 1;
	}
	c.nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!c.nl || mnl_socket_bind(c.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "floor: netlink sock_diag socket: %s\n", strerror(errno));
		return 1;
	}
	c.portid = mnl_socket_get_portid(c.nl);
	if (bench_floor_run(&f, floor_walk, &c) < 0) {
		fprintf(stderr, "floor: sock_diag dump failed: %s\n", strerror(errno));
		return 1;
	}
	mnl_socket_close(c.nl);
	free(c.buf);
	return 0;
}
