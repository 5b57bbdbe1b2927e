/* sw_netns.h - entering a named network namespace (ip netns) for the
 * calling thread, before any netlink socket is opened.
 *
 * Edge header. */
#ifndef SW_NETNS_H
#define SW_NETNS_H

/* Move the calling thread into the network namespace NAME, i.e. the one
 * bound at /run/netns/NAME by 'ip netns add' (an absolute path to a
 * namespace file, e.g. /proc/PID/ns/net, is taken as is). Sockets opened
 * afterwards, and /proc/thread-self/net, belong to it.
 * Returns 0, or -1 with *cause a malloc'ed one-line message for the
 * operator (caller frees): "--netns web1: no such network namespace (see
 * 'ip netns list')", "--netns web1: entering a network namespace needs
 * root or CAP_SYS_ADMIN". */
int sw_netns_enter(const char *name, char **cause);

#endif
