/* block_watch - drive the blocker library the way the TUI does, for the
 * integration tests: block a target, then read the list back every
 * 0.5 s for a while, printing whether the list read back still covers the
 * target, so expiries are seen (and audited) by a long-running blocker.
 *
 *   block_watch AUDIT_LOG TARGET SECONDS_TIMEOUT SECONDS_WATCH
 *
 * Runs in the current network namespace (use ip netns exec). Prints
 * "blocked TARGET" once, then one "t=T listed N blocked yes|no" line per
 * read. Exit 1 with a message on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sw_block.h"

/* Whether an entry of l covers p (same family, not longer, contains it). */
static int listed(const struct sw_block_list *l, const struct sw_prefix *p)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].target.family == p->family &&
		    l->v[i].target.plen <= p->plen &&
		    sw_prefix_contains_addr(&l->v[i].target, p->family, p->bytes))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sw_block_opts bo = {.allow_file = NULL};
	struct sw_block_req req = {.connections = 0, .reason = "block_watch"};
	struct sw_block_result r;
	struct sw_blocker *b;
	const char *err;
	char *cause = NULL;
	double watch;
	int i;

	if (argc != 5) {
		fprintf(stderr, "usage: block_watch AUDIT_LOG TARGET TIMEOUT_S WATCH_S\n");
		return 2;
	}
	bo.audit_log = argv[1];
	if (sw_prefix_parse(argv[2], &req.target, &err) < 0) {
		fprintf(stderr, "block_watch: %s: %s\n", argv[2], err);
		return 2;
	}
	req.timeout_s = atof(argv[3]);
	watch = atof(argv[4]);
	b = sw_blocker_open(&bo, &cause);
	if (!b) {
		fprintf(stderr, "block_watch: %s\n", cause);
		return 1;
	}
	if (sw_blocker_refresh(b, &cause) < 0 ||
	    sw_blocker_block(b, &req, &r) < 0) {
		fprintf(stderr, "block_watch: %s\n", cause ? cause : r.message);
		return 1;
	}
	printf("%s\n", r.message);
	sw_block_result_clear(&r);
	for (i = 0; i * 0.5 <= watch; i++) {
		if (sw_blocker_refresh(b, &cause) < 0) {
			fprintf(stderr, "block_watch: %s\n", cause);
			return 1;
		}
		printf("t=%.1f listed %zu blocked %s\n", i * 0.5, sw_blocker_list(b)->n,
		       listed(sw_blocker_list(b), &req.target) ? "yes" : "no");
		fflush(stdout);
		usleep(500000);
	}
	sw_blocker_close(b);
	return 0;
}
