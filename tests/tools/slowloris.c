/* slowloris - a slow HTTP client for the diagnosis tests: many connections
 * that each send the start of a request and then one short header line
 * every few seconds, never ending the headers, so a server without an
 * idle timeout holds them all.
 *
 *   slowloris DST PORT --from LIST --count N [--interval S] [--duration S]
 *             [--window W]
 *
 * LIST: source addresses (configured here) and IPv4 prefixes, as in
 * synraw; the connections go round-robin over them. Each connection sends
 * "GET /?K HTTP/1.1\r\nHost: sockwatch.test\r\n" at once, then "X-a: b\r\n"
 * (8 bytes) every --interval seconds (default 10; 0: nothing more),
 * staggered over the interval. A connection the server closes is opened
 * again. Prints "connected N" once all N are up, then holds them for
 * --duration seconds (default 60; the whole run is bounded by it plus
 * 60 s to connect) and exits. --window (default 256) bounds the
 * connections being opened at once. */
#include <stdbool.h>
#include <sys/epoll.h>
#include <unistd.h>

#define TOOL_NAME "slowloris"
#include "tool.h"

struct slow {
	int fd;
	bool up;
	double next; /* when to send the next header line */
};

struct loris {
	struct tool_addr dst;
	struct tool_addr srcs[TOOL_MAX_ADDRS];
	int nsrc, ep;
	double duration;
	long count, window, reopened;
	double interval;
	struct slow *c;
	uint64_t seed;
};

static int open_one(struct loris *l, long k)
{
	int one = 1, fd = socket(l->dst.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct tool_addr *src = &l->srcs[k % l->nsrc];
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = (uint64_t)k };

	if (fd < 0)
		tool_die("socket: %s", strerror(errno));
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src->ss, src->len) < 0)
		tool_die("bind to a source address: %s (is it configured here?)", strerror(errno));
	if (connect(fd, (struct sockaddr *)&l->dst.ss, l->dst.len) < 0 && errno != EINPROGRESS)
		tool_die("connect: %s", strerror(errno));
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		tool_die("epoll_ctl: %s", strerror(errno));
	l->c[k].fd = fd;
	l->c[k].up = false;
	return fd;
}

static void drop(struct loris *l, long k)
{
	epoll_ctl(l->ep, EPOLL_CTL_DEL, l->c[k].fd, NULL);
	close(l->c[k].fd);
	l->c[k].fd = -1;
	l->c[k].up = false;
}

/* Connected: send the request line and Host, schedule the first header. */
static void start(struct loris *l, long k)
{
	char req[96];
	int n = snprintf(req, sizeof(req), "GET /?%ld HTTP/1.1\r\nHost: sockwatch.test\r\n", k);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u64 = (uint64_t)k };

	if (write(l->c[k].fd, req, (size_t)n) != n) {
		drop(l, k);
		return;
	}
	epoll_ctl(l->ep, EPOLL_CTL_MOD, l->c[k].fd, &ev);
	l->c[k].up = true;
	l->c[k].next = tool_now() +
		(l->interval > 0 ? l->interval * (double)(tool_rand(&l->seed) % 1000) / 1000.0 : 1e9);
}

static void event(struct loris *l, const struct epoll_event *e)
{
	long k = (long)e->data.u64;
	int err = 0;
	socklen_t el = sizeof(err);
	char buf[512];

	if (!l->c[k].up) {
		getsockopt(l->c[k].fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err)
			drop(l, k);
		else
			start(l, k);
		return;
	}
	/* the server answered or closed: a server with a timeout */
	if (read(l->c[k].fd, buf, sizeof(buf)) <= 0 || (e->events & (EPOLLRDHUP | EPOLLHUP)))
		drop(l, k);
}

enum { SL_FROM, SL_COUNT, SL_INTERVAL, SL_DURATION, SL_WINDOW };

static const struct tool_opt sl_opts[] = {
	[SL_FROM] = { "--from", true },         [SL_COUNT] = { "--count", true },
	[SL_INTERVAL] = { "--interval", true }, [SL_DURATION] = { "--duration", true },
	[SL_WINDOW] = { "--window", true },
};

static void sl_set(void *ctx, unsigned i, const char *v)
{
	struct loris *l = ctx;
	const char *o = sl_opts[i].name;

	switch (i) {
	case SL_FROM: l->nsrc = tool_addrs_parse(o, v, 0, l->srcs, l->nsrc); break;
	case SL_COUNT: l->count = tool_long(o, v, 1, 100000); break;
	case SL_INTERVAL: l->interval = tool_secs(o, v); break;
	case SL_DURATION: l->duration = tool_secs(o, v); break;
	case SL_WINDOW: l->window = tool_long(o, v, 1, 100000); break;
	}
}

static void usage(void)
{
	fputs("usage: slowloris DST PORT --from LIST --count N [--interval S] [--duration S]\n"
	      "                 [--window W]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct loris l = { .count = -1, .window = 256, .interval = 10, .duration = 60,
				  .seed = 0x510 };
	const char *pos[2] = { 0 };
	int i, n;
	double t, end, connect_by;
	long k, up, opening, fdmax;
	bool reported = false;
	struct epoll_event evs[512];

	tool_args(argc, argv, sl_opts, sizeof(sl_opts) / sizeof(sl_opts[0]), sl_set, &l, usage, pos);
	tool_addr_or_die("DST", pos[0], (int)tool_long("PORT", pos[1], 1, 65535), &l.dst);
	if (!l.nsrc || l.count < 0)
		tool_die("--from and --count are needed");
	for (i = 0; i < l.nsrc; i++)
		if (l.srcs[i].family != l.dst.family)
			tool_die("--from: address %d is not of the family of %s", i + 1, pos[0]);
	fdmax = tool_raise_nofile();
	if (l.count + 16 > fdmax)
		tool_die("%ld connections need more descriptors than the %ld allowed", l.count, fdmax);
	l.c = calloc((size_t)l.count, sizeof(*l.c));
	l.ep = epoll_create1(EPOLL_CLOEXEC);
	if (!l.c || l.ep < 0)
		tool_die("out of memory or epoll: %s", strerror(errno));
	for (k = 0; k < l.count; k++)
		l.c[k].fd = -1;
	connect_by = tool_now() + 60;
	end = connect_by + l.duration; /* moved to now + duration once all are up */
	while ((t = tool_now()) < end) {
		up = opening = 0;
		for (k = 0; k < l.count; k++) {
			if (l.c[k].fd >= 0 && !l.c[k].up)
				opening++;
			else if (l.c[k].up)
				up++;
		}
		for (k = 0; k < l.count && opening < l.window; k++)
			if (l.c[k].fd < 0) {
				if (reported)
					l.reopened++;
				open_one(&l, k);
				opening++;
			}
		if (!reported && up == l.count) {
			printf("connected %ld\n", up);
			fflush(stdout);
			reported = true;
			end = t + l.duration;
		}
		if (!reported && t > connect_by)
			tool_die("only %ld of %ld connections up after 60 s", up, l.count);
		for (k = 0; k < l.count; k++)
			if (l.c[k].up && l.c[k].next <= t) {
				if (write(l.c[k].fd, "X-a: b\r\n", 8) != 8)
					drop(&l, k);
				else
					l.c[k].next = t + l.interval;
			}
		n = epoll_wait(l.ep, evs, 512, 100);
		for (i = 0; i < n; i++)
			event(&l, &evs[i]);
	}
	if (l.reopened)
		fprintf(stderr, "slowloris: the server closed %ld connections; opened again\n",
			l.reopened);
	return 0;
}
