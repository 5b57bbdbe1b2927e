/* sw_services.h - service names as ports for the filter ("dport http"),
 * from the system's services database (/etc/services), the way ss looks
 * them up. Edge header: the core parser gets them through a
 * struct sw_filter_env. */
#ifndef SW_SERVICES_H
#define SW_SERVICES_H

#include <stdbool.h>

#include "sw_filter.h"

/* The protocols a name is looked up for (those being watched). */
struct sw_services {
	bool tcp, udp;
};

/* The port of service name for the protocols of ctx (a struct
 * sw_services *): SW_FILTER_SERVICE_UNKNOWN when no protocol knows it,
 * SW_FILTER_SERVICE_AMBIGUOUS when TCP and UDP give different ports.
 * Thread-safe (getservbyname_r). */
int sw_services_port(const char *name, void *ctx);

/* An env for sw_filter_parse_env that resolves through s (which must
 * outlive it). */
struct sw_filter_env sw_services_env(struct sw_services *s);

#endif
