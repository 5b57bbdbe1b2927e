/* filter_socks - the sockets sockwatch's engine selects with a filter,
 * one per line, for the integration tests that compare them with ss:
 *
 *   filter_socks [-t|-u] FILTER
 *
 * Runs in the current network namespace (use ip netns exec): one refresh
 * through the engine as batch mode does it (kernel push-down, then the
 * filter in user space), then "proto STATE laddr lport raddr rport" per
 * socket, addresses as sockwatch holds them (IPv4-mapped ones as IPv4).
 * A bad filter prints sockwatch's message and exits 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_engine.h"

int main(int argc, char **argv)
{
	struct sw_engine_opts o = {0};
	struct sw_engine *e;
	char *cause = NULL, a[64], b[64];
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "-t"))
		o.tcp = true, i++;
	else if (argc > 2 && !strcmp(argv[1], "-u"))
		o.udp = true, i++;
	if (argc != i + 1) {
		fprintf(stderr, "usage: filter_socks [-t|-u] FILTER\n");
		return 2;
	}
	o.filter = argv[i];
	o.group = (struct sw_agg_opts){ .group_v4 = 32, .group_v6 = 128 };
	if (!(e = sw_engine_open(&o, &cause))) {
		fprintf(stderr, "%s\n", cause);
		return 2;
	}
	if (sw_engine_refresh(e, &cause) != 1) {
		fprintf(stderr, "filter_socks: refresh: %s\n", cause ? cause : "no frame");
		return 1;
	}
	const struct sw_snapshot *s = sw_engine_frame(e)->snap;
	for (uint32_t k = 0; k < s->count; k++) {
		const struct sw_sock *x = &s->socks[k];
		printf("%s %s %s %u %s %u\n", sw_proto_name(x->proto),
		       sw_state_name(x->state),
		       sw_addr_format(x->family, x->src, a, sizeof(a)), x->sport,
		       sw_addr_format(x->family, x->dst, b, sizeof(b)), x->dport);
	}
	sw_engine_close(e);
	return 0;
}
