/* Stand-in that stops a core file including <linux/inet_diag.h>: src/core is pure C
 * (no curses, netlink, nftables or BPF); see the Makefile. */
#error "src/core must not include <linux/inet_diag.h>: put this code in an edge (src/)"
