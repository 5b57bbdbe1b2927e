/* sockfarm - put real sockets in real TCP/UDP states in the current network
 * namespace, for the integration tests and the benchmarks.
 *
 *   sockfarm serve ADDR PORT [--backlog N] [--no-accept] [--close] [--reuseport]
 *   sockfarm connect DST PORT [--count N] --from ADDR[=K][,ADDR[=K]...]
 *                    [--hold S] [--close-first] [--window W]
 *   sockfarm synflood DST PORT --count N --from ADDR[,ADDR...]
 *   sockfarm udp bind ADDR PORT [--count N]
 *   sockfarm udp connect DST PORT --count N [--from ADDR,...]
 *   common: --timeout S (default 600): the process exits after S seconds.
 *
 * Every mode prints one status line on stdout once its sockets are in place
 * ("listening", "connected N", "closed N", "sent N", "bound N") and then
 * holds them until killed, --hold or --timeout. Errors are one line on
 * stderr and exit status 1. A process may hold only RLIMIT_NOFILE sockets
 * (raised to the hard limit): run several processes for more.
 *
 * Exact counts need two namespace sysctls the caller sets:
 *  - net.ipv4.tcp_rfc1337=1 for TIME_WAIT: otherwise a stray ACK/RST
 *    exchange after the final FIN kills some TIME_WAIT sockets early
 *    (seen on loopback: about 8% of them);
 *  - net.ipv4.tcp_synack_retries (server side) high for SYN_RECV, and the
 *    listener's backlog above the flood's count, so no SYN cookies. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define TOOL_NAME "sockfarm"
#include "tool.h"

#define FARM_MAX_FROM 256

struct farm_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
	long want;      /* connections from this address (connect modes) */
	long done;
};

struct farm {
	const char *mode, *sub;
	struct farm_addr dst;
	struct farm_addr from[FARM_MAX_FROM];
	int nfrom;
	bool weighted;
	long count;
	int backlog;
	bool no_accept, close_accepted, close_first, reuseport;
	double hold_s, timeout_s;
	long window;
	double deadline; /* monotonic seconds */
	long fdmax;
};

static void usage(void)
{
	fputs("usage: sockfarm serve ADDR PORT [--backlog N] [--no-accept] [--close] [--reuseport]\n"
	      "       sockfarm connect DST PORT [--count N] --from ADDR[=K][,...] [--hold S]\n"
	      "                        [--close-first] [--window W]\n"
	      "       sockfarm synflood DST PORT --count N --from ADDR[,...]\n"
	      "       sockfarm udp bind ADDR PORT [--count N]\n"
	      "       sockfarm udp connect DST PORT --count N [--from ADDR,...]\n"
	      "       every mode: --timeout S (default 600)\n",
	      stderr);
	exit(2);
}

static void parse_addr(const char *s, int port, struct farm_addr *a)
{
	struct tool_addr t;

	if (tool_addr_parse(s, port, &t) < 0)
		tool_die("'%s' is not an IPv4 or IPv6 address", s);
	memset(a, 0, sizeof(*a));
	a->ss = t.ss;
	a->len = t.len;
	a->family = t.family;
}

