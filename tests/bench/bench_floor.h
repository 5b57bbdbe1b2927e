/* bench_floor.h - what the floor programs (floor.c, iterfloor.c) share:
 * their options (-n ITERATIONS, --netns NAME, -q and one flag of their
 * own), the timed loop of walks and its output:
 *   dump 1 sockets 250000 wall_ms 212.301 cpu_ms 210.004
 *   median sockets 250000 wall_ms 211.9 cpu_ms 209.8 n 10
 * Header-only, bench-only. */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_FLOOR_MAX_ITER 100000

struct bench_floor {
	int iters;         /* -n, 1..BENCH_FLOOR_MAX_ITER (default 10) */
	const char *netns; /* --netns NAME, or NULL */
	int quiet;         /* -q: the median line only */
	int flag;          /* the program's own flag (e.g. --one-walk) given */
};

/* Parse argv into f; flag names the program's own flag (or NULL).
 * Returns 0 to go on, or the exit code: 0 after --help (usage on
 * stdout), 2 on a bad option or -n (usage or the error on stderr). */
static inline int bench_floor_args(int argc, char **argv, const char *who,
				   const char *flag, void (*usage)(FILE *),
				   struct bench_floor *f)
{
	int i;

	*f = (struct bench_floor){.iters = 10};
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			f->iters = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--netns") && i + 1 < argc) {
			f->netns = argv[++i];
		} else if (!strcmp(argv[i], "-q")) {
			f->quiet = 1;
		} else if (flag && !strcmp(argv[i], flag)) {
			f->flag = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (f->iters < 1 || f->iters > BENCH_FLOOR_MAX_ITER) {
		fprintf(stderr, "%s: -n must be 1..%d\n", who, BENCH_FLOOR_MAX_ITER);
		return 2;
	}
	return -1;
}

/* CLK now, in milliseconds. */
static inline double bench_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n-1], n >= 1; sorts v in place. */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* f->iters timed calls of walk(ctx, &count) (count zeroed before each),
 * a line each unless f->quiet, then the median line. Returns 0, or -1
 * with errno when a walk or an allocation failed (nothing freed is the
 * caller's). */
static inline int bench_floor_run(const struct bench_floor *f,
				  int (*walk)(void *ctx, unsigned long *count),
				  void *ctx)
{
	double *wall = calloc((size_t)f->iters, sizeof(*wall));
	double *cpu = calloc((size_t)f->iters, sizeof(*cpu));
	unsigned long count = 0;
	int i, rc = 0;

	if (!wall || !cpu) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < f->iters; i++) {
		double w0 = bench_ms(CLOCK_MONOTONIC);
		double c0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);

		count = 0;
		if (walk(ctx, &count) < 0) {
			rc = -1;
			goto out;
		}
		wall[i] = bench_ms(CLOCK_MONOTONIC) - w0;
		cpu[i] = bench_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (!f->quiet)
			printf("dump %d sockets %lu wall_ms %.3f cpu_ms %.3f\n", i + 1,
			       count, wall[i], cpu[i]);
	}
	printf("median sockets %lu wall_ms %.3f cpu_ms %.3f n %d\n", count,
	       bench_median(wall, f->iters), bench_median(cpu, f->iters), f->iters);
out:
	{
		int err = errno;

		free(wall);
		free(cpu);
		errno = err;
	}
	return rc;
}

#endif
