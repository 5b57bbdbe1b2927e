/* services.c - service names to ports through getservbyname_r, per
 * protocol, refusing a name that means different ports for TCP and UDP
 * (as ss's parse_hostcond does). */
#include <arpa/inet.h>
#include <netdb.h>

#include "sw_services.h"

static int sw_services_one(const char *name, const char *proto)
{
	struct servent se, *r = NULL;
	char buf[1024];

	if (getservbyname_r(name, proto, &se, buf, sizeof(buf), &r) != 0 || !r)
		return SW_FILTER_SERVICE_UNKNOWN;
	return ntohs((uint16_t)r->s_port);
}

int sw_services_port(const char *name, void *ctx)
{
	const struct sw_services *s = ctx;
	int t = SW_FILTER_SERVICE_UNKNOWN, u = SW_FILTER_SERVICE_UNKNOWN;

	if (s->tcp)
		t = sw_services_one(name, "tcp");
	if (s->udp)
		u = sw_services_one(name, "udp");
	if (t >= 0 && u >= 0 && t != u)
		return SW_FILTER_SERVICE_AMBIGUOUS;
	return t >= 0 ? t : u;
}

struct sw_filter_env sw_services_env(struct sw_services *s)
{
	return (struct sw_filter_env){.service = sw_services_port, .ctx = s};
}
