/* gen_dump.c - write a synthetic --record file: R refreshes of N TCP
 * sockets as raw sock_diag reply buffers, byte for byte what this kernel
 * sends (nlmsghdr + inet_diag_msg + the attributes it always adds), for
 * the memory benchmark and for repeatable profiling with --replay.
 *
 *   gen_dump -o FILE -s SOCKETS [-r REFRESHES] [--churn PERMILLE] [--seed N]
 *            [--remotes POOL] [--info 0|1]
 *
 * The population: a few listeners; ESTABLISHED ~72%, TIME_WAIT ~20%,
 * SYN_RECV (from 203.0.113.0/24) ~2%, the closing states and SYN_SENT
 * (to backends in 198.51.100.0/24) the rest; ~85% IPv4, the rest IPv6
 * (2001:db8::/32, a third of it IPv4-mapped). Remote addresses follow a
 * heavy tail over 127.0.0.0/8 (one client holds a few % of all sockets,
 * most hold one or two; --remotes sets the pool of distinct addresses,
 * by default SOCKETS/4). Each later refresh closes, opens and moves
 * (ESTABLISHED -> TIME_WAIT, same cookie, as the kernel does) churn/1000
 * of the sockets. Small UDP dumps are included as a live record has them.
 * With --info 1 (the default) each refresh also carries the info dump a
 * live sockwatch records by default: the TCP listeners, then the
 * ESTABLISHED sockets on their ports (the inbound ones, ~72% of all)
 * with a tcp_info whose byte counters grow from refresh to refresh.
 *
 * File format: include/sw_record.h (written here byte by byte, so the
 * generator does not depend on the writer under test). */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sw_record.h"
#include "sw_sock.h"

#define GEN_BUFSZ 32768u /* the kernel's largest dump batch */
#define GEN_PORTID 4242u
#define GEN_MAX_SOCKS 20000000u

/* One synthetic socket. fam: 4, 6, or 46 for an IPv4-mapped v6 peer. */
struct gen_sock {
	uint64_t cookie;
	uint32_t peer4;    /* v4 peer (host order), also for mapped */
	uint32_t peer6lo;  /* low bits of a 2001:db8:: peer */
	uint32_t inode;
	uint16_t lport, rport;
	uint8_t fam, state, proto, v6only;
};

struct gen {
	uint64_t rng;
	uint64_t next_cookie;
	uint32_t next_inode;
	uint32_t nremote; /* pool of distinct remote addresses */
	struct gen_sock *socks;
	uint32_t n;
	unsigned char buf[GEN_BUFSZ];
	size_t len;
	FILE *out;
	uint32_t seq;
	uint64_t bytes_nl;
	int info;          /* write INFO items */
	unsigned refresh;  /* the one being written */
	uint64_t ninfo;    /* entries of the last info dump */
};

