/* cause.c - one-line error messages for callers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_cause.h"

static char *sw_cause_vfmt(const char *fmt, va_list ap)
{
	int saved = errno;
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	errno = saved;
	return s;
}

char *sw_cause_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = sw_cause_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

void sw_cause_clear(char **cause)
{
	int saved = errno;

	if (cause) {
		free(*cause);
		*cause = NULL;
	}
	errno = saved;
}

const char *sw_cause_text(const char *cause)
{
	return cause ? cause : "out of memory";
}

void sw_cause_move(char *dst, size_t len, char *cause)
{
	snprintf(dst, len, "%s", sw_cause_text(cause));
	free(cause);
}

int sw_cause_set(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause) {
		va_start(ap, fmt);
		*cause = sw_cause_vfmt(fmt, ap);
		va_end(ap);
	}
	return -1;
}
