/* audit_event.c - reading back one audit log line (sw_audit_event.h): a
 * small JSON reader for flat objects, strict about structure, never
 * reading past len. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_audit_event.h"

struct sw_json_in {
	const char *p, *end;
};

static void sw_json_ws(struct sw_json_in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' ||
				   *in->p == '\r' || *in->p == '\n'))
		in->p++;
}

static int sw_json_hex4(const char *p, unsigned *v)
{
	unsigned i, x = 0;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

/* Append one code point as UTF-8 if it fits whole. */
static size_t sw_json_put(char *out, size_t len, size_t o, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (!out || o + n + 1 > len)
		return o;
	memcpy(out + o, b, n);
	out[o + n] = '\0';
	return o + n;
}

/* A string at in->p (the opening quote) into out (NULL: skipped).
 * Returns 0 or -1. */
static int sw_json_str(struct sw_json_in *in, char *out, size_t len)
{
	size_t o = 0;
	bool full = false;

	if (out && len)
		out[0] = '\0';
	if (in->p >= in->end || *in->p != '"')
		return -1;
	in->p++;
	while (in->p < in->end) {
		unsigned char c = (unsigned char)*in->p++;
		unsigned cp;

		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			/* raw bytes: a multi-byte character is kept whole or not
			 * at all, and nothing after a cut */
			size_t n = c >= 0xc0 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3
				   : c >= 0xf0 && c < 0xf8 ? 4 : 1, i;

			/* a byte that starts no whole character is one byte (the
			 * formats escape it) */
			if ((size_t)(in->end - in->p) < n - 1)
				n = 1;
			for (i = 1; i < n; i++)
				if (((unsigned char)in->p[i - 1] & 0xc0) != 0x80)
					n = 1;
			if (out && !full && o + n + 1 <= len) {
				memcpy(out + o, in->p - 1, n);
				o += n;
				out[o] = '\0';
			} else {
				full = true;
			}
			in->p += n - 1;
			continue;
		}
		if (in->p >= in->end)
			return -1;
		c = (unsigned char)*in->p++;
		switch (c) {
		case '"': case '\\': case '/': cp = c; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (in->end - in->p < 4 || sw_json_hex4(in->p, &cp) < 0)
				return -1;
			in->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;

				if (in->end - in->p < 6 || in->p[0] != '\\' || in->p[1] != 'u' ||
				    sw_json_hex4(in->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
					return -1;
				in->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				return -1;
			}
			break;
		default:
			return -1;
		}
		if (!full) {
			size_t before = o;

			o = sw_json_put(out, len, o, cp);
			full = o == before;
		}
	}
	return -1;
}

/* Skip any value (nesting bounded). Returns 0 or -1. */
static int sw_json_skip(struct sw_json_in *in, int depth)
{
	sw_json_ws(in);
	if (in->p >= in->end || depth > 32)
		return -1;
	if (*in->p == '"')
		return sw_json_str(in, NULL, 0);
	if (*in->p == '{' || *in->p == '[') {
		char close = *in->p == '{' ? '}' : ']';
		bool obj = close == '}', first = true;

		in->p++;
		for (;;) {
			sw_json_ws(in);
			if (in->p < in->end && *in->p == close && first) {
				in->p++;
				return 0;
			}
			if (obj) {
				if (sw_json_str(in, NULL, 0) < 0)
					return -1;
				sw_json_ws(in);
				if (in->p >= in->end || *in->p++ != ':')
					return -1;
			}
			if (sw_json_skip(in, depth + 1) < 0)
				return -1;
			sw_json_ws(in);
			if (in->p >= in->end)
				return -1;
			if (*in->p == close) {
				in->p++;
				return 0;
			}
			if (*in->p++ != ',')
				return -1;
			first = false;
		}
	}
	/* a number, true, false or null: its characters */
	{
		const char *s = in->p;

		while (in->p < in->end && strchr("0123456789+-.eEtrufalsn", *in->p) &&
		       *in->p)
			in->p++;
		return in->p > s ? 0 : -1;
	}
}

