/* iterfloor.c - the iterator floor: what a BPF iter/tcp walk of the
 * namespace's sockets costs when the program (iterfloor.bpf.c) writes
 * nothing and only counts them, the floor below which no BPF iterator
 * backend can go on this kernel.
 *
 *   iterfloor [-n ITERATIONS] [--netns NAME] [-q]
 *
 * One program loaded and attached once; each walk creates an iterator fd
 * in the namespace (entered before the first), reads it to its end and
 * closes it. The program writes no byte, so the kernel ends a read after
 * a million sockets (MAX_ITER_OBJECTS) with EAGAIN: read again, the
 * iterator goes on from where it stopped. Output as floor.c's:
 *   dump 1 sockets 250000 wall_ms 140.301 cpu_ms 139.004
 *   median sockets 250000 wall_ms 139.9 cpu_ms 139.8 n 10
 * Benchmarks assert nothing about time; this only prints figures. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_floor.h"
#include "iterfloor.skel.h"
#include "sw_netns.h"

struct iterfloor_ctx {
	struct iterfloor *skel;
	struct bpf_link *link;
};

/* One walk: read the iterator to its end; *count is what the program
 * counted. Returns 0, or -1 with errno. */
static int iterfloor_walk(void *ctx, unsigned long *count)
{
	struct iterfloor_ctx *c = ctx;
	char buf[4096];
	int fd, err;
	ssize_t n;

	c->skel->bss->sockets = 0;
	fd = bpf_iter_create(bpf_link__fd(c->link));
	if (fd < 0)
		return -1;
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)));
	err = errno;
	close(fd);
	*count = (unsigned long)c->skel->bss->sockets;
	errno = err;
	return n < 0 ? -1 : 0;
}

static void iterfloor_usage(FILE *f)
{
	fprintf(f, "usage: iterfloor [-n ITERATIONS] [--netns NAME] [-q]\n"
		   "  a BPF iter/tcp walk whose program writes nothing and counts\n"
		   "  the sockets; prints per-walk wall and CPU ms, then the medians\n");
}

int main(int argc, char **argv)
{
	struct iterfloor_ctx c = {0};
	struct bench_floor f;
	char *cause = NULL;
	int rc = bench_floor_args(argc, argv, "iterfloor", NULL, iterfloor_usage, &f);

	if (rc >= 0)
		return rc;
	if (f.netns && sw_netns_enter(f.netns, &cause) < 0) {
		fprintf(stderr, "iterfloor: %s\n", cause);
		free(cause);
		return 1;
	}
	c.skel = iterfloor__open_and_load();
	if (!c.skel) {
		fprintf(stderr, "iterfloor: loading the BPF program: %s (needs root and a kernel with BTF and BPF iterators)\n",
			strerror(errno));
		return 1;
	}
	c.link = bpf_program__attach_iter(c.skel->progs.iterfloor_tcp, NULL);
	if (!c.link) {
		fprintf(stderr, "iterfloor: attaching iter/tcp: %s\n", strerror(errno));
		iterfloor__destroy(c.skel);
		return 1;
	}
	rc = bench_floor_run(&f, iterfloor_walk, &c);
	if (rc < 0)
		fprintf(stderr, "iterfloor: reading the iterator: %s\n", strerror(errno));
	bpf_link__destroy(c.link);
	iterfloor__destroy(c.skel);
	return rc < 0 ? 1 : 0;
}
