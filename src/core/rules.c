/* rules.c - the rules file: sections, settings and comments, checked
 * whole (every error with its line) before a rule set is returned. The
 * keys and their values are in rules_val.c. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_priv.h"
#include "sw_grow.h"

#define MAX_ERRORS 50

struct rules_parser {
	const char *file;
	const struct sw_filter_env *env;
	struct sw_rules *rs;
	struct sw_rule defaults;
	struct sw_rule *cur;   /* the rule being read, NULL in [defaults] */
	struct sw_rule scratch; /* a refused section's settings: still checked */
	bool in_section;
	bool seen[32];         /* keys set in the current section */
	struct sw_buf errors;
	unsigned nerrors;
};

static void rule_clear(struct sw_rule *r)
{
	sw_filter_free(r->match);
	free(r->match_text);
	r->match = NULL;
	r->match_text = NULL;
}

void sw_rules_free(struct sw_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_clear(&rs->v[i]);
	free(rs->v);
	free(rs);
}

size_t sw_rules_count(const struct sw_rules *rs)
{
	return rs ? rs->n : 0;
}

const struct sw_rule *sw_rules_get(const struct sw_rules *rs, size_t i)
{
	return rs && i < rs->n ? &rs->v[i] : NULL;
}

static void error(struct rules_parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void error(struct rules_parser *p, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (p->nerrors++ >= MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sw_buf_printf(&p->errors, "%s%s:%u: %s", p->errors.len ? "\n" : "",
		      p->file, line, msg);
	if (p->nerrors == MAX_ERRORS)
		sw_buf_printf(&p->errors, "\n%s: stopped after %d errors",
			      p->file, MAX_ERRORS);
}

/* A rule's checks once its section has ended. */
static void rule_end(struct rules_parser *p)
{
	struct sw_rule *r = p->cur;

	p->cur = NULL;
	if (r == &p->scratch)
		rule_clear(r);
	if (!r || r == &p->scratch)
		return;
	if (!r->nconds)
		error(p, r->line, "rule '%s' has no 'when'; say when it bans, "
		      "e.g. when = conns > 150", r->name);
	if (r->prefix_after &&
	    (r->prefix_v4 >= r->group_v4 || r->prefix_v6 >= r->group_v6))
		error(p, r->line, "rule '%s': prefix_after bans /%u (v6 /%u), "
		      "which must be wider than its group /%u (v6 /%u)",
		      r->name, r->prefix_v4, r->prefix_v6, r->group_v4,
		      r->group_v6);
	if (r->esc_max_s < r->ban_s && r->esc_factor > 1)
		error(p, r->line, "rule '%s': escalate max is shorter than ban; "
		      "give a max of at least the ban", r->name);
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || n >= SW_RULE_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* A section that is not taken: its settings are still checked. */
static void refused(struct rules_parser *p)
{
	p->scratch = p->defaults;
	p->cur = &p->scratch;
}

static void section(struct rules_parser *p, unsigned line, const char *s,
		    size_t n)
{
	const char *name = s + 1, *close = memchr(s, ']', n);
	size_t nl;

	rule_end(p);
	p->in_section = true;
	memset(p->seen, 0, sizeof(p->seen));
	if (!close || close + 1 != s + n) {
		error(p, line, "a section is [name] alone on its line");
		refused(p);
		return;
	}
	nl = (size_t)(close - name);
	if (nl == 8 && !strncmp(name, "defaults", 8))
		return;
	if (!valid_name(name, nl)) {
		error(p, line, "rule name '%.*s' is not 1 to %d letters, digits "
		      "or _.-", (int)nl, name, SW_RULE_NAME_LEN - 1);
		refused(p);
		return;
	}
	for (size_t i = 0; i < p->rs->n; i++)
		if (strlen(p->rs->v[i].name) == nl &&
		    !strncmp(p->rs->v[i].name, name, nl)) {
			error(p, line, "rule '%.*s' is defined twice (first on "
			      "line %u); give each rule its own name", (int)nl,
			      name, p->rs->v[i].line);
			refused(p);
			return;
		}
	if (p->rs->n == SW_RULES_MAX) {
		error(p, line, "more than %d rules; merge some", SW_RULES_MAX);
		refused(p);
		return;
	}
	if (sw_grow((void **)&p->rs->v, &p->rs->cap, p->rs->n + 1,
		    sizeof(*p->rs->v), 8)) {
		error(p, line, "out of memory");
		refused(p);
		return;
	}
	p->cur = &p->rs->v[p->rs->n++];
	*p->cur = p->defaults;
	p->cur->match = NULL;
	p->cur->match_text = NULL;
	memcpy(p->cur->name, name, nl);
	p->cur->name[nl] = '\0';
	p->cur->line = line;
}

static void key_list(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < sw_rules_nkeys && n < size; k++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? " " : "",
				      sw_rules_keys[k].name);
}

static void setting(struct rules_parser *p, unsigned line, const char *s,
		    size_t n)
{
	const char *eq = memchr(s, '=', n), *ke, *v;
	char key[64], val[1024], msg[400], list[200];
	size_t kl, vl, k;
	struct sw_rule *r;

	if (!eq) {
		error(p, line, "expected key = value or [name], found '%.*s'",
		      (int)(n > 40 ? 40 : n), s);
		return;
	}
	for (ke = eq; ke > s && isspace((unsigned char)ke[-1]); ke--)
		;
	kl = (size_t)(ke - s);
	for (v = eq + 1; v < s + n && isspace((unsigned char)*v); v++)
		;
	vl = (size_t)(s + n - v);
	if (kl >= sizeof(key) || vl >= sizeof(val)) {
		error(p, line, "line too long");
		return;
	}
	memcpy(key, s, kl);
	key[kl] = '\0';
	memcpy(val, v, vl);
	val[vl] = '\0';
	for (k = 0; k < sw_rules_nkeys; k++)
		if (!strcasecmp(key, sw_rules_keys[k].name))
			break;
	if (k == sw_rules_nkeys) {
		key_list(list, sizeof(list));
		error(p, line, "unknown key '%s'; keys: %s", key, list);
		return;
	}
	if (!p->in_section) {
		error(p, line, "%s is set outside a rule; start a rule with "
		      "[name] (or [defaults]) above it", sw_rules_keys[k].name);
		return;
	}
	if (sw_rules_keys[k].rule_only && !p->cur) {
		error(p, line, "%s belongs to a rule, not to [defaults]",
		      sw_rules_keys[k].name);
		return;
	}
	if (p->seen[k]) {
		error(p, line, "%s is set twice in this section; keep one",
		      sw_rules_keys[k].name);
		return;
	}
	p->seen[k] = true;
	if (!vl) {
		error(p, line, "%s has no value; e.g. %s", sw_rules_keys[k].name,
		      sw_rules_keys[k].example);
		return;
	}
	r = p->cur ? p->cur : &p->defaults;
	if (sw_rules_keys[k].parse(r, val, p->env, msg, sizeof(msg)))
		error(p, line, "%s", msg);
}

/* One line without its newline: blank, comment, section or setting. */
static void line(struct rules_parser *p, unsigned no, const char *s, size_t n)
{
	const char *e;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	/* a comment: the whole line, or " # ..." after a value */
	for (e = s; e < s + n; e++)
		if (*e == '#' && (e == s || isspace((unsigned char)e[-1])))
			break;
	n = (size_t)(e - s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
			error(p, no, "control character in the line");
			return;
		}
	if (!n)
		return;
	if (*s == '[')
		section(p, no, s, n);
	else
		setting(p, no, s, n);
}

struct sw_rules *sw_rules_parse(const char *text, const char *file,
				const struct sw_filter_env *env, char **errors)
{
	struct rules_parser p = {.file = file ? file : "rules", .env = env};
	unsigned no = 1;

	*errors = NULL;
	p.rs = calloc(1, sizeof(*p.rs));
	if (!p.rs)
		return NULL;
	sw_rules_default(&p.defaults);
	sw_buf_init(&p.errors);
	for (const char *s = text; *s; no++) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		line(&p, no, s, n);
		s += n + (nl ? 1 : 0);
	}
	rule_end(&p);
	rule_clear(&p.defaults);
	if (!p.nerrors && !p.errors.oom)
		return sw_buf_free(&p.errors), p.rs;
	sw_rules_free(p.rs);
	if (p.errors.oom) {
		sw_buf_free(&p.errors);
		errno = ENOMEM;
		return NULL;
	}
	*errors = p.errors.data;
	return NULL;
}