/* A number into *v (null: *v = -1). Returns 0 or -1. */
static int sw_json_num(struct sw_json_in *in, double *v)
{
	char tmp[40];
	size_t n = 0;
	char *e;

	if (in->end - in->p >= 4 && !memcmp(in->p, "null", 4)) {
		in->p += 4;
		*v = -1;
		return 0;
	}
	while (in->p + n < in->end && n < sizeof(tmp) - 1 &&
	       strchr("0123456789+-.eE", in->p[n]) && in->p[n])
		n++;
	if (!n)
		return -1;
	memcpy(tmp, in->p, n);
	tmp[n] = '\0';
	*v = strtod(tmp, &e);
	if (*e || !isfinite(*v))
		return -1;
	in->p += n;
	return 0;
}

int sw_audit_time_parse(const char *s, uint64_t *ns)
{
	struct tm tm;
	const char *p;
	uint64_t frac = 0, scale = 1000000000ull;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
	}
	if (*p == 'Z')
		p++;
	if (*p)
		return -1;
	t = timegm(&tm);
	if (t < 0)
		return -1;
	*ns = (uint64_t)t * 1000000000ull + frac;
	return 0;
}

/* The string fields, by key. */
#define SW_AE_STR(name) { #name, offsetof(struct sw_audit_event, name), \
			  sizeof(((struct sw_audit_event *)0)->name) }
static const struct {
	const char *key;
	size_t off, len;
} sw_audit_event_strs[] = {
	SW_AE_STR(action), SW_AE_STR(target), SW_AE_STR(reason),
	SW_AE_STR(user), SW_AE_STR(outcome), SW_AE_STR(detail),
	SW_AE_STR(rule),
};

int sw_audit_event_parse(const char *line, size_t len,
			 struct sw_audit_event *ev)
{
	struct sw_json_in in = { line, line + len };
	bool have_time = false, first = true;
	char key[32], when[48];
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->timeout_s = -1;
	ev->count = -1;
	sw_json_ws(&in);
	if (in.p >= in.end || *in.p++ != '{')
		return -1;
	for (;;) {
		sw_json_ws(&in);
		if (first && in.p < in.end && *in.p == '}') {
			in.p++;
			break;
		}
		if (sw_json_str(&in, key, sizeof(key)) < 0)
			return -1;
		sw_json_ws(&in);
		if (in.p >= in.end || *in.p++ != ':')
			return -1;
		sw_json_ws(&in);
		for (i = 0; i < sizeof(sw_audit_event_strs) / sizeof(sw_audit_event_strs[0]); i++)
			if (!strcmp(key, sw_audit_event_strs[i].key))
				break;
		if (in.p < in.end && *in.p == '"' &&
		    i < sizeof(sw_audit_event_strs) / sizeof(sw_audit_event_strs[0])) {
			if (sw_json_str(&in, (char *)ev + sw_audit_event_strs[i].off,
					sw_audit_event_strs[i].len) < 0)
				return -1;
		} else if (!strcmp(key, "time") && in.p < in.end && *in.p == '"') {
			if (sw_json_str(&in, when, sizeof(when)) < 0)
				return -1;
			have_time = sw_audit_time_parse(when, &ev->time_ns) == 0;
		} else if (!strcmp(key, "timeout") || !strcmp(key, "count")) {
			double v;

			if (sw_json_num(&in, &v) < 0)
				return -1;
			if (key[0] == 't')
				ev->timeout_s = v;
			else
				ev->count = v >= 0 && v < 1e15 ? (long)v : -1;
		} else if (sw_json_skip(&in, 0) < 0) {
			return -1;
		}
		sw_json_ws(&in);
		if (in.p >= in.end)
			return -1;
		if (*in.p == '}') {
			in.p++;
			break;
		}
		if (*in.p++ != ',')
			return -1;
		first = false;
	}
	sw_json_ws(&in);
	if (in.p != in.end || !have_time || !ev->action[0])
		return -1;
	/* the rules write their name into the reason: "rule NAME: why" */
	if (!ev->rule[0] && !strncmp(ev->reason, "rule ", 5)) {
		size_t n = strcspn(ev->reason + 5, ": ");

		if (n && n < sizeof(ev->rule))
			snprintf(ev->rule, sizeof(ev->rule), "%.*s", (int)n, ev->reason + 5);
	}
	return 0;
}
