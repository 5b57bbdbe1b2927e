/* Stand-in that stops a core file including <ncursesw/curses.h>: src/core is pure C
 * (no curses, netlink, nftables or BPF); see the Makefile. */
#error "src/core must not include <ncursesw/curses.h>: put this code in an edge (src/)"
