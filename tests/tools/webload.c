/* webload - a busy, healthy client population for the diagnosis tests:
 * many client addresses, each holding a few keep-alive connections that
 * make requests and read the answers, with normal churn (connections end
 * and new ones open) and the TIME_WAIT that comes with it. Against
 * minihttp, nothing in it should look like an attack or a fault.
 *
 *   webload DST PORT --from LIST [--conns K] [--think S] [--requests R]
 *           [--close-ratio P] [--duration S] [--seed N]
 *
 * LIST: source addresses (configured here) and IPv4 prefixes, as in
 * synraw. Each address keeps K connections (default 2). A connection
 * sends "GET / HTTP/1.1", reads the whole answer, waits a think time
 * (uniform in 0.5..1.5 x S, default 1 s), and asks again; after a random
 * 1..2R requests (default R 5) it ends: with probability P percent
 * (default 50) its last request says "Connection: close" (the server
 * closes first: server-side TIME_WAIT), else the client closes first.
 * Then a new connection takes its place. Prints "running N" once each of
 * the N connections has been up, then every 2 s "stats requests Q
 * connections C errors E" (E: connections refused, reset or cut short),
 * and at the end "done ..." with the same numbers. Runs --duration
 * seconds (default 60; connecting first is bounded by 60 s). */
#include <stdbool.h>
#include <sys/epoll.h>
#include <unistd.h>

#define TOOL_NAME "webload"
#include "tool.h"

enum wl_state { WL_FREE, WL_CONNECTING, WL_WAITING, WL_THINKING };

struct wl_conn {
	int fd;
	enum wl_state st;
	int src;
	int left;          /* requests still to make on this connection */
	double next;       /* THINKING: when to ask again */
	char head[256];    /* the answer's headers so far */
	size_t hlen;
	long body_left;    /* -1: headers not complete yet */
	bool last;         /* the request in flight said Connection: close */
	bool ever_up;
	bool started;     /* this slot has had a connection up once */
};

struct wl {
	struct tool_addr dst;
	struct tool_addr srcs[TOOL_MAX_ADDRS];
	int nsrc, ep, conns;
	double duration;
	long n, requests, opened, errors, up, started;
	double think;
	int reqs, close_pct;
	uint64_t seed;
	struct wl_conn *c;
};

static double think_time(struct wl *w)
{
	return w->think * (0.5 + (double)(tool_rand(&w->seed) % 1000) / 1000.0);
}

static void conn_end(struct wl *w, long k, bool error)
{
	struct wl_conn *c = &w->c[k];

	if (c->fd >= 0) {
		epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	if (c->ever_up)
		w->up--;
	c->fd = -1;
	c->st = WL_FREE;
	c->ever_up = false;
	if (error)
		w->errors++;
}

static void conn_open(struct wl *w, long k)
{
	struct wl_conn *c = &w->c[k];
	struct tool_addr *src = &w->srcs[c->src];
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = (uint64_t)k };
	int one = 1;

	c->fd = socket(w->dst.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		tool_die("socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	if (bind(c->fd, (struct sockaddr *)&src->ss, src->len) < 0)
		tool_die("bind to a source address: %s (is it configured here?)", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&w->dst.ss, w->dst.len) < 0 && errno != EINPROGRESS)
		tool_die("connect: %s", strerror(errno));
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		tool_die("epoll_ctl: %s", strerror(errno));
	c->st = WL_CONNECTING;
	c->left = 1 + (int)(tool_rand(&w->seed) % (uint64_t)(2 * w->reqs));
	w->opened++;
}

static void ask(struct wl *w, long k)
{
	struct wl_conn *c = &w->c[k];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u64 = (uint64_t)k };
	char req[128];
	int n;

	c->last = c->left == 1 && (int)(tool_rand(&w->seed) % 100) < w->close_pct;
	n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: sockwatch.test\r\n%s\r\n",
		     c->last ? "Connection: close\r\n" : "");
	if (write(c->fd, req, (size_t)n) != n) {
		conn_end(w, k, true);
		return;
	}
	epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->st = WL_WAITING;
	c->hlen = 0;
	c->body_left = -1;
}

/* One answer is complete: think, or end the connection. */
static void answered(struct wl *w, long k)
{
	struct wl_conn *c = &w->c[k];

	w->requests++;
	c->left--;
	if (c->last) { /* the server closes: read its EOF, then close */
		c->st = WL_WAITING;
		c->body_left = -2;
		return;
	}
	if (c->left <= 0) {
		conn_end(w, k, false); /* the client closes first */
		return;
	}
	c->st = WL_THINKING;
	c->next = tool_now() + think_time(w);
}

/* Take n bytes of the answer. */
static void consume(struct wl *w, long k, const char *p, size_t n)
{
	struct wl_conn *c = &w->c[k];

	while (n && c->st == WL_WAITING && c->body_left != -2) {
		if (c->body_left < 0) {
			char *end, *cl;
			size_t take = n < sizeof(c->head) - 1 - c->hlen ? n : sizeof(c->head) - 1 - c->hlen;

			memcpy(c->head + c->hlen, p, take);
			c->hlen += take;
			c->head[c->hlen] = '\0';
			end = strstr(c->head, "\r\n\r\n");
			if (!end) {
				if (c->hlen == sizeof(c->head) - 1) {
					conn_end(w, k, true);
					return;
				}
				return;
			}
			cl = strstr(c->head, "Content-Length: ");
			c->body_left = cl ? strtol(cl + 16, NULL, 10) : 0;
			/* what came after the headers in this read is body */
			take -= c->hlen - (size_t)(end + 4 - c->head);
			p += take;
			n -= take;
		}
		if ((long)n >= c->body_left) {
			p += c->body_left;
			n -= (size_t)c->body_left;
			answered(w, k);
		} else {
			c->body_left -= (long)n;
			n = 0;
		}
	}
}

