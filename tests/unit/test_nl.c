/* Unit tests: sw_nl_run, libmnl's callback run with an NLMSG_DONE that
 * carries errors, on hand-built reply buffers; the handle: close-on-exec
 * sockets for every netlink user (sock_diag reader and killer, nftables),
 * receives retried on EINTR. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "sw_diag.h"
#include "sw_nft.h"
#include "sw_nl.h"
#include "sw_sockkill.h"
#include "sw_test.h"

#define SEQ 7u
#define PID 99u

struct bld {
	uint32_t b[1024]; /* netlink messages are 4-byte aligned */
	size_t len;
};

static void put(struct bld *x, uint16_t type, const void *pl, size_t plen)
{
	struct nlmsghdr h = {
		.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + plen),
		.nlmsg_type = type,
		.nlmsg_flags = NLM_F_MULTI,
		.nlmsg_seq = SEQ,
		.nlmsg_pid = PID,
	};
	uint8_t *p = (uint8_t *)x->b + x->len;

	assert_true(x->len + NLMSG_ALIGN(h.nlmsg_len) <= sizeof(x->b));
	memset(p, 0, NLMSG_ALIGN(h.nlmsg_len));
	memcpy(p, &h, sizeof(h));
	if (plen)
		memcpy(p + NLMSG_HDRLEN, pl, plen);
	x->len += NLMSG_ALIGN(h.nlmsg_len);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	++*(int *)data;
	return MNL_CB_OK;
}

static void test_data_then_done(void **state)
{
	struct bld x = {.len = 0};
	int32_t ok = 0;
	int n = 0;

	(void)state;
	put(&x, SOCK_DIAG_BY_FAMILY, "abcd", 4);
	put(&x, SOCK_DIAG_BY_FAMILY, "efgh", 4);
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, count_cb, &n), MNL_CB_OK);
	assert_int_equal(n, 2);
	put(&x, NLMSG_DONE, &ok, sizeof(ok));
	n = 0;
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, count_cb, &n), MNL_CB_STOP);
	assert_int_equal(n, 2);
}

/* libmnl's own run takes this for a complete dump */
static void test_done_with_error(void **state)
{
	struct bld x = {.len = 0};
	int32_t e = -EINTR;
	int n = 0;

	(void)state;
	put(&x, SOCK_DIAG_BY_FAMILY, "abcd", 4);
	put(&x, NLMSG_DONE, &e, sizeof(e));
	errno = 0;
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, count_cb, &n), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(n, 1);
	e = ENOBUFS; /* some subsystems send it positive */
	x.len = 0;
	put(&x, NLMSG_DONE, &e, sizeof(e));
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, NULL, NULL), -1);
	assert_int_equal(errno, ENOBUFS);
	x.len = 0; /* no status at all: a plain end */
	put(&x, NLMSG_DONE, NULL, 0);
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, NULL, NULL), MNL_CB_STOP);
}

static void test_error_and_ack(void **state)
{
	struct bld x = {.len = 0};
	struct nlmsgerr err;

	(void)state;
	memset(&err, 0, sizeof(err));
	put(&x, NLMSG_ERROR, &err, sizeof(err));
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, NULL, NULL), MNL_CB_STOP);
	err.error = -ENOENT;
	x.len = 0;
	put(&x, NLMSG_ERROR, &err, sizeof(err));
	errno = 0;
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, NULL, NULL), -1);
	assert_int_equal(errno, ENOENT);
	x.len = 0;
	put(&x, NLMSG_ERROR, &err, 2);
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, NULL, NULL), -1);
	assert_int_equal(errno, EBADMSG);
}

static void test_noop_and_others(void **state)
{
	struct bld x = {.len = 0};
	int n = 0;

	(void)state;
	put(&x, NLMSG_NOOP, NULL, 0);
	put(&x, NLMSG_OVERRUN, NULL, 0);
	put(&x, SOCK_DIAG_BY_FAMILY, "abcd", 4);
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ, PID, count_cb, &n), MNL_CB_OK);
	assert_int_equal(n, 1);
	/* a reply to another request */
	assert_int_equal(sw_nl_run(x.b, x.len, SEQ + 1, PID, count_cb, &n), -1);
	assert_int_equal(errno, EPROTO);
}

/* How many netlink sockets this process holds, and how many of them
 * would leak into a program it runs (no FD_CLOEXEC). */
static void netlink_fds(int *n, int *leaky)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	*n = *leaky = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name), dom = 0;
		socklen_t len = sizeof(dom);

		if (de->d_name[0] == '.' || fd == dirfd(d) ||
		    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0 ||
		    dom != AF_NETLINK)
			continue;
		(*n)++;
		if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			(*leaky)++;
	}
	closedir(d);
}

static void test_handles_cloexec(void **state)
{
	struct sw_nl *h = sw_nl_open(NETLINK_ROUTE, 4096, NULL);
	struct sw_sockkill *k;
	struct sw_diag *dg;
	struct sw_nft *nf;
	char *cause = NULL;
	int n, leaky;

	(void)state;
	if (!h)
		skip(); /* no netlink here */
	k = sw_sockkill_open(&cause);
	free(cause);
	cause = NULL;
	dg = sw_diag_open(&cause);
	free(cause);
	cause = NULL;
	nf = sw_nft_open(&cause); /* NULL without CAP_NET_ADMIN */
	free(cause);
	netlink_fds(&n, &leaky);
	assert_int_equal(n, 1 + (k != NULL) + (dg != NULL) + (nf != NULL));
	assert_int_equal(leaky, 0);
	assert_true(sw_nl_seq(h) != 0);
	sw_nft_close(nf);
	sw_diag_close(dg);
	sw_sockkill_close(k);
	sw_nl_close(h);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A signal during a receive is not the receive's failure: it waits on,
 * here until the socket's timeout (EAGAIN). */
static void test_recv_retries_eintr(void **state)
{
	struct sw_nl *h = sw_nl_open(NETLINK_ROUTE, 4096, NULL);
	struct sigaction sa, old;
	struct timeval tv = { .tv_usec = 400000 };
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };
	ssize_t r;
	int err;

	(void)state;
	if (!h)
		skip();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: recv sees EINTR */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	assert_int_equal(setsockopt(mnl_socket_get_fd(h->sock), SOL_SOCKET,
				    SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	r = sw_nl_recv(h);
	err = errno;
	sigaction(SIGALRM, &old, NULL);
	assert_int_equal(r, -1);
	assert_true(err == EAGAIN || err == EWOULDBLOCK);
	sw_nl_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_then_done),
		cmocka_unit_test(test_done_with_error),
		cmocka_unit_test(test_error_and_ack),
		cmocka_unit_test(test_noop_and_others),
		cmocka_unit_test(test_handles_cloexec),
		cmocka_unit_test(test_recv_retries_eintr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
