// SPDX-License-Identifier: GPL-2.0
/* iterfloor.bpf.c - the iterator floor (tests/bench/iterfloor.c): an
 * iter/tcp program that writes nothing and only counts the sockets the
 * kernel's walk hands it, in a global. What it costs is the walk itself,
 * below which no BPF socket iterator program can go on this kernel.
 * Bench-only: built by `make bench` when BPF=1. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* read and reset by user space between walks (the skeleton's bss);
 * one reader walks at a time, so a plain increment is enough */
__u64 sockets = 0;

SEC("iter/tcp")
int iterfloor_tcp(struct bpf_iter__tcp *ctx)
{
	/* the walk's end calls the program once more with no socket */
	if (ctx->sk_common)
		sockets++;
	return 0;
}
