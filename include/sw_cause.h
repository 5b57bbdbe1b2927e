/* sw_cause.h - the one-line error messages ("causes") edges hand to their
 * callers, tmux-style: a malloc'ed string the caller prints and frees. */
#ifndef SW_CAUSE_H
#define SW_CAUSE_H

/* A malloc'ed message, or NULL when out of memory. errno is preserved. */
char *sw_cause_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set *cause (when cause is not NULL) to a malloc'ed message the caller
 * frees, and return -1 with errno preserved: `return sw_cause_set(...)`. */
int sw_cause_set(char **cause, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
