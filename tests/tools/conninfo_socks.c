/* conninfo_socks - the per-connection info (tcp_info) sockwatch's engine
 * holds after each refresh, for the integration tests that compare it
 * with ss -tin and a replay with its live run:
 *
 *   conninfo_socks [-n N] [-d SECONDS] [-e SECONDS] [-f FILTER]
 *                  [--record FILE | --replay FILE]
 *
 * Runs N refreshes (default 1) through the engine in the current network
 * namespace (or of the recording), an info dump every -e seconds
 * (default: every refresh), and prints after each refresh
 *   "refresh SEQ info N" (N entries, or "none")
 * then per entry, in the set's order (by cookie), with the socket's
 * addresses from the refresh's snapshot ("gone COOKIE" if it closed):
 *   "laddr lport raddr rport rx RX acked ACKED lastrecv MS lastsent MS
 *    rtt US retrans N rate R|- age_ns A start 0|1"
 * with age_ns the refresh time minus first seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_addr.h"
#include "sw_engine.h"

static void print_set(const struct sw_frame *f)
{
	const struct sw_conninfo *ci = f->conninfo;
	char a[64], b[64];

	if (!ci) {
		printf("refresh %llu info none\n", (unsigned long long)f->seq);
		return;
	}
	printf("refresh %llu info %zu\n", (unsigned long long)f->seq, ci->n);
	for (size_t i = 0; i < ci->n; i++) {
		const struct sw_conn_info *c = &ci->v[i];
		const struct sw_sock *s = sw_snapshot_find(f->snap, SW_TCP, c->cookie);
		char rate[32];

		if (!s) { /* closed since the info dump */
			printf("gone %llu\n", (unsigned long long)c->cookie);
			continue;
		}
		if (c->rx_per_s < 0)
			snprintf(rate, sizeof(rate), "-");
		else
			snprintf(rate, sizeof(rate), "%.3f", c->rx_per_s);
		printf("%s %u %s %u rx %llu acked %llu lastrecv %u lastsent %u "
		       "rtt %u retrans %u rate %s age_ns %llu start %d\n",
		       sw_addr_format(s->family, s->src, a, sizeof(a)), s->sport,
		       sw_addr_format(s->family, s->dst, b, sizeof(b)), s->dport,
		       (unsigned long long)c->bytes_received,
		       (unsigned long long)c->bytes_acked, c->last_data_recv_ms,
		       c->last_data_sent_ms, c->rtt_us, c->retrans, rate,
		       (unsigned long long)(f->time_ns -
					    sw_conn_info_first_seen_ns(c, f->conninfo->epoch_ns)),
		       c->seen_at_start);
	}
}

int main(int argc, char **argv)
{
	struct sw_engine_opts o = {0};
	struct sw_engine *e;
	char *cause = NULL;
	long n = 1;
	double d = 0;
	int i, rc;

	o.info_every_s = 1e-6;
	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "-n") && v)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "-d") && v)
			d = atof(argv[++i]);
		else if (!strcmp(argv[i], "-e") && v)
			o.info_every_s = atof(argv[++i]);
		else if (!strcmp(argv[i], "-f") && v)
			o.filter = argv[++i];
		else if (!strcmp(argv[i], "--record") && v)
			o.record = argv[++i];
		else if (!strcmp(argv[i], "--replay") && v)
			o.replay = argv[++i];
		else {
			fprintf(stderr, "usage: conninfo_socks [-n N] [-d SECONDS] "
				"[-e SECONDS] [-f FILTER] [--record FILE | --replay FILE]\n");
			return 2;
		}
	}
	o.group = (struct sw_agg_opts){ .group_v4 = 32, .group_v6 = 128 };
	if (!(e = sw_engine_open(&o, &cause))) {
		fprintf(stderr, "%s\n", cause);
		return 2;
	}
	for (long k = 0; o.replay || k < n; k++) {
		if (k && d > 0 && !o.replay) {
			struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };

			nanosleep(&ts, NULL);
		}
		rc = sw_engine_refresh(e, &cause);
		if (rc == 0)
			break;
		if (rc < 0) {
			fprintf(stderr, "conninfo_socks: refresh: %s\n",
				cause ? cause : "failed");
			return 1;
		}
		print_set(sw_engine_frame(e));
	}
	sw_engine_close(e);
	return 0;
}
