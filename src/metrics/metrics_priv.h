/* metrics_priv.h - what the metrics hook (metrics.c) and the HTTP server
 * (metrics_http.c) share. Private to src/metrics. */
#ifndef SW_METRICS_PRIV_H
#define SW_METRICS_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include <microhttpd.h>

#include "sw_metrics.h"
#include "sw_prom.h"

struct sw_metrics {
	struct sw_metrics_opts o;
	struct sw_prefix allow[SW_METRICS_MAX_ALLOW];
	size_t nallow;              /* 0: anyone may scrape */
	struct sw_watch *w;
	const struct sw_autoban *ab; /* NULL: no rules run */
	struct sw_buf out[SW_PROM_NFORMATS]; /* the loop's thread */
	uint64_t textfile_errors;   /* the loop's thread */

	/* the endpoint */
	struct MHD_Daemon *d;
	unsigned port;
	pthread_mutex_t mu;
	struct MHD_Response *latest[SW_PROM_NFORMATS]; /* under mu; NULL
							  before a frame */
	struct MHD_Response *landing, *forbidden, *not_found, *no_method,
		*not_yet;
	_Atomic uint64_t answered[SW_PROM_HTTP_CODES];
};

/* Bind addr:port and start the server thread. Returns 0, or -1 with
 * *cause (malloc'ed). */
int sw_metrics_http_start(struct sw_metrics *m, const struct sw_prefix *addr,
			  uint16_t port, char **cause);

/* Make the exposition in m->out the one scrapes get (copied). Returns 0,
 * or -1 (ENOMEM: the previous one stays). */
int sw_metrics_http_publish(struct sw_metrics *m);

/* Stop the server thread and free the responses. */
void sw_metrics_http_stop(struct sw_metrics *m);

#endif
