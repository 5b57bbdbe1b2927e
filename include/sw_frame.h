/* sw_frame.h - what one refresh produced, as front ends and reports see
 * it. Core header. */
#ifndef SW_FRAME_H
#define SW_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_agg.h"
#include "sw_conninfo.h"
#include "sw_counters.h"
#include "sw_finding.h"
#include "sw_hostcfg.h"
#include "sw_snapshot.h"

/* What one refresh produced. Owned by the engine: valid until its next refresh or close. */
struct sw_frame {
	uint64_t seq;             /* 1 for the first refresh */
	uint64_t time_ns;         /* wall clock of the refresh (UTC) */
	double interval_s;        /* since the previous refresh; 0 on the first */
	double refresh_ms;        /* wall time the refresh took (dump+parse+agg) */
	double cpu_ms;            /* CPU time the refresh took */
	const struct sw_snapshot *snap; /* the sockets */
	const struct sw_agg *agg;
	struct sw_counters counters, prev_counters;
	bool have_prev_counters;
	/* Host settings as last read (every few seconds; recorded), or NULL
	 * when unknown. */
	const struct sw_hostcfg *host;
	/* Per-connection tcp_info from the latest info dump (recorded), or
	 * NULL when none has been made. */
	const struct sw_conninfo *conninfo;
	/* The diagnosis of this frame, worst first (sw_diagnosis.h), set by
	 * the watch before the hooks see the frame; NULL/0 when none. */
	const struct sw_finding *findings;
	size_t nfindings;
	/* Where the sockets came from: "netlink", "bpf" (a replay: the
	 * backend of the recorded refresh; "replay" when it has no
	 * sockets). Static storage, never NULL. */
	const char *backend;
};

#endif
