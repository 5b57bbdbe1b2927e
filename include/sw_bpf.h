/* sw_bpf.h - the BPF iterator backend: its records' decoder (pure) and
 * the source that reads them (src/source/source_bpf.c).
 *
 * Edge header: no libbpf. Not thread-safe. */
#ifndef SW_BPF_H
#define SW_BPF_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_filter.h"
#include "sw_snapshot.h"
#include "sw_source.h"

/* The backends of the live source (--backend). */
enum sw_backend { SW_BACKEND_AUTO = 0, SW_BACKEND_NETLINK, SW_BACKEND_BPF };

/* "auto" / "netlink" / "bpf"; never NULL. */
const char *sw_backend_name(unsigned b);

/* Decode n iterator records (src/source/bpf/sockiter.h, 64 bytes each;
 * len must be a multiple) into s, the wanted families and protocols only
 * (want[proto][family is SW_V6], by the kernel's family as a netlink dump
 * has them), IPv4-mapped normalised, s->dumped counted, kept when filter
 * is NULL or matches. Returns the records decoded, or -1 with errno
 * (EBADMSG: a bad length, family or protocol; ENOMEM). */
long sw_bpf_decode(const void *buf, size_t len, const bool want[2][2],
		   const struct sw_filter *filter, struct sw_snapshot *s);

/* True when this binary was built with the BPF backend. */
bool sw_bpf_built(void);

/* The BPF source: the sockets from iter/tcp and iter/udp of this
 * thread's namespace, the rest (counters, owners, info dumps) from the
 * live source live, which it takes over when it opens (closed with
 * it; on failure live stays the caller's, to fall back on). A refresh
 * that records (ask->tap) writes the records as read: SOCKS items
 * (sw_record.h), which a replay decodes with sw_bpf_decode. NULL with
 * *cause (malloc'ed, one line saying why BPF cannot be used) when the
 * program does not load. */
struct sw_source *sw_source_bpf_open(struct sw_source *live, char **cause);

#endif
