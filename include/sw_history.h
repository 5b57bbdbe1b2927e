/* sw_history.h - the last minutes of refreshes, for graphs: a ring of
 * samples sized by time (SW_HIST_SECONDS at the interval it starts with),
 * per TCP state, the header's counters (as rates), the top remotes'
 * connections and new connections per second (each keyed by its prefix,
 * so its series follows it while it stays near the top), and listening
 * ports' accept queue fill and SYN_RECV; and block, unblock and rule
 * actions as marks with their time. Downsampling for graphs of another
 * width than the data (sw_downsample).
 *
 * Core header: frames in, numbers out; no I/O. Memory is fixed at
 * sw_history_init: SW_HS_MAX series of cap floats, cap times, the marks
 * (sw_history_bytes says how much; at most about 1.1 MB for cap 3000). */
#ifndef SW_HISTORY_H
#define SW_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_counters.h"
#include "sw_sock.h"

struct sw_frame;

#define SW_HIST_SECONDS 600 /* the span the ring is sized for */
#define SW_HIST_MIN 60      /* samples, whatever the interval */
#define SW_HIST_MAX 3000    /* samples: 10 minutes at the TUI's 0.2 s */
#define SW_HIST_TOP 8       /* the top remotes taken each refresh */
#define SW_HIST_REMOTES 16  /* remotes followed at once */
#define SW_HIST_LISTENERS 16 /* listening ports followed at once */
#define SW_HIST_MARKS 64    /* the latest marks kept */

/* The series. A remote's or a listener's slot is found with
 * sw_history_remote / sw_history_listener. */
enum {
	SW_HS_STATE = 0,                          /* + enum sw_state: count */
	SW_HS_RATE = SW_HS_STATE + SW_ST_MAX,     /* + enum sw_counter: per s */
	SW_HS_TOTAL = SW_HS_RATE + SW_C_MAX,      /* all sockets */
	SW_HS_REMOTE = SW_HS_TOTAL + 1,           /* + 2 * slot: connections,
						     + 2 * slot + 1: new/s */
	SW_HS_LISTENER = SW_HS_REMOTE + 2 * SW_HIST_REMOTES, /* + 2 * slot:
						     accept queue fill 0..1,
						     + 2 * slot + 1: SYN_RECV */
	SW_HS_MAX = SW_HS_LISTENER + 2 * SW_HIST_LISTENERS
};

enum sw_hist_mark_kind { SW_HM_BLOCK, SW_HM_UNBLOCK, SW_HM_RULE };

struct sw_hist_mark {
	uint64_t time_ns;
	uint8_t kind;            /* enum sw_hist_mark_kind */
	struct sw_prefix target;
};

struct sw_hist_remote {
	bool used;
	struct sw_prefix pfx;
	uint64_t last_top;       /* sample number it was last in the top */
};

struct sw_hist_listener {
	bool used;
	uint8_t proto;
	uint16_t port;
	uint64_t last_seen;
};

struct sw_history {
	uint32_t cap;            /* samples kept */
	uint64_t n;              /* samples pushed since init */
	uint64_t *t;             /* [cap] wall clock of each sample (ns) */
	float *v;                /* [SW_HS_MAX * cap]: series s at v[s * cap] */
	struct sw_hist_remote remotes[SW_HIST_REMOTES];
	struct sw_hist_listener listeners[SW_HIST_LISTENERS];
	struct sw_hist_mark marks[SW_HIST_MARKS]; /* a ring too */
	uint32_t nmarks;         /* marks made since init */
};

/* The samples a ring needs for SW_HIST_SECONDS at interval_s, within
 * [SW_HIST_MIN, SW_HIST_MAX] (interval 0 or less: SW_HIST_MIN). */
uint32_t sw_history_cap_for(double interval_s);

/* An empty ring of sw_history_cap_for(interval_s) samples. Returns 0, or
 * -1 with errno ENOMEM (h is then empty: cap 0, pushes do nothing). */
int sw_history_init(struct sw_history *h, double interval_s);
void sw_history_free(struct sw_history *h);

/* Bytes h holds (its arrays and itself). */
size_t sw_history_bytes(const struct sw_history *h);

/* Make dst a copy of src, reusing dst's storage (dst initialised by
 * sw_history_init or zeroed). Returns 0, or -1 with errno ENOMEM (dst is
 * then empty). */
int sw_history_copy(struct sw_history *dst, const struct sw_history *src);

/* Add frame f (its time, agg and counters) as the newest sample, dropping
 * the oldest when full. A rate that is not known (the first frame) is
 * NAN; a remote or port followed but absent from f has 0. */
void sw_history_push(struct sw_history *h, const struct sw_frame *f);

/* Record an action at time_ns (kept: the latest SW_HIST_MARKS). */
void sw_history_mark(struct sw_history *h, uint64_t time_ns, unsigned kind,
		     const struct sw_prefix *target);

/* Samples held (at most cap). */
uint32_t sw_history_len(const struct sw_history *h);

/* Sample i of series s, 0 the oldest held; NAN out of range or unknown. */
float sw_history_at(const struct sw_history *h, unsigned s, uint32_t i);
/* Time of sample i (ns), 0 out of range. */
uint64_t sw_history_time(const struct sw_history *h, uint32_t i);

/* Copy the last n samples of series s (oldest first) into out; fewer when
 * fewer are held. Returns how many were written. */
uint32_t sw_history_series(const struct sw_history *h, unsigned s,
			   uint32_t n, float *out);

/* The slot of the remote p (exact prefix), or -1 when it is not followed. */
int sw_history_remote(const struct sw_history *h, const struct sw_prefix *p);
/* The slot of the listening port (proto, port), or -1. */
int sw_history_listener(const struct sw_history *h, unsigned proto,
			unsigned port);

/* Mark i, 0 the oldest kept; how many are kept. */
uint32_t sw_history_nmarks(const struct sw_history *h);
const struct sw_hist_mark *sw_history_mark_at(const struct sw_history *h,
					      uint32_t i);

/* How a bucket of several samples becomes one value. */
enum sw_ds_mode { SW_DS_MAX, SW_DS_MEAN };

/* n samples into w buckets. n >= w: bucket i holds samples
 * [i*n/w, (i+1)*n/w) and is their max or mean (NANs left out; all NAN:
 * NAN), so the first bucket starts with sample 0 and the last ends with
 * sample n-1. n < w: bucket i is sample i*n/w (each sample spans w/n
 * buckets; the first is sample 0, the last sample n-1). n == 0: all NAN. */
void sw_downsample(const float *in, size_t n, float *out, size_t w,
		   enum sw_ds_mode mode);

#endif
