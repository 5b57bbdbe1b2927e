/* sockiter.h - the record the BPF iterators (sockiter.bpf.c) write per
 * socket, shared with the user-space decoder (src/source/bpf_rec.c).
 * Plain fixed-width fields: included by BPF and user-space code alike.
 * 64 bytes, little-endian host order except the addresses (network). */
#ifndef SW_SOCKITER_H
#define SW_SOCKITER_H

#define SW_BPF_REC_SIZE 64

struct sw_bpf_rec {
	unsigned long long cookie; /* bpf_get_socket_cookie */
	unsigned char src[16];     /* IPv4: first 4 bytes */
	unsigned char dst[16];
	unsigned short sport;      /* host order */
	unsigned short dport;      /* host order */
	unsigned int rqueue;       /* as sock_diag: LISTEN accept queue */
	unsigned int wqueue;       /* LISTEN: backlog limit */
	unsigned int inode;        /* 0: time-wait, request, orphan */
	unsigned int expires;      /* ms left on the timer, as idiag_expires */
	unsigned char family;      /* AF_INET / AF_INET6 (kernel's) */
	unsigned char proto;       /* 0 TCP, 1 UDP (enum sw_proto) */
	unsigned char state;       /* sock_diag's (request: SYN_RECV) */
	unsigned char timer;       /* idiag_timer: 0 off, 1 on, 2 keepalive,
				      3 time-wait, 4 persist (zero in
				      recordings made before the timers) */
};

#endif