static uint64_t gen_rand(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static double gen_unit(struct gen *g)
{
	return (gen_rand(g) >> 11) * (1.0 / 9007199254740992.0);
}

/* Heavy tail: P(rank < k) = (k/n)^(1/4), rank 0 the busiest client. */
static uint32_t gen_rank(struct gen *g)
{
	double u = gen_unit(g);

	return (uint32_t)(g->nremote * u * u * u * u);
}

/* Scatter ranks over 127.0.0.0/8 (multiplication by an odd constant is a
 * bijection mod 2^24, so distinct ranks give distinct addresses). */
static uint32_t gen_rank_addr(uint32_t rank)
{
	return 0x7f000000u | ((rank * 0x9E3779B1u + 0x10001u) & 0xffffffu);
}

/* Cumulative permille per state for peer sockets. */
static const struct {
	uint8_t state;
	unsigned upto;
} gen_state_mix[] = {
	{SW_ESTABLISHED, 720}, {SW_TIME_WAIT, 920}, {SW_SYN_RECV, 940},
	{SW_FIN_WAIT1, 950},   {SW_FIN_WAIT2, 970}, {SW_CLOSE_WAIT, 985},
	{SW_LAST_ACK, 994},    {SW_SYN_SENT, 998},  {SW_CLOSING, 1000},
};

static void gen_peer(struct gen *g, struct gen_sock *s, uint8_t state)
{
	unsigned f = gen_rand(g) % 100;

	memset(s, 0, sizeof(*s));
	s->proto = SW_TCP;
	s->state = state;
	s->cookie = g->next_cookie;
	g->next_cookie += 1 + gen_rand(g) % 4;
	s->fam = f < 85 ? 4 : f < 90 ? 46 : 6;
	s->lport = gen_rand(g) % 3 ? 443 : 80;
	s->rport = 32768 + gen_rand(g) % 28232;
	if (state == SW_SYN_RECV) {
		s->peer4 = 0xcb007100u | (uint32_t)(gen_rand(g) % 256); /* 203.0.113/24 */
		if (s->fam == 46)
			s->fam = 4;
	} else if (state == SW_SYN_SENT) {
		s->peer4 = 0xc6336400u | (uint32_t)(1 + gen_rand(g) % 8); /* 198.51.100/24 */
		s->fam = 4;
		s->lport = 32768 + gen_rand(g) % 28232;
		s->rport = 5432;
	} else {
		s->peer4 = gen_rank_addr(gen_rank(g));
	}
	s->peer6lo = (uint32_t)gen_rank(g) + 1;
	if (state != SW_TIME_WAIT && state != SW_SYN_RECV)
		s->inode = g->next_inode++;
}

static void gen_new_peer(struct gen *g, struct gen_sock *s)
{
	unsigned p = gen_rand(g) % 1000, i = 0;

	while (p >= gen_state_mix[i].upto)
		i++;
	gen_peer(g, s, gen_state_mix[i].state);
}

static const struct {
	uint8_t proto, fam, state, v6only;
	uint16_t port;
} gen_listeners[] = {
	{SW_TCP, 4, SW_LISTEN, 0, 80},  {SW_TCP, 4, SW_LISTEN, 0, 443},
	{SW_TCP, 4, SW_LISTEN, 0, 22},  {SW_TCP, 4, SW_LISTEN, 0, 5432},
	{SW_TCP, 6, SW_LISTEN, 1, 80},  {SW_TCP, 6, SW_LISTEN, 1, 443},
	{SW_UDP, 4, SW_CLOSE, 0, 53},   {SW_UDP, 4, SW_CLOSE, 0, 123},
	{SW_UDP, 6, SW_CLOSE, 1, 53},   {SW_UDP, 4, SW_ESTABLISHED, 0, 40001},
	{SW_UDP, 4, SW_ESTABLISHED, 0, 40002},
};
#define GEN_NLISTEN (sizeof(gen_listeners) / sizeof(gen_listeners[0]))

static void gen_populate(struct gen *g, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct gen_sock *s = &g->socks[i];

		if (i < GEN_NLISTEN) {
			memset(s, 0, sizeof(*s));
			s->proto = gen_listeners[i].proto;
			s->fam = gen_listeners[i].fam;
			s->state = gen_listeners[i].state;
			s->v6only = gen_listeners[i].v6only;
			s->lport = gen_listeners[i].port;
			s->cookie = g->next_cookie++;
			s->inode = g->next_inode++;
			if (s->state == SW_ESTABLISHED) {
				s->peer4 = 0x7f000035u; /* 127.0.0.53 */
				s->rport = 53;
			}
			continue;
		}
		gen_new_peer(g, s);
	}
	g->n = n;
}

/* One refresh's changes: permille/1000 of the peer sockets each close,
 * reopen as a new socket, or move ESTABLISHED -> TIME_WAIT. */
static void gen_churn(struct gen *g, unsigned permille)
{
	uint32_t i;

	for (i = GEN_NLISTEN; i < g->n; i++) {
		struct gen_sock *s = &g->socks[i];

		if (gen_rand(g) % 1000 >= permille)
			continue;
		if (s->state == SW_ESTABLISHED && gen_rand(g) % 2) {
			s->state = SW_TIME_WAIT; /* same cookie, inode gone */
			s->inode = 0;
		} else {
			gen_new_peer(g, s);
		}
	}
}

