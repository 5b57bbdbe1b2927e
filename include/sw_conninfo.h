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
};

/* The latest info dump: entries sorted by cookie. */
struct sw_conninfo {
	const struct sw_conn_info *v;
	size_t n;
	uint64_t time_ns; /* wall clock of the dump */
};

/* The entry for cookie, or NULL (binary search). */
const struct sw_conn_info *sw_conninfo_find(const struct sw_conninfo *ci,
					    uint64_t cookie);

#endif