static void event(struct wl *w, const struct epoll_event *e)
{
	long k = (long)e->data.u64;
	struct wl_conn *c = &w->c[k];
	char buf[4096];
	int err = 0;
	socklen_t el = sizeof(err);
	ssize_t r;

	if (c->st == WL_CONNECTING) {
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			conn_end(w, k, true);
			return;
		}
		c->ever_up = true;
		w->up++;
		if (!c->started) {
			c->started = true;
			w->started++;
		}
		ask(w, k);
		return;
	}
	for (;;) {
		r = read(c->fd, buf, sizeof(buf));
		if (r > 0) {
			consume(w, k, buf, (size_t)r);
			if (c->st == WL_FREE)
				return;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* EOF: expected after "Connection: close", else cut short */
		conn_end(w, k, !(c->st == WL_WAITING && c->body_left == -2));
		return;
	}
}

enum { WL_FROM, WL_CONNS, WL_THINK, WL_REQUESTS, WL_CLOSE_RATIO, WL_DURATION, WL_SEED };

static const struct tool_opt wl_opts[] = {
	[WL_FROM] = { "--from", true },       [WL_CONNS] = { "--conns", true },
	[WL_THINK] = { "--think", true },     [WL_REQUESTS] = { "--requests", true },
	[WL_CLOSE_RATIO] = { "--close-ratio", true }, [WL_DURATION] = { "--duration", true },
	[WL_SEED] = { "--seed", true },
};

static void wl_set(void *ctx, unsigned i, const char *v)
{
	struct wl *w = ctx;
	const char *o = wl_opts[i].name;

	switch (i) {
	case WL_FROM: w->nsrc = tool_addrs_parse(o, v, 0, w->srcs, w->nsrc); break;
	case WL_CONNS: w->conns = (int)tool_long(o, v, 1, 1000); break;
	case WL_THINK: w->think = tool_secs(o, v); break;
	case WL_REQUESTS: w->reqs = (int)tool_long(o, v, 1, 100000); break;
	case WL_CLOSE_RATIO: w->close_pct = (int)tool_long(o, v, 0, 100); break;
	case WL_DURATION: w->duration = tool_secs(o, v); break;
	case WL_SEED: w->seed = (uint64_t)tool_long(o, v, 1, 1L << 40); break;
	}
}

static void usage(void)
{
	fputs("usage: webload DST PORT --from LIST [--conns K] [--think S] [--requests R]\n"
	      "               [--close-ratio P] [--duration S] [--seed N]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct wl w = { .conns = 2, .duration = 60, .think = 1, .reqs = 5, .close_pct = 50,
			       .seed = 0x3eb };
	const char *pos[2] = { 0 };
	int i, n;
	double t, end, connect_by, stats;
	bool reported = false;
	long k;
	struct epoll_event evs[512];

	tool_args(argc, argv, wl_opts, sizeof(wl_opts) / sizeof(wl_opts[0]), wl_set, &w, usage, pos);
	tool_addr_or_die("DST", pos[0], (int)tool_long("PORT", pos[1], 1, 65535), &w.dst);
	if (!w.nsrc)
		tool_die("--from is needed");
	for (i = 0; i < w.nsrc; i++)
		if (w.srcs[i].family != w.dst.family)
			tool_die("--from: address %d is not of the family of %s", i + 1, pos[0]);
	w.n = (long)w.nsrc * w.conns;
	if (w.n + 16 > tool_raise_nofile())
		tool_die("%ld connections need more descriptors than this process may hold", w.n);
	w.c = calloc((size_t)w.n, sizeof(*w.c));
	w.ep = epoll_create1(EPOLL_CLOEXEC);
	if (!w.c || w.ep < 0)
		tool_die("out of memory or epoll: %s", strerror(errno));
	for (k = 0; k < w.n; k++) {
		w.c[k].fd = -1;
		w.c[k].src = (int)(k % w.nsrc);
	}
	connect_by = tool_now() + 60;
	end = connect_by + w.duration;
	stats = tool_now() + 2;
	while ((t = tool_now()) < end) {
		long opening = 0;

		if (reported && t >= stats) {
			printf("stats requests %ld connections %ld errors %ld\n", w.requests, w.opened,
			       w.errors);
			fflush(stdout);
			stats = t + 2;
		}

		for (k = 0; k < w.n; k++) {
			if (w.c[k].st == WL_CONNECTING)
				opening++;
			else if (w.c[k].st == WL_THINKING && w.c[k].next <= t)
				ask(&w, k);
		}
		/* new connections replace ended ones, a few hundred at a time */
		for (k = 0; k < w.n && opening < 256; k++)
			if (w.c[k].st == WL_FREE) {
				conn_open(&w, k);
				opening++;
			}
		if (!reported && w.started == w.n) {
			printf("running %ld\n", w.n);
			fflush(stdout);
			reported = true;
			end = t + w.duration;
		}
		if (!reported && t > connect_by)
			tool_die("only %ld of %ld connections up after 60 s", w.up, w.n);
		n = epoll_wait(w.ep, evs, 512, 20);
		for (i = 0; i < n; i++)
			event(&w, &evs[i]);
	}
	printf("done requests %ld connections %ld errors %ld\n", w.requests, w.opened, w.errors);
	return 0;
}
