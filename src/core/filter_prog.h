/* filter_prog.h - private to the filter: the compiled form of a parsed
 * filter (leaf tests with yes/no jumps, like the kernel's bytecode). */
#ifndef SW_FILTER_PROG_H
#define SW_FILTER_PROG_H

#include "sw_filter.h"

/* Build f->prog from f->nodes/f->root (the empty filter gets none).
 * Returns 0, or -1 with errno ENOMEM. */
int sw_filter_prog_compile(struct sw_filter *f);

#endif