static int gen_put(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -1;
}

static int gen_item(struct gen *g, uint32_t type, const void *hdr, size_t hlen,
		    const void *p, size_t n)
{
	uint32_t h[2] = {htole32(type), htole32((uint32_t)(hlen + n))};

	return gen_put(g->out, h, sizeof(h)) || gen_put(g->out, hdr, hlen) ||
		       gen_put(g->out, p, n)
		       ? -1
		       : 0;
}

/* The buffer so far as one item: NLBUF, or INFO (type) of an info dump
 * (family 0: both in one walk, as a live one is; flags bit 0 on the
 * first refresh: the first info dump of the run). */
static int gen_flush_as(struct gen *g, uint32_t type, unsigned proto, unsigned fam)
{
	uint8_t hdr[4] = {(uint8_t)proto, (uint8_t)fam,
			  type == SW_REC_INFO && !g->refresh ? 1 : 0, 0};
	int r;

	if (!g->len)
		return 0;
	r = gen_item(g, type, hdr, sizeof(hdr), g->buf, g->len);
	g->bytes_nl += g->len;
	g->len = 0;
	return r;
}

static int gen_flush(struct gen *g, unsigned proto, unsigned fam)
{
	return gen_flush_as(g, SW_REC_NLBUF, proto, fam);
}

static void gen_attr(unsigned char *p, size_t *off, uint16_t type,
		     const void *v, uint16_t vlen)
{
	struct nlattr *a = (struct nlattr *)(p + *off);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + vlen);
	memcpy(p + *off + NLA_HDRLEN, v, vlen);
	memset(p + *off + NLA_HDRLEN + vlen, 0, NLA_ALIGN(vlen) - vlen);
	*off += NLA_ALIGN(NLA_HDRLEN + vlen);
}

static void gen_addr(const struct gen_sock *s, int local, __be32 out[4])
{
	memset(out, 0, 16);
	if (s->state == SW_LISTEN || (s->proto == SW_UDP && s->state == SW_CLOSE))
		return; /* bound to the wildcard, no peer */
	if (s->fam == 4) {
		out[0] = local ? htonl(0xc000020au) : htonl(s->peer4); /* 192.0.2.10 */
		return;
	}
	if (local) {
		out[0] = htonl(0x20010db8u);
		out[3] = htonl(0x10);
		if (s->fam == 46) { /* dual-stack socket: local is mapped too */
			out[0] = 0;
			out[2] = htonl(0xffff);
			out[3] = htonl(0xc000020au);
		}
		return;
	}
	if (s->fam == 46) {
		out[2] = htonl(0xffff);
		out[3] = htonl(s->peer4);
		return;
	}
	out[0] = htonl(0x20010db8u);
	out[1] = htonl(s->peer6lo >> 16);
	out[3] = htonl(s->peer6lo * 2654435761u);
}

/* The tcp_info of an inbound connection: counters that grow with the
 * refresh (a few clients stream, most trickle, some are idle). */
static void gen_tcp_info(const struct gen *g, const struct gen_sock *s,
			 struct tcp_info *ti)
{
	uint64_t per = s->cookie % 5 == 0 ? 0 : s->cookie % 97 == 0 ? 1000000 : 300;

	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = s->state;
	ti->tcpi_rtt = (uint32_t)(200 + s->cookie % 40000);
	ti->tcpi_total_retrans = (uint32_t)(s->cookie % 11 == 0);
	ti->tcpi_bytes_received = 80 + s->cookie % 4000 + per * g->refresh;
	ti->tcpi_bytes_acked = 1 + s->cookie % 90000 + per * 4 * g->refresh;
	ti->tcpi_last_data_recv = per ? 40 : (uint32_t)(1000 * g->refresh + s->cookie % 30000);
	ti->tcpi_last_data_sent = (uint32_t)(s->cookie % 30000);
}

/* Append one message as inet_diag would build it (with INET_DIAG_INFO
 * when info). type: the item its buffers are flushed as. */
