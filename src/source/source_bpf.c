/* source_bpf.c - the BPF backend: the sockets of a refresh from the
 * iter/tcp and iter/udp programs (src/source/bpf/sockiter.bpf.c), read
 * from the iterator fds in large chunks; the /proc counters, listener
 * owners and info dumps from the live source it wraps. The state masks
 * and families are pushed into the program's .rodata (it is loaded again
 * when they change), the pre-filter of ports and addresses into its .bss
 * before each walk (a new filter needs no new load). Built only with SW_HAVE_BPF (the Makefile's BPF
 * switch); else sw_source_bpf_open says so. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sockiter.h"
#include "sw_bpf.h"
#include "sw_cause.h"

#ifdef SW_HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "sockiter.skel.h"

#define SW_BPF_CHUNK (256 * 1024)

struct sw_source_bpf {
	struct sw_source src; /* first: the interface */
	struct sw_source *live;
	struct sockiter *skel;
	struct bpf_link *link[SW_PROTO_MAX];
	uint32_t states[SW_PROTO_MAX], families; /* what skel was loaded with */
	bool have_rdonly_cast; /* the kernel has the bpf_rdonly_cast kfunc */
	unsigned char *buf;
};

bool sw_bpf_built(void)
{
	return true;
}

static int sw_bpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l;
	(void)f;
	(void)ap;
	return 0;
}

/* Whether the running kernel's BTF has the kfunc name (false when it
 * cannot be read: the program then takes its slower path). */
static bool sw_bpf_has_kfunc(const char *name)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool has;

	if (!vmlinux)
		return false;
	has = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) >= 0;
	btf__free(vmlinux);
	return has;
}

static void sw_bpf_unload(struct sw_source_bpf *b)
{
	for (unsigned i = 0; i < SW_PROTO_MAX; i++) {
		bpf_link__destroy(b->link[i]);
		b->link[i] = NULL;
	}
	sockiter__destroy(b->skel);
	b->skel = NULL;
	b->families = UINT32_MAX; /* nothing loaded: the next refresh loads */
}

static const char *sw_bpf_hint(int err)
{
	if (err == EPERM || err == EACCES)
		return " (needs CAP_BPF and CAP_PERFMON, or root)";
	if (err == ENOENT || err == ESRCH)
		return " (the kernel has no BTF or no BPF iterators)";
	if (err == EINVAL || err == ENOTSUP || err == EOPNOTSUPP)
		return " (the kernel is too old for BPF socket iterators)";
	return "";
}

/* Open, configure and load the program, attach both iterators. Returns
 * 0, or -1 with *cause. */
static int sw_bpf_load(struct sw_source_bpf *b, const uint32_t states[2],
		       uint32_t families, char **cause)
{
	const char *what = "opening the program";
	int err;

	sw_bpf_unload(b);
	b->skel = sockiter__open();
	if (!b->skel)
		goto fail;
	b->skel->rodata->tcp_states = states[SW_TCP];
	b->skel->rodata->udp_states = states[SW_UDP];
	b->skel->rodata->families = families;
	b->skel->rodata->have_rdonly_cast = b->have_rdonly_cast;
	what = "loading the iterators";
	if (sockiter__load(b->skel))
		goto fail;
	what = "attaching the iterators";
	b->link[SW_TCP] = bpf_program__attach_iter(b->skel->progs.sw_iter_tcp, NULL);
	if (!b->link[SW_TCP])
		goto fail;
	b->link[SW_UDP] = bpf_program__attach_iter(b->skel->progs.sw_iter_udp, NULL);
	if (!b->link[SW_UDP])
		goto fail;
	memcpy(b->states, states, sizeof(b->states));
	b->families = families;
	return 0;
fail:
	err = errno ? errno : EINVAL;
	sw_bpf_unload(b);
	return sw_cause_set(cause, "BPF backend unavailable: %s failed: %s%s",
			    what, strerror(err), sw_bpf_hint(err));
}

/* One walk of proto's iterator into s. Returns 0, or -1 with *cause. */
static int sw_bpf_walk(struct sw_source_bpf *b, unsigned proto,
		       const bool want[2][2], const struct sw_source_ask *a,
		       struct sw_snapshot *s, char **cause)
{
	int fd = bpf_iter_create(bpf_link__fd(b->link[proto]));
	size_t have = 0;
	int rc = 0;

