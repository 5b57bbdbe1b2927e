/* sw_counters.h - protocol counters parsed from the text of
 * /proc/net/snmp and /proc/net/netstat.
 *
 * Core header: parses text given by the caller; reads no files. */
#ifndef SW_COUNTERS_H
#define SW_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The counters sockwatch reports, in output order. */
enum sw_counter {
	SW_C_SYNCOOKIES_SENT,
	SW_C_SYNCOOKIES_RECV,
	SW_C_SYNCOOKIES_FAILED,
	SW_C_LISTEN_OVERFLOWS,
	SW_C_LISTEN_DROPS,
	SW_C_REQQ_FULL_DROP,
	SW_C_REQQ_FULL_DO_COOKIES,
	SW_C_PASSIVE_OPENS,
	SW_C_ACTIVE_OPENS,
	SW_C_ATTEMPT_FAILS,
	SW_C_ESTAB_RESETS,
	SW_C_OUT_RSTS,
	SW_C_RETRANS_SEGS,
	SW_C_IN_ERRS,
	SW_C_TIMEWAIT_OVERFLOW,
	SW_C_UDP_IN_ERRORS,      /* Udp InErrors (IPv4; includes RcvbufErrors) */
	SW_C_UDP_RCVBUF_ERRORS,  /* Udp RcvbufErrors: a full receive buffer */
	SW_C_MAX
};

struct sw_counters {
	uint64_t val[SW_C_MAX];
	bool have[SW_C_MAX]; /* false when the kernel does not export it */
};

/* The kernel's name ("SyncookiesSent", "TCPReqQFullDrop", ...); the Udp
 * ones as nstat names them ("UdpInErrors"), as Tcp has an InErrs too. */
const char *sw_counter_name(unsigned c);

/* Clear c (all absent). */
void sw_counters_clear(struct sw_counters *c);

/* Parse the header/value line pairs of /proc/net/snmp or /proc/net/netstat
 * text ("Tcp: ... \nTcp: ..." / "TcpExt: ..."), filling the counters found.
 * Both texts may be fed to the same struct. Returns the number of counters
 * filled, or -1 when the text is malformed (a header without its value
 * line, or value counts that differ). */
int sw_counters_parse(struct sw_counters *c, const char *text, size_t len);

/* Per-second rate of counter i between prev and cur over seconds;
 * 0 when either is absent, the interval is not positive, or the counter
 * went backwards. */
double sw_counters_rate(const struct sw_counters *prev,
			const struct sw_counters *cur, unsigned i,
			double seconds);

#endif
