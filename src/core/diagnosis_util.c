/* diagnosis_util.c - what detectors share: reading rates and settings,
 * proposing a candidate with its text, evidence and block, counting
 * sources, naming ports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_int.h"
#include "sw_grow.h"

/* Distinct local addresses kept to tell the host's own; past this many
 * no block is proposed (the blocker's policy would still refuse). */
#define SW_DIAG_MAX_LOCALS 4096

double sw_diag_rate(const struct sw_diag_ctx *c, unsigned k)
{
	if (!c->cur->rates_known || k >= SW_C_MAX || !c->f->counters.have[k] ||
	    !c->f->prev_counters.have[k])
		return -1;
	return c->cur->rate[k];
}

long long sw_diag_host(const struct sw_diag_ctx *c, unsigned k)
{
	if (!c->f->host || k >= SW_H_MAX)
		return -1;
	return c->f->host->val[k] < 0 ? -1 : (long long)c->f->host->val[k];
}

struct sw_finding *sw_diag_emit(struct sw_diag_ctx *c, enum sw_severity sev,
				const struct sw_finding_subject *s)
{
	struct sw_diagnosis *d = c->d;
	struct sw_finding *f;

	if (sw_grow((void **)&d->cand, &d->cand_cap, d->ncand + 1,
		    sizeof(*d->cand), 16)) {
		c->oom = true;
		return NULL;
	}
	f = &d->cand[d->ncand++];
	memset(f, 0, sizeof(*f));
	f->kind = c->entry->kind;
	f->severity = sev;
	f->subject = *s;
	f->action = SW_ACT_NONE;
	f->since_ns = c->f->time_ns;
	return f;
}

void sw_diag_text(struct sw_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

void sw_diag_advice(struct sw_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->advice, sizeof(f->advice), fmt, ap);
	va_end(ap);
}

void sw_diag_ev(struct sw_finding *f, const char *key, double v)
{
	if (f->nevidence >= SW_FINDING_EVIDENCE)
		return;
	f->evidence[f->nevidence].key = key;
	f->evidence[f->nevidence].value = v;
	f->nevidence++;
}

/* The host's own addresses: the local address of every socket (a
 * listener's, when not a wildcard), once per run. */
static void sw_diag_locals(struct sw_diag_ctx *c)
{
	static const uint8_t zero[16];
	struct sw_diagnosis *d = c->d;
	const struct sw_snapshot *sn = c->f->snap;
	const struct sw_sock *last = NULL;

	d->locals_done = true;
	d->nlocals = 0;
	d->locals_full = false;
	for (uint32_t i = 0; i < sn->count; i++) {
		const struct sw_sock *s = &sn->socks[i];
		struct sw_prefix p;
		size_t j;

		if (memcmp(s->src, zero, 16) == 0 ||
		    (last && last->family == s->family &&
		     memcmp(last->src, s->src, 16) == 0))
			continue;
		last = s;
		sw_prefix_make_norm(&p, s->family, s->src, sw_family_bits(s->family));
		for (j = 0; j < d->nlocals; j++)
			if (sw_prefix_eq(&d->locals[j], &p))
				break;
		if (j < d->nlocals)
			continue;
		if (d->nlocals >= SW_DIAG_MAX_LOCALS ||
		    sw_grow((void **)&d->locals, &d->locals_cap, d->nlocals + 1,
			    sizeof(*d->locals), 16)) {
			d->locals_full = true;
			return;
		}
		d->locals[d->nlocals++] = p;
	}
}

