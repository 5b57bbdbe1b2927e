/* duration.c - parse and format durations ("90s", "10m", "2h05m"). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "sw_duration.h"

static const struct {
	char unit;
	double seconds;
} sw_duration_units[] = {
	{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400},
};

int sw_duration_parse(const char *s, double *out)
{
	char *end;
	double v;
	size_t i;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	v = strtod(s, &end);
	if (end == s)
		return -1;
	if (*end && !isspace((unsigned char)*end)) {
		for (i = 0; i < sizeof(sw_duration_units) / sizeof(sw_duration_units[0]); i++)
			if (tolower((unsigned char)*end) == sw_duration_units[i].unit)
				break;
		if (i == sizeof(sw_duration_units) / sizeof(sw_duration_units[0]))
			return -1;
		v *= sw_duration_units[i].seconds;
		end++;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -1;
	if (!(v >= SW_DURATION_MIN) || v > SW_DURATION_MAX)
		return -2;
	*out = v;
	return 0;
}

char *sw_duration_format(double s, char *buf, size_t len)
{
	long t;

	if (!(s >= 0)) {
		snprintf(buf, len, "-");
		return buf;
	}
	t = (long)(s + 0.5);
	if (t < 60)
		snprintf(buf, len, "%lds", t);
	else if (t < 3600)
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, len, "%ldh%02ldm", t / 3600, t % 3600 / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", t / 86400, t % 86400 / 3600);
	return buf;
}

char *sw_duration_text(double s, char *buf, size_t len)
{
	long t = s >= 1 ? (long)(s + 0.5) : 1;

	if (t > (long)SW_DURATION_MAX)
		t = (long)SW_DURATION_MAX;
	if (t % 3600 == 0)
		snprintf(buf, len, "%ldh", t / 3600);
	else if (t % 60 == 0)
		snprintf(buf, len, "%ldm", t / 60);
	else
		snprintf(buf, len, "%lds", t);
	return buf;
}
