/* sw_conninfo.h - per-connection truth from tcp_info (INET_DIAG_INFO):
 * what each inbound ESTABLISHED socket has received and sent, how long it
 * has been idle, its RTT and retransmits, and its age. tcp_info makes a
 * dump dearer, so it comes from a separate, narrowed dump made every few
 * seconds, not from every refresh: a frame carries the latest set (or
 * none).
 *
 * Core header: plain data. */
#ifndef SW_CONNINFO_H
#define SW_CONNINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_conn_info {
	uint64_t cookie;            /* the socket (TCP) */
	uint64_t bytes_received;    /* tcpi_bytes_received */
	uint64_t bytes_acked;       /* tcpi_bytes_acked */
	uint32_t last_data_recv_ms; /* tcpi_last_data_recv: idle receiving */
	uint32_t last_data_sent_ms; /* tcpi_last_data_sent */
	uint32_t retrans;           /* tcpi_total_retrans */
	uint32_t first_seen_s;      /* when the cookie was first seen by
				       this sockwatch (age): seconds after
				       the set's epoch_ns, 0 unknown. Exact
				       for the first dump's, to the nearest
				       second for later ones; see
				       sw_conn_info_first_seen_ns */
	float rx_per_s;             /* bytes_received difference per second
				       since the previous info dump; < 0 when
				       not known (first dump of it) */
	uint32_t rtt_us : 29;       /* tcpi_rtt: the kernel's srtt_us >> 3,
				       so 29 bits by construction (larger
				       values are clamped: SW_CONN_RTT_MAX) */
	uint32_t seen_at_start : 1; /* in the first info dump: older than
				       first_seen_s says (an age is "at
				       least") */
	uint32_t put : 1;           /* the table's: put in the dump under way */
	uint32_t rx_stale : 1;      /* the table's: bytes_received is of a
				       dump that failed (no rate from it) */
};
/* The socket's addresses, ports and inode are the snapshot's: look it up
 * by cookie (sw_snapshot_find(snap, SW_TCP, cookie)). 48 bytes. */

#define SW_CONN_RTT_MAX ((1u << 29) - 1)

/* The latest info dump: entries sorted by cookie. */
struct sw_conninfo {
	const struct sw_conn_info *v;
	size_t n;
	uint64_t time_ns;  /* wall clock of the dump */
	uint64_t epoch_ns; /* wall clock first_seen_s counts from: a second
			      before the table's first dump (0 in sets made
			      by hand: first_seen_s is then plain wall
			      clock seconds) */
};

/* When c was first seen, wall clock ns, of a set with that epoch_ns; 0
 * unknown. */
static inline uint64_t sw_conn_info_first_seen_ns(const struct sw_conn_info *c,
						  uint64_t epoch_ns)
{
	return c->first_seen_s ? epoch_ns + (uint64_t)c->first_seen_s * 1000000000ull
			       : 0;
}

/* The entry for cookie, or NULL (binary search). */
const struct sw_conn_info *sw_conninfo_find(const struct sw_conninfo *ci,
					    uint64_t cookie);

/* The engine's table of info dumps (conninfo_table.c): one array sorted
 * by cookie, updated in place by each dump. An entry put for a cookie the
 * table holds overwrites it (the bytes_received difference kept in it
 * for the rate, first_seen_s kept); a new cookie goes to a side array
 * (the dump's new connections) merged in at the commit, which also drops
 * the cookies the dump did not bring. So one set is held, plus the new
 * connections of the dump under way: 48 bytes per inbound ESTABLISHED
 * socket, not two sets. During a dump the latest set keeps its entries
 * and order (values of the put ones are the new dump's). */
struct sw_conninfo_table {
	struct sw_conn_info *v;        /* the latest set, sorted by cookie */
	size_t n, cap;
	struct sw_conn_info *add;      /* new cookies of the dump under way */
	size_t nadd, addcap;
	size_t hint;                   /* where the next put looks first */
	uint64_t mono_ns;              /* of the latest set */
	uint64_t dumps;                /* info dumps taken so far */
	bool restart;                  /* the next commit starts over: a
					  replay reached a recording's next
					  run (sw_conninfo_table_restart) */
	struct sw_conninfo set;        /* the latest set (ci.v == v) */
};

void sw_conninfo_table_init(struct sw_conninfo_table *t);
void sw_conninfo_table_free(struct sw_conninfo_table *t);

/* One raw entry of the dump under way (cookie and the tcp_info fields;
 * the rest is the table's): copied in. A cookie put twice in a dump (a
 * dump under churn repeats one) keeps the first. Returns 0, or -1 with
 * errno ENOMEM (the entry is lost; the table stays valid). */
int sw_conninfo_table_put(struct sw_conninfo_table *t,
			  const struct sw_conn_info *c);

/* End the dump under way: its entries become the latest set, taken at
 * time_ns (wall clock) and mono_ns (CLOCK_MONOTONIC): sorted by cookie,
 * first_seen_s and rx_per_s filled against the set before, the cookies
 * not put dropped. n is the count the source put (unused: the table
 * counts). Never fails. Returns the set (valid until the next put,
 * abort or free). */
const struct sw_conninfo *sw_conninfo_table_commit(struct sw_conninfo_table *t,
						   size_t n, uint64_t time_ns,
						   uint64_t mono_ns);

/* The dump under way failed: its new cookies are dropped, the set keeps
 * the cookies it had (those put show the failed dump's values, with the
 * rate unknown, and no rate is taken from them at the next commit). */
void sw_conninfo_table_abort(struct sw_conninfo_table *t);

/* The next commit is a first dump again: nothing is carried from the set
 * before (a replay at the first dump of another run in the recording).
 * The latest set stays as it is until then. */
void sw_conninfo_table_restart(struct sw_conninfo_table *t);

/* The latest set, or NULL before the first commit. */
const struct sw_conninfo *sw_conninfo_table_set(const struct sw_conninfo_table *t);

#endif