bool sw_diag_block(struct sw_diag_ctx *c, struct sw_finding *f,
		   const struct sw_prefix *p)
{
	static const uint8_t lo4[16] = { 127, 0, 0, 1 }, any[16];
	static const uint8_t lo6[16] = { [15] = 1 };
	struct sw_diagnosis *d = c->d;

	if (p->family == SW_V4 &&
	    (p->plen < 16 || sw_prefix_contains_addr(p, SW_V4, lo4) ||
	     sw_prefix_contains_addr(p, SW_V4, any) || p->bytes[0] == 127))
		return false;
	if (p->family == SW_V6 &&
	    (p->plen < 48 || sw_prefix_contains_addr(p, SW_V6, lo6) ||
	     sw_prefix_contains_addr(p, SW_V6, any)))
		return false;
	if (p->family != SW_V4 && p->family != SW_V6)
		return false;
	if (!d->locals_done)
		sw_diag_locals(c);
	if (d->locals_full)
		return false;
	for (size_t i = 0; i < d->nlocals; i++)
		if (sw_prefix_overlaps(&d->locals[i], p))
			return false;
	f->action = SW_ACT_BLOCK;
	f->target = *p;
	return true;
}

void sw_diag_peer_prefix(const struct sw_diag_ctx *c, const struct sw_sock *s,
			 struct sw_prefix *out)
{
	const struct sw_agg_opts *o = &c->f->agg->opts;
	unsigned g4 = o->group_v4 ? o->group_v4 : 32;
	unsigned g6 = o->group_v6 ? o->group_v6 : 128;

	/* as sw_agg_build keys remotes (the addresses are normalised) */
	sw_prefix_make(out, s->family, s->dst, s->family == SW_V4 ? g4 : g6);
}

/* The hash of a (prefix, port) source. */
static uint32_t sw_diag_src_hash(const struct sw_prefix *p, uint16_t port)
{
	uint64_t a, b;

	memcpy(&a, p->bytes, 8);
	memcpy(&b, p->bytes + 8, 8);
	a ^= (b + ((uint64_t)port << 16 | (uint64_t)p->plen << 8 | p->family)) *
	     0x9E3779B97F4A7C15ull;
	a *= 0xC2B2AE3D27D4EB4Full;
	return (uint32_t)(a >> 32);
}

/* The slots made anew for src_cap entries: each holds 0 or index + 1 of
 * an entry; at least twice as many slots as entries. */
static int sw_diag_src_rehash(struct sw_diagnosis *d)
{
	size_t n = 1024, i;
	uint32_t *slots;

	while (n < 2 * d->src_cap)
		n *= 2;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -1;
	free(d->src_slots);
	d->src_slots = slots;
	d->src_nslots = n;
	d->src_used = d->nsrc;
	for (i = 0; i < d->nsrc; i++) {
		size_t h = sw_diag_src_hash(&d->src[i].pfx, d->src[i].port) & (n - 1);

		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = (uint32_t)i + 1;
	}
	return 0;
}

/* The slot of (p, port): its entry's, or the empty one it would take. A
 * slot naming an entry at or past nsrc is left from an earlier list (a
 * detector starts one with nsrc = 0) and counts as empty; one naming
 * another entry of this list is passed over. */
static size_t sw_diag_src_slot(const struct sw_diagnosis *d,
			       const struct sw_prefix *p, uint16_t port)
{
	size_t mask = d->src_nslots - 1, h = sw_diag_src_hash(p, port) & mask;
	uint32_t v;

	while ((v = d->src_slots[h]) && v <= d->nsrc) {
		const struct sw_diag_src *e = &d->src[v - 1];

		if (e->port == port && sw_prefix_eq(&e->pfx, p))
			break;
		h = (h + 1) & mask;
	}
	return h;
}

int sw_diag_src_add(struct sw_diagnosis *d, const struct sw_prefix *p,
		    uint16_t port)
{
	size_t h;
	uint32_t v;

	/* equal sources merge as they come: a million connections from a
	 * few thousand sources take a few thousand entries, and no sort of
	 * a million */
	if (d->src_nslots) {
		h = sw_diag_src_slot(d, p, port);
		v = d->src_slots[h];
		if (v && v <= d->nsrc) {
			d->src[v - 1].n++;
			return 0;
		}
	}
	/* the slots are made anew when the entries outgrow them, or when
	 * the slots written since (lists before this one's too) fill half */
	if (sw_grow((void **)&d->src, &d->src_cap, d->nsrc + 1, sizeof(*d->src),
		    256) ||
	    ((2 * d->src_cap > d->src_nslots ||
	      2 * (d->src_used + 1) > d->src_nslots) &&
	     sw_diag_src_rehash(d) < 0))
		return -1;
	h = sw_diag_src_slot(d, p, port);
	d->src[d->nsrc].pfx = *p;
	d->src[d->nsrc].n = 1;
	d->src[d->nsrc].port = port;
	if (!d->src_slots[h])
		d->src_used++;
	d->src_slots[h] = (uint32_t)++d->nsrc;
	return 0;
}

