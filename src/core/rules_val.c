/* rules_val.c - the keys of a rule and their value parsers: one table
 * (sw_rules_keys), one function per key. Each says what was wrong with a
 * value and what to write instead. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_priv.h"
#include "sw_duration.h"
#include "sw_finding.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MSG(...) (snprintf(msg, len, __VA_ARGS__), -1)

void sw_rules_default(struct sw_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->states = SW_RULE_LIVE_STATES;
	r->group_v4 = 32;
	r->group_v6 = 128;
	r->idle_after_s = 30;
	r->hold = 1;
	r->ban_s = 600;
	r->esc_factor = 1;
	r->esc_max_s = 7 * 86400.0;
	r->esc_window_s = 86400.0;
	r->prefix_v4 = 24;
	r->prefix_v6 = 64;
	r->breaker = 10;
}

static const char *skip(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* The next blank-separated word of *s into w (cut to wlen); false at the
 * end. */
static bool word(const char **s, char *w, size_t wlen)
{
	const char *p = skip(*s), *e = p;
	size_t n;

	while (*e && !isspace((unsigned char)*e))
		e++;
	if (e == p)
		return false;
	n = (size_t)(e - p) < wlen - 1 ? (size_t)(e - p) : wlen - 1;
	memcpy(w, p, n);
	w[n] = '\0';
	*s = e;
	return true;
}

static int parse_uint(const char *w, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*w))
		return -1;
	v = strtoul(w, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < NELEM(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = true, 0;
		if (!strcasecmp(v, no[i]))
			return *out = false, 0;
	}
	return -1;
}

static int duration(const char *v, double *out, const char *key, char *msg,
		    size_t len)
{
	int rc = sw_duration_parse(v, out);

	if (rc == -2)
		return MSG("%s '%s' is out of range; give %s", key, v,
			   SW_DURATION_RANGE);
	if (rc)
		return MSG("%s '%s' is not a duration; write seconds or "
			   "90s, 10m, 2h, 1d", key, v);
	return 0;
}

static int v_match(struct sw_rule *r, const char *v,
		   const struct sw_filter_env *env, char *msg, size_t len)
{
	struct sw_filter_error err;
	struct sw_filter *f = sw_filter_parse_env(v, env, &err);

	if (!f)
		return MSG("match: %s", err.msg);
	sw_filter_free(r->match);
	free(r->match_text);
	r->match = NULL;
	r->match_text = NULL;
	if (f->root < 0) {
		sw_filter_free(f);
		return 0;
	}
	r->match = f;
	r->match_text = strdup(v);
	if (!r->match_text)
		return MSG("out of memory");
	return 0;
}

/* States as the filter's state clauses read them: "established syn-recv",
 * "connected", "exclude listen time-wait". */
static int v_states(struct sw_rule *r, const char *v,
		    const struct sw_filter_env *env, char *msg, size_t len)
{
	char text[512], w[64];
	size_t n = 0;
	const char *s = v;
	struct sw_filter_error err;
	struct sw_filter *f;
	bool run = false;

	(void)env;
	while (word(&s, w, sizeof(w)) && n < sizeof(text) - 80) {
		bool kw = !strcasecmp(w, "state") || !strcasecmp(w, "exclude") ||
			  !strcasecmp(w, "excl");

		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", n ? " " : "",
				      kw || run ? "" : "state ");
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", w);
		run = kw;
	}
	if (!n)
		return MSG("states is empty; name states, e.g. states = "
			   "established syn-recv, or exclude listen");
	f = sw_filter_parse(text, &err);
	if (!f)
		return MSG("states: %s", err.msg);
	r->states = sw_filter_state_mask(f, SW_TCP, SW_TCP_ALL_STATES);
	sw_filter_free(f);
	if (!r->states)
		return MSG("states '%s' leaves no state to count", v);
	r->states_set = true;
	return 0;
}

static int v_bool(bool *out, const char *key, const char *v, char *msg,
		  size_t len)
{
	if (parse_bool(v, out))
		return MSG("%s '%s' is not yes or no", key, v);
	return 0;
}

