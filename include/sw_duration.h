/* sw_duration.h - durations as operators type and read them: "90s",
 * "10m", "2h", "1d". Core header: pure. */
#ifndef SW_DURATION_H
#define SW_DURATION_H

#include <stddef.h>

/* Durations accepted: a second to a year; SW_DURATION_RANGE says so. */
#define SW_DURATION_MIN 1.0
#define SW_DURATION_MAX (365.0 * 86400)
#define SW_DURATION_RANGE "1s to 365d"

/* Parse "90s", "10m", "2h", "1d" or plain seconds ("1.5"); the unit is
 * case-insensitive and follows the number directly; blanks around are
 * ignored. Returns 0 with *out in seconds; -2 for a duration outside
 * SW_DURATION_MIN .. SW_DURATION_MAX ("0s", "400d"); -1 for anything
 * else. */
int sw_duration_parse(const char *s, double *out);

/* "45s", "9m30s", "2h05m", "3d04h"; "-" for a negative or NaN value.
 * Rounds to the second. Returns buf (16 bytes are enough). */
char *sw_duration_format(double s, char *buf, size_t len);

/* A duration as the operator would type it, which sw_duration_parse
 * reads back: 600 -> "10m", 7200 -> "2h", 90 -> "90s". Rounds to the
 * second and keeps to 1 s .. SW_DURATION_MAX. Returns buf. */
char *sw_duration_text(double s, char *buf, size_t len);

#endif
