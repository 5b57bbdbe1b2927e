/* block_speed.c - how long one more block takes when many addresses are
 * already blocked.
 *
 *   block_speed [-n ALREADY] [-r REPEATS]     (root: makes its own netns)
 *
 * Runs in a fresh network namespace of its own (unshare), so the host's
 * ruleset is never touched and everything vanishes with the process.
 * Fills the IPv6 address set with ALREADY (default 100000) addresses from
 * 2001:db8:0:1::/64 through nft -f (the fill is setup, not measured),
 * then times REPEATS (default 200) sw_blocker_block calls of new
 * addresses, each a full action: policy, overlap check, one batch, ACKs,
 * the audit line. Also times unblock, a full read-back, and the lookup the
 * TUI makes per row (sw_view_model_blocked on the list read back).
 * Prints figures; asserts nothing about time. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sw_block.h"
#include "sw_view_model.h"

static double bench_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench_print(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp);
	printf("%-34s median %.3f ms  p90 %.3f ms  max %.3f ms  (n=%zu)\n", what,
	       v[n / 2], v[n * 9 / 10], v[n - 1], n);
}

static void bench_addr(struct sw_prefix *p, unsigned subnet, unsigned long i)
{
	char text[64];
	const char *err;

	snprintf(text, sizeof(text), "2001:db8:0:%x::%lx:%lx", subnet,
		 (i >> 16) & 0xffff, i & 0xffff);
	if (sw_prefix_parse(text, p, &err) < 0) {
		fprintf(stderr, "block_speed: %s: %s\n", text, err);
		exit(1);
	}
}

/* The already-blocked addresses, through nft -f in chunks. */
static void bench_fill(unsigned long n)
{
	FILE *nft = popen("nft -f -", "w");
	unsigned long i;

	if (!nft) {
		perror("block_speed: nft");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		if (i % 10000 == 0)
			fprintf(nft, "%sadd element inet %s addr6 { ", i ? " }\n" : "",
				SW_BLOCK_TABLE);
		fprintf(nft, "%s2001:db8:0:1::%lx:%lx timeout 1h", i % 10000 ? ", " : "",
			(i >> 16) & 0xffff, i & 0xffff);
	}
	if (n)
		fprintf(nft, " }\n");
	if (pclose(nft) != 0) {
		fprintf(stderr, "block_speed: nft -f failed while filling the set\n");
		exit(1);
	}
}

/* The TUI's question per row, "is this blocked?", on the list read back. */
static int bench_lookup(struct sw_blocker *b, unsigned long already)
{
	const struct sw_block_list *l = sw_blocker_list(b);
	struct sw_view_model m;
	struct sw_view_block *vb;
	struct timespec t0, t1;
	unsigned long i;

	sw_view_model_init(&m);
	vb = sw_view_model_blocks_room(&m, (uint32_t)l->n);
	if (!vb)
		return -1;
	for (i = 0; i < l->n; i++) {
		memset(&vb[i], 0, sizeof(vb[i]));
		vb[i].target = l->v[i].target;
	}
	if (sw_view_model_blocks_commit(&m, (uint32_t)l->n) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100000; i++) {
		struct sw_prefix p;

		bench_addr(&p, 1, i % (already ? already : 1));
		if (sw_view_model_blocked(&m, &p) < 0 && already) {
			fprintf(stderr, "block_speed: the lookup missed an address\n");
			sw_view_model_free(&m);
			return -1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%-34s %.3f us per call (incl. parsing the address)\n",
	       "blocked? (sw_view_model_blocked)", bench_ms(&t0, &t1) * 1e3 / 100000);
	sw_view_model_free(&m);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long already = 100000, reps = 200, i;
	struct sw_block_opts bo = {.allow_file = NULL};
	char audit[] = "/tmp/block_speed_audit.XXXXXX", *cause = NULL;
	struct sw_blocker *b;
	struct sw_block_result r;
	struct sw_block_req req;
	struct timespec t0, t1;
	double *ms;
	int opt, fd;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			already = strtoul(optarg, NULL, 10);
		else if (opt == 'r')
			reps = strtoul(optarg, NULL, 10);
		else {
			fprintf(stderr, "usage: block_speed [-n ALREADY] [-r REPEATS]\n");
			return 2;
		}
	}
	if (reps == 0 || reps > 100000)
		reps = 200;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "block_speed: unshare(CLONE_NEWNET): %s (run as root)\n",
			strerror(errno));
		return 1;
	}
	fd = mkstemp(audit);
	if (fd < 0)
		return 1;
	close(fd);
	bo.audit_log = audit;
	b = sw_blocker_open(&bo, &cause);
	if (!b || sw_blocker_unavailable(b)) {
		fprintf(stderr, "block_speed: %s\n",
			b ? sw_blocker_unavailable(b) : cause);
		return 1;
	}
	ms = calloc(reps, sizeof(*ms));
	memset(&req, 0, sizeof(req));
	req.timeout_s = 3600;
	req.connections = 1;
	req.reason = "bench";

	/* first block creates the table; then the fill */
	bench_addr(&req.target, 0xfffe, 0);
	if (sw_blocker_block(b, &req, &r) < 0) {
		fprintf(stderr, "block_speed: %s\n", r.message);
		return 1;
	}
	sw_block_result_clear(&r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bench_fill(already);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("setup: %lu addresses filled by nft -f in %.0f ms\n", already,
	       bench_ms(&t0, &t1));

	for (i = 0; i < reps; i++) {
		bench_addr(&req.target, 2, i);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (sw_blocker_block(b, &req, &r) < 0) {
			fprintf(stderr, "block_speed: %s\n", r.message);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		sw_block_result_clear(&r);
		ms[i] = bench_ms(&t0, &t1);
	}
	printf("with %lu addresses already blocked:\n", already + 1);
	bench_print("one more block (full action)", ms, reps);

	for (i = 0; i < reps; i++) {
		bench_addr(&req.target, 2, i);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (sw_blocker_unblock(b, &req.target, &r) < 0) {
			fprintf(stderr, "block_speed: %s\n", r.message);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		sw_block_result_clear(&r);
		ms[i] = bench_ms(&t0, &t1);
	}
	bench_print("one unblock", ms, reps);

	/* the first read is a full dump; a second one right after is
	 * spaced out by the blocker when the first was slow */
	for (i = 0; i < 2; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (sw_blocker_refresh(b, &cause) < 0) {
			fprintf(stderr, "block_speed: %s\n", cause);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%-34s %.3f ms  (%zu entries)\n",
		       i ? "read back again at once" : "read back the whole list",
		       bench_ms(&t0, &t1), sw_blocker_list(b)->n);
	}

	if (bench_lookup(b, already) < 0)
		return 1;

	sw_blocker_close(b);
	unlink(audit);
	free(ms);
	return 0;
}