static void set_port(struct farm_addr *a, int port)
{
	if (a->family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

/* --from A[=K],B[=K]: with =K on every entry, K connections come from that
 * address; without, --count is spread round-robin. */
static void parse_from(struct farm *f, char *list)
{
	char *save = NULL, *tok;
	int weighted = 0;

	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (f->nfrom == FARM_MAX_FROM)
			tool_die("--from: at most %d addresses", FARM_MAX_FROM);
		if (eq)
			*eq = '\0';
		parse_addr(tok, 0, &f->from[f->nfrom]);
		if (eq) {
			f->from[f->nfrom].want = tool_long("--from ADDR=K", eq + 1, 0, 10000000);
			weighted++;
		}
		f->nfrom++;
	}
	if (weighted && weighted != f->nfrom)
		tool_die("--from: give =K on every address or on none");
	f->weighted = weighted > 0;
}

static void raise_nofile(struct farm *f)
{
	f->fdmax = tool_raise_nofile();
}

/* Fail early, clearly, when count sockets cannot fit in this process. */
static void need_fds(const struct farm *f, long count)
{
	if (count + 16 > f->fdmax)
		tool_die("%ld sockets need %ld descriptors but this process may hold %ld; "
		    "split them over several sockfarm processes",
		    count, count + 16, f->fdmax);
}

static void parse_args(struct farm *f, int argc, char **argv)
{
	int i = 1, pos = 0;
	const char *posv[3] = { 0 };

	f->backlog = 4096;
	f->timeout_s = 600;
	f->hold_s = -1;
	f->window = 512;
	f->count = -1;
	if (argc < 2)
		usage();
	f->mode = argv[i++];
	if (!strcmp(f->mode, "udp")) {
		if (i >= argc)
			usage();
		f->sub = argv[i++];
		if (strcmp(f->sub, "bind") && strcmp(f->sub, "connect"))
			tool_die("udp: unknown action '%s' (bind or connect)", f->sub);
	} else if (strcmp(f->mode, "serve") && strcmp(f->mode, "connect") &&
		   strcmp(f->mode, "synflood")) {
		tool_die("unknown mode '%s' (serve, connect, synflood, udp)", f->mode);
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-' || !a[1]) {
			if (pos == 2)
				tool_die("unexpected argument '%s'", a);
			posv[pos++] = a;
			continue;
		}
		if (!strcmp(a, "--no-accept")) { f->no_accept = true; continue; }
		if (!strcmp(a, "--close")) { f->close_accepted = true; continue; }
		if (!strcmp(a, "--close-first")) { f->close_first = true; continue; }
		if (!strcmp(a, "--reuseport")) { f->reuseport = true; continue; }
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage();
		if (!v)
			tool_die("%s needs a value", a);
		i++;
		if (!strcmp(a, "--backlog"))
			f->backlog = (int)tool_long(a, v, 0, 1 << 20);
		else if (!strcmp(a, "--count"))
			f->count = tool_long(a, v, 0, 10000000);
		else if (!strcmp(a, "--window"))
			f->window = tool_long(a, v, 1, 1000000);
		else if (!strcmp(a, "--hold"))
			f->hold_s = tool_secs(a, v);
		else if (!strcmp(a, "--timeout"))
			f->timeout_s = tool_secs(a, v);
		else if (!strcmp(a, "--from")) {
			char *copy = strdup(v);

			if (!copy)
				tool_die("out of memory");
			parse_from(f, copy);
			free(copy);
		} else
			tool_die("unknown option '%s' (sockfarm --help)", a);
	}
	if (pos != 2)
		usage();
	parse_addr(posv[0], (int)tool_long("PORT", posv[1], 0, 65535), &f->dst);
	for (i = 0; i < f->nfrom; i++)
		if (f->from[i].family != f->dst.family)
			tool_die("--from address %d is not of the family of %s", i + 1, posv[0]);
	f->deadline = tool_now() + f->timeout_s;
}

/* When holding ends: --hold seconds from now, capped by --timeout. */
static double hold_end(const struct farm *f)
{
	double t = tool_now();

	return f->hold_s >= 0 && t + f->hold_s < f->deadline ? t + f->hold_s : f->deadline;
}

/* Sleep until then, or until killed. */
static void hold_until(double until)
{
	while (tool_now() < until) {
		double l = until - tool_now();
		struct timespec ts = { .tv_sec = l > 1 ? 1 : 0,
				       .tv_nsec = l > 1 ? 0 : (long)(l * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static int tcp_socket(int family)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		tool_die("socket: %s", strerror(errno));
	return fd;
}

static int epoll_new(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		tool_die("epoll_create1: %s", strerror(errno));
	return ep;
}

static void ep_ctl(int ep, int op, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(ep, op, fd, &ev) < 0)
		tool_die("epoll_ctl: %s", strerror(errno));
}

/* Read and drop; close on EOF or error (the peer closed first). */
static bool drain_or_close(int ep, int fd)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return false;
		epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
		return true;
	}
}

