/* sw_cause.h - the one-line error messages ("causes") edges hand to their
 * callers, tmux-style: a malloc'ed string the caller prints and frees. */
#ifndef SW_CAUSE_H
#define SW_CAUSE_H

#include <stddef.h>

/* A malloc'ed message, or NULL when out of memory. errno is preserved. */
char *sw_cause_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set *cause (when cause is not NULL) to a malloc'ed message the caller
 * frees, and return -1 with errno preserved: `return sw_cause_set(...)`. */
int sw_cause_set(char **cause, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free *cause (cause may be NULL) and set it to NULL, errno preserved:
 * before a retry that may set it again. */
void sw_cause_clear(char **cause);

/* What to print for cause: cause itself, or "out of memory" when it is
 * NULL (its allocation failed). */
const char *sw_cause_text(const char *cause);

/* Copy cause (sw_cause_text) into a fixed buffer, e.g. a result struct's
 * message, and free it. */
void sw_cause_move(char *dst, size_t len, char *cause);

#endif
