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
 * multipath next hops included) as SW_POLICY_GATEWAY, noted "via IFNAME".
 * Returns the number added, or -1 with *cause (malloc'ed). */
int sw_rtnl_gateways(struct sw_policy *p, char **cause);

#endif
