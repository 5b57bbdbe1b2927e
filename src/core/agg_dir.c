/* agg_dir.c - a socket's direction: inbound when its local port is one
 * the host listens on (a TCP listener, a bound UDP socket, same
 * protocol), outbound otherwise (this host opened it). The test of one
 * socket, sw_agg_dir_inbound, is inline in sw_agg.h: it runs per socket. */
#include <string.h>

#include "sw_agg.h"

void sw_agg_dir_ports(uint8_t *ports, const struct sw_snapshot *cur)
{
	uint32_t i;

	memset(ports, 0, 65536);
	/* the snapshot noted its listeners as they were added */
	for (i = 0; i < cur->nlisten; i++) {
		const struct sw_sock *s = &cur->socks[cur->listen[i]];

		if (sw_sock_is_listener(s))
			ports[s->sport] |= s->proto == SW_TCP ? SW_AGG_DIR_TCP
							      : SW_AGG_DIR_UDP;
	}
}
