/* sw_prom.h - one refresh as Prometheus metrics: the text exposition
 * format 0.0.4, or OpenMetrics 1.0.0 when a scraper asks for it.
 *
 * Core header: a frame (and what the blocker and the rules add) in, text
 * out; no I/O. Every metric is named sockwatch_*, in base units (seconds,
 * bytes, ratios 0-1), with HELP and TYPE; only counters end in _total.
 * The series are bounded whatever the host holds (SW_PROM_* below and
 * the remote count `top`): the README states the worst case. */
#ifndef SW_PROM_H
#define SW_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_buf.h"
#include "sw_frame.h"

/* At most this many listeners are exported, those under most pressure
 * first (SYN queue plus accept queue, then by port); the rest are counted
 * in sockwatch_listeners_omitted. */
#define SW_PROM_LISTENERS_MAX 100
/* At most this many findings (the diagnosis puts the worst first). */
#define SW_PROM_FINDINGS_MAX 50
/* At most this many rules' ban counts. */
#define SW_PROM_RULES_MAX 100
/* The default and the largest number of remote prefixes exported. */
#define SW_PROM_TOP_DEFAULT 10
#define SW_PROM_TOP_MAX 1000

enum sw_prom_format {
	SW_PROM_TEXT,        /* text/plain; version=0.0.4 */
	SW_PROM_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
	SW_PROM_NFORMATS
};

/* One nftables set of the blocker: its name ("addr4", ...), how many
 * targets it holds, and the packets and bytes its elements' counters
 * dropped (a sum over the elements listed now: it falls when a block
 * expires, so it is a gauge). */
struct sw_prom_set {
	const char *name;
	uint64_t targets, packets, bytes;
};

/* Bans a rule made since sockwatch started (a counter). */
struct sw_prom_ban {
	const char *rule;
	uint64_t bans;
};

/* What the HTTP endpoint answered so far, by status (a counter each). */
#define SW_PROM_HTTP_CODES 6
extern const unsigned sw_prom_http_codes[SW_PROM_HTTP_CODES]; /* 200 403 404 405 500 503 */

struct sw_prom_http {
	uint64_t answered[SW_PROM_HTTP_CODES]; /* by sw_prom_http_codes */
};

struct sw_prom_in {
	const struct sw_frame *f;    /* required */
	unsigned top;                /* remote prefixes, 1..SW_PROM_TOP_MAX */
	unsigned group_v4, group_v6; /* the grouping of the remotes (label
					"prefix" is the group); 0: full */
	const struct sw_prom_set *sets; /* NULL: no blocker, no block metrics */
	size_t nsets;
	const struct sw_prom_ban *bans; /* NULL when no rules run */
	size_t nbans;
	uint64_t refresh_errors;     /* failed refreshes so far */
	const struct sw_prom_http *http; /* NULL: no endpoint */
	bool textfile;               /* --textfile: export its errors */
	uint64_t textfile_errors;    /* writes of the textfile that failed */
	const char *version;         /* sockwatch_build_info's label */
};

/* The index of an HTTP status in sw_prom_http_codes; unknown ones count
 * as 500. */
unsigned sw_prom_http_index(unsigned code);

/* Append the exposition of in to b, in format fmt. On ENOMEM b->oom is
 * set (the text is then incomplete: do not serve it). */
void sw_prom_render(struct sw_buf *b, const struct sw_prom_in *in,
		    enum sw_prom_format fmt);

/* The format to answer an Accept header with (NULL: none sent):
 * OpenMetrics when the header lists application/openmetrics-text with a
 * q above that of text/plain (and above 0), else the text format. */
enum sw_prom_format sw_prom_negotiate(const char *accept);

/* The Content-Type of a format. Static, never NULL. */
const char *sw_prom_content_type(enum sw_prom_format fmt);

/* Append s to b as a label value: backslash, double quote and newline
 * escaped (\\, \", \n), as both formats want; any other control
 * character and every byte outside ASCII (process names are the
 * kernel's bytes, not always UTF-8) becomes '?'. */
void sw_prom_label(struct sw_buf *b, const char *s);

#endif
