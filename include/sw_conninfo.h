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
	uint32_t rtt_us;            /* tcpi_rtt */
	uint32_t retrans;           /* tcpi_total_retrans */
	uint64_t first_seen_ns;     /* wall clock the cookie was first seen
				       by this sockwatch (age), 0 unknown */
	double rx_per_s;            /* bytes_received difference per second
				       since the previous info dump; < 0 when
				       not known (first dump of it) */
	/* Added: */
	bool seen_at_start;         /* in the first info dump: older than
				       first_seen_ns says (an age is "at
				       least") */
};
/* The socket's addresses, ports and inode are the snapshot's: look it up
 * by cookie (sw_snapshot_find(snap, SW_TCP, cookie)). 64 bytes. */

/* The latest info dump: entries sorted by cookie. */
struct sw_conninfo {
	const struct sw_conn_info *v;
	size_t n;
	uint64_t time_ns; /* wall clock of the dump */
};

/* The entry for cookie, or NULL (binary search). */
const struct sw_conn_info *sw_conninfo_find(const struct sw_conninfo *ci,
					    uint64_t cookie);

/* The engine's table of info dumps (conninfo_table.c): it turns each
 * dump's raw entries into the latest set, with first_seen_ns carried by
 * cookie from dump to dump and rx_per_s from the bytes_received
 * difference per cookie. Between dumps only the latest set is held: the
 * next dump's room is allocated for it (sized like the last) and the set
 * before freed once merged. */
struct sw_conninfo_table {
	struct sw_conn_info *v, *prev; /* the latest set; the room */
	size_t n, cap, pcap;
	uint64_t mono_ns;              /* of the latest set */
	uint64_t dumps;                /* info dumps taken so far */
	bool restart;                  /* the next commit starts over: a
					  replay reached a recording's next
					  run (sw_conninfo_table_restart) */
	struct sw_conninfo set;        /* the latest set (ci.v == v) */
};

void sw_conninfo_table_init(struct sw_conninfo_table *t);
void sw_conninfo_table_free(struct sw_conninfo_table *t);

/* Room for n raw entries of the next dump, or NULL (ENOMEM): the caller
 * writes cookie and the tcp_info fields, then calls
 * sw_conninfo_table_commit. The room is the table's; the latest set stays
 * whole until the commit. */
struct sw_conn_info *sw_conninfo_table_room(struct sw_conninfo_table *t,
					    size_t n);

/* Make the n raw entries written to the room the latest set, taken at
 * time_ns (wall clock) and mono_ns (CLOCK_MONOTONIC): sorted by cookie,
 * duplicates of a dump under churn dropped, first_seen_ns and rx_per_s
 * filled against the previous set. Never fails. Returns the set (valid
 * until the next room or free). */
const struct sw_conninfo *sw_conninfo_table_commit(struct sw_conninfo_table *t,
						   size_t n, uint64_t time_ns,
						   uint64_t mono_ns);

/* The next commit is a first dump again: nothing is carried from the set
 * before (a replay at the first dump of another run in the recording).
 * The latest set stays as it is until then. */
void sw_conninfo_table_restart(struct sw_conninfo_table *t);

/* The latest set, or NULL before the first commit. */
const struct sw_conninfo *sw_conninfo_table_set(const struct sw_conninfo_table *t);

#endif
