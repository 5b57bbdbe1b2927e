/* sw_nl.h - reply handling shared by the libmnl edges (sock_diag kill,
 * nftables, rtnetlink). Edge header: includes libmnl; the core never
 * includes it. */
#ifndef SW_NL_H
#define SW_NL_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* mnl_cb_run, but an NLMSG_DONE whose payload carries a non-zero error
 * (a dump that failed midway) is an error, not a normal end: libmnl's
 * default takes every DONE as the end. Data messages go to cb (may be
 * NULL); NLMSG_ERROR is handled as libmnl does (an ACK ends the run).
 * Returns MNL_CB_OK (> 0) when more replies are expected, MNL_CB_STOP (0)
 * at the end (DONE without error, an ACK, or cb stopped), or -1 with
 * errno: the kernel's error, EBADMSG for a short error message, ESRCH or
 * EPROTO for a reply to another socket or request, or what cb set. */
int sw_nl_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	      mnl_cb_t cb, void *data);

#endif
