/* libFuzzer harness: sw_diag_parse_buf on arbitrary netlink bytes.
 * Input: byte 0 picks the protocol (bit 0), the user-space filter (bit 1),
 * whether the rest is split in two buffers (bit 2, at byte 1) and whether
 * it is an info dump (bit 3: tcp_info entries into a conninfo table); the
 * rest is the reply. Checks the parser's promises on every record kept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_diag.h"

static void sw_fuzz_check(const struct sw_snapshot *s)
{
	static const uint8_t zero[12], mapped[12] = { [10] = 0xff, [11] = 0xff };

	for (uint32_t i = 0; i < s->count; i++) {
		const struct sw_sock *k = &s->socks[i];

		if (k->state >= SW_ST_MAX || k->proto >= SW_PROTO_MAX)
			abort();
		if (k->family == SW_V4 &&
		    (memcmp(k->src + 4, zero, 12) || memcmp(k->dst + 4, zero, 12)))
			abort();
		if (k->family == SW_V6 && !memcmp(k->src, mapped, 12) &&
		    !memcmp(k->dst, mapped, 12))
			abort(); /* both ends IPv4-mapped: should be IPv4 */
		if (k->family != SW_V4 && k->family != SW_V6)
			abort();
	}
}

static uint8_t sw_fuzz_ports[65536];
static uint16_t sw_fuzz_plist[65536];

/* A first dump's entries all go to the table's side array, as the
 * parser made them, each with the order it was put in (first_seen_s
 * until the commit sets it). */
static void sw_fuzz_check_info(const struct sw_conninfo_table *t, size_t n)
{
	if (t->nadd != n || t->n)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct sw_conn_info *c = &t->add[i];

		if (c->rx_per_s >= 0 || c->first_seen_s != i || c->seen_at_start)
			abort(); /* the table's to fill, not the parser's */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_conninfo_table t;
	struct sw_diag_info in;
	struct sw_filter_error err;
	struct sw_filter *f = NULL;
	struct sw_snapshot snap;
	struct sw_diag_parse p;
	size_t split;
	int rc;

	if (size < 2)
		return 0;
	sw_snapshot_init(&snap);
	memset(&p, 0, sizeof(p));
	p.proto = data[0] & 1 ? SW_UDP : SW_TCP;
	p.out = &snap;
	sw_conninfo_table_init(&t);
	memset(&in, 0, sizeof(in));
	if (data[0] & 8) {
		memset(sw_fuzz_ports, 0, sizeof(sw_fuzz_ports));
		in.table = &t;
		in.ports = sw_fuzz_ports;
		in.plist = sw_fuzz_plist;
		in.want[0] = in.want[1] = true;
		p.proto = SW_TCP;
		p.info = &in;
	}
	if (data[0] & 2)
		p.filter = f = sw_filter_parse("port 80 or not addr 192.0.2.0/24", &err);
	split = data[0] & 4 ? data[1] % (size - 1) : size - 2;
	data += 2;
	size -= 2;
	rc = sw_diag_parse_buf(&p, data, split);
	if (rc == 1)
		rc = sw_diag_parse_buf(&p, data + split, size - split);
	if (rc < -1 || rc > 1 || (rc == 0 && !p.done))
		abort();
	sw_fuzz_check(&snap);
	if (p.info && snap.count)
		abort(); /* an info dump adds no socket records */
	sw_fuzz_check_info(&t, in.n);
	sw_conninfo_table_free(&t);
	sw_filter_free(f);
	sw_snapshot_free(&snap);
	return 0;
}