static int gen_msg_as(struct gen *g, const struct gen_sock *s, unsigned proto,
		      unsigned fam, uint32_t type, int info)
{
	unsigned char m[160 + NLA_ALIGN(NLA_HDRLEN + sizeof(struct tcp_info))];
	struct nlmsghdr *nlh = (struct nlmsghdr *)m;
	struct inet_diag_msg *d = (struct inet_diag_msg *)(m + NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*d));
	int full = s->state != SW_TIME_WAIT && s->state != SW_SYN_RECV;
	uint32_t u32 = 0;

	memset(m, 0, sizeof(m));
	d->idiag_family = fam == 4 ? AF_INET : AF_INET6;
	d->idiag_state = s->state;
	d->id.idiag_sport = htons(s->lport);
	d->id.idiag_dport = htons(s->rport);
	gen_addr(s, 1, d->id.idiag_src);
	gen_addr(s, 0, d->id.idiag_dst);
	d->id.idiag_if = 0;
	d->id.idiag_cookie[0] = (uint32_t)s->cookie;
	d->id.idiag_cookie[1] = (uint32_t)(s->cookie >> 32);
	d->idiag_inode = s->inode;
	if (s->state == SW_TIME_WAIT) {
		d->idiag_timer = 3;
		d->idiag_expires = (uint32_t)(s->cookie * 7919 % 60000);
	} else if (s->state == SW_SYN_RECV) {
		d->idiag_timer = 1;
		d->idiag_retrans = (uint8_t)(s->cookie % 4);
		d->idiag_expires = (uint32_t)(s->cookie * 31 % 3000);
	} else if (s->state == SW_LISTEN) {
		d->idiag_rqueue = (uint32_t)(s->cookie % 3);
		d->idiag_wqueue = 4096;
	} else {
		d->idiag_uid = 33;
		if (s->state != SW_ESTABLISHED) {
			d->idiag_timer = 1;
			d->idiag_expires = 200;
		}
	}
	if (full) {
		uint8_t shut = s->state == SW_CLOSE_WAIT ? 1 : 0, v6only = 1;
		uint64_t cg = 0x1f2a;
		uint16_t opt = s->state == SW_LISTEN ? 0x0004 : 0; /* reuseaddr */

		gen_attr(m, &off, INET_DIAG_SHUTDOWN, &shut, 1);
		if (s->v6only)
			gen_attr(m, &off, INET_DIAG_SKV6ONLY, &v6only, 1);
		gen_attr(m, &off, INET_DIAG_MARK, &u32, 4);
		gen_attr(m, &off, INET_DIAG_CGROUP_ID, &cg, 8);
		gen_attr(m, &off, INET_DIAG_SOCKOPT, &opt, 2);
	} else {
		gen_attr(m, &off, INET_DIAG_MARK, &u32, 4);
	}
	if (info) {
		struct tcp_info ti;

		gen_tcp_info(g, s, &ti);
		gen_attr(m, &off, INET_DIAG_INFO, &ti, sizeof(ti));
	}
	nlh->nlmsg_len = (uint32_t)off;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = g->seq;
	nlh->nlmsg_pid = GEN_PORTID;
	if (g->len + off > GEN_BUFSZ && gen_flush_as(g, type, proto, fam) < 0)
		return -1;
	memcpy(g->buf + g->len, m, off);
	g->len += off;
	return 0;
}

static int gen_msg(struct gen *g, const struct gen_sock *s, unsigned proto,
		   unsigned fam)
{
	return gen_msg_as(g, s, proto, fam, SW_REC_NLBUF, 0);
}

/* NLMSG_DONE of a dump, in a buffer of its own, as inet_diag sends it. */
static int gen_done(struct gen *g, uint32_t type, unsigned proto, unsigned fam)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)g->buf;

	memset(g->buf, 0, NLMSG_HDRLEN + sizeof(int));
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(int);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = g->seq;
	nlh->nlmsg_pid = GEN_PORTID;
	g->len = nlh->nlmsg_len;
	return gen_flush_as(g, type, proto, fam);
}

/* The info dump, as a live sockwatch records it: the TCP listeners (both
 * families in one walk), then the ESTABLISHED sockets on their ports with
 * tcp_info. */
