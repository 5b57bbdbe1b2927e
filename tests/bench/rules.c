/* rules.c - what evaluating rules costs per refresh, against the refresh
 * itself: a recording (gen_dump) is replayed through the engine, and
 * each frame is handed to a rules evaluator (in dry run, so every
 * refresh does the whole work: counting, holds, candidates).
 *
 *   rules --replay FILE [--rules FILE] [-n REFRESHES]
 *
 * Without --rules it uses its own 20 rules: half count every socket
 * (grouped /32, /24 and v6 /64: counted from the aggregate's rows), half
 * have a match, a state set or inbound-only counts (one shared walk over
 * the sockets). Prints per refresh:
 *   refresh 2 sockets 250000 remotes 20011 refresh_ms 61.2 rules_ms 3.1
 * then the medians and their ratio:
 *   median refresh_ms 60.8 rules_ms 3.0 ratio rules/refresh 0.049
 *   median refresh_cpu_ms ... ratio cpu rules/refresh ...   (CPU time)
 *   rules 20 from_agg 10 walked 10 candidates 35
 * A replayed refresh is the parse and the aggregation without the
 * kernel's dump (about 1 us a socket live): against a live refresh the
 * ratio is smaller still. Benchmarks assert nothing about time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_engine.h"
#include "sw_rules_file.h"

#define MAX_N 1000

static const char default_rules[] =
	"[defaults]\nbreaker = 100000\n"
	/* counted from the aggregate */
	"[a1]\nstates = exclude listen\nwhen = conns > 150\n"
	"[a2]\nwhen = conns > 300\nban = 1h\n"
	"[a3]\nwhen = tw > 500\n"
	"[a4]\nwhen = syn_recv > 50\nfor = 3\n"
	"[a5]\nwhen = new_per_s > 100\n"
	"[a6]\ngroup = /24 v6 /64\nwhen = conns > 1000\n"
	"[a7]\ngroup = /16 v6 /48\nwhen = sockets > 5000\n"
	"[a8]\nwhen = established > 200 and tw > 10\n"
	"[a9]\nincoming = yes\nwhen = conns > 150\n"
	"[a10]\nwhen = close_wait > 20\n"
	/* a walk over the sockets */
	"[w1]\nmatch = tcp and sport 443\nwhen = conns > 100\n"
	"[w2]\nmatch = sport 80\nstates = exclude listen\nwhen = conns > 150\n"
	"[w3]\nstates = established\nwhen = conns > 120\n"
	"[w4]\nincoming = yes\nwhen = established > 100\n"
	"[w5]\nmatch = v6\ngroup = v6 /64\nwhen = conns > 50\n"
	"[w6]\nmatch = dport > 40000\nwhen = new_per_s > 20\n"
	"[w7]\nmatch = state syn-recv\ngroup = /24\nwhen = syn_recv > 100\n"
	"[w8]\nmatch = not dport 5432\nwhen = sockets > 400\n"
	"[w9]\nmatch = tcp and (sport 80 or sport 443)\nwhen = tw > 200\n"
	"[w10]\nmatch = src 0.0.0.0/0\nwhen = conns > 250\n";

static double ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1e3 + (b->tv_nsec - a->tv_nsec) / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dcmp);
	return n ? v[n / 2] : 0;
}

int main(int argc, char **argv)
{
	const char *replay = NULL, *rules_path = NULL;
	long n = 5;
	struct sw_engine_opts eo = {.group = {.group_v4 = 32, .group_v6 = 128}};
	struct sw_rules_eval_opts ro = {.dry_run = true};
	struct sw_engine *e;
	struct sw_rules *rs;
	struct sw_rules_history *h;
	struct sw_rules_eval *ev;
	char *cause = NULL;
	static double tref[MAX_N], trul[MAX_N], cref[MAX_N], crul[MAX_N];
	int k = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--replay") && i + 1 < argc)
			replay = argv[++i];
		else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			rules_path = argv[++i];
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = strtol(argv[++i], NULL, 10);
		else
			replay = NULL, i = argc;
	}
	if (!replay || n < 1 || n > MAX_N) {
		fprintf(stderr, "usage: rules --replay FILE [--rules FILE] [-n 1..%d]\n",
			MAX_N);
		return 2;
	}
	rs = rules_path ? sw_rules_load(rules_path, &cause)
			: sw_rules_parse(default_rules, "built-in", NULL, &cause);
	if (!rs) {
		fprintf(stderr, "rules: %s\n", cause ? cause : "out of memory");
		return 1;
	}
	eo.replay = replay;
	eo.resolve_procs = false;
	e = sw_engine_open(&eo, &cause);
	h = sw_rules_history_new();
	ev = h ? sw_rules_eval_new(rs, h, &ro) : NULL;
	if (!e || !ev) {
		fprintf(stderr, "rules: %s\n", cause ? cause : "out of memory");
		return 1;
	}
	while (k < n) {
		struct timespec t0, t1, t2, c0, c1, c2;
		const struct sw_rule_action *acts;
		const struct sw_frame *f;
		size_t nacts;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
		r = sw_engine_refresh(e, &cause);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
		if (r <= 0)
			break;
		f = sw_engine_frame(e);
		if (sw_rules_eval_run(ev, f, &acts, &nacts)) {
			fprintf(stderr, "rules: out of memory\n");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t2);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
		printf("refresh %llu sockets %u remotes %u refresh_ms %.1f rules_ms %.2f "
		       "refresh_cpu_ms %.1f rules_cpu_ms %.2f\n",
		       (unsigned long long)f->seq, f->snap->count, f->agg->nremotes,
		       ms(&t0, &t1), ms(&t1, &t2), ms(&c0, &c1), ms(&c1, &c2));
		/* the first refresh has no previous one: no diff, no rates */
		if (f->seq > 1) {
			tref[k] = ms(&t0, &t1);
			trul[k] = ms(&t1, &t2);
			cref[k] = ms(&c0, &c1);
			crul[k] = ms(&c1, &c2);
			k++;
		}
	}
	if (k) {
		size_t nc, agg = 0;
		struct sw_rule_status st;
		double mr = median(tref, k), mu = median(trul, k);
		double cr = median(cref, k), cu = median(crul, k);

		sw_rules_eval_candidates(ev, &nc);
		for (size_t i = 0; i < sw_rules_count(rs); i++) {
			sw_rules_eval_status(ev, i, &st);
			agg += st.from_agg;
		}
		printf("median refresh_ms %.1f rules_ms %.2f ratio rules/refresh %.3f\n",
		       mr, mu, mr > 0 ? mu / mr : 0);
		printf("median refresh_cpu_ms %.1f rules_cpu_ms %.2f ratio cpu rules/refresh %.3f\n",
		       cr, cu, cr > 0 ? cu / cr : 0);
		printf("rules %zu from_agg %zu walked %zu candidates %zu\n",
		       sw_rules_count(rs), agg, sw_rules_count(rs) - agg, nc);
	}
	sw_rules_eval_free(ev);
	sw_rules_history_free(h);
	sw_rules_free(rs);
	sw_engine_close(e);
	return k ? 0 : 1;
}
