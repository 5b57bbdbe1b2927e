/* minihttp - an HTTP-like server for the diagnosis tests: it answers
 * requests, keeps connections alive between them, and has the faults
 * worth diagnosing only when asked.
 *
 *   minihttp ADDR PORT [--backlog N] [--size B] [--never-close] [--timeout S]
 *
 * Accepts every connection; reads until a blank line ("\r\n\r\n"), then
 * answers "HTTP/1.1 200 OK" with a body of B bytes (default 512, at most
 * 65536). A request with "Connection: close" is answered, then the server
 * closes first (its socket goes to TIME_WAIT, as a real server's does);
 * otherwise the connection stays open for the next request. It has no
 * idle timeout: a client that never finishes its headers (slowloris)
 * holds its connection as long as it likes.
 *
 * --never-close: the application bug: when a client closes, the server
 * never closes its side, so the socket stays in CLOSE_WAIT.
 *
 * Prints "listening backlog N" once listening; at exit (--timeout,
 * default 600, or SIGTERM) "served R requests, C connections" on stderr. */
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <unistd.h>

#define TOOL_NAME "minihttp"
#include "tool.h"

#define HTTP_REQ_MAX 4096

struct conn {
	char buf[HTTP_REQ_MAX];
	size_t len;
	bool open;
};

struct srv {
	int lfd, ep;
	long size, requests, accepted;
	bool never_close;
	char *resp;
	size_t resp_len;
	struct conn *c; /* by descriptor */
	long fdmax;
	int backlog;
	double timeout;
};

enum { MH_BACKLOG, MH_SIZE, MH_NEVER_CLOSE, MH_TIMEOUT };

static const struct tool_opt mh_opts[] = {
	[MH_BACKLOG] = { "--backlog", true },      [MH_SIZE] = { "--size", true },
	[MH_NEVER_CLOSE] = { "--never-close", false }, [MH_TIMEOUT] = { "--timeout", true },
};

static void mh_set(void *ctx, unsigned i, const char *v)
{
	struct srv *s = ctx;
	const char *o = mh_opts[i].name;

	switch (i) {
	case MH_BACKLOG: s->backlog = (int)tool_long(o, v, 1, 65535); break;
	case MH_SIZE: s->size = tool_long(o, v, 0, 65536); break;
	case MH_NEVER_CLOSE: s->never_close = true; break;
	case MH_TIMEOUT: s->timeout = tool_secs(o, v); break;
	}
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void conn_close(struct srv *s, int fd)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, fd, NULL);
	s->c[fd].open = false;
	close(fd);
}

/* Answer every complete request in the buffer. Returns false when the
 * connection was closed. */
static bool answer(struct srv *s, int fd)
{
	struct conn *c = &s->c[fd];
	char *end;

	while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
		size_t req = (size_t)(end - c->buf) + 4;
		bool last = memmem(c->buf, req, "Connection: close", 17) != NULL;

		s->requests++;
		/* the answer fits the socket's send buffer; a client that
		 * does not read gets it cut short */
		if (write(fd, s->resp, s->resp_len) != (ssize_t)s->resp_len || last) {
			conn_close(s, fd);
			return false;
		}
		memmove(c->buf, c->buf + req, c->len - req);
		c->len -= req;
	}
	if (c->len == sizeof(c->buf)) { /* headers too long: 431, as servers do */
		conn_close(s, fd);
		return false;
	}
	return true;
}

static void readable(struct srv *s, int fd)
{
	struct conn *c = &s->c[fd];

	for (;;) {
		ssize_t n = read(fd, c->buf + c->len, sizeof(c->buf) - c->len);

		if (n > 0) {
			c->len += (size_t)n;
			if (!answer(s, fd))
				return;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* EOF or error: the client is gone */
		if (s->never_close) {
			/* the bug: forget the socket, keep the descriptor */
			epoll_ctl(s->ep, EPOLL_CTL_DEL, fd, NULL);
			return;
		}
		conn_close(s, fd);
		return;
	}
}

static void accept_all(struct srv *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				tool_die("accept: %s after %ld connections (limit %ld)", strerror(errno),
					 s->accepted, s->fdmax);
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				tool_die("accept: %s", strerror(errno));
			return;
		}
		s->accepted++;
		s->c[fd].len = 0;
		s->c[fd].open = true;
		ev.data.fd = fd;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			tool_die("epoll_ctl: %s", strerror(errno));
	}
}

static void usage(void)
{
	fputs("usage: minihttp ADDR PORT [--backlog N] [--size B] [--never-close] [--timeout S]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct srv s = { .size = 512, .backlog = 511, .timeout = 600 };
	const char *pos[2] = { 0 };
	int one = 1, i, n;
	double deadline;
	struct tool_addr a;
	struct epoll_event ev = { .events = EPOLLIN }, evs[256];
	char head[128];

	tool_args(argc, argv, mh_opts, sizeof(mh_opts) / sizeof(mh_opts[0]), mh_set, &s, usage, pos);
	tool_addr_or_die("ADDR", pos[0], (int)tool_long("PORT", pos[1], 1, 65535), &a);
	s.fdmax = tool_raise_nofile();
	s.c = calloc((size_t)s.fdmax + 1, sizeof(*s.c));
	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n\r\n", s.size);
	s.resp_len = (size_t)n + (size_t)s.size;
	s.resp = malloc(s.resp_len);
	if (!s.c || !s.resp)
		tool_die("out of memory");
	memcpy(s.resp, head, (size_t)n);
	memset(s.resp + n, 'x', (size_t)s.size);
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);

	s.lfd = socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s.lfd < 0)
		tool_die("socket: %s", strerror(errno));
	setsockopt(s.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s.lfd, (struct sockaddr *)&a.ss, a.len) < 0)
		tool_die("bind: %s (is the address configured here?)", strerror(errno));
	if (listen(s.lfd, s.backlog) < 0)
		tool_die("listen: %s", strerror(errno));
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = s.lfd;
	if (s.ep < 0 || epoll_ctl(s.ep, EPOLL_CTL_ADD, s.lfd, &ev) < 0)
		tool_die("epoll: %s", strerror(errno));
	printf("listening backlog %d\n", s.backlog);
	fflush(stdout);
	deadline = tool_now() + s.timeout;
	while (!stop && tool_now() < deadline) {
		n = epoll_wait(s.ep, evs, 256, tool_left_ms(deadline));
		if (n < 0 && errno != EINTR)
			tool_die("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == s.lfd)
				accept_all(&s);
			else
				readable(&s, evs[i].data.fd);
		}
	}
	fprintf(stderr, "minihttp: served %ld requests, %ld connections\n", s.requests, s.accepted);
	return 0;
}