static int sw_diag_src_addr_cmp(const void *pa, const void *pb)
{
	const struct sw_diag_src *a = pa, *b = pb;
	int r = sw_addr_cmp(a->pfx.family, a->pfx.bytes, b->pfx.family,
			    b->pfx.bytes);

	if (r)
		return r;
	if (a->pfx.plen != b->pfx.plen)
		return a->pfx.plen < b->pfx.plen ? -1 : 1;
	return a->port < b->port ? -1 : a->port > b->port;
}

static int sw_diag_src_n_cmp(const void *pa, const void *pb)
{
	const struct sw_diag_src *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return sw_diag_src_addr_cmp(pa, pb);
}

void sw_diag_src_count(struct sw_diagnosis *d)
{
	size_t i, j, run;
	uint32_t best;

	if (!d->nsrc)
		return;
	qsort(d->src, d->nsrc, sizeof(*d->src), sw_diag_src_addr_cmp);
	/* merge runs of one prefix; its port is the one it has most of */
	for (i = j = 0; i < d->nsrc; i = run) {
		uint32_t n = 0, pn = 0;
		uint16_t port = d->src[i].port;

		best = 0;
		for (run = i; run < d->nsrc && sw_prefix_eq(&d->src[run].pfx,
							    &d->src[i].pfx); run++) {
			n += d->src[run].n;
			pn = run > i && d->src[run].port == d->src[run - 1].port
				     ? pn + d->src[run].n : d->src[run].n;
			if (pn > best) {
				best = pn;
				port = d->src[run].port;
			}
		}
		d->src[j] = d->src[i];
		d->src[j].n = n;
		d->src[j].port = port;
		j++;
	}
	d->nsrc = j;
	qsort(d->src, d->nsrc, sizeof(*d->src), sw_diag_src_n_cmp);
}

const struct sw_listener *sw_diag_listener(const struct sw_agg *a,
					   unsigned proto, unsigned port)
{
	uint32_t lo = 0, hi = a->nlisteners;

	/* sorted by proto, port, address: the first of (proto, port) */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct sw_listener *l = &a->listeners[mid];

		if (l->proto < proto || (l->proto == proto && l->port < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->nlisteners && a->listeners[lo].proto == proto &&
	    a->listeners[lo].port == port)
		return &a->listeners[lo];
	return NULL;
}

void sw_diag_subject_port(struct sw_finding_subject *s, const struct sw_agg *a,
			  unsigned proto, unsigned port)
{
	const struct sw_listener *l = sw_diag_listener(a, proto, port);

	memset(s, 0, sizeof(*s));
	s->kind = l ? SW_SUBJ_LISTENER : SW_SUBJ_LOCAL;
	s->proto = (uint8_t)proto;
	s->port = (uint16_t)port;
	/* the first listener of the port with a known process names it */
	for (; l && l < a->listeners + a->nlisteners && l->proto == proto &&
	       l->port == port; l++)
		if (l->process[0]) {
			snprintf(s->process, sizeof(s->process), "%s", l->process);
			break;
		}
}

char *sw_diag_port_name(const struct sw_finding_subject *s, char *buf,
			size_t len)
{
	if (s->process[0])
		snprintf(buf, len, "%s:%u (%s)", s->proto == SW_UDP ? "udp " : "",
			 s->port, s->process);
	else
		snprintf(buf, len, "%s:%u", s->proto == SW_UDP ? "udp " : "",
			 s->port);
	return buf;
}