static int serve(struct farm *f)
{
	int one = 1, lfd, ep, n, i;
	bool paused = false, warned = false;
	long accepted = 0;
	struct epoll_event evs[256];

	lfd = tcp_socket(f->dst.family);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (f->reuseport && setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		tool_die("SO_REUSEPORT: %s", strerror(errno));
	if (bind(lfd, (struct sockaddr *)&f->dst.ss, f->dst.len) < 0)
		tool_die("bind: %s (is the address configured in this namespace?)", strerror(errno));
	if (listen(lfd, f->backlog) < 0)
		tool_die("listen: %s", strerror(errno));
	printf("listening backlog %d\n", f->backlog);
	fflush(stdout);
	if (f->no_accept) {
		hold_until(f->deadline);
		return 0;
	}
	ep = epoll_new();
	ep_ctl(ep, EPOLL_CTL_ADD, lfd, EPOLLIN);
	while (tool_now() < f->deadline) {
		n = epoll_wait(ep, evs, 256, tool_left_ms(f->deadline));
		if (n < 0 && errno != EINTR)
			tool_die("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd != lfd) {
				if (drain_or_close(ep, fd) && paused) {
					ep_ctl(ep, EPOLL_CTL_ADD, lfd, EPOLLIN);
					paused = false;
				}
				continue;
			}
			for (;;) {
				int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

				if (c < 0) {
					if (errno == EMFILE || errno == ENFILE) {
						if (!warned)
							fprintf(stderr, "sockfarm: accept: %s after %ld connections "
								"(limit %ld); run more server processes\n",
								strerror(errno), accepted, f->fdmax);
						warned = true;
						epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
						paused = true;
					} else if (errno != EAGAIN && errno != EINTR &&
						   errno != ECONNABORTED) {
						tool_die("accept: %s", strerror(errno));
					}
					break;
				}
				accepted++;
				if (f->close_accepted)
					close(c);
				else
					ep_ctl(ep, EPOLL_CTL_ADD, c, EPOLLIN | EPOLLRDHUP);
			}
		}
	}
	return 0;
}

/* The next source address with connections left, round-robin; -1 = none
 * (then connect without binding when no --from was given). */
static int next_from(struct farm *f, int *rr)
{
	int k;

	for (k = 0; k < f->nfrom; k++) {
		int j = (*rr + k) % f->nfrom;

		if (f->from[j].done < f->from[j].want) {
			*rr = j + 1;
			f->from[j].done++;
			return j;
		}
	}
	return -1;
}

/* Spread --count over the --from addresses unless weights were given. */
static long plan_sources(struct farm *f)
{
	long total = 0;
	int i;

	if (f->weighted) {
		for (i = 0; i < f->nfrom; i++)
			total += f->from[i].want;
		if (f->count >= 0 && f->count != total)
			tool_die("--count %ld differs from the sum of --from weights %ld", f->count, total);
		return total;
	}
	if (f->count < 0)
		tool_die("%s needs --count N", f->mode);
	for (i = 0; i < f->nfrom; i++)
		f->from[i].want = f->count / f->nfrom + (i < f->count % f->nfrom);
	return f->count;
}

/* Open one socket bound to from[j] (if any) and start connecting it.
 * Returns the fd, with *done set when connect finished at once. */
static int start_connect(struct farm *f, int j, int type, bool *done)
{
	int one = 1;
	int fd = socket(f->dst.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		tool_die("socket: %s", strerror(errno));
	*done = false;
	if (j >= 0) {
		if (type == SOCK_STREAM)
			setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&f->from[j].ss, f->from[j].len) < 0)
			tool_die("bind to source address %d: %s (is it configured here?)", j + 1,
			    strerror(errno));
	}
	if (connect(fd, (struct sockaddr *)&f->dst.ss, f->dst.len) == 0) {
		*done = true;
	} else if (errno != EINPROGRESS) {
		tool_die("connect: %s%s", strerror(errno),
		    errno == EADDRNOTAVAIL ? " (out of local ports: add --from addresses)" : "");
	}
	return fd;
}

enum { FD_FREE, FD_CONNECTING, FD_UP };

