/* metrics.c - the metrics hook of the watch loop: each frame rendered
 * once per format (sw_prom.h), handed to the endpoint (metrics_http.c)
 * and written to the textfile; and the parsing of --metrics and
 * --metrics-allow. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_autoban.h"
#include "sw_cause.h"
#include "sw_cli.h"
#include "sw_nft.h"
#include "metrics_priv.h"

#define SW_TEXTFILE_NAME "sockwatch.prom"

int sw_metrics_parse_listen(const char *text, struct sw_prefix *addr,
			    uint16_t *port, const char **err)
{
	char host[SW_ADDR_STRLEN + 2];
	const char *colon, *ptext = NULL, *h = text;
	size_t hl;
	char *end;
	long p = SW_METRICS_PORT;

	if (text[0] == '[') { /* [V6]:PORT or [V6] */
		const char *close = strchr(text, ']');

		if (!close || (close[1] && close[1] != ':')) {
			*err = "an IPv6 address goes in brackets: [::1]:10025";
			return -1;
		}
		h = text + 1;
		hl = (size_t)(close - h);
		if (close[1])
			ptext = close + 2;
	} else if ((colon = strrchr(text, ':')) && strchr(text, ':') == colon) {
		hl = (size_t)(colon - text); /* ADDR:PORT or :PORT */
		ptext = colon + 1;
	} else if (!strchr(text, ':') && !strchr(text, '.')) {
		hl = 0; /* PORT */
		ptext = text;
	} else {
		if (strchr(text, ':')) {
			*err = "an IPv6 address goes in brackets: [::1]:10025";
			return -1;
		}
		hl = strlen(text); /* ADDR */
	}
	if (ptext) {
		errno = 0;
		p = strtol(ptext, &end, 10);
		if (!*ptext || *end || errno || p < 1 || p > 65535) {
			*err = "the port is not a number from 1 to 65535";
			return -1;
		}
	}
	if (hl >= sizeof(host)) {
		*err = "the address is too long";
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (!hl)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (strchr(host, '/') || sw_prefix_parse(host, addr, err) < 0) {
		if (strchr(host, '/'))
			*err = "an address to listen on has no /length";
		return -1;
	}
	*port = (uint16_t)p;
	return 0;
}

int sw_metrics_parse_allow(const char *text, struct sw_prefix *out,
			   size_t max, char *err, size_t errlen)
{
	const char *p = text;
	size_t n = 0;

	for (;;) {
		size_t len = strcspn(p, ",");
		char one[SW_ADDR_STRLEN + 8];
		const char *why = NULL;

		if (!len || len >= sizeof(one)) {
			snprintf(err, errlen, "'%.*s' is not an address or CIDR prefix "
				 "(e.g. 127.0.0.1,192.0.2.0/24,::1)", (int)(len < 60 ? len : 60), p);
			return -1;
		}
		memcpy(one, p, len);
		one[len] = '\0';
		if (n == max) {
			snprintf(err, errlen, "more than %zu prefixes", max);
			return -1;
		}
		if (sw_prefix_parse(one, &out[n], &why) < 0) {
			snprintf(err, errlen, "'%s': %s", one, why);
			return -1;
		}
		n++;
		p += len;
		if (!*p)
			return (int)n;
		p++;
	}
}

/* Sum the blocker's list per set. n: sets filled (0: no blocker). */
static size_t sw_metrics_sets(struct sw_watch *w, struct sw_prom_set *sets)
{
	struct sw_blocker *b = sw_watch_blocker(w);
	const struct sw_block_list *l;
	size_t i;

	if (!b || sw_blocker_unavailable(b))
		return 0;
	for (i = 0; i < SW_NFT_NSETS; i++) {
		memset(&sets[i], 0, sizeof(sets[i]));
		sets[i].name = sw_nft_set_name((enum sw_nft_set)i);
	}
	l = sw_blocker_list(b);
	for (i = 0; i < l->n; i++) {
		const struct sw_block_entry *e = &l->v[i];
		enum sw_nft_set s = e->range ? (e->target.family == SW_V4 ? SW_NFT_NET4
									  : SW_NFT_NET6)
					     : sw_nft_set_for(&e->target);

		sets[s].targets++;
		sets[s].packets += e->packets;
		sets[s].bytes += e->bytes;
	}
	return SW_NFT_NSETS;
}

/* Write the text exposition to DIR/sockwatch.prom: a temporary file in
 * DIR (a name node_exporter skips: it reads *.prom), then rename. */
static int sw_metrics_textfile(struct sw_metrics *m, const struct sw_buf *b,
			       char **cause)
{
	char tmp[4096], dst[4096];
	int fd, saved;
	size_t off = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", m->o.textfile_dir,
		     SW_TEXTFILE_NAME) >= (int)sizeof(tmp) ||
	    snprintf(dst, sizeof(dst), "%s/%s", m->o.textfile_dir,
		     SW_TEXTFILE_NAME) >= (int)sizeof(dst)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	while (off < b->len) {
		ssize_t r = write(fd, b->data + off, b->len - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			goto fail_fd;
		}
		off += (size_t)r;
	}
	if (fchmod(fd, 0644) < 0)
		goto fail_fd;
	if (close(fd) < 0) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, dst) < 0) {
		fd = -1;
		goto fail_fd;
	}
	return 0;
fail_fd:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
fail:
	if (cause)
		sw_cause_set(cause, "--textfile %s: cannot write %s: %s",
			     m->o.textfile_dir, SW_TEXTFILE_NAME, strerror(errno));
	return -1;
}

