/* sw_hostcfg.h - the host settings that decide how a server survives the
 * attacks sockwatch diagnoses (sysctls of the watched namespace), and the
 * text form they travel in: "name value\n" lines, as read live from
 * /proc/sys and as stored in a recording (SW_REC_HOST), so a replay sees
 * the settings the live run saw.
 *
 * Core header: parses text given by the caller; reads no files. The edge
 * reader (src/source/hostcfg_read.c) makes the text. */
#ifndef SW_HOSTCFG_H
#define SW_HOSTCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The settings, by their sysctl names without "net." ... in the table of
 * src/core/hostcfg.c. A value of -1 means unknown (not readable here,
 * e.g. conntrack not loaded). */
enum sw_hostcfg_key {
	SW_H_TCP_SYNCOOKIES,       /* net.ipv4.tcp_syncookies */
	SW_H_TCP_MAX_SYN_BACKLOG,  /* net.ipv4.tcp_max_syn_backlog */
	SW_H_SOMAXCONN,            /* net.core.somaxconn */
	SW_H_TCP_SYNACK_RETRIES,   /* net.ipv4.tcp_synack_retries */
	SW_H_TCP_MAX_TW_BUCKETS,   /* net.ipv4.tcp_max_tw_buckets */
	SW_H_TCP_TW_REUSE,         /* net.ipv4.tcp_tw_reuse */
	SW_H_TCP_FIN_TIMEOUT,      /* net.ipv4.tcp_fin_timeout */
	SW_H_PORT_RANGE_LOW,       /* net.ipv4.ip_local_port_range, first */
	SW_H_PORT_RANGE_HIGH,      /* net.ipv4.ip_local_port_range, second */
	SW_H_CONNTRACK_COUNT,      /* net.netfilter.nf_conntrack_count */
	SW_H_CONNTRACK_MAX,        /* net.netfilter.nf_conntrack_max */
	SW_H_MAX
};

struct sw_hostcfg {
	int64_t val[SW_H_MAX]; /* -1: unknown */
	uint64_t time_ns;      /* when it was read (wall clock), 0: never */
};

/* All values unknown, never read. */
void sw_hostcfg_init(struct sw_hostcfg *h);

/* The sysctl name of key ("net.ipv4.tcp_syncookies"; both port range keys
 * name "net.ipv4.ip_local_port_range"); "unknown" out of range. Static. */
const char *sw_hostcfg_name(unsigned key);

/* The i-th sysctl to read (distinct names, in table order), NULL past the
 * last. Static. */
const char *sw_hostcfg_sysctl(unsigned i);

/* The file of a sysctl under root ("/proc/sys" live): root + "/" + the
 * name with dots as slashes, into buf. Returns buf, or NULL when it does
 * not fit in len. */
char *sw_hostcfg_path(const char *root, const char *name, char *buf,
		      size_t len);

/* Parse "name value [value]\n" lines (len bytes, no NUL needed) into h:
 * every value is first unknown, then each line of a known name sets its
 * keys (the port range line its two). Unknown names, malformed or
 * negative values are skipped (left unknown): a newer or older kernel's
 * text still parses. time_ns is left alone. Returns how many values were
 * set. */
int sw_hostcfg_parse(struct sw_hostcfg *h, const char *text, size_t len);

struct sw_buf;
/* Append h as that text (one line per sysctl with a known value) to b. */
void sw_hostcfg_format(const struct sw_hostcfg *h, struct sw_buf *b);

/* The value of a sysctl as an operator reads it ("1", "32768 60999"; its
 * known values), or "unknown" when none is known, into buf (always
 * NUL-terminated). Returns buf. */
char *sw_hostcfg_value(const struct sw_hostcfg *h, const char *name,
		       char *buf, size_t len);

#endif
