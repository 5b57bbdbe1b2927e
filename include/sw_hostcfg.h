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

#endif
