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
	struct rules_error {
		unsigned line, seq;
		char msg[400];
	} *errors;             /* up to MAX_ERRORS, sorted by line at the end */
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
	struct rules_error *e;
	va_list ap;

	if (!p->errors && !(p->errors = calloc(MAX_ERRORS, sizeof(*p->errors)))) {
		p->nerrors++;
		return;
	}
	if (p->nerrors >= MAX_ERRORS) {
		p->nerrors++;
		return;
	}
	e = &p->errors[p->nerrors];
	e->line = line;
	e->seq = p->nerrors++;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static int error_cmp(const void *pa, const void *pb)
{
	const struct rules_error *a = pa, *b = pb;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : 1;
}

/* The errors, by line, one per line of text; NULL on ENOMEM. */
static char *errors_text(struct rules_parser *p)
{
	struct sw_buf b;
	unsigned n = p->nerrors < MAX_ERRORS ? p->nerrors : MAX_ERRORS;

	if (!p->errors)
		return NULL;
	qsort(p->errors, n, sizeof(*p->errors), error_cmp);
	sw_buf_init(&b);
	for (unsigned i = 0; i < n; i++)
		sw_buf_printf(&b, "%s%s:%u: %s", i ? "\n" : "", p->file,
			      p->errors[i].line, p->errors[i].msg);
	if (p->nerrors > MAX_ERRORS)
		sw_buf_printf(&b, "\n%s: stopped after %d errors", p->file,
			      MAX_ERRORS);
	if (b.oom) {
		sw_buf_free(&b);
		return NULL;
	}
	return b.data;
}

static bool key_seen(const struct rules_parser *p, const char *name)
{
	for (size_t k = 0; k < sw_rules_nkeys; k++)
		if (!strcmp(sw_rules_keys[k].name, name))
			return p->seen[k];
	return false;
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
	if (!r->nconds && !key_seen(p, "when"))
		error(p, r->line, "rule '%s' has no 'when'; say when it bans, "
		      "e.g. when = conns > 150", r->name);
	if (r->prefix_after && r->prefix_v4 >= r->group_v4)
		error(p, r->line, "rule '%s': prefix_after's /%u must be wider "
		      "than the group's /%u; e.g. prefix_after = 3 /%u", r->name,
		      r->prefix_v4, r->group_v4, r->group_v4 > 8 ? r->group_v4 - 8 : 8);
	if (r->prefix_after && r->prefix_v6 >= r->group_v6)
		error(p, r->line, "rule '%s': prefix_after's v6 /%u must be wider "
		      "than the group's v6 /%u; e.g. prefix_after = 3 v6 /%u",
		      r->name, r->prefix_v6, r->group_v6,
		      r->group_v6 > 32 ? r->group_v6 - 16 : 16);
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
	for (const char *s = text; *s; no++) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		line(&p, no, s, n);
		s += n + (nl ? 1 : 0);
	}
	rule_end(&p);
	rule_clear(&p.defaults);
	if (!p.nerrors)
		return p.rs;
	sw_rules_free(p.rs);
	*errors = errors_text(&p);
	free(p.errors);
	if (!*errors)
		errno = ENOMEM;
	return NULL;
}
