/* source_live.c - the live source: sock_diag dumps of what the refresh
 * asks for, the /proc counters of this thread's namespace, listener
 * owners from /proc, and the info dump when the engine says it is due;
 * each read recorded on the tap when there is one. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_cause.h"
#include "sw_clock.h"
#include "sw_diag.h"
#include "sw_grow.h"
#include "sw_hostcfg_read.h"
#include "sw_netns.h"
#include "sw_proc.h"
#include "sw_source.h"

struct sw_source_live {
	struct sw_source src; /* first: the interface */
	bool resolve_procs;
	struct sw_diag *diag;
	struct sw_procmap *pm;
	char *snmp, *netstat; /* /proc texts, buffers reused */
	size_t snmp_cap, netstat_cap;
	struct sw_buf host;   /* the host settings text, buffer reused */
	uint64_t host_mono;   /* when it was last read; 0: never */
	/* the info dump's: listened ports, their list, its bytecode */
	uint8_t *ports;
	uint16_t *plist;
	uint8_t *ibc;
	size_t ibc_cap;
};

static const unsigned sw_live_protos[2] = { SW_TCP, SW_UDP };
static const unsigned sw_live_families[2] = { SW_V4, SW_V6 };

/* Read one /proc/thread-self/net file (the namespace of this thread),
 * record it and feed it to the counters. A missing file leaves the
 * counters absent: /proc may be restricted, the sockets still count. */
static int sw_live_proc_text(const char *path, unsigned type, char **buf,
			     size_t *cap, struct sw_rec_writer *tap,
			     struct sw_counters *c, char **cause)
{
	ssize_t n = sw_proc_read_file(path, buf, cap);

	if (n < 0)
		return 0;
	if (tap && sw_rec_tap_text(tap, type, *buf, (size_t)n, cause) < 0)
		return -1;
	sw_counters_parse(c, *buf, (size_t)n);
	return 0;
}

/* The host settings, on the first refresh and then every
 * SW_SOURCE_HOST_EVERY_S (they change rarely; the engine keeps the last
 * read), recorded when read. */
static int sw_live_host(struct sw_source_live *l, uint64_t mono_ns,
			struct sw_rec_writer *tap, struct sw_source_out *out,
			char **cause)
{
	if (l->host_mono &&
	    mono_ns - l->host_mono < SW_SOURCE_HOST_EVERY_S * 1000000000ull)
		return 0;
	sw_buf_reset(&l->host);
	if (sw_hostcfg_read(NULL, &l->host) <= 0 || l->host.oom)
		return 0; /* /proc/sys not readable here: unknown */
	l->host_mono = mono_ns;
	if (tap && sw_rec_tap_text(tap, SW_REC_HOST, l->host.data, l->host.len,
				   cause) < 0)
		return -1;
	out->host = l->host.data;
	out->host_len = l->host.len;
	return 0;
}

/* TCP of both families can come from one kernel walk (the compat
 * request: measured 0.88x of two per-family dumps) when both are wanted
 * and the pushed-down bytecode is the same for both (ports, states; an
 * address test is per family). */
static bool sw_live_one_walk(const struct sw_source_ask *a)
{
	if (!a->want[SW_TCP][0] || !a->want[SW_TCP][1] || !a->family_ok[0] ||
	    !a->family_ok[1] || a->bclen[0] != a->bclen[1])
		return false;
	return a->bclen[0] == 0 || memcmp(a->bc[0], a->bc[1], a->bclen[0]) == 0;
}

static int sw_live_next(struct sw_source *src, const struct sw_source_ask *a,
			struct sw_snapshot *s, struct sw_source_out *out,
			char **cause)
{
	struct sw_source_live *l = (struct sw_source_live *)src;

	s->time_ns = sw_now_ns(CLOCK_REALTIME);
	s->mono_ns = sw_now_ns(CLOCK_MONOTONIC);
	if (a->tap && sw_rec_tap_begin(a->tap, s->time_ns, s->mono_ns, cause) < 0)
		return -1;
	for (unsigned i = 0; i < 2; i++) {
		unsigned proto = sw_live_protos[i];
		uint32_t states = a->states[proto];

		if (proto == SW_TCP && states && sw_live_one_walk(a)) {
			if (sw_diag_dump(l->diag, proto, SW_DIAG_BOTH, states,
					 a->bc[0], a->bclen[0], a->filter, s,
					 a->tap ? sw_rec_tap_nlbuf : NULL, a->tap,
					 cause) < 0)
				return -1;
			continue;
		}
		for (unsigned j = 0; j < 2 && states; j++) {
			unsigned fam = sw_live_families[j];

			if (!a->want[proto][j] || !a->family_ok[j])
				continue;
			if (sw_diag_dump(l->diag, proto, fam, states, a->bc[j],
					 a->bclen[j], a->filter, s,
					 a->tap ? sw_rec_tap_nlbuf : NULL, a->tap,
					 cause) < 0)
				return -1;
		}
	}
	if (sw_live_proc_text("/proc/thread-self/net/snmp", SW_REC_SNMP,
			      &l->snmp, &l->snmp_cap, a->tap, &out->counters,
			      cause) < 0 ||
	    sw_live_proc_text("/proc/thread-self/net/netstat", SW_REC_NETSTAT,
			      &l->netstat, &l->netstat_cap, a->tap,
			      &out->counters, cause) < 0 ||
	    sw_live_host(l, s->mono_ns, a->tap, out, cause) < 0)
		return -1;
	return 1;
}

