/* sw_info_sched.h - when the next info dump (tcp_info of the inbound
 * ESTABLISHED sockets, sw_conninfo.h) is due.
 *
 * Core header. The info dump costs about as much as a bare dump of the
 * same sockets (tcp_info is ~230 bytes a socket more), so its period is
 * --info-every, stretched so that the dumps take at most 1/SW_INFO_BUDGET
 * of the time: at 1,000,000 sockets with 500,000 inbound a dump takes
 * over a second, and every 5 s would double the cost of watching. */
#ifndef SW_INFO_SCHED_H
#define SW_INFO_SCHED_H

#include <stdbool.h>
#include <stdint.h>

/* The info dumps take at most 1/SW_INFO_BUDGET of the (wall) time. */
#define SW_INFO_BUDGET 20u

struct sw_info_sched {
	uint64_t every_ns; /* --info-every; 0: never */
	uint64_t last_ns;  /* CLOCK_MONOTONIC the last dump started, 0 none */
	uint64_t cost_ns;  /* how long the last dump took */
};

/* The period in force: every_ns, or SW_INFO_BUDGET times the last dump's
 * cost when that is longer; 0 when every_ns is 0. */
uint64_t sw_info_sched_period(const struct sw_info_sched *s);

/* Whether a dump is due at now: never when every_ns is 0; at once when
 * none was made; else when the period has passed, less a tenth of it (a
 * refresh a little early still counts, or a 1 s refresh would make a 5 s
 * period 6 s). */
bool sw_info_sched_due(const struct sw_info_sched *s, uint64_t now_ns);

/* A dump started at start_ns and ended at end_ns (end before start, a
 * clock gone backwards, counts as no cost). */
void sw_info_sched_done(struct sw_info_sched *s, uint64_t start_ns,
			uint64_t end_ns);

#endif