/* The hook: render, publish, write. A failed publish or write keeps the
 * last good one and is counted; the loop goes on. */
static int sw_metrics_frame(void *arg, const struct sw_frame *f, bool forced,
			    char **cause)
{
	struct sw_metrics *m = arg;
	struct sw_prom_set sets[SW_NFT_NSETS];
	struct sw_prom_ban bans[SW_PROM_RULES_MAX];
	struct sw_prom_http http;
	struct sw_prom_in in = {
		.f = f,
		.top = m->o.top,
		.group_v4 = m->o.group_v4,
		.group_v6 = m->o.group_v6,
		.refresh_errors = sw_watch_refresh_errors(m->w),
		.version = SW_VERSION,
		.textfile = m->o.textfile_dir != NULL,
		.textfile_errors = m->textfile_errors,
	};
	int i;

	(void)cause;
	(void)forced;
	if (m->ab) {
		size_t n;
		const struct sw_autoban_count *c = sw_autoban_counts(m->ab, &n);

		for (in.nbans = 0; in.nbans < n && in.nbans < SW_PROM_RULES_MAX; in.nbans++) {
			bans[in.nbans].rule = c[in.nbans].rule;
			bans[in.nbans].bans = c[in.nbans].bans;
		}
		in.bans = bans;
	}
	in.nsets = sw_metrics_sets(m->w, sets);
	in.sets = in.nsets ? sets : NULL;
	if (m->d) {
		for (i = 0; i < SW_PROM_HTTP_CODES; i++)
			http.answered[i] = atomic_load(&m->answered[i]);
		in.http = &http;
	}
	for (i = 0; i < SW_PROM_NFORMATS; i++) {
		sw_buf_reset(&m->out[i]);
		sw_prom_render(&m->out[i], &in, (enum sw_prom_format)i);
		if (m->out[i].oom)
			return 0; /* the last good exposition stays */
	}
	if (m->d)
		sw_metrics_http_publish(m);
	if (m->o.textfile_dir && sw_metrics_textfile(m, &m->out[SW_PROM_TEXT], NULL) < 0)
		m->textfile_errors++;
	return 0;
}

struct sw_metrics *sw_metrics_start(const struct sw_metrics_opts *o,
				    char **cause)
{
	struct sw_metrics *m = calloc(1, sizeof(*m));
	struct sw_prefix addr;
	struct stat st;
	const char *why;
	char err[200];
	uint16_t port;
	int n;

	*cause = NULL;
	if (!m) {
		sw_cause_set(cause, "out of memory starting the metrics");
		return NULL;
	}
	m->o = *o;
	pthread_mutex_init(&m->mu, NULL);
	for (n = 0; n < SW_PROM_NFORMATS; n++)
		sw_buf_init(&m->out[n]);
	if (o->allow) {
		n = sw_metrics_parse_allow(o->allow, m->allow, SW_METRICS_MAX_ALLOW,
					   err, sizeof(err));
		if (n < 0) {
			sw_cause_set(cause, "--metrics-allow: %s", err);
			goto fail;
		}
		m->nallow = (size_t)n;
	}
	if (o->textfile_dir) {
		if (stat(o->textfile_dir, &st) < 0) {
			sw_cause_set(cause, "--textfile %s: %s (name the directory "
				     "node_exporter's textfile collector reads)",
				     o->textfile_dir, strerror(errno));
			goto fail;
		}
		if (!S_ISDIR(st.st_mode)) {
			sw_cause_set(cause, "--textfile %s: not a directory (sockwatch "
				     "writes sockwatch.prom in it)", o->textfile_dir);
			goto fail;
		}
		/* the first write now: a directory that takes no file is
		 * said at start, not found out later */
		if (sw_metrics_textfile(m, &m->out[SW_PROM_TEXT], cause) < 0)
			goto fail;
	}
	if (o->listen) {
		if (sw_metrics_parse_listen(o->listen, &addr, &port, &why) < 0) {
			sw_cause_set(cause, "--metrics '%s': %s", o->listen, why);
			goto fail;
		}
		if (sw_metrics_http_start(m, &addr, port, cause) < 0)
			goto fail;
	}
	return m;
fail:
	sw_metrics_stop(m);
	return NULL;
}

int sw_metrics_open(const struct sw_opts *o, struct sw_metrics **out,
		    char **cause)
{
	struct sw_metrics_opts mo = {
		.listen = o->metrics,
		.allow = o->metrics_allow,
		.textfile_dir = o->textfile,
		.top = (unsigned)o->metrics_top,
		.group_v4 = o->engine.group.group_v4,
		.group_v6 = o->engine.group.group_v6,
	};

	*out = NULL;
	*cause = NULL;
	if (!o->metrics && !o->textfile)
		return 0;
	*out = sw_metrics_start(&mo, cause);
	return *out ? 0 : -1;
}

int sw_metrics_attach(struct sw_metrics *m, struct sw_watch *w)
{
	struct sw_watch_hook h = { .frame = sw_metrics_frame, .arg = m };

	m->w = w;
	return sw_watch_hook(w, &h);
}

void sw_metrics_autoban(struct sw_metrics *m, const struct sw_autoban *ab)
{
	m->ab = ab;
}

unsigned sw_metrics_port(const struct sw_metrics *m)
{
	return m && m->d ? m->port : 0;
}

void sw_metrics_stop(struct sw_metrics *m)
{
	if (!m)
		return;
	sw_metrics_http_stop(m);
	for (int i = 0; i < SW_PROM_NFORMATS; i++)
		sw_buf_free(&m->out[i]);
	pthread_mutex_destroy(&m->mu);
	free(m);
}
