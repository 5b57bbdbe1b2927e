/* grow.c - array growth by doubling (sw_grow.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sw_grow.h"

int sw_grow_slow(void **arr, size_t *cap, size_t need, size_t elem,
		 size_t first)
{
	size_t c = *cap ? *cap : first ? first : 1;
	void *p;

	while (c < need)
		c = c > SIZE_MAX / 2 ? need : c * 2;
	if (elem && c > SIZE_MAX / elem) {
		errno = ENOMEM;
		return -1;
	}
	p = realloc(*arr, c * elem);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*arr = p;
	*cap = c;
	return 0;
}
