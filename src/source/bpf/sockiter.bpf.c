// SPDX-License-Identifier: GPL-2.0
/* sockiter.bpf.c - iter/tcp and iter/udp: one struct sw_bpf_rec per
 * socket of the iterating process's network namespace, written to the
 * iterator's seq_file (read() on the bpf_iter_create fd). Full, time-wait
 * and request sockets are told apart with the bpf_skc_to_* casts, as the
 * kernel's bpf_iter_tcp4/6 selftests do. What the filter pushes down: the
 * state masks and the families in .rodata (set before load), and its
 * pre-filter of ports and addresses (sw_filter_pre.h) in .bss, which user
 * space rewrites between walks without loading again; a socket it rules
 * out is skipped before anything past its sock_common is read. The
 * timers are filled as inet_diag fills idiag_timer and idiag_expires. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "sockiter.h"
#include "sw_filter_pre.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define SW_TCP_LISTEN 10
#define SW_TCP_TIME_WAIT 6
#define SW_TCP_SYN_RECV 3
#define SW_TCP_NEW_SYN_RECV 12

/* set by user space before load */
const volatile __u32 tcp_states = 0xffffffff; /* bit per sock_diag state */
const volatile __u32 udp_states = 0xffffffff;
const volatile __u32 families = 3;            /* 1 AF_INET, 2 AF_INET6 */

/* written by user space before each walk (mmapped .bss) */
struct sw_filter_pre sw_pre;

extern unsigned int CONFIG_HZ __kconfig __weak;

/* older kernels kept the retransmit timer's expiry in icsk_timeout */
struct inet_connection_sock___old {
	unsigned long icsk_timeout;
} __attribute__((preserve_access_index));

/* the kernel's timer kinds (include/net/inet_connection_sock.h) */
#define SW_ICSK_TIME_RETRANS 1
#define SW_ICSK_TIME_PROBE0 3
#define SW_ICSK_TIME_LOSS_PROBE 5
#define SW_ICSK_TIME_REO_TIMEOUT 6
/* inet_diag's idiag_timer */
enum { SW_T_OFF, SW_T_ON, SW_T_KEEPALIVE, SW_T_TIMEWAIT, SW_T_PERSIST };

static __always_inline int fam_ok(__u16 f)
{
	return (f == AF_INET && (families & 1)) ||
	       (f == AF_INET6 && (families & 2));
}

static __always_inline void addrs(struct sw_bpf_rec *r,
				  const struct sock_common *c, __u16 fam)
{
	if (fam == AF_INET) {
		__builtin_memcpy(r->src, &c->skc_rcv_saddr, 4);
		__builtin_memcpy(r->dst, &c->skc_daddr, 4);
	} else {
		BPF_CORE_READ_INTO(&r->src, c, skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&r->dst, c, skc_v6_daddr);
	}
	r->sport = c->skc_num;
	r->dport = bpf_ntohs(c->skc_dport);
	r->family = fam;
}

/* jiffies_delta_to_msecs(expires - jiffies); 0 when HZ is unknown */
static __always_inline __u32 ms_left(unsigned long expires)
{
	long d = (long)(expires - bpf_jiffies64());
	__u64 hz = CONFIG_HZ;

	if (d <= 0 || !hz)
		return 0;
	return (__u32)((__u64)d * 1000 / hz);
}

/* A full socket's timer as inet_sk_diag_fill has it. (Skipping the reads
 * of icsk_pending while nothing is outstanding, or of sk_timer without
 * SO_KEEPALIVE, did not pay at 1,000,000 sockets: within the noise.) */
static __always_inline void timer_full(struct sw_bpf_rec *r, struct tcp_sock *tp)
{
	struct inet_connection_sock *icsk = &tp->inet_conn;
	struct inet_connection_sock___old *old = (void *)icsk;
	struct sock *sk = (struct sock *)tp;
	__u8 p = icsk->icsk_pending;
	unsigned long exp;

	if (p == SW_ICSK_TIME_RETRANS || p == SW_ICSK_TIME_REO_TIMEOUT ||
	    p == SW_ICSK_TIME_LOSS_PROBE || p == SW_ICSK_TIME_PROBE0) {
		r->timer = p == SW_ICSK_TIME_PROBE0 ? SW_T_PERSIST : SW_T_ON;
		if (bpf_core_field_exists(old->icsk_timeout))
			exp = BPF_CORE_READ(old, icsk_timeout);
		else
			exp = icsk->icsk_retransmit_timer.expires;
	} else if (sk->sk_timer.entry.pprev) { /* timer_pending: keepalive */
		r->timer = SW_T_KEEPALIVE;
		exp = sk->sk_timer.expires;
	} else {
		return;
	}
	r->expires = ms_left(exp);
}

