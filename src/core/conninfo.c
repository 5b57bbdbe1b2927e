/* conninfo.c - lookups in the per-connection info set (sw_conninfo.h). */
#include "sw_conninfo.h"

const struct sw_conn_info *sw_conninfo_find(const struct sw_conninfo *ci,
					    uint64_t cookie)
{
	size_t lo = 0, hi = ci ? ci->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ci->v[mid].cookie == cookie)
			return &ci->v[mid];
		if (ci->v[mid].cookie < cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