static int sw_live_owners(struct sw_source *src, struct sw_agg *a,
			  struct sw_rec_writer *tap, char **cause)
{
	struct sw_source_live *l = (struct sw_source_live *)src;
	struct sw_proc_owner *own = NULL;
	size_t n = 0;
	int rc = 0;

	if (!l->resolve_procs)
		return 0;
	if (sw_procmap_fill(l->pm, a, tap ? &own : NULL, &n) < 0)
		return sw_cause_set(cause, "out of memory resolving listener processes");
	if (tap)
		rc = sw_rec_tap_owners(tap, own, n, cause);
	free(own);
	return rc;
}

/* Bytecode of the ESTABLISHED info dump: the local port is one listened
 * on, and the filter's own of a family asked for. Length 0 (no
 * narrowing: the parse still checks) when it cannot be made. */
static size_t sw_live_info_bc(struct sw_source_live *l,
			      const struct sw_source_info_ask *a,
			      const struct sw_diag_info *in)
{
	const void *alt[2];
	size_t alt_len[2], nalt = 0, cap = 12 * in->nports + 64;
	int n;

	for (unsigned j = 0; j < 2; j++)
		if (a->want[j]) {
			alt[nalt] = a->bc[j];
			alt_len[nalt++] = a->bclen[j];
			cap += a->bclen[j] + 8;
		}
	if (sw_grow((void **)&l->ibc, &l->ibc_cap, cap, 1, 1024))
		return 0;
	n = sw_diag_bytecode_ports(in->plist, in->nports, alt, alt_len, nalt,
				   l->ibc, l->ibc_cap);
	return n > 0 ? (size_t)n : 0;
}

/* The info dump: the listeners (their ports), then the ESTABLISHED
 * sockets on those ports with tcp_info; each of both families in one
 * walk, as a second walk costs about as much as the first. */
static int sw_live_info(struct sw_source *src,
			const struct sw_source_info_ask *a,
			struct sw_conninfo_table *t, size_t *n, char **cause)
{
	struct sw_source_live *l = (struct sw_source_live *)src;
	struct sw_diag_info in = { .table = t, .want = { a->want[0], a->want[1] } };
	struct sw_rec_info_tap rt = { .w = a->tap, .first = a->first };
	sw_diag_tap_fn tap = a->tap ? sw_rec_tap_info : NULL;

	*n = 0;
	if (!a->due || (!a->want[0] && !a->want[1]))
		return 0;
	if (!l->ports) {
		l->ports = malloc(65536);
		l->plist = malloc(65536 * sizeof(*l->plist));
		if (!l->ports || !l->plist)
			return sw_cause_set(cause, "out of memory for the info dump");
	}
	memset(l->ports, 0, 65536);
	in.ports = l->ports;
	in.plist = l->plist;
	/* the listeners of both families (a dual-stack [::] one takes IPv4
	 * clients too); the filter does not hide them here */
	if (sw_diag_dump_info(l->diag, SW_LISTEN, NULL, 0, NULL, &in, tap, &rt,
			      cause) < 0)
		return -1;
	if (in.nports) {
		/* first: making the bytecode may move l->ibc */
		size_t bclen = sw_live_info_bc(l, a, &in);

		if (sw_diag_dump_info(l->diag, SW_ESTABLISHED, l->ibc, bclen,
				      a->filter, &in, tap, &rt, cause) < 0)
			return -1;
	}
	*n = in.n;
	return 1;
}

static void sw_live_close(struct sw_source *src)
{
	struct sw_source_live *l = (struct sw_source_live *)src;

	if (!l)
		return;
	sw_diag_close(l->diag);
	sw_procmap_free(l->pm);
	free(l->snmp);
	free(l->netstat);
	sw_buf_free(&l->host);
	free(l->ports);
	free(l->plist);
	free(l->ibc);
	free(l);
}

static const struct sw_source_ops sw_live_ops = {
	.next = sw_live_next,
	.owners = sw_live_owners,
	.info = sw_live_info,
	.close = sw_live_close,
	.replay = false,
};

struct sw_source *sw_source_live_open(const char *netns, bool resolve_procs,
				      char **cause)
{
	struct sw_source_live *l = calloc(1, sizeof(*l));

	if (!l) {
		sw_cause_set(cause, "out of memory starting the engine");
		return NULL;
	}
	l->src.ops = &sw_live_ops;
	l->resolve_procs = resolve_procs;
	sw_buf_init(&l->host);
	/* The namespace first: sockets belong to the namespace they are
	 * opened in. */
	if (netns && sw_netns_enter(netns, cause) < 0)
		goto fail;
	l->diag = sw_diag_open(cause);
	if (!l->diag)
		goto fail;
	l->pm = sw_procmap_new();
	if (!l->pm) {
		sw_cause_set(cause, "out of memory starting the engine");
		goto fail;
	}
	return &l->src;
fail:
	sw_live_close(&l->src);
	return NULL;
}
