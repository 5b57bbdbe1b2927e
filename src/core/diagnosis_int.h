/* diagnosis_int.h - private to src/core/diagnosis*.c: the detector table's
 * entry, the summaries kept of past refreshes, and the helpers detectors
 * use to read a frame and to propose findings.
 *
 * A detector looks at the frame being diagnosed (and the summaries of the
 * refreshes before it) and proposes candidates through sw_diag_emit. The
 * table's persist says for how many refreshes in a row a candidate (kind
 * and subject) must be proposed before it is a finding: a single spike is
 * not an attack. */
#ifndef SW_DIAGNOSIS_INT_H
#define SW_DIAGNOSIS_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_diagnosis.h"

/* One refresh's summary: what detectors need of the past. Copied, never a
 * pointer into a frame. */
struct sw_diag_sample {
	uint64_t time_ns;
	bool rates_known;             /* counters of two refreshes */
	double rate[SW_C_MAX];        /* per second; 0 when not known */
	bool storm[SW_C_MAX];         /* this refresh's rate was a storm:
					 left out of the baseline */
	uint32_t state[SW_ST_MAX];    /* TCP sockets per state */
};

/* ESTABLISHED sockets per TCP listening port, of the previous refresh
 * (which port lost connections in a reset storm). */
struct sw_diag_port {
	uint16_t port;
	uint32_t established;
};

/* A growable array of each (the summaries kept of a refresh). */
struct sw_diag_ports {
	struct sw_diag_port *v;
	size_t n, cap;
};

struct sw_diag_cookies {
	uint64_t *v;
	size_t n, cap;
};

/* A candidate being followed across refreshes. */
struct sw_diag_track {
	enum sw_finding_kind kind;
	struct sw_finding_subject subject;
	uint64_t since_ns; /* time of the first refresh it held */
	uint64_t last_run; /* run that last proposed it */
	unsigned streak;   /* refreshes in a row */
};

/* A source address or prefix and its count (syn_flood, slow_clients). */
struct sw_diag_src {
	struct sw_prefix pfx;
	uint32_t n;
	uint16_t port; /* the local port it is most seen on */
};

struct sw_diagnosis {
	struct sw_diag_sample hist[SW_DIAGNOSIS_HISTORY]; /* ring */
	unsigned nhist, hist_next;
	double base[SW_C_MAX]; /* reset_storm: calm level per counter, < 0
				  not known yet */
	unsigned storm_port;   /* reset_storm: the port named while it holds */
	/* close_wait_pileup: cookies of the CLOSE_WAIT sockets of the
	 * refresh before (sorted) and of this one (being built) */
	struct sw_diag_cookies cw_prev, cw_cur;
	/* ESTABLISHED per listening port, sorted by port: of the refresh
	 * before, and of this one (being built) */
	struct sw_diag_ports ports, ports_new;
	struct sw_diag_track *tracks;
	size_t ntracks, tracks_cap;
	uint64_t runs;

	struct sw_finding *cand; /* this run's candidates */
	size_t ncand, cand_cap;
	struct sw_finding *out;  /* findings handed out */
	size_t nout, out_cap;
	bool *held;              /* per candidate: held long enough */
	size_t held_cap;

	/* scratch of detectors, reused */
	struct sw_diag_src *src;   /* one entry per (prefix, port) */
	size_t nsrc, src_cap;
	uint32_t *src_slots;       /* hash of src: index + 1, 0 empty */
	size_t src_nslots;         /* power of two >= 2 * src_cap, or 0 */
	size_t src_used;           /* slots not 0: at most half of them */
	uint32_t *port_count; /* [2 * 65536], lazily (close_wait_pileup) */
	uint16_t *ports_hit;  /* the ports counted in it, to clear */
	size_t nports_hit, ports_hit_cap;
	struct sw_prefix *locals; /* the host's own addresses (sockets' local
				     addresses), collected once per run when
				     a block is proposed */
	size_t nlocals, locals_cap;
	bool locals_done, locals_full;
};

/* A threshold: a stable key (README, tests: sw_diagnosis_limit), its
 * value, what it means. */
struct sw_diag_limit {
	const char *key;
	double value;
	const char *what;
};

/* One run over one frame. */
struct sw_diag_ctx {
	struct sw_diagnosis *d;
	const struct sw_frame *f;
	struct sw_diag_sample *cur; /* this frame's summary (detectors may
				       mark storms in it) */
	const struct sw_diag_entry *entry; /* the detector running */
	bool oom;
};

