/* rules_history.c - the offender history escalation remembers: banned
 * targets sorted by address, and their text form (one line each), read
 * back all or nothing. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_hist.h"
#include "sw_buf.h"
#include "sw_grow.h"

#define HEADER "# sockwatch offenders v1"
#define NS 1000000000.0

struct sw_rules_history *sw_rules_history_new(void)
{
	return calloc(1, sizeof(struct sw_rules_history));
}

void sw_rules_history_free(struct sw_rules_history *h)
{
	if (!h)
		return;
	free(h->v);
	free(h);
}

const struct sw_offender *sw_rules_history_list(
	const struct sw_rules_history *h, size_t *n)
{
	*n = h->n;
	return h->v;
}

bool sw_rules_history_dirty(const struct sw_rules_history *h)
{
	return h->dirty;
}

/* Index of target, or -(insertion point) - 1. */
static ptrdiff_t find(const struct sw_rules_history *h,
		      const struct sw_prefix *t)
{
	return sw_rules_pfx_find(h->v, h->n, sizeof(*h->v), t);
}

struct sw_offender *sw_rules_hist_find(struct sw_rules_history *h,
				       const struct sw_prefix *t)
{
	ptrdiff_t i = find(h, t);

	return i >= 0 ? &h->v[i] : NULL;
}

int sw_rules_hist_put(struct sw_rules_history *h, const struct sw_offender *o)
{
	ptrdiff_t i = find(h, &o->target);
	size_t at;

	h->dirty = true;
	if (i >= 0) {
		h->v[i] = *o;
		return 0;
	}
	if (sw_grow((void **)&h->v, &h->cap, h->n + 1, sizeof(*h->v), 64))
		return -1;
	at = (size_t)(-i - 1);
	memmove(&h->v[at + 1], &h->v[at], (h->n - at) * sizeof(*h->v));
	h->v[at] = *o;
	h->n++;
	return 0;
}

bool sw_rules_history_forget(struct sw_rules_history *h,
			     const struct sw_prefix *t)
{
	ptrdiff_t i = find(h, t);

	if (i < 0)
		return false;
	memmove(&h->v[i], &h->v[i + 1], (h->n - (size_t)i - 1) * sizeof(*h->v));
	h->n--;
	h->dirty = true;
	return true;
}

/* Whether o is no longer needed at now: its ban has ended and its window
 * has passed. */
static bool stale(const struct sw_offender *o, uint64_t now)
{
	return o->until_ns <= now &&
	       (double)o->last_ns + o->window_s * NS <= (double)now;
}

void sw_rules_hist_prune(struct sw_rules_history *h, uint64_t now)
{
	size_t j = 0;

	for (size_t i = 0; i < h->n; i++)
		if (!stale(&h->v[i], now))
			h->v[j++] = h->v[i];
	if (j != h->n)
		h->dirty = true;
	h->n = j;
}

size_t sw_rules_hist_count_in(const struct sw_rules_history *h,
			      const struct sw_prefix *p, uint64_t now)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++) {
		const struct sw_offender *o = &h->v[i];

		if (o->until_ns > now &&
		    o->target.plen == sw_family_bits(o->target.family) &&
		    sw_prefix_contains_addr(p, o->target.family, o->target.bytes))
			n++;
	}
	return n;
}

char *sw_rules_history_format(struct sw_rules_history *h)
{
	struct sw_buf b;
	char t[SW_ADDR_STRLEN];

	sw_buf_init(&b);
	sw_buf_puts(&b, HEADER "\n");
	for (size_t i = 0; i < h->n; i++) {
		const struct sw_offender *o = &h->v[i];

		sw_buf_printf(&b, "%s %u %.3f %.3f %.0f %s\n",
			      sw_prefix_format(&o->target, t, sizeof(t)),
			      o->offences, o->last_ns / NS, o->until_ns / NS,
			      o->window_s, o->rule);
	}
	if (b.oom) {
		sw_buf_free(&b);
		errno = ENOMEM;
		return NULL;
	}
	h->dirty = false;
	return b.data;
}

static int bad(char **cause, unsigned line, const char *what)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "line %u: %s", line, what);
	*cause = strdup(buf);
	return -1;
}

static bool time_ok(double s)
{
	return isfinite(s) && s >= 0 && s < 1e11;
}

/* One entry line (NUL-terminated, no newline). */
static int entry(char *s, struct sw_offender *o, unsigned line, char **cause)
{
	char target[SW_ADDR_STRLEN + 8], rule[SW_RULE_NAME_LEN + 8];
	const char *err;
	double last, until, window;
	unsigned off;
	int used = 0;

	memset(o, 0, sizeof(*o));
	if (sscanf(s, "%59s %u %lf %lf %lf %55s%n", target, &off, &last, &until,
		   &window, rule, &used) != 6 || s[used])
		return bad(cause, line, "expected TARGET OFFENCES LAST UNTIL "
			   "WINDOW RULE");
	if (sw_prefix_parse(target, &o->target, &err))
		return bad(cause, line, "the target is not an address or prefix");
	if (!off || off > 1000000)
		return bad(cause, line, "offences out of range");
	if (!time_ok(last) || !time_ok(until) || !time_ok(window))
		return bad(cause, line, "a time is out of range");
	if (strlen(rule) >= SW_RULE_NAME_LEN)
		return bad(cause, line, "the rule name is too long");
	o->offences = off;
	o->last_ns = (uint64_t)llround(last * NS);
	o->until_ns = (uint64_t)llround(until * NS);
	o->window_s = window;
	memcpy(o->rule, rule, strlen(rule) + 1);
	return 0;
}

int sw_rules_history_parse(struct sw_rules_history *h, const char *text,
			   size_t len, char **cause)
{
	struct sw_rules_history tmp = {0};
	unsigned line = 0;
	size_t at = 0;

	*cause = NULL;
	if (len && text[len - 1] != '\n')
		return bad(cause, 0, "cut short (no newline at the end)");
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = (size_t)(nl - (text + at));
		char buf[256];
		struct sw_offender o;

		line++;
		if (n >= sizeof(buf) || memchr(text + at, '\0', n)) {
			free(tmp.v);
			return bad(cause, line, "not a history line");
		}
		memcpy(buf, text + at, n);
		buf[n] = '\0';
		at += n + 1;
		if (line == 1) {
			if (strcmp(buf, HEADER)) {
				free(tmp.v);
				return bad(cause, 1, "not a sockwatch offender "
					   "history (no '" HEADER "' line)");
			}
			continue;
		}
		if (entry(buf, &o, line, cause) ||
		    (sw_rules_hist_find(&tmp, &o.target) &&
		     bad(cause, line, "the target is listed twice")) ||
		    sw_rules_hist_put(&tmp, &o)) {
			free(tmp.v);
			if (!*cause)
				*cause = strdup("out of memory");
			return -1;
		}
	}
	if (!line) {
		free(tmp.v);
		return bad(cause, 0, "empty (no header line)");
	}
	free(h->v);
	h->v = tmp.v;
	h->n = tmp.n;
	h->cap = tmp.cap;
	h->dirty = false;
	return 0;
}
