/* metrics_http.c - the endpoint: libmicrohttpd on its own thread (one
 * epoll loop for every connection, so a slow client holds only its own),
 * answering from responses made at the last refresh. A scrape never
 * renders, copies or dumps anything: it queues the latest response (a
 * reference, under the mutex) and goes. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sw_cause.h"
#include "metrics_priv.h"

static const char sw_metrics_landing_html[] =
	"<!DOCTYPE html>\n<html><head><title>sockwatch</title></head><body>\n"
	"<h1>sockwatch</h1>\n"
	"<p>Live TCP/UDP connections of this host, as Prometheus metrics.</p>\n"
	"<p><a href=\"/metrics\">/metrics</a></p>\n</body></html>\n";

static struct MHD_Response *sw_metrics_static(const char *text, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);

	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

static bool sw_metrics_allowed(const struct sw_metrics *m, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	uint8_t bytes[16] = {0};
	unsigned family;

	if (!m->nallow)
		return true;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !(sa = ci->client_addr))
		return false;
	if (sa->sa_family == AF_INET) {
		memcpy(bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		family = SW_V4;
	} else if (sa->sa_family == AF_INET6) {
		memcpy(bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		family = sw_addr_normalise(bytes, SW_V6);
	} else {
		return false;
	}
	for (size_t i = 0; i < m->nallow; i++)
		if (sw_prefix_contains_addr(&m->allow[i], family, bytes))
			return true;
	return false;
}

static enum MHD_Result sw_metrics_queue(struct sw_metrics *m,
					struct MHD_Connection *c, unsigned code,
					struct MHD_Response *r)
{
	atomic_fetch_add(&m->answered[sw_prom_http_index(r ? code : 500)], 1);
	if (!r)
		return MHD_NO; /* out of memory at start: drop the connection */
	return MHD_queue_response(c, code, r);
}

static enum MHD_Result sw_metrics_answer(void *cls, struct MHD_Connection *c,
					 const char *url, const char *method,
					 const char *version, const char *upload,
					 size_t *upload_size, void **req)
{
	struct sw_metrics *m = cls;
	enum sw_prom_format fmt;
	enum MHD_Result rc;

	(void)version;
	(void)upload;
	(void)req;
	*upload_size = 0; /* a body is never read */
	if (!sw_metrics_allowed(m, c))
		return sw_metrics_queue(m, c, MHD_HTTP_FORBIDDEN, m->forbidden);
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return sw_metrics_queue(m, c, MHD_HTTP_METHOD_NOT_ALLOWED, m->no_method);
	if (!strcmp(url, "/"))
		return sw_metrics_queue(m, c, MHD_HTTP_OK, m->landing);
	if (strcmp(url, "/metrics"))
		return sw_metrics_queue(m, c, MHD_HTTP_NOT_FOUND, m->not_found);
	fmt = sw_prom_negotiate(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							    MHD_HTTP_HEADER_ACCEPT));
	pthread_mutex_lock(&m->mu);
	if (m->latest[fmt])
		rc = sw_metrics_queue(m, c, MHD_HTTP_OK, m->latest[fmt]);
	else
		rc = sw_metrics_queue(m, c, MHD_HTTP_SERVICE_UNAVAILABLE, m->not_yet);
	pthread_mutex_unlock(&m->mu);
	return rc;
}

int sw_metrics_http_publish(struct sw_metrics *m)
{
	struct MHD_Response *r[SW_PROM_NFORMATS], *old[SW_PROM_NFORMATS];
	int f;

	for (f = 0; f < SW_PROM_NFORMATS; f++) {
		r[f] = MHD_create_response_from_buffer(m->out[f].len, m->out[f].data,
						       MHD_RESPMEM_MUST_COPY);
		if (!r[f] || MHD_add_response_header(r[f], MHD_HTTP_HEADER_CONTENT_TYPE,
						     sw_prom_content_type(f)) != MHD_YES) {
			if (r[f])
				MHD_destroy_response(r[f]);
			while (f-- > 0)
				MHD_destroy_response(r[f]);
			return -1;
		}
	}
	pthread_mutex_lock(&m->mu);
	for (f = 0; f < SW_PROM_NFORMATS; f++) {
		old[f] = m->latest[f];
		m->latest[f] = r[f];
	}
	pthread_mutex_unlock(&m->mu);
	/* a scrape still sending an old one holds its own reference */
	for (f = 0; f < SW_PROM_NFORMATS; f++)
		if (old[f])
			MHD_destroy_response(old[f]);
	return 0;
}

