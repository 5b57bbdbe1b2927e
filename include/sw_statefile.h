/* sw_statefile.h - a small state file that survives restarts and crashes
 * (the daemon's offender history): written whole and atomically, read back
 * whole, and set aside when it cannot be used.
 *
 * Edge header (file I/O). What the text means is the caller's (the rules
 * core serialises it); this only promises that a reader sees either the
 * old file or the new one, never a mix or a half. */
#ifndef SW_STATEFILE_H
#define SW_STATEFILE_H

#include <stddef.h>

/* The largest state file read back: a bigger one is refused as damaged. */
#define SW_STATEFILE_MAX (16u << 20)

/* Replace path with data[0..len): a temporary file beside it
 * ("PATH.tmp.PID", mode 0600), written, fsync'ed, renamed over path, then
 * the directory fsync'ed, so a crash at any point leaves the old file or
 * the new one. The directory is made (0700) when missing, its parent must
 * exist. Returns 0, or -1 with *cause (malloc'ed, caller frees) naming the
 * path and the step that failed; the temporary file is removed then. */
int sw_statefile_write(const char *path, const char *data, size_t len,
		       char **cause);

/* Read path whole into *data (malloc'ed, NUL-terminated, caller frees) and
 * its length into *len (sw_file_read). Returns 1 when read, 0 when there
 * is no such file (*data NULL: a first start), -1 with *cause when it
 * exists but cannot be read: not a regular file, larger than
 * SW_STATEFILE_MAX, a NUL byte in it (not text), or a read error. */
int sw_statefile_read(const char *path, char **data, size_t *len, char **cause);

/* Remove the temporary files a crash left beside path ("PATH.tmp.PID" of
 * a writer that is gone; one writer owns a state file). Returns how many
 * were removed. */
int sw_statefile_clean(const char *path);

/* Set a damaged state file aside: rename it to "PATH.bad-YYYYMMDDTHHMMSSZ"
 * (wall clock, UTC; "-N" appended when that exists), never deleting it.
 * aside (may be NULL) gets the new name. Returns 0, or -1 with *cause. */
int sw_statefile_set_aside(const char *path, char *aside, size_t asidelen,
			   char **cause);

#endif
