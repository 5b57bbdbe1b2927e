/* view_fmt.c - number, rate, duration and bar formatting for narrow
 * TUI columns. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sw_view_fmt.h"

char *sw_view_fmt_count(uint64_t n, char *buf, size_t len)
{
	if (n < 100000)
		snprintf(buf, len, "%llu", (unsigned long long)n);
	else if (n < 10000000)
		snprintf(buf, len, "%lluk", (unsigned long long)(n / 1000));
	else if (n < 100000000)
		snprintf(buf, len, "%.1fM", (double)n / 1e6);
	else if (n < 100000000000ull)
		snprintf(buf, len, "%lluM", (unsigned long long)(n / 1000000));
	else
		snprintf(buf, len, "%lluG", (unsigned long long)(n / 1000000000ull));
	return buf;
}

char *sw_view_fmt_delta(int64_t d, char *buf, size_t len)
{
	char tmp[24];
	uint64_t mag = d < 0 ? (uint64_t)(-(d + 1)) + 1 : (uint64_t)d;

	if (d == 0) {
		snprintf(buf, len, "0");
		return buf;
	}
	sw_view_fmt_count(mag, tmp, sizeof(tmp));
	snprintf(buf, len, "%c%s", d < 0 ? '-' : '+', tmp);
	return buf;
}

char *sw_view_fmt_rate(double r, char *buf, size_t len)
{
	if (isnan(r))
		snprintf(buf, len, "-"); /* not known yet: not zero */
	else if (!(r > 0) || r < 0.05)
		snprintf(buf, len, "0");
	else if (r < 10)
		snprintf(buf, len, "%.1f", r);
	else if (r < 100000)
		snprintf(buf, len, "%.0f", r);
	else
		sw_view_fmt_count((uint64_t)llround(r), buf, len);
	return buf;
}

/* U+2588 FULL BLOCK down to U+258F LEFT ONE EIGHTH BLOCK. */
static const char *const sw_view_eighths[8] = {
	"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589",
};

char *sw_view_bar(double frac, int cells, bool utf8, char *buf, size_t len)
{
	size_t o = 0;
	int eighths, full, i;

	if (len == 0)
		return buf;
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	if (cells < 0)
		cells = 0;
	eighths = (int)lround(frac * cells * 8);
	/* a non-zero value always shows something */
	if (eighths == 0 && frac > 0)
		eighths = 1;
	full = eighths / 8;
	for (i = 0; i < cells; i++) {
		const char *piece;

		if (i < full)
			piece = utf8 ? "\u2588" : "#";
		else if (i == full && eighths % 8)
			piece = utf8 ? sw_view_eighths[eighths % 8] : "#";
		else
			piece = " ";
		size_t pl = strlen(piece);
		if (o + pl + 1 > len)
			break;
		memcpy(buf + o, piece, pl);
		o += pl;
	}
	buf[o] = '\0';
	return buf;
}


char *sw_view_fmt_states(const struct sw_remote *r, char *buf, size_t len)
{
	return sw_agg_fmt_states(r, sw_view_fmt_count, buf, len);
}
