/* sw_source.h - where the engine's refreshes come from: one interface,
 * two implementations today (the live kernel: sock_diag and /proc; a
 * replayed recording), a BPF backend next. A source fills a snapshot with
 * the sockets of one refresh (netlink buffers through the one parser,
 * sw_diag.h), the /proc counters, the times, and after aggregation the
 * listeners' owners. Recording is a tap on the live source (sw_record.h):
 * the format is record.c's alone.
 *
 * Edge header: no netlink library. Not thread-safe. */
#ifndef SW_SOURCE_H
#define SW_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_agg.h"
#include "sw_counters.h"
#include "sw_filter.h"
#include "sw_filter_pre.h"
#include "sw_record.h"
#include "sw_snapshot.h"

/* What one refresh asks for. */
struct sw_source_ask {
	bool want[SW_PROTO_MAX][2]; /* [proto][family is SW_V6]: the options */
	/* What the filter lets the kernel skip (live sources): */
	uint32_t states[SW_PROTO_MAX]; /* state mask per protocol */
	bool family_ok[2];             /* whether an IPv4 / IPv6 dump can match */
	const uint8_t *bc[2];          /* kernel bytecode for IPv4, IPv6 */
	size_t bclen[2];
	/* the ports and addresses as a pre-filter (the BPF iterators), or
	 * NULL: none */
	const struct sw_filter_pre *pre;
	const struct sw_filter *filter; /* records are filtered by it */
	struct sw_rec_writer *tap;      /* record what is read, or NULL */
};

/* What one refresh got besides the sockets. */
struct sw_source_out {
	struct sw_counters counters;   /* cleared by the caller */
	bool timed;                    /* refresh_ns, cpu_ns are given (a
					  replay: as recorded, 0 when not);
					  else the caller measures */
	uint64_t refresh_ns, cpu_ns;
	/* The host settings text (sw_hostcfg.h) when read this refresh (live:
	 * the first refresh, then every SW_SOURCE_HOST_EVERY_S; a replay: as
	 * recorded), else NULL. Owned by the source, valid until its next
	 * refresh. */
	const char *host;
	size_t host_len;
	/* A replay: the backend the refresh was recorded with ("netlink",
	 * "bpf"; static), or NULL (live sources: the engine knows). */
	const char *backend;
};

/* Seconds between two reads of the host settings by a live source. */
#define SW_SOURCE_HOST_EVERY_S 10

/* What an info dump (per-connection tcp_info) asks for: a dump of the
 * TCP listeners (their ports), then one of the ESTABLISHED sockets on
 * those ports with INET_DIAG_INFO, made every few seconds. */
struct sw_source_info_ask {
	bool due;                 /* live: make one now; a replay ignores it
				     (the recording says where one was) */
	bool want[2];             /* TCP over IPv4 / IPv6, as the options
				     and the filter allow */
	const uint8_t *bc[2];     /* the filter's bytecode per family (the
				     source adds the listened ports) */
	size_t bclen[2];
	const struct sw_filter *filter;
	struct sw_rec_writer *tap; /* record the buffers, or NULL */
	bool first;               /* the engine's first info dump (recorded:
				     a replay starts over there) */
};

struct sw_conninfo_table;

struct sw_source;

struct sw_source_ops {
	/* One refresh into s (reset by the caller; time_ns and mono_ns set
	 * here). Returns 1, 0 when the source has no more (a replay's end),
	 * or -1 with *cause (malloc'ed). */
	int (*next)(struct sw_source *src, const struct sw_source_ask *ask,
		    struct sw_snapshot *s, struct sw_source_out *out,
		    char **cause);
	/* The owners of a's listeners (after sw_agg_build on the latest
	 * refresh), recorded on tap when not NULL. Returns 0, or -1 with
	 * *cause. */
	int (*owners)(struct sw_source *src, struct sw_agg *a,
		      struct sw_rec_writer *tap, char **cause);
	/* The info dump of the latest refresh, if one is due (live) or was
	 * recorded (replay): its raw entries are put in t
	 * (sw_conninfo_table_put), *n of them; committing (or aborting, on
	 * -1) is the caller's.
	 * Returns 1 when a dump was made, 0 when none (nothing written),
	 * -1 with *cause (malloc'ed). */
	int (*info)(struct sw_source *src, const struct sw_source_info_ask *ask,
		    struct sw_conninfo_table *t, size_t *n, char **cause);
	void (*close)(struct sw_source *src);
	bool replay; /* the data are a recording's (no blocking, pacing) */
};

/* Every source begins with this. */
struct sw_source {
	const struct sw_source_ops *ops;
};

/* The live kernel: enter netns (NULL: stay; see sw_engine_open about
 * threads), open the sock_diag socket. resolve_procs: look up listener
 * owners in /proc. NULL with *cause (malloc'ed) on failure. */
struct sw_source *sw_source_live_open(const char *netns, bool resolve_procs,
				      char **cause);

/* A recording (sw_record.h), read through the same parsers; times as
 * recorded. NULL with *cause (malloc'ed) on failure. */
struct sw_source *sw_source_replay_open(const char *path, char **cause);

#endif
