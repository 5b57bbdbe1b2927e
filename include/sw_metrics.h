/* sw_metrics.h - the Prometheus outputs of the watch loop: an HTTP
 * endpoint (libmicrohttpd) serving GET /metrics, and a textfile for
 * node_exporter's textfile collector.
 *
 * Edge header. A watch hook (sw_metrics_attach) renders each refreshed
 * frame (sw_prom.h) into responses swapped in under a mutex; a scrape
 * only queues the latest one, so it never triggers a dump, however many
 * scrapers come. The server runs on its own thread with limits on
 * connections (in all and per client address), request header size and
 * time; only GET and HEAD; clients outside the allow list get 403. */
#ifndef SW_METRICS_H
#define SW_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_addr.h"
#include "sw_watch.h"

/* The port sockwatch listens on when --metrics names none: the
 * exporters' list of default ports has every port of 9100-9999 given
 * out and continues above 10000; 10025 is free there (README). */
#define SW_METRICS_PORT 10025
/* Limits of the endpoint. */
#define SW_METRICS_MAX_CONN 64       /* connections at once, in all */
#define SW_METRICS_MAX_CONN_IP 8     /* ... from one address */
#define SW_METRICS_TIMEOUT_S 5       /* idle connection closed after */
#define SW_METRICS_MEM_LIMIT 16384   /* a connection's buffer: bounds the
					request line and headers (431) */
#define SW_METRICS_MAX_ALLOW 64      /* --metrics-allow entries */

/* Where to listen: "ADDR:PORT", "[V6ADDR]:PORT", "ADDR" (port
 * SW_METRICS_PORT), ":PORT" or "PORT" (address 127.0.0.1). Returns 0
 * with *addr (a /32 or /128) and *port, or -1 with a static message in
 * *err. */
int sw_metrics_parse_listen(const char *text, struct sw_prefix *addr,
			    uint16_t *port, const char **err);

/* "CIDR,CIDR,..." into out[0..max); returns the count, or -1 with a
 * message in err ("'10.0.0.0/33': prefix length is larger than 32
 * for IPv4"). */
int sw_metrics_parse_allow(const char *text, struct sw_prefix *out,
			   size_t max, char *err, size_t errlen);

struct sw_metrics_opts {
	const char *listen;       /* --metrics, or NULL: no endpoint */
	const char *allow;        /* --metrics-allow, or NULL: anyone */
	const char *textfile_dir; /* --textfile, or NULL */
	unsigned top;             /* remote prefixes; 0: SW_PROM_TOP_DEFAULT */
	unsigned group_v4, group_v6;
};

struct sw_metrics;

/* Check the options, bind the endpoint (on the caller's namespace: call
 * before the engine enters another) and start its thread, check the
 * textfile directory (it must exist and take a file). Nothing is served
 * until the first frame: /metrics answers 503 till then. Returns the
 * metrics, or NULL with *cause (malloc'ed, one line naming the option:
 * "--metrics 127.0.0.1:10025: cannot listen: Address already in use"). */
struct sw_metrics *sw_metrics_start(const struct sw_metrics_opts *o,
				    char **cause);

struct sw_opts;

/* The metrics a command line asks for (--metrics, --textfile, with
 * --metrics-allow, --metrics-top, -g): *out is NULL when it asks for
 * none. Returns 0, or -1 with *cause as sw_metrics_start. */
int sw_metrics_open(const struct sw_opts *o, struct sw_metrics **out,
		    char **cause);

/* Add the hook that feeds m from w's frames (its blocker's sets, its
 * refresh errors). Before sw_watch_run. Returns 0, or -1 (ENOMEM). */
int sw_metrics_attach(struct sw_metrics *m, struct sw_watch *w);

struct sw_autoban;

/* Export the bans of ab's rules (sockwatch_rule_bans_total) from the next
 * frame on; ab's hook should come before m's on the watch (else the counts
 * lag one refresh). Before sw_watch_run. */
void sw_metrics_autoban(struct sw_metrics *m, const struct sw_autoban *ab);

/* The port the endpoint listens on (0: none). */
unsigned sw_metrics_port(const struct sw_metrics *m);

/* Stop the server (connections in flight are closed) and free m. NULL is
 * fine. Call after the watch loop returned. */
void sw_metrics_stop(struct sw_metrics *m);

#endif