static int v_incoming(struct sw_rule *r, const char *v,
		      const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	return v_bool(&r->incoming, "incoming", v, msg, len);
}

static int v_kill(struct sw_rule *r, const char *v,
		  const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	return v_bool(&r->kill, "kill", v, msg, len);
}

static int v_dry_run(struct sw_rule *r, const char *v,
		     const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	return v_bool(&r->dry_run, "dry_run", v, msg, len);
}

/* "/24", "/32 v6 /64", "v6 /64", "24"; sets those given. */
static int prefix_lens(const char **s, unsigned *v4, unsigned *v6,
		       unsigned lo4, unsigned lo6, const char *key, char *msg,
		       size_t len)
{
	char w[64];
	bool six = false, any = false;

	while (word(s, w, sizeof(w))) {
		const char *n = w[0] == '/' ? w + 1 : w;
		unsigned plen;

		if (!strcasecmp(w, "v6") || !strcasecmp(w, "ipv6")) {
			six = true;
			continue;
		}
		if (!strcasecmp(w, "v4") || !strcasecmp(w, "ipv4")) {
			six = false;
			continue;
		}
		if (parse_uint(n, six ? lo6 : lo4, six ? 128 : 32, &plen))
			return MSG("%s: '%s' is not a prefix length; write /%u to "
				   "/%u for IPv4, v6 /%u to /128 for IPv6", key,
				   w, lo4, 32, lo6);
		*(six ? v6 : v4) = plen;
		any = true;
		six = false;
	}
	if (!any)
		return MSG("%s needs a prefix length, e.g. /24 or /32 v6 /64", key);
	return 0;
}

static int v_group(struct sw_rule *r, const char *v,
		   const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	return prefix_lens(&v, &r->group_v4, &r->group_v6, 8, 16, "group", msg,
			   len);
}

static const struct {
	const char *op;
	enum sw_rule_cmp cmp;
	const char *words;
} cmps[] = {
	/* two-character operators first */
	{">=", SW_RC_GE, "at least"},   {"<=", SW_RC_LE, "at most"},
	{"==", SW_RC_EQ, "exactly"},    {"!=", SW_RC_NE, "other than"},
	{">", SW_RC_GT, "more than"},   {"<", SW_RC_LT, "fewer than"},
	{"=", SW_RC_EQ, "exactly"},
};

const char *sw_rules_cmp_words(unsigned cmp)
{
	for (size_t i = 0; i < NELEM(cmps); i++)
		if (cmps[i].cmp == cmp)
			return cmps[i].words;
	return "?";
}

const char *sw_rules_cmp_op(unsigned cmp)
{
	for (size_t i = 0; i < NELEM(cmps); i++)
		if (cmps[i].cmp == cmp)
			return cmps[i].op;
	return "?";
}

bool sw_rules_cmp(const struct sw_rule_cond *c, double v)
{
	switch (c->cmp) {
	case SW_RC_GT: return v > c->value;
	case SW_RC_GE: return v >= c->value;
	case SW_RC_LT: return v < c->value;
	case SW_RC_LE: return v <= c->value;
	case SW_RC_EQ: return v == c->value;
	case SW_RC_NE: return v != c->value;
	}
	return false;
}

static const struct {
	const char *name;
	enum sw_rule_metric metric;
} metrics[] = {
	{"conns", SW_RM_CONNS},     {"connections", SW_RM_CONNS},
	{"tw", SW_RM_TW},           {"sockets", SW_RM_SOCKETS},
	{"new_per_s", SW_RM_NEW_PER_S}, {"idle", SW_RM_IDLE},
};

char *sw_rules_metric_text(const struct sw_rule_cond *c, char *buf,
			   size_t len)
{
	if (c->metric == SW_RM_STATE) {
		snprintf(buf, len, "%s", sw_state_name(c->state));
		for (char *p = buf; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	} else if (c->metric == SW_RM_FINDING) {
		snprintf(buf, len, "finding %s", sw_finding_kind_name(c->kind));
	} else {
		for (size_t i = 0; i < NELEM(metrics); i++)
			if (metrics[i].metric == c->metric) {
				snprintf(buf, len, "%s", metrics[i].name);
				return buf;
			}
		snprintf(buf, len, "?");
	}
	return buf;
}

static void finding_names(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < SW_FK_MAX && n < size; k++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? " " : "",
				      sw_finding_kind_name(k));
}

