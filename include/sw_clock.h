/* sw_clock.h - the time now, in nanoseconds, from one clock.
 *
 * CLOCK_MONOTONIC for intervals and deadlines, CLOCK_REALTIME for wall
 * times that are shown or stored. */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t sw_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