static int gen_info(struct gen *g)
{
	static unsigned char listened[65536];
	uint32_t i;

	memset(listened, 0, sizeof(listened));
	g->seq++;
	for (i = 0; i < g->n; i++) {
		const struct gen_sock *s = &g->socks[i];

		if (s->proto != SW_TCP || s->state != SW_LISTEN)
			continue;
		listened[s->lport] = 1;
		if (gen_msg_as(g, s, SW_TCP, s->fam == 4 ? 4 : 6, SW_REC_INFO, 0) < 0)
			return -1;
	}
	if (gen_flush_as(g, SW_REC_INFO, SW_TCP, 0) < 0 ||
	    gen_done(g, SW_REC_INFO, SW_TCP, 0) < 0)
		return -1;
	g->seq++;
	g->ninfo = 0;
	for (i = 0; i < g->n; i++) {
		const struct gen_sock *s = &g->socks[i];

		if (s->proto != SW_TCP || s->state != SW_ESTABLISHED ||
		    !listened[s->lport])
			continue;
		if (gen_msg_as(g, s, SW_TCP, s->fam == 4 ? 4 : 6, SW_REC_INFO, 1) < 0)
			return -1;
		g->ninfo++;
	}
	if (gen_flush_as(g, SW_REC_INFO, SW_TCP, 0) < 0)
		return -1;
	return gen_done(g, SW_REC_INFO, SW_TCP, 0);
}

/* One dump (proto, family): its messages in <= 32 KiB buffers, then
 * NLMSG_DONE in a buffer of its own, as inet_diag sends it. */
static int gen_dump(struct gen *g, unsigned proto, unsigned fam)
{
	uint32_t i;

	g->seq++;
	for (i = 0; i < g->n; i++) {
		const struct gen_sock *s = &g->socks[i];
		unsigned sfam = s->fam == 46 ? 6 : s->fam;

		if (s->proto == proto && sfam == fam && gen_msg(g, s, proto, fam) < 0)
			return -1;
	}
	if (gen_flush(g, proto, fam) < 0)
		return -1;
	return gen_done(g, SW_REC_NLBUF, proto, fam);
}

static char *gen_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *p = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 4096 > cap) {
			char *q = realloc(p, cap = cap * 2 + 8192);
			if (!q)
				break;
			p = q;
		}
		size_t n = fread(p + *len, 1, cap - *len, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	return p;
}