struct sw_diag_entry {
	enum sw_finding_kind kind;
	/* Propose candidates through sw_diag_emit. Returns 0, or -1 out of
	 * memory. */
	int (*detect)(struct sw_diag_ctx *c);
	unsigned persist; /* refreshes in a row before it is said */
	const struct sw_diag_limit *limits; /* indexed by the detector's enum */
	unsigned nlimits;
};

/* The detectors, by subject file. */
extern const struct sw_diag_entry sw_diag_syn_flood, sw_diag_accept_queue;
extern const struct sw_diag_entry sw_diag_conn_flood, sw_diag_slow_clients;
extern const struct sw_diag_entry sw_diag_close_wait, sw_diag_time_wait,
	sw_diag_port_exhaustion;
extern const struct sw_diag_entry sw_diag_reset_storm, sw_diag_udp_drops;
extern const struct sw_diag_entry sw_diag_conntrack;

/* The running detector's threshold i. */
static inline double sw_diag_lim(const struct sw_diag_ctx *c, unsigned i)
{
	return c->entry->limits[i].value;
}

/* The summary of the refresh back runs before this one (1: the one
 * before), or NULL when the history is shorter. */
const struct sw_diag_sample *sw_diag_hist(const struct sw_diagnosis *d,
					  unsigned back);

/* Rate of counter k in this frame; -1 when not known (first refresh, or
 * the kernel does not export it). */
double sw_diag_rate(const struct sw_diag_ctx *c, unsigned k);

/* Host setting k; -1 when not known. */
long long sw_diag_host(const struct sw_diag_ctx *c, unsigned k);

/* A new candidate of the running detector's kind (zeroed but kind,
 * severity, subject), or NULL when out of memory (c->oom set). The
 * pointer is valid until the next sw_diag_emit. */
struct sw_finding *sw_diag_emit(struct sw_diag_ctx *c, enum sw_severity sev,
				const struct sw_finding_subject *s);

void sw_diag_text(struct sw_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sw_diag_advice(struct sw_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Add one number behind it (key: static storage); the first
 * SW_FINDING_EVIDENCE are kept. */
void sw_diag_ev(struct sw_finding *f, const char *key, double v);

/* Propose blocking p unless blocking it would hit this host: loopback,
 * unspecified, or a prefix holding one of the host's own addresses (a
 * local address of any socket). Returns true when proposed. */
bool sw_diag_block(struct sw_diag_ctx *c, struct sw_finding *f,
		   const struct sw_prefix *p);

/* The remote row prefix a socket's peer falls in (the grouping of the
 * frame's aggregation). */
void sw_diag_peer_prefix(const struct sw_diag_ctx *c, const struct sw_sock *s,
			 struct sw_prefix *out);

/* Sort c->d->src[0..nsrc) and merge equal prefixes (adding n), then order
 * by n, biggest first (ties by prefix). */
void sw_diag_src_count(struct sw_diagnosis *d);
/* Count a source: n + 1 for the entry of the same (prefix, port), else a
 * new entry (n 1), in the order first added; -1 out of memory. A detector
 * starts a list with d->nsrc = 0. */
int sw_diag_src_add(struct sw_diagnosis *d, const struct sw_prefix *p,
		    uint16_t port);

/* The TCP listener of port (the first of them, sorted by address), or
 * NULL. */
const struct sw_listener *sw_diag_listener(const struct sw_agg *a,
					   unsigned proto, unsigned port);

/* A listener subject for port (family 0: the port), with its process. */
void sw_diag_subject_port(struct sw_finding_subject *s, const struct sw_agg *a,
			  unsigned proto, unsigned port);

/* Inbound ESTABLISHED sockets of r, at least: its inbound ones less its
 * TIME_WAIT (which may be either way), and no more than its ESTABLISHED
 * (CLOSE_WAIT and the rest are on their way out). */
static inline uint32_t sw_diag_live_inbound(const struct sw_remote *r)
{
	uint32_t in = r->inbound > r->tw ? r->inbound - r->tw : 0;

	return in < r->states[SW_ESTABLISHED] ? in : r->states[SW_ESTABLISHED];
}

/* ":80 (nginx)" */
char *sw_diag_port_name(const struct sw_finding_subject *s, char *buf,
			size_t len);

#endif