/* One condition at *s: METRIC CMP NUMBER | finding KIND [CMP NUMBER]. */
static int cond(const char **s, struct sw_rule_cond *c, char *msg, size_t len)
{
	const char *p = skip(*s), *e = p;
	char name[64], num[64];
	size_t i, n;
	char *end;

	memset(c, 0, sizeof(*c));
	while (isalnum((unsigned char)*e) || *e == '_' || *e == '-')
		e++;
	n = (size_t)(e - p) < sizeof(name) - 1 ? (size_t)(e - p) : sizeof(name) - 1;
	memcpy(name, p, n);
	name[n] = '\0';
	if (!n)
		return MSG("when: expected a number to test (conns, tw, "
			   "new_per_s, idle, sockets, a state name or finding "
			   "KIND) at '%.20s'", p);
	if (!strcasecmp(name, "finding")) {
		char kind[64], list[256];
		int k;

		c->metric = SW_RM_FINDING;
		if (!word(&e, kind, sizeof(kind)))
			return MSG("when: finding needs a kind after it");
		k = sw_finding_kind_parse(kind);
		if (k < 0) {
			finding_names(list, sizeof(list));
			return MSG("when: unknown finding kind '%s'; kinds: %s",
				   kind, list);
		}
		c->kind = (unsigned)k;
		c->cmp = SW_RC_GE;
		c->value = 1;
		p = skip(e);
		if (!*p || !strncasecmp(p, "and", 3)) {
			*s = p;
			return 0;
		}
		e = p;
	} else {
		for (i = 0; i < NELEM(metrics); i++)
			if (!strcasecmp(name, metrics[i].name))
				break;
		if (i < NELEM(metrics)) {
			c->metric = metrics[i].metric;
		} else if ((c->state = sw_state_parse(name)) != SW_ST_UNKNOWN) {
			c->metric = SW_RM_STATE;
		} else {
			return MSG("when: unknown number '%s'; use conns, tw, "
				   "new_per_s, idle, sockets, a state name "
				   "(syn_recv, established, ...) or finding KIND",
				   name);
		}
	}
	p = skip(e);
	for (i = 0; i < NELEM(cmps); i++)
		if (!strncmp(p, cmps[i].op, strlen(cmps[i].op)))
			break;
	if (i == NELEM(cmps))
		return MSG("when: %s needs a comparison (> >= < <= == !=) and a "
			   "number, e.g. %s > 100", name, name);
	c->cmp = cmps[i].cmp;
	p = skip(p + strlen(cmps[i].op));
	e = p;
	while (*e && !isspace((unsigned char)*e))
		e++;
	n = (size_t)(e - p) < sizeof(num) - 1 ? (size_t)(e - p) : sizeof(num) - 1;
	memcpy(num, p, n);
	num[n] = '\0';
	c->value = strtod(num, &end);
	if (!n || *end || !isfinite(c->value) || c->value < 0 || num[0] == '-' ||
	    !(isdigit((unsigned char)num[0]) || num[0] == '.'))
		return MSG("when: '%s' after %s %s is not a number (0 or more)",
			   n ? num : "the end", name, cmps[i].op);
	*s = e;
	return 0;
}

static int v_when(struct sw_rule *r, const char *v,
		  const struct sw_filter_env *env, char *msg, size_t len)
{
	const char *s = v;

	(void)env;
	r->nconds = 0;
	for (;;) {
		if (r->nconds == SW_RULE_MAX_CONDS)
			return MSG("when: at most %d conditions joined by 'and'",
				   SW_RULE_MAX_CONDS);
		if (cond(&s, &r->cond[r->nconds], msg, len))
			return -1;
		r->nconds++;
		s = skip(s);
		if (!*s)
			return 0;
		if (strncasecmp(s, "and", 3) || !isspace((unsigned char)s[3]))
			return MSG("when: expected 'and' or the end at '%.20s'; "
				   "join conditions with and", s);
		s += 3;
	}
}

