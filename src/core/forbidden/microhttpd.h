/* Stand-in that stops a core file including <microhttpd.h>: src/core is
 * pure C (no HTTP server, curses, netlink, nftables or BPF); see the
 * Makefile. */
#error "src/core must not include <microhttpd.h>: put this code in an edge (src/metrics)"
