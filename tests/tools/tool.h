/* tool.h - the small pieces the test tools share (sockfarm, and the load
 * tools of the diagnosis tests: synraw, slowloris, minihttp, webload):
 * errors, clocks, numbers, addresses and address lists, the command line,
 * descriptor limits. Header-only: each tool is one program built
 * from its own .c (the Makefile's TOOL_BINS). */
#ifndef SW_TOOL_H
#define SW_TOOL_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

/* Addresses one --from may name (a /24 is 254 of them). */
#define TOOL_MAX_ADDRS 4096

struct tool_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
};

/* Each tool defines TOOL_NAME (its name in messages) before this. */
#ifndef TOOL_NAME
#error define TOOL_NAME before including tool.h
#endif

/* One line on stderr, exit status 1. */
static inline void __attribute__((noreturn, format(printf, 1, 2))) tool_die(const char *fmt, ...)
{
	va_list ap;

	fputs(TOOL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static inline double tool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void tool_sleep(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* Milliseconds until the monotonic time until, for epoll_wait: at most
 * 1000, 0 when past. */
static inline int tool_left_ms(double until)
{
	double l = until - tool_now();

	if (l <= 0)
		return 0;
	return l > 1 ? 1000 : (int)(l * 1000) + 1;
}

static inline long tool_long(const char *what, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		tool_die("%s: '%s' is not a number in %ld..%ld", what, s, min, max);
	return v;
}

static inline double tool_secs(const char *what, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 86400)
		tool_die("%s: '%s' is not a number of seconds (0..86400)", what, s);
	return v;
}

/* One option of a tool: "--name", and whether it takes a value. */
struct tool_opt {
	const char *name;
	bool value;
};

/* Walk the command line: exactly two positional arguments into pos (DST
 * PORT or ADDR PORT), -h/--help to usage() (which exits), each option of
 * opts[0..nopts) to set(ctx, its index, its value or NULL for a flag).
 * Dies on an unknown option, a missing value or another count of
 * positional arguments. */
static inline void tool_args(int argc, char **argv, const struct tool_opt *opts, size_t nopts,
			     void (*set)(void *ctx, unsigned i, const char *v), void *ctx,
			     void (*usage)(void), const char *pos[2])
{
	int i, npos = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (o[0] != '-') {
			if (npos == 2)
				tool_die("unexpected argument '%s'", o);
			pos[npos++] = o;
			continue;
		}
		if (!strcmp(o, "-h") || !strcmp(o, "--help"))
			usage();
		for (k = 0; k < nopts && strcmp(o, opts[k].name); k++)
			;
		if (k == nopts)
			tool_die("unknown option '%s' (" TOOL_NAME " --help)", o);
		if (opts[k].value && i + 1 >= argc)
			tool_die("%s needs a value", o);
		set(ctx, (unsigned)k, opts[k].value ? argv[++i] : NULL);
	}
	if (npos != 2)
		usage();
}

/* "ADDR" (IPv4 or IPv6) with port into a. Returns 0, -1 when not an address. */
static inline int tool_addr_parse(const char *s, int port, struct tool_addr *a)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		a->len = sizeof(*in4);
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		a->len = sizeof(*in6);
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

static inline void tool_addr_or_die(const char *what, const char *s, int port, struct tool_addr *a)
{
	if (tool_addr_parse(s, port, a) < 0)
		tool_die("%s: '%s' is not an IPv4 or IPv6 address", what, s);
}

/* Append to v (n so far, at most TOOL_MAX_ADDRS) the addresses of one
 * --from list: "A,B,..." where each entry is an address, or an IPv4
 * "A.B.C.D/LEN" (LEN 16..32: every host address of the prefix, without
 * its network and broadcast addresses when LEN < 31). Dies on a bad entry
 * or an address of another family than family (0: any). */
static inline int tool_addrs_parse(const char *what, const char *list, int family,
			    struct tool_addr *v, int n)
{
	char *copy = strdup(list), *save = NULL, *tok;

	if (!copy)
		tool_die("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(tok, '/');
		struct tool_addr pfx;
		uint32_t base, first, last, h;
		long plen;

		if (!slash) {
			if (n == TOOL_MAX_ADDRS)
				tool_die("%s: more than %d addresses", what, TOOL_MAX_ADDRS);
			tool_addr_or_die(what, tok, 0, &v[n]);
			if (family && v[n].family != family)
				tool_die("%s: %s is not of the family of the destination", what, tok);
			n++;
			continue;
		}
		*slash = '\0';
		plen = tool_long(what, slash + 1, 16, 32);
		if (tool_addr_parse(tok, 0, &pfx) < 0 || pfx.family != AF_INET ||
		    (family && family != AF_INET))
			tool_die("%s: '%s/%ld': prefixes are IPv4 only here", what, tok, plen);
		base = ntohl(((struct sockaddr_in *)&pfx.ss)->sin_addr.s_addr);
		base &= plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
		first = base;
		last = base | (plen == 32 ? 0 : 0xffffffffu >> plen);
		if (plen < 31) {
			first++;
			last--;
		}
		for (h = first;; h++) {
			struct sockaddr_in *in4;

			if (n == TOOL_MAX_ADDRS)
				tool_die("%s: more than %d addresses", what, TOOL_MAX_ADDRS);
			memset(&v[n], 0, sizeof(v[n]));
			in4 = (struct sockaddr_in *)&v[n].ss;
			in4->sin_family = AF_INET;
			in4->sin_addr.s_addr = htonl(h);
			v[n].len = sizeof(*in4);
			v[n].family = AF_INET;
			n++;
			if (h == last)
				break;
		}
	}
	free(copy);
	return n;
}

static inline void tool_set_port(struct tool_addr *a, int port)
{
	if (a->family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

/* Raise RLIMIT_NOFILE to its hard limit; returns the limit now in force. */
static inline long tool_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return (long)rl.rlim_cur;
}

/* A small, seedable generator (xorshift64*), so a run can be repeated. */
static inline uint64_t tool_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

#endif
