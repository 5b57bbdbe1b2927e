/* hostcfg.c - the host settings table (sw_hostcfg.h): which sysctl holds
 * each key, and the "name value\n" text they travel in. */
#include <stdio.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_hostcfg.h"

/* Each key: its sysctl and which of the file's values it is. Keys of one
 * sysctl are next to each other. */
static const struct {
	const char *name;
	unsigned field;
} sw_hostcfg_keys[SW_H_MAX] = {
	[SW_H_TCP_SYNCOOKIES] = { "net.ipv4.tcp_syncookies", 0 },
	[SW_H_TCP_MAX_SYN_BACKLOG] = { "net.ipv4.tcp_max_syn_backlog", 0 },
	[SW_H_SOMAXCONN] = { "net.core.somaxconn", 0 },
	[SW_H_TCP_SYNACK_RETRIES] = { "net.ipv4.tcp_synack_retries", 0 },
	[SW_H_TCP_MAX_TW_BUCKETS] = { "net.ipv4.tcp_max_tw_buckets", 0 },
	[SW_H_TCP_TW_REUSE] = { "net.ipv4.tcp_tw_reuse", 0 },
	[SW_H_TCP_FIN_TIMEOUT] = { "net.ipv4.tcp_fin_timeout", 0 },
	[SW_H_PORT_RANGE_LOW] = { "net.ipv4.ip_local_port_range", 0 },
	[SW_H_PORT_RANGE_HIGH] = { "net.ipv4.ip_local_port_range", 1 },
	[SW_H_CONNTRACK_COUNT] = { "net.netfilter.nf_conntrack_count", 0 },
	[SW_H_CONNTRACK_MAX] = { "net.netfilter.nf_conntrack_max", 0 },
};

void sw_hostcfg_init(struct sw_hostcfg *h)
{
	for (unsigned k = 0; k < SW_H_MAX; k++)
		h->val[k] = -1;
	h->time_ns = 0;
}

const char *sw_hostcfg_name(unsigned key)
{
	return key < SW_H_MAX ? sw_hostcfg_keys[key].name : "unknown";
}

const char *sw_hostcfg_sysctl(unsigned i)
{
	for (unsigned k = 0; k < SW_H_MAX; k++) {
		if (sw_hostcfg_keys[k].field != 0)
			continue;
		if (i-- == 0)
			return sw_hostcfg_keys[k].name;
	}
	return NULL;
}

char *sw_hostcfg_path(const char *root, const char *name, char *buf,
		      size_t len)
{
	int n = snprintf(buf, len, "%s/%s", root, name);

	if (n < 0 || (size_t)n >= len)
		return NULL;
	for (char *p = buf + strlen(root) + 1; *p; p++)
		if (*p == '.')
			*p = '/';
	return buf;
}

/* One value: digits only (a sysctl value is never negative here). */
static int sw_hostcfg_num(const char **p, const char *end, int64_t *out)
{
	int64_t v = 0;
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (s < end && *s != ' ' && *s != '\t')
		return -1;
	*p = s;
	*out = v;
	return 0;
}

static int sw_hostcfg_line(struct sw_hostcfg *h, const char *s,
			   const char *end)
{
	const char *sp = s;
	int set = 0;

	while (sp < end && *sp != ' ' && *sp != '\t')
		sp++;
	for (unsigned k = 0; k < SW_H_MAX; k++) {
		const char *name = sw_hostcfg_keys[k].name;
		const char *p = sp;
		int64_t v = -1;

		if (strlen(name) != (size_t)(sp - s) ||
		    memcmp(name, s, (size_t)(sp - s)))
			continue;
		for (unsigned f = 0; f <= sw_hostcfg_keys[k].field; f++)
			if (sw_hostcfg_num(&p, end, &v) < 0) {
				v = -1;
				break;
			}
		h->val[k] = v;
		set += v >= 0;
	}
	return set;
}

int sw_hostcfg_parse(struct sw_hostcfg *h, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int set = 0;

	for (unsigned k = 0; k < SW_H_MAX; k++)
		h->val[k] = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		set += sw_hostcfg_line(h, p, le);
		p = nl ? nl + 1 : end;
	}
	return set;
}

char *sw_hostcfg_value(const struct sw_hostcfg *h, const char *name,
		       char *buf, size_t len)
{
	size_t o = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned k = 0; k < SW_H_MAX; k++) {
		/* a value not known is left out; none known: "unknown" */
		if (strcmp(sw_hostcfg_keys[k].name, name) || h->val[k] < 0)
			continue;
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%lld",
				      o ? " " : "", (long long)h->val[k]);
		if (o >= len)
			o = len ? len - 1 : 0;
	}
	if (len && !buf[0])
		snprintf(buf, len, "unknown");
	return buf;
}

void sw_hostcfg_format(const struct sw_hostcfg *h, struct sw_buf *b)
{
	const char *name;
	char v[64];

	for (unsigned i = 0; (name = sw_hostcfg_sysctl(i)); i++) {
		sw_hostcfg_value(h, name, v, sizeof(v));
		if (strcmp(v, "unknown"))
			sw_buf_printf(b, "%s %s\n", name, v);
	}
}
