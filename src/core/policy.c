/* policy.c - the never-block list, the allow list and the prefix floors.
 * Pure: the edges hand in host addresses, gateways and SSH peers as data. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_grow.h"
#include "sw_policy.h"

static const char *const sw_policy_kind_names[SW_POLICY_KIND_MAX] = {
	[SW_POLICY_LOOPBACK] = "loopback",
	[SW_POLICY_HOST] = "an address of this host",
	[SW_POLICY_GATEWAY] = "a default gateway",
	[SW_POLICY_SSH] = "an SSH peer of this host",
	[SW_POLICY_ALLOW] = "on the allow list",
};

/* Human words for a kind ("loopback", "a default gateway"). */
static const char *sw_policy_kind_name(unsigned kind)
{
	return kind < SW_POLICY_KIND_MAX ? sw_policy_kind_names[kind] : "protected";
}

int sw_policy_add(struct sw_policy *p, const struct sw_prefix *pfx,
		  enum sw_policy_kind kind, const char *note)
{
	struct sw_policy_entry *e;

	if (sw_grow((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v), 16))
		return -1;
	e = &p->v[p->n++];
	memset(e, 0, sizeof(*e));
	e->pfx = *pfx;
	e->kind = kind;
	if (note)
		snprintf(e->note, sizeof(e->note), "%s", note);
	return 0;
}

int sw_policy_init(struct sw_policy *p)
{
	static const char *const loopback[] = {"127.0.0.0/8", "::1"};
	struct sw_prefix pfx;
	const char *err;
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		if (sw_prefix_parse(loopback[i], &pfx, &err) < 0)
			return -1;
		if (sw_policy_add(p, &pfx, SW_POLICY_LOOPBACK, NULL) < 0)
			return -1;
	}
	return 0;
}

void sw_policy_free(struct sw_policy *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Trim one allow-list line in place: drop the comment and the blanks
 * around the text. Returns the start of the text ("" for none). */
static char *sw_policy_trim(char *s)
{
	char *hash = strchr(s, '#'), *end;

	if (hash)
		*hash = '\0';
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int sw_policy_parse_allow(struct sw_policy *p, const char *text, size_t len,
			  const char *name, char *err, size_t errlen)
{
	size_t start = p->n, pos = 0;
	unsigned line = 0;
	int added = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char buf[256], note[SW_POLICY_NOTE_LEN], *s;
		struct sw_prefix pfx;
		const char *why;

		line++;
		if (llen >= sizeof(buf)) {
			snprintf(err, errlen, "%s:%u: line longer than %zu characters",
				 name, line, sizeof(buf) - 1);
			goto fail;
		}
		memcpy(buf, text + pos, llen);
		buf[llen] = '\0';
		pos += llen + 1;
		if (memchr(buf, '\0', llen)) {
			snprintf(err, errlen, "%s:%u: NUL byte in the line", name, line);
			goto fail;
		}
		s = sw_policy_trim(buf);
		if (!*s)
			continue;
		if (strpbrk(s, " \t")) {
			snprintf(err, errlen,
				 "%s:%u: '%s': one address or CIDR a line, please",
				 name, line, s);
			goto fail;
		}
		if (sw_prefix_parse(s, &pfx, &why) < 0) {
			snprintf(err, errlen, "%s:%u: '%s': %s", name, line, s, why);
			goto fail;
		}
		snprintf(note, sizeof(note), "%s:%u", name, line);
		if (sw_policy_add(p, &pfx, SW_POLICY_ALLOW, note) < 0) {
			snprintf(err, errlen, "%s:%u: out of memory", name, line);
			goto fail;
		}
		added++;
	}
	return added;
fail:
	p->n = start;
	return -1;
}

/* The shortest prefix of the family blocked without force. */
static unsigned sw_policy_floor(unsigned family)
{
	return family == 4 ? SW_POLICY_FLOOR_V4 : SW_POLICY_FLOOR_V6;
}

static void sw_policy_explain(const struct sw_policy_entry *e,
			      const struct sw_prefix *target, char *why,
			      size_t whylen)
{
	char t[SW_ADDR_STRLEN], a[SW_ADDR_STRLEN], note[SW_POLICY_NOTE_LEN + 4] = "";
	const char *kind = sw_policy_kind_name(e->kind);

	if (!why)
		return;
	if (e->note[0])
		snprintf(note, sizeof(note), " (%s)", e->note);
	sw_prefix_format(target, t, sizeof(t));
	sw_prefix_format(&e->pfx, a, sizeof(a));
	if (sw_prefix_contains_addr(&e->pfx, target->family, target->bytes) &&
	    e->pfx.plen <= target->plen) {
		if (e->pfx.plen == target->plen)
			snprintf(why, whylen, "%s is %s%s", t, kind, note);
		else
			snprintf(why, whylen, "%s is %s (%s%s%s)", t, kind, a,
				 e->note[0] ? ", " : "", e->note);
	} else {
		snprintf(why, whylen, "%s contains %s, %s%s", t, a, kind, note);
	}
}

bool sw_policy_check(const struct sw_policy *p, const struct sw_prefix *target,
		     bool force, char *why, size_t whylen)
{
	unsigned kind;
	size_t i;

	for (kind = 0; kind < SW_POLICY_KIND_MAX; kind++) {
		for (i = 0; i < p->n; i++) {
			const struct sw_policy_entry *e = &p->v[i];

			if (e->kind != kind || !sw_prefix_overlaps(&e->pfx, target))
				continue;
			sw_policy_explain(e, target, why, whylen);
			return false;
		}
	}
	if (!force && target->plen < sw_policy_floor(target->family)) {
		char t[SW_ADDR_STRLEN];

		if (why) {
			sw_prefix_format(target, t, sizeof(t));
			snprintf(why, whylen,
				 "%s is wider than the /%u floor for IPv%u; "
				 "add --force to block it anyway",
				 t, sw_policy_floor(target->family),
				 target->family);
		}
		return false;
	}
	return true;
}

long sw_policy_find_overlap(const struct sw_prefix *target,
			    const struct sw_prefix *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sw_prefix_overlaps(target, &v[i]))
			return (long)i;
	return -1;
}