	if (fd < 0)
		return sw_cause_set(cause, "BPF iterator of %s: %s",
				    sw_proto_name(proto), strerror(errno));
	for (;;) {
		ssize_t n = read(fd, b->buf + have, SW_BPF_CHUNK - have);
		size_t whole;

		/* EAGAIN: the kernel stops a read that visited a million sockets
		 * (MAX_ITER_OBJECTS) without the program writing a byte, e.g. a
		 * pushed-down filter that matches none of them; the iterator keeps
		 * its place and the next read goes on from there */
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			rc = sw_cause_set(cause, "reading the BPF iterator of %s: %s",
					  sw_proto_name(proto), strerror(errno));
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		whole = have - have % SW_BPF_REC_SIZE;
		/* recorded as read (the wanted families are the replay's) */
		if (a->tap && whole && sw_rec_tap_socks(a->tap, b->buf, whole) < 0) {
			rc = sw_cause_set(cause, "recording the BPF records: %s",
					  strerror(errno));
			break;
		}
		if (sw_bpf_decode(b->buf, whole, want, a->filter, s) < 0) {
			rc = sw_cause_set(cause, "decoding the BPF records of %s: %s",
					  sw_proto_name(proto), strerror(errno));
			break;
		}
		memmove(b->buf, b->buf + whole, have - whole);
		have -= whole;
	}
	close(fd);
	return rc;
}

static int sw_bpf_next(struct sw_source *src, const struct sw_source_ask *a,
		       struct sw_snapshot *s, struct sw_source_out *out,
		       char **cause)
{
	struct sw_source_bpf *b = (struct sw_source_bpf *)src;
	struct sw_source_ask rest = *a;
	bool want[2][2];
	uint32_t fams = 0;
	int rc;

	/* the times and the /proc counters (recorded on the tap): the
	 * live source, no dumps */
	memset(rest.states, 0, sizeof(rest.states));
	rc = b->live->ops->next(b->live, &rest, s, out, cause);
	if (rc <= 0)
		return rc;
	for (unsigned p = 0; p < SW_PROTO_MAX; p++)
		for (unsigned f = 0; f < 2; f++) {
			want[p][f] = a->want[p][f] && a->family_ok[f] && a->states[p];
			if (want[p][f])
				fams |= 1u << f;
		}
	if (memcmp(a->states, b->states, sizeof(b->states)) || fams != b->families)
		if (sw_bpf_load(b, a->states, fams, cause) < 0)
			return -1;
	if (a->pre)
		b->skel->bss->sw_pre = *a->pre;
	else
		b->skel->bss->sw_pre.on = 0;
	for (unsigned p = 0; p < SW_PROTO_MAX; p++)
		if ((want[p][0] || want[p][1]) &&
		    sw_bpf_walk(b, p, want, a, s, cause) < 0)
			return -1;
	return 1;
}

static int sw_bpf_owners(struct sw_source *src, struct sw_agg *a,
			 struct sw_rec_writer *tap, char **cause)
{
	struct sw_source_bpf *b = (struct sw_source_bpf *)src;

	return b->live->ops->owners(b->live, a, tap, cause);
}

static int sw_bpf_info(struct sw_source *src, const struct sw_source_info_ask *a,
		       struct sw_conninfo_table *t, size_t *n, char **cause)
{
	struct sw_source_bpf *b = (struct sw_source_bpf *)src;

	return b->live->ops->info(b->live, a, t, n, cause);
}

static void sw_bpf_close(struct sw_source *src)
{
	struct sw_source_bpf *b = (struct sw_source_bpf *)src;

	if (!b)
		return;
	sw_bpf_unload(b);
	if (b->live)
		b->live->ops->close(b->live);
	free(b->buf);
	free(b);
}

static const struct sw_source_ops sw_bpf_ops = {
	.next = sw_bpf_next,
	.owners = sw_bpf_owners,
	.info = sw_bpf_info,
	.close = sw_bpf_close,
	.replay = false,
};

struct sw_source *sw_source_bpf_open(struct sw_source *live, char **cause)
{
	struct sw_source_bpf *b = calloc(1, sizeof(*b));
	static const uint32_t all[SW_PROTO_MAX] = { SW_TCP_ALL_STATES,
						    SW_UDP_ALL_STATES };

	if (!b) {
		sw_cause_set(cause, "out of memory starting the BPF backend");
		return NULL;
	}
	b->src.ops = &sw_bpf_ops;
	b->live = live;
	b->buf = malloc(SW_BPF_CHUNK);
	if (!b->buf) {
		sw_cause_set(cause, "out of memory starting the BPF backend");
		goto fail;
	}
	libbpf_set_print(sw_bpf_quiet);
	b->have_rdonly_cast = sw_bpf_has_kfunc("bpf_rdonly_cast");
	/* load now: a refusal is known before the first refresh */
	if (sw_bpf_load(b, all, 3, cause) < 0)
		goto fail;
	return &b->src;
fail:
	b->live = NULL; /* still the caller's */
	sw_bpf_close(&b->src);
	return NULL;
}

#else /* !SW_HAVE_BPF */

bool sw_bpf_built(void)
{
	return false;
}

struct sw_source *sw_source_bpf_open(struct sw_source *live, char **cause)
{
	(void)live;
	sw_cause_set(cause, "BPF backend unavailable: this sockwatch was built "
			    "without it (make BPF=1 needs clang, libbpf-dev, bpftool)");
	return NULL;
}

#endif
