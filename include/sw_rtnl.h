/* sw_rtnl.h - what rtnetlink says about this host, for the never-block
 * list: its own addresses and its default gateways. Edge (libmnl under
 * it); reads the current network namespace. */
#ifndef SW_RTNL_H
#define SW_RTNL_H

#include "sw_policy.h"

/* Add every address of every interface (IFA_LOCAL, else IFA_ADDRESS) as
 * SW_POLICY_HOST, noted with the interface name. Returns the number
 * added, or -1 with *cause (malloc'ed, caller frees). */
int sw_rtnl_host_addrs(struct sw_policy *p, char **cause);

/* Add the gateway of every default route (any table, IPv4 and IPv6,
 * multipath next hops and RTA_VIA included; the halves of a split default,
 * 0.0.0.0/1 and 128.0.0.0/1 or ::/1 and 8000::/1, count as defaults) as
 * SW_POLICY_GATEWAY, noted "via IFNAME".
 * Returns the number added, or -1 with *cause (malloc'ed). */
int sw_rtnl_gateways(struct sw_policy *p, char **cause);

/* The same from a buffer of replies already read (RTM_NEWADDR resp.
 * RTM_NEWROUTE messages, as a dump returns them; for tests). Returns the
 * number added, or -1 with errno (EBADMSG, ENOMEM, a kernel error). */
int sw_rtnl_parse_addrs(struct sw_policy *p, const void *buf, size_t len);
int sw_rtnl_parse_routes(struct sw_policy *p, const void *buf, size_t len);

#endif
