/* sw_hostcfg_read.h - the edge reader of the host settings: the sysctl
 * files of sw_hostcfg.h's table, read in the network namespace of the
 * calling thread (/proc/sys/net is the reader's namespace's), as the
 * "name value\n" text sw_hostcfg_parse reads.
 *
 * Edge header: reads files. */
#ifndef SW_HOSTCFG_READ_H
#define SW_HOSTCFG_READ_H

#include "sw_buf.h"

/* Read every sysctl of the table under root (NULL: "/proc/sys") and
 * append "name value\n" for each readable one to out (a file that is
 * missing or unreadable, e.g. conntrack not loaded, is left out: unknown).
 * Returns how many were read; out->oom tells of a short text. */
int sw_hostcfg_read(const char *root, struct sw_buf *out);

#endif