/* Kernels before 6.2 have no bpf_rdonly_cast: a weak kfunc (libbpf leaves
 * the call unresolved there), called only when user space found it in the
 * kernel's BTF (have_rdonly_cast, .rodata: the verifier drops the call
 * otherwise). Not bpf_ksym_exists: the address of a kfunc in ld_imm64
 * needs 6.4, and 6.2 and 6.3 have the kfunc. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
const volatile __u32 have_rdonly_cast = 0;

/* sk_ino, the inode number kept in the socket (6.17 and later; before,
 * sock_i_ino read the inode): a flavour, vmlinux.h may not have it */
struct sock___ino {
	unsigned long sk_ino;
} __attribute__((preserve_access_index));

/* sock_i_ino. Cheapest first: the kernel's own copy in struct sock (on a
 * cache line the listener's queue shares); else the inode through
 * bpf_rdonly_cast (a direct, fault-safe load); else, as the selftests do,
 * bpf_probe_read_kernel. */
static __always_inline __u32 ino_of(const struct sock *sk)
{
	const struct sock___ino *k = (const void *)sk;
	const struct socket *so;
	unsigned long ino = 0;

	if (bpf_core_field_exists(k->sk_ino))
		return (__u32)BPF_CORE_READ(k, sk_ino);
	so = sk->sk_socket;
	if (!so)
		return 0;
	if (have_rdonly_cast) {
		const struct socket_alloc *sa =
			bpf_rdonly_cast(so, bpf_core_type_id_kernel(struct socket_alloc));

		return (__u32)sa->vfs_inode.i_ino;
	}
	bpf_probe_read_kernel(&ino, sizeof(ino),
			      &container_of(so, struct socket_alloc, socket)->vfs_inode.i_ino);
	return (__u32)ino;
}

SEC("iter/tcp")
int sw_iter_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *c = ctx->sk_common;
	struct seq_file *seq = ctx->meta->seq;
	struct sw_bpf_rec r = {};
	struct tcp_timewait_sock *tw;
	struct tcp_request_sock *req;
	struct tcp_sock *tp;
	__u16 fam;
	__u8 st;

	if (!c)
		return 0;
	fam = c->skc_family;
	if (!fam_ok(fam))
		return 0;
	st = c->skc_state;
	if (st == SW_TCP_NEW_SYN_RECV)
		st = SW_TCP_SYN_RECV;
	/* a time-wait socket's state is its substate (FIN_WAIT2 too) */
	tw = bpf_skc_to_tcp_timewait_sock(c);
	if (tw)
		st = tw->tw_sk.tw_substate;
	if (st > 31 || !(tcp_states & (1u << st)))
		return 0;
	addrs(&r, c, fam);
	if (!sw_filter_pre_match(&sw_pre, fam == AF_INET6, r.src, r.dst, r.sport,
				 r.dport))
		return 0;
	r.proto = 0;
	r.state = st;
	if (tw) {
		r.cookie = bpf_get_socket_cookie(tw);
		r.timer = SW_T_TIMEWAIT;
		r.expires = ms_left(tw->tw_sk.tw_timer.expires);
	} else if ((tp = bpf_skc_to_tcp_sock(c))) {
		struct sock *sk = (struct sock *)tp;

		r.cookie = bpf_get_socket_cookie(tp);
		if (st == SW_TCP_LISTEN) {
			r.rqueue = sk->sk_ack_backlog;
			r.wqueue = sk->sk_max_ack_backlog;
		} else {
			int rq = (int)(tp->rcv_nxt - tp->copied_seq);

			r.rqueue = rq > 0 ? rq : 0;
			r.wqueue = tp->write_seq - tp->snd_una;
		}
		r.inode = ino_of(sk);
		timer_full(&r, tp);
	} else if ((req = bpf_skc_to_tcp_request_sock(c))) {
		r.cookie = bpf_get_socket_cookie(req);
		r.timer = SW_T_ON;
		r.expires = ms_left(req->req.req.rsk_timer.expires);
	} else {
		return 0;
	}
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

SEC("iter/udp")
int sw_iter_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *u = ctx->udp_sk;
	struct seq_file *seq = ctx->meta->seq;
	struct sw_bpf_rec r = {};
	struct sock *sk;
	__u16 fam;
	__u8 st;
	int rq;

	if (!u)
		return 0;
	sk = &u->inet.sk;
	fam = sk->__sk_common.skc_family;
	if (!fam_ok(fam))
		return 0;
	st = sk->__sk_common.skc_state;
	if (st > 31 || !(udp_states & (1u << st)))
		return 0;
	addrs(&r, &sk->__sk_common, fam);
	if (!sw_filter_pre_match(&sw_pre, fam == AF_INET6, r.src, r.dst, r.sport,
				 r.dport))
		return 0;
	r.proto = 1;
	r.state = st;
	r.cookie = bpf_get_socket_cookie(u);
	/* udp_rqueue_get and sk_wmem_alloc_get, as udp_diag fills them */
	rq = sk->sk_backlog.rmem_alloc.counter - u->forward_deficit;
	r.rqueue = rq > 0 ? rq : 0;
	r.wqueue = sk->sk_wmem_alloc.refs.counter - 1;
	r.inode = ino_of(sk);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}
