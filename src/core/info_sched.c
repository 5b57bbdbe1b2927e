/* info_sched.c - when the next info dump is due: --info-every, stretched
 * to keep the dumps within their share of the time. */
#include "sw_info_sched.h"

uint64_t sw_info_sched_period(const struct sw_info_sched *s)
{
	uint64_t p = s->every_ns;

	if (!p)
		return 0;
	if (s->cost_ns > p / SW_INFO_BUDGET)
		p = s->cost_ns > UINT64_MAX / SW_INFO_BUDGET ?
			    UINT64_MAX : s->cost_ns * SW_INFO_BUDGET;
	return p;
}

bool sw_info_sched_due(const struct sw_info_sched *s, uint64_t now_ns)
{
	uint64_t p = sw_info_sched_period(s);

	if (!p)
		return false;
	if (!s->last_ns || now_ns < s->last_ns)
		return true;
	return now_ns - s->last_ns >= p - p / 10;
}

void sw_info_sched_done(struct sw_info_sched *s, uint64_t start_ns,
			uint64_t end_ns)
{
	s->last_ns = start_ns;
	s->cost_ns = end_ns > start_ns ? end_ns - start_ns : 0;
}