static int tcp_connect(struct farm *f)
{
	long total = plan_sources(f), started = 0, connected = 0, failed = 0;
	long inflight = 0, closed = 0;
	int ep = epoll_new(), rr = 0, first_err = 0, i, n;
	unsigned char *st; /* FD_* by descriptor number */
	struct epoll_event evs[512];
	double until;

	need_fds(f, total);
	st = calloc((size_t)f->fdmax + 1, 1);
	if (!st)
		tool_die("out of memory");
	while (connected + failed < total) {
		while (started < total && inflight < f->window) {
			bool done;
			int fd = start_connect(f, next_from(f, &rr), SOCK_STREAM, &done);

			started++;
			if (done) {
				connected++;
				st[fd] = FD_UP;
				ep_ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP);
			} else {
				inflight++;
				st[fd] = FD_CONNECTING;
				ep_ctl(ep, EPOLL_CTL_ADD, fd, EPOLLOUT);
			}
		}
		if (tool_now() >= f->deadline)
			tool_die("only %ld of %ld connections established after %.0f s (--timeout)",
			    connected, total, f->timeout_s);
		n = epoll_wait(ep, evs, 512, tool_left_ms(f->deadline));
		if (n < 0 && errno != EINTR)
			tool_die("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd, err = 0;
			socklen_t el = sizeof(err);

			if (st[fd] == FD_UP) { /* the peer closed or sent data */
				if (drain_or_close(ep, fd))
					st[fd] = FD_FREE;
				continue;
			}
			inflight--;
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err) {
				if (!first_err)
					first_err = err;
				failed++;
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				close(fd);
				st[fd] = FD_FREE;
				continue;
			}
			connected++;
			st[fd] = FD_UP;
			ep_ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLRDHUP);
		}
	}
	if (failed)
		tool_die("%ld of %ld connections failed: %s", failed, total, strerror(first_err));
	printf("connected %ld\n", connected);
	fflush(stdout);
	if (f->close_first) {
		for (i = 0; i <= f->fdmax; i++)
			if (st[i] == FD_UP) {
				close(i);
				closed++;
			}
		printf("closed %ld\n", closed);
		fflush(stdout);
		free(st);
		return 0;
	}
	until = hold_end(f);
	while (tool_now() < until) {
		n = epoll_wait(ep, evs, 512, tool_left_ms(until));
		for (i = 0; i < n; i++)
			if (drain_or_close(ep, evs[i].data.fd))
				st[evs[i].data.fd] = FD_FREE;
	}
	free(st);
	return 0;
}

/* Half-open connections: SYNs whose SYN-ACKs the test drops (nft in this
 * namespace), so the server holds request sockets in SYN_RECV. */
static int synflood(struct farm *f)
{
	long total = plan_sources(f), i;
	int rr = 0;
	bool done;

	need_fds(f, total);
	for (i = 0; i < total; i++)
		start_connect(f, next_from(f, &rr), SOCK_STREAM, &done);
	printf("sent %ld\n", total);
	fflush(stdout);
	hold_until(hold_end(f));
	return 0;
}

static int udp(struct farm *f)
{
	long total, i;
	int rr = 0, port;
	bool done;

	if (!strcmp(f->sub, "connect")) {
		if (!f->nfrom) {
			if (f->count < 0)
				tool_die("udp connect needs --count N");
			total = f->count;
		} else {
			total = plan_sources(f);
		}
		need_fds(f, total);
		for (i = 0; i < total; i++)
			start_connect(f, f->nfrom ? next_from(f, &rr) : -1, SOCK_DGRAM, &done);
		printf("connected %ld\n", total);
	} else {
		total = f->count < 0 ? 1 : f->count;
		need_fds(f, total);
		port = ntohs(f->dst.family == AF_INET ? ((struct sockaddr_in *)&f->dst.ss)->sin_port
						      : ((struct sockaddr_in6 *)&f->dst.ss)->sin6_port);
		if (port && port + total - 1 > 65535)
			tool_die("ports %d..%ld do not fit below 65536", port, port + total - 1);
		for (i = 0; i < total; i++) {
			int fd = socket(f->dst.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

			if (fd < 0)
				tool_die("socket: %s", strerror(errno));
			set_port(&f->dst, port ? port + (int)i : 0);
			if (bind(fd, (struct sockaddr *)&f->dst.ss, f->dst.len) < 0)
				tool_die("bind udp socket %ld: %s", i + 1, strerror(errno));
		}
		printf("bound %ld\n", total);
	}
	fflush(stdout);
	hold_until(hold_end(f));
	return 0;
}

int main(int argc, char **argv)
{
	static struct farm f;

	parse_args(&f, argc, argv);
	raise_nofile(&f);
	if (!strcmp(f.mode, "serve"))
		return serve(&f);
	if (!strcmp(f.mode, "connect"))
		return tcp_connect(&f);
	if (!strcmp(f.mode, "synflood"))
		return synflood(&f);
	return udp(&f);
}
