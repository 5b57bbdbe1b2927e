/* synraw - send raw TCP SYNs (IP_HDRINCL) from source addresses that need
 * not be configured here: a spoofed SYN flood, bounded in count and rate,
 * for the diagnosis tests.
 *
 *   synraw DST PORT --from LIST --count N --rate R [--seed S] [--timeout S]
 *
 * LIST: addresses and IPv4 prefixes ("203.0.113.0/24" = its 254 hosts),
 * comma-separated; the SYNs go round-robin over them, each from a new
 * source port and sequence number, with an MSS option as a real client
 * sends. IPv4 only. Sends N SYNs at R per second (at most 20,000/s), then
 * prints "sent N" and exits. The caller makes sure nothing completes the
 * handshakes: the server's SYN-ACKs to these sources must be dropped
 * (nft in the sending namespace) so the server keeps SYN_RECV sockets.
 * Needs CAP_NET_RAW. --timeout (default 600) bounds the whole run. */
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#define TOOL_NAME "synraw"
#include "tool.h"

#define SYNRAW_MAX_RATE 20000

struct synraw {
	struct tool_addr srcs[TOOL_MAX_ADDRS];
	int nsrc;
	long count, rate;
	double timeout;
	uint64_t seed;
};

enum { SR_FROM, SR_COUNT, SR_RATE, SR_SEED, SR_TIMEOUT };

static const struct tool_opt synraw_opts[] = {
	[SR_FROM] = { "--from", true },       [SR_COUNT] = { "--count", true },
	[SR_RATE] = { "--rate", true },       [SR_SEED] = { "--seed", true },
	[SR_TIMEOUT] = { "--timeout", true },
};

static void synraw_set(void *ctx, unsigned i, const char *v)
{
	struct synraw *r = ctx;
	const char *o = synraw_opts[i].name;

	switch (i) {
	case SR_FROM: r->nsrc = tool_addrs_parse(o, v, AF_INET, r->srcs, r->nsrc); break;
	case SR_COUNT: r->count = tool_long(o, v, 1, 1000000); break;
	case SR_RATE: r->rate = tool_long(o, v, 1, SYNRAW_MAX_RATE); break;
	case SR_SEED: r->seed = (uint64_t)tool_long(o, v, 1, 1L << 40); break;
	case SR_TIMEOUT: r->timeout = tool_secs(o, v); break;
	}
}

struct syn_pkt {
	struct iphdr ip;
	struct tcphdr tcp;
	uint8_t opt[4]; /* MSS */
} __attribute__((packed));

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

/* The TCP checksum over the pseudo-header and the segment (host order). */
static uint16_t tcp_csum(const struct syn_pkt *p)
{
	uint8_t pseudo[12];
	uint16_t tlen = sizeof(p->tcp) + sizeof(p->opt);
	uint32_t sum;

	memcpy(pseudo, &p->ip.saddr, 4);
	memcpy(pseudo + 4, &p->ip.daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = (uint8_t)(tlen >> 8);
	pseudo[11] = (uint8_t)tlen;
	sum = csum_add(0, pseudo, sizeof(pseudo));
	sum = csum_add(sum, &p->tcp, tlen);
	return csum_fold(sum);
}

static void build(struct syn_pkt *p, uint32_t saddr, uint32_t daddr, uint16_t sport,
		  uint16_t dport, uint32_t seq, uint16_t id)
{
	memset(p, 0, sizeof(*p));
	p->ip.version = 4;
	p->ip.ihl = 5;
	p->ip.ttl = 64;
	p->ip.protocol = IPPROTO_TCP;
	p->ip.tot_len = htons(sizeof(*p));
	p->ip.id = htons(id);
	p->ip.saddr = saddr;
	p->ip.daddr = daddr;
	p->ip.check = htons(csum_fold(csum_add(0, &p->ip, sizeof(p->ip))));
	p->tcp.source = htons(sport);
	p->tcp.dest = htons(dport);
	p->tcp.seq = htonl(seq);
	p->tcp.doff = (sizeof(p->tcp) + sizeof(p->opt)) / 4;
	p->tcp.syn = 1;
	p->tcp.window = htons(64240);
	p->opt[0] = 2; /* MSS, length 4, 1460 */
	p->opt[1] = 4;
	p->opt[2] = 1460 >> 8;
	p->opt[3] = 1460 & 0xff;
	p->tcp.check = htons(tcp_csum(p));
}

static void usage(void)
{
	fputs("usage: synraw DST PORT --from ADDR|A.B.C.D/LEN[,...] --count N --rate R\n"
	      "              [--seed S] [--timeout S]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct synraw r = { .count = -1, .rate = -1, .timeout = 600, .seed = 0x5eed };
	const char *pos[2] = { 0 };
	long sent = 0;
	double t0, deadline;
	int fd, one = 1;
	uint16_t port;
	struct tool_addr dst;
	struct syn_pkt pkt;

	tool_args(argc, argv, synraw_opts, sizeof(synraw_opts) / sizeof(synraw_opts[0]), synraw_set,
		  &r, usage, pos);
	tool_addr_or_die("DST", pos[0], 0, &dst);
	port = (uint16_t)tool_long("PORT", pos[1], 1, 65535);
	if (dst.family != AF_INET)
		tool_die("DST: %s: IPv4 only", pos[0]);
	if (!r.nsrc || r.count < 0 || r.rate < 0)
		tool_die("--from, --count and --rate are needed (bounded floods only)");
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		tool_die("raw socket: %s (needs CAP_NET_RAW)", strerror(errno));
	setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	t0 = tool_now();
	deadline = t0 + r.timeout;
	while (sent < r.count) {
		struct sockaddr_in *s = (struct sockaddr_in *)&r.srcs[sent % r.nsrc].ss;
		uint64_t x = tool_rand(&r.seed);
		double due = t0 + (double)sent / (double)r.rate;

		if (tool_now() >= deadline)
			tool_die("sent only %ld of %ld SYNs in %.0f s (--timeout)", sent, r.count,
				 r.timeout);
		tool_sleep(due - tool_now());
		build(&pkt, s->sin_addr.s_addr, ((struct sockaddr_in *)&dst.ss)->sin_addr.s_addr,
		      (uint16_t)(1024 + x % 64511), port, (uint32_t)(x >> 20), (uint16_t)(x >> 48));
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst.ss, dst.len) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				tool_sleep(0.001);
				continue;
			}
			tool_die("sendto: %s", strerror(errno));
		}
		sent++;
	}
	printf("sent %ld\n", sent);
	fflush(stdout);
	close(fd);
	return 0;
}
