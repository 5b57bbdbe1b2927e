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

#include "bench_clock.h"
#include "iterfloor.skel.h"
#include "sw_netns.h"

#define ITERFLOOR_MAX_ITER 100000

/* One walk: read the iterator to its end. Returns 0, or -1 with errno. */
static int iterfloor_walk(struct bpf_link *link)
{
	char buf[4096];
	int fd = bpf_iter_create(bpf_link__fd(link));
	ssize_t n;

	if (fd < 0)
		return -1;
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)));
	if (n < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return 0;
}

static void iterfloor_usage(FILE *f)
{
	fprintf(f, "usage: iterfloor [-n ITERATIONS] [--netns NAME] [-q]\n"
		   "  a BPF iter/tcp walk whose program writes nothing and counts\n"
		   "  the sockets; prints per-walk wall and CPU ms, then the medians\n");
}

int main(int argc, char **argv)
{
	struct iterfloor *skel;
	struct bpf_link *link;
	const char *netns = NULL;
	char *cause = NULL;
	double *wall, *cpu;
	int iters = 10, quiet = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			iters = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--netns") && i + 1 < argc) {
			netns = argv[++i];
		} else if (!strcmp(argv[i], "-q")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			iterfloor_usage(stdout);
			return 0;
		} else {
			iterfloor_usage(stderr);
			return 2;
		}
	}
	if (iters < 1 || iters > ITERFLOOR_MAX_ITER) {
		fprintf(stderr, "iterfloor: -n must be 1..%d\n", ITERFLOOR_MAX_ITER);
		return 2;
	}
	if (netns && sw_netns_enter(netns, &cause) < 0) {
		fprintf(stderr, "iterfloor: %s\n", cause);
		free(cause);
		return 1;
	}
	wall = calloc((size_t)iters, sizeof(*wall));
	cpu = calloc((size_t)iters, sizeof(*cpu));
	if (!wall || !cpu) {
		fprintf(stderr, "iterfloor: out of memory\n");
		return 1;
	}
	skel = iterfloor__open_and_load();
	if (!skel) {
		fprintf(stderr, "iterfloor: loading the BPF program: %s (needs root and a kernel with BTF and BPF iterators)\n",
			strerror(errno));
		return 1;
	}
	link = bpf_program__attach_iter(skel->progs.iterfloor_tcp, NULL);
	if (!link) {
		fprintf(stderr, "iterfloor: attaching iter/tcp: %s\n", strerror(errno));
		iterfloor__destroy(skel);
		return 1;
	}
	for (i = 0; i < iters; i++) {
		double w0 = bench_ms(CLOCK_MONOTONIC);
		double c0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);

		skel->bss->sockets = 0;
		if (iterfloor_walk(link) < 0) {
			fprintf(stderr, "iterfloor: reading the iterator: %s\n", strerror(errno));
			return 1;
		}
		wall[i] = bench_ms(CLOCK_MONOTONIC) - w0;
		cpu[i] = bench_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (!quiet)
			printf("dump %d sockets %llu wall_ms %.3f cpu_ms %.3f\n", i + 1,
			       (unsigned long long)skel->bss->sockets, wall[i], cpu[i]);
	}
	printf("median sockets %llu wall_ms %.3f cpu_ms %.3f n %d\n",
	       (unsigned long long)skel->bss->sockets, bench_median(wall, iters),
	       bench_median(cpu, iters), iters);
	bpf_link__destroy(link);
	iterfloor__destroy(skel);
	free(wall);
	free(cpu);
	return 0;
}