static int gen_refresh(struct gen *g, unsigned r, const char *snmp, size_t snmp_len,
		       const char *netstat, size_t netstat_len)
{
	static const struct { uint8_t proto, fam; } dumps[] = {
		{SW_TCP, 4}, {SW_TCP, 6}, {SW_UDP, 4}, {SW_UDP, 6},
	};
	struct timespec rt, mono;
	uint64_t begin[2];
	unsigned i;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	begin[0] = htole64((uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec +
			   r * 1000000000ull);
	begin[1] = htole64((uint64_t)mono.tv_sec * 1000000000u + (uint64_t)mono.tv_nsec +
			   r * 1000000000ull);
	if (gen_item(g, SW_REC_BEGIN, NULL, 0, begin, sizeof(begin)) < 0)
		return -1;
	for (i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++)
		if (gen_dump(g, dumps[i].proto, dumps[i].fam) < 0)
			return -1;
	if (gen_item(g, SW_REC_SNMP, NULL, 0, snmp, snmp_len) < 0 ||
	    gen_item(g, SW_REC_NETSTAT, NULL, 0, netstat, netstat_len) < 0)
		return -1;
	for (i = 0; i < GEN_NLISTEN; i++) {
		const struct gen_sock *s = &g->socks[i];
		struct { uint32_t inode; int32_t pid; char name[16]; } pr = {0};

		if (!(s->state == SW_LISTEN || (s->proto == SW_UDP && s->state == SW_CLOSE)))
			continue;
		pr.inode = htole32(s->inode);
		pr.pid = (int32_t)htole32(1000 + i);
		snprintf(pr.name, sizeof(pr.name), "%s",
			 s->proto == SW_UDP ? "unbound" : s->lport == 22 ? "sshd"
			 : s->lport == 5432 ? "postgres" : "nginx");
		if (gen_item(g, SW_REC_PROC, NULL, 0, &pr, sizeof(pr)) < 0)
			return -1;
	}
	if (g->info && gen_info(g) < 0)
		return -1;
	return gen_item(g, SW_REC_END, NULL, 0, NULL, 0);
}

static void gen_usage(FILE *f)
{
	fprintf(f, "usage: gen_dump -o FILE -s SOCKETS [-r REFRESHES] [--churn PERMILLE] [--seed N] [--remotes POOL] [--info 0|1]\n");
}

int main(int argc, char **argv)
{
	static struct gen g;
	const char *path = NULL;
	unsigned long socks = 0, refreshes = 2, churn = 20, seed = 1, pool = 0, info = 1;
	size_t snmp_len, netstat_len;
	char *snmp, *netstat;
	uint32_t version = htole32(1);
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			gen_usage(stderr);
			return 2;
		}
		if (!strcmp(a, "-o"))
			path = v;
		else if (!strcmp(a, "-s"))
			socks = strtoul(v, NULL, 10);
		else if (!strcmp(a, "-r"))
			refreshes = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--churn"))
			churn = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--seed"))
			seed = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--remotes"))
			pool = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--info"))
			info = strtoul(v, NULL, 10);
		else {
			gen_usage(stderr);
			return 2;
		}
		i++;
	}
	if (!path || socks <= GEN_NLISTEN || socks > GEN_MAX_SOCKS || !refreshes ||
	    refreshes > 100000 || churn > 1000 || info > 1) {
		gen_usage(stderr);
		fprintf(stderr, "gen_dump: need -o, %zu < SOCKETS <= %u, 1..100000 refreshes, churn <= 1000, --info 0 or 1\n",
			GEN_NLISTEN, GEN_MAX_SOCKS);
		return 2;
	}
	g.rng = 0x9E3779B97F4A7C15ull ^ (seed * 0xBF58476D1CE4E5B9ull);
	g.next_cookie = 0x2000 + (gen_rand(&g) & 0xfff);
	g.next_inode = 100000;
	g.nremote = (uint32_t)(pool && pool < socks ? pool : socks / 4 + 1);
	g.info = (int)info;
	g.socks = calloc(socks, sizeof(*g.socks));
	snmp = gen_slurp("/proc/net/snmp", &snmp_len);
	netstat = gen_slurp("/proc/net/netstat", &netstat_len);
	if (!g.socks || !snmp || !netstat) {
		fprintf(stderr, "gen_dump: out of memory or /proc/net unreadable\n");
		return 1;
	}
	g.out = fopen(path, "w");
	if (!g.out) {
		fprintf(stderr, "gen_dump: %s: %s\n", path, strerror(errno));
		return 1;
	}
	setvbuf(g.out, NULL, _IOFBF, 1 << 20);
	gen_populate(&g, (uint32_t)socks);
	if (gen_put(g.out, "SOCKWATCH-REC\n", 14) || gen_put(g.out, &version, 4))
		goto fail;
	for (unsigned long r = 0; r < refreshes; r++) {
		if (r)
			gen_churn(&g, (unsigned)churn);
		g.refresh = (unsigned)r;
		if (gen_refresh(&g, (unsigned)r, snmp, snmp_len, netstat, netstat_len) < 0)
			goto fail;
	}
	if (fclose(g.out)) {
		g.out = NULL;
		goto fail;
	}
	printf("gen_dump: %s: %lu refreshes of %lu sockets, %.1f MB of netlink buffers, "
	       "info dump: %llu inbound connections\n",
	       path, refreshes, socks, g.bytes_nl / 1e6, (unsigned long long)g.ninfo);
	free(g.socks);
	free(snmp);
	free(netstat);
	return 0;
fail:
	fprintf(stderr, "gen_dump: writing %s: %s\n", path, strerror(errno));
	if (g.out)
		fclose(g.out);
	return 1;
}
