/* filter_socks - the sockets sockwatch's engine selects with a filter,
 * one per line, for the integration tests that compare them with ss:
 *
 *   filter_socks [-t|-u] [--backend netlink|bpf] [-o] [-i] FILTER
 *
 * Runs in the current network namespace (use ip netns exec): one refresh
 * through the engine as batch mode does it (kernel push-down, then the
 * filter in user space), then "proto STATE laddr lport raddr rport" per
 * socket, addresses as sockwatch holds them (IPv4-mapped ones as IPv4).
 * --backend bpf reads the sockets through the BPF iterators (exit 3 when
 * they cannot load: the engine's note on stderr). -o adds each socket's
 * timer as ss -o has it: " timer off|on|keepalive|timewait|persist MS";
 * -i its inode: " ino N".
 * A bad filter prints sockwatch's message and exits 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_bpf.h"
#include "sw_engine.h"

int main(int argc, char **argv)
{
	struct sw_engine_opts o = {0};
	struct sw_engine *e;
	char *cause = NULL, a[64], b[64];
	static const char *const timers[] = {"off", "on", "keepalive", "timewait",
					     "persist"};
	bool timer = false, ino = false;
	int i = 1;

	for (; i < argc - 1; i++) {
		if (!strcmp(argv[i], "-t"))
			o.tcp = true;
		else if (!strcmp(argv[i], "-u"))
			o.udp = true;
		else if (!strcmp(argv[i], "-o"))
			timer = true;
		else if (!strcmp(argv[i], "-i"))
			ino = true;
		else if (!strcmp(argv[i], "--backend") && i + 2 < argc)
			o.backend = !strcmp(argv[++i], "bpf") ? SW_BACKEND_BPF :
							       SW_BACKEND_NETLINK;
		else
			break;
	}
	if (argc != i + 1) {
		fprintf(stderr, "usage: filter_socks [-t|-u] [--backend netlink|bpf] "
				"[-o] [-i] FILTER\n");
		return 2;
	}
	o.filter = argv[i];
	o.group = (struct sw_agg_opts){ .group_v4 = 32, .group_v6 = 128 };
	if (!(e = sw_engine_open(&o, &cause))) {
		fprintf(stderr, "%s\n", cause);
		return 2;
	}
	if (sw_engine_note(e)) {
		fprintf(stderr, "%s\n", sw_engine_note(e));
		return 3;
	}
	if (sw_engine_refresh(e, &cause) != 1) {
		fprintf(stderr, "filter_socks: refresh: %s\n", cause ? cause : "no frame");
		return 1;
	}
	const struct sw_snapshot *s = sw_engine_frame(e)->snap;
	for (uint32_t k = 0; k < s->count; k++) {
		const struct sw_sock *x = &s->socks[k];
		printf("%s %s %s %u %s %u", sw_proto_name(x->proto),
		       sw_state_name(x->state),
		       sw_addr_format(x->family, x->src, a, sizeof(a)), x->sport,
		       sw_addr_format(x->family, x->dst, b, sizeof(b)), x->dport);
		if (timer)
			printf(" timer %s %u", x->timer < 5 ? timers[x->timer] : "?",
			       x->expires);
		if (ino)
			printf(" ino %u", x->inode);
		putchar('\n');
	}
	sw_engine_close(e);
	return 0;
}