static int v_idle_after(struct sw_rule *r, const char *v,
			const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	return duration(v, &r->idle_after_s, "idle_after", msg, len);
}

static int v_for(struct sw_rule *r, const char *v,
		 const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	if (parse_uint(v, 1, 10000, &r->hold))
		return MSG("for '%s' is not a count of refreshes; write 1 to "
			   "10000", v);
	return 0;
}

static int v_ban(struct sw_rule *r, const char *v,
		 const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	return duration(v, &r->ban_s, "ban", msg, len);
}

/* "2 max 1d window 7d", "no". */
static int v_escalate(struct sw_rule *r, const char *v,
		      const struct sw_filter_env *env, char *msg, size_t len)
{
	char w[64], d[64];
	const char *s = v;
	bool off;
	char *end;

	(void)env;
	if (!parse_bool(v, &off) && !off) {
		r->esc_factor = 1;
		return 0;
	}
	if (!word(&s, w, sizeof(w)))
		return MSG("escalate needs a factor, e.g. escalate = 2 max 1d "
			   "window 7d");
	r->esc_factor = strtod(w, &end);
	if (*end || !(r->esc_factor >= 1 && r->esc_factor <= 100))
		return MSG("escalate: factor '%s' is not a number from 1 to 100", w);
	while (word(&s, w, sizeof(w))) {
		double *to;

		if (!strcasecmp(w, "max"))
			to = &r->esc_max_s;
		else if (!strcasecmp(w, "window"))
			to = &r->esc_window_s;
		else
			return MSG("escalate: unexpected '%s'; write FACTOR "
				   "[max DURATION] [window DURATION]", w);
		if (!word(&s, d, sizeof(d)))
			return MSG("escalate: %s needs a duration after it", w);
		if (duration(d, to, !strcasecmp(w, "max") ? "escalate max"
							  : "escalate window",
			     msg, len))
			return -1;
	}
	return 0;
}

/* "3", "3 /24 v6 /64". */
static int v_prefix_after(struct sw_rule *r, const char *v,
			  const struct sw_filter_env *env, char *msg, size_t len)
{
	char w[64];
	const char *s = v;

	(void)env;
	if (!word(&s, w, sizeof(w)) || parse_uint(w, 2, 65536, &r->prefix_after))
		return MSG("prefix_after '%s' needs a count of addresses from 2 "
			   "to 65536, e.g. prefix_after = 3 /24 v6 /64", v);
	if (*skip(s))
		return prefix_lens(&s, &r->prefix_v4, &r->prefix_v6, 8, 16,
				   "prefix_after", msg, len);
	return 0;
}

static int v_breaker(struct sw_rule *r, const char *v,
		     const struct sw_filter_env *env, char *msg, size_t len)
{
	(void)env;
	if (parse_uint(v, 1, 100000, &r->breaker))
		return MSG("breaker '%s' is not a number of targets per minute "
			   "from 1 to 100000", v);
	return 0;
}

const struct sw_rules_key sw_rules_keys[] = {
	{"match", v_match, true, "match = tcp and sport 80"},
	{"states", v_states, false, "states = exclude listen"},
	{"incoming", v_incoming, false, "incoming = yes"},
	{"group", v_group, false, "group = /32 v6 /64"},
	{"when", v_when, true, "when = conns > 150"},
	{"idle_after", v_idle_after, false, "idle_after = 30s"},
	{"for", v_for, false, "for = 3"},
	{"ban", v_ban, false, "ban = 10m"},
	{"kill", v_kill, false, "kill = yes"},
	{"escalate", v_escalate, false, "escalate = 2 max 1d window 7d"},
	{"prefix_after", v_prefix_after, false, "prefix_after = 3 /24 v6 /64"},
	{"dry_run", v_dry_run, false, "dry_run = yes"},
	{"breaker", v_breaker, false, "breaker = 10"},
};
const size_t sw_rules_nkeys = NELEM(sw_rules_keys);
