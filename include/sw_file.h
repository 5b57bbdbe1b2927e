/* sw_file.h - reading a small configuration file whole, safely: opened
 * without blocking (a FIFO is refused, never waited on), regular files
 * only, up to a size limit. Edge header. */
#ifndef SW_FILE_H
#define SW_FILE_H

#include <stddef.h>

/* Read the regular file at path (what names it in messages, e.g. "the
 * allow list") into *text (malloc'ed, NUL-terminated, caller frees) and
 * *len, when it holds at most max bytes. Returns 0, or -1 with errno
 * (ENOENT for a missing file, which callers may treat as empty) and
 * *cause (malloc'ed, caller frees): "cannot read the allow list
 * /etc/sockwatch/allow: Permission denied", "... is a directory, not a
 * regular file", "... is larger than 1048576 bytes". */
int sw_file_read(const char *path, const char *what, size_t max, char **text,
		 size_t *len, char **cause);

#endif
