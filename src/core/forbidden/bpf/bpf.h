/* Stand-in that stops a core file including <bpf/bpf.h>: src/core is pure C
 * (no curses, netlink, nftables or BPF); see the Makefile. */
#error "src/core must not include <bpf/bpf.h>: put this code in an edge (src/)"
