/* sw_grow.h - the one way an array grows: capacity doubles (from a first
 * size the caller picks) until it holds what is needed.
 *
 * Core header: no I/O. The check is inline, so a call per appended
 * element costs a compare on the hot path; only growing leaves it. */
#ifndef SW_GROW_H
#define SW_GROW_H

#include <stddef.h>
#include <stdint.h>

/* Make *arr (of elements of elem bytes, capacity *cap) hold at least need
 * elements: the capacity doubles from *cap, or from first when *cap is 0.
 * Returns 0, or -1 with errno ENOMEM (*arr and *cap unchanged, still
 * valid). The caller owns *arr and frees it. */
int sw_grow_slow(void **arr, size_t *cap, size_t need, size_t elem,
		 size_t first);

static inline int sw_grow(void **arr, size_t *cap, size_t need, size_t elem,
			  size_t first)
{
	return need <= *cap ? 0 : sw_grow_slow(arr, cap, need, elem, first);
}

/* The same for a 32-bit capacity (counts that never pass UINT32_MAX). */
static inline int sw_grow32(void **arr, uint32_t *cap, uint32_t need,
			    size_t elem, uint32_t first)
{
	size_t c = *cap;

	if (need <= *cap)
		return 0;
	if (sw_grow_slow(arr, &c, need, elem, first))
		return -1;
	*cap = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
	return 0;
}

#endif