/* A listening socket on addr:port, or -1 with *cause. */
static int sw_metrics_listen(const struct sw_prefix *addr, uint16_t port,
			     char **cause)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char text[SW_ADDR_STRLEN];
	int fd, one = 1, zero = 0;

	memset(&ss, 0, sizeof(ss));
	if (addr->family == SW_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr->bytes, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr->bytes, 16);
		len = sizeof(*sin6);
	}
	sw_addr_format(addr->family, addr->bytes, text, sizeof(text));
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->family == SW_V6) /* [::] takes IPv4 scrapers too */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0)
		goto fail;
	return fd;
fail:
	sw_cause_set(cause, "--metrics %s%s%s:%u: cannot listen: %s%s",
		     addr->family == SW_V6 ? "[" : "", text,
		     addr->family == SW_V6 ? "]" : "", port, strerror(errno),
		     errno == EADDRINUSE ? " (another program has the port: pick "
					   "another one, e.g. --metrics 127.0.0.1:10026)"
		     : errno == EADDRNOTAVAIL ? " (no interface has that address)"
		     : errno == EAFNOSUPPORT ? " (a sandbox forbids it? under the systemd "
					       "unit, --metrics needs RestrictAddressFamilies "
					       "with AF_INET AF_INET6: see the README)" : "");
	if (fd >= 0)
		close(fd);
	return -1;
}

int sw_metrics_http_start(struct sw_metrics *m, const struct sw_prefix *addr,
			  uint16_t port, char **cause)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = sw_metrics_listen(addr, port, cause);

	if (fd < 0)
		return -1;
	m->port = port;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		m->port = ntohs(ss.ss_family == AF_INET
					? ((struct sockaddr_in *)&ss)->sin_port
					: ((struct sockaddr_in6 *)&ss)->sin6_port);
	m->landing = sw_metrics_static(sw_metrics_landing_html, "text/html; charset=utf-8");
	m->forbidden = sw_metrics_static("403 Forbidden: this address is not in "
					 "sockwatch's --metrics-allow list\n",
					 "text/plain; charset=utf-8");
	m->not_found = sw_metrics_static("404 Not Found: see /metrics\n",
					 "text/plain; charset=utf-8");
	m->no_method = sw_metrics_static("405 Method Not Allowed: GET or HEAD only\n",
					 "text/plain; charset=utf-8");
	m->not_yet = sw_metrics_static("503 Service Unavailable: no refresh yet\n",
				       "text/plain; charset=utf-8");
	if (m->no_method)
		MHD_add_response_header(m->no_method, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (m->not_yet)
		MHD_add_response_header(m->not_yet, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	m->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC,
				0, NULL, NULL, sw_metrics_answer, m,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)SW_METRICS_MAX_CONN,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned)SW_METRICS_MAX_CONN_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SW_METRICS_TIMEOUT_S,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				(size_t)SW_METRICS_MEM_LIMIT,
				MHD_OPTION_STRICT_FOR_CLIENT, 1,
				MHD_OPTION_END);
	if (!m->d) {
		close(fd);
		sw_cause_set(cause, "--metrics: cannot start the HTTP server "
			     "(libmicrohttpd refused its options)");
		return -1;
	}
	return 0;
}

void sw_metrics_http_stop(struct sw_metrics *m)
{
	struct MHD_Response **all[] = {&m->landing, &m->forbidden, &m->not_found,
				       &m->no_method, &m->not_yet,
				       &m->latest[SW_PROM_TEXT],
				       &m->latest[SW_PROM_OPENMETRICS]};
	int fd = -1;

	if (m->d) {
		/* quiesced, MHD hands the listening socket back: ours to close */
		fd = MHD_quiesce_daemon(m->d);
		MHD_stop_daemon(m->d);
		m->d = NULL;
		if (fd >= 0)
			close(fd);
	}
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i])
			MHD_destroy_response(*all[i]);
		*all[i] = NULL;
	}
}
