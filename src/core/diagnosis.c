/* diagnosis.c - the detector table, the history of refreshes, following
 * candidates across refreshes until they are findings, and the order
 * findings are handed out in. The detectors are in diagnosis_*.c; their
 * helpers in diagnosis_util.c. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis_int.h"
#include "sw_grow.h"

/* In the order they run: slow_clients before connection_flood (a
 * slowloris source is said as that, not also as a flood). */
static const struct sw_diag_entry *const sw_diag_table[] = {
	&sw_diag_syn_flood,
	&sw_diag_accept_queue,
	&sw_diag_slow_clients,
	&sw_diag_conn_flood,
	&sw_diag_close_wait,
	&sw_diag_time_wait,
	&sw_diag_port_exhaustion,
	&sw_diag_reset_storm,
	&sw_diag_udp_drops,
	&sw_diag_conntrack,
};

#define SW_DIAG_NTABLE (sizeof(sw_diag_table) / sizeof(sw_diag_table[0]))

/* Findings of one run at most: a storm of candidates is cut, the worst
 * first. */
#define SW_DIAG_MAX_OUT 32

static const struct sw_diag_entry *sw_diag_entry_of(unsigned kind)
{
	for (size_t i = 0; i < SW_DIAG_NTABLE; i++)
		if (sw_diag_table[i]->kind == kind)
			return sw_diag_table[i];
	return NULL;
}

double sw_diagnosis_limit(unsigned kind, const char *key)
{
	const struct sw_diag_entry *e = sw_diag_entry_of(kind);

	for (unsigned i = 0; e && i < e->nlimits; i++)
		if (strcmp(e->limits[i].key, key) == 0)
			return e->limits[i].value;
	return NAN;
}

unsigned sw_diagnosis_limits(unsigned kind, const char **keys, double *values,
			     const char **what, unsigned max)
{
	const struct sw_diag_entry *e = sw_diag_entry_of(kind);

	if (!e)
		return 0;
	for (unsigned i = 0; i < e->nlimits && i < max; i++) {
		keys[i] = e->limits[i].key;
		values[i] = e->limits[i].value;
		what[i] = e->limits[i].what;
	}
	return e->nlimits;
}

struct sw_diagnosis *sw_diagnosis_new(void)
{
	struct sw_diagnosis *d = calloc(1, sizeof(*d));

	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	sw_diagnosis_reset(d);
	return d;
}

void sw_diagnosis_free(struct sw_diagnosis *d)
{
	if (!d)
		return;
	free(d->ports.v);
	free(d->ports_new.v);
	free(d->tracks);
	free(d->cand);
	free(d->out);
	free(d->held);
	free(d->src);
	free(d->src_slots);
	free(d->port_count);
	free(d->ports_hit);
	free(d->locals);
	free(d->cw_prev.v);
	free(d->cw_cur.v);
	free(d);
}

void sw_diagnosis_reset(struct sw_diagnosis *d)
{
	d->nhist = d->hist_next = 0;
	for (unsigned k = 0; k < SW_C_MAX; k++)
		d->base[k] = -1;
	d->ports.n = d->ntracks = d->ncand = d->nout = 0;
	d->cw_prev.n = d->cw_cur.n = 0;
	d->runs = 0;
}

/* The summary of f, before the detectors (they read c->cur). */
static void sw_diag_sample_of(const struct sw_frame *f, struct sw_diag_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->time_ns = f->time_ns;
	s->rates_known = f->have_prev_counters && f->interval_s > 0;
	for (unsigned k = 0; s->rates_known && k < SW_C_MAX; k++)
		s->rate[k] = sw_counters_rate(&f->prev_counters, &f->counters, k,
					      f->interval_s);
	if (f->agg)
		for (unsigned st = 0; st < SW_ST_MAX; st++)
			s->state[st] = f->agg->states[st].count;
}

/* ESTABLISHED per TCP listening port of this frame, into ports_new. */
static int sw_diag_ports_of(struct sw_diagnosis *d, const struct sw_agg *a)
{
	struct sw_diag_ports *p = &d->ports_new;

	p->n = 0;
	for (uint32_t i = 0; a && i < a->nlisteners; i++) {
		const struct sw_listener *l = &a->listeners[i];

		if (l->proto != SW_TCP)
			continue;
		if (p->n && p->v[p->n - 1].port == l->port) {
			p->v[p->n - 1].established += l->established;
			continue;
		}
		if (sw_grow((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v), 64))
			return -1;
		p->v[p->n++] = (struct sw_diag_port){ l->port, l->established };
	}
	return 0;
}

static int sw_diag_subject_cmp(const struct sw_finding_subject *a,
			       const struct sw_finding_subject *b)
{
	int r;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((r = memcmp(a->addr, b->addr, sizeof(a->addr))) != 0)
		return r;
	if (a->remote.family != b->remote.family)
		return a->remote.family < b->remote.family ? -1 : 1;
	if ((r = memcmp(a->remote.bytes, b->remote.bytes, 16)) != 0)
		return r;
	return (int)a->remote.plen - (int)b->remote.plen;
}

/* Worst first: crit before warn, then by kind, then subject. */
static int sw_diag_finding_cmp(const void *pa, const void *pb)
{
	const struct sw_finding *a = pa, *b = pb;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return sw_diag_subject_cmp(&a->subject, &b->subject);
}

static struct sw_diag_track *sw_diag_track_find(struct sw_diagnosis *d,
						const struct sw_finding *f)
{
	for (size_t i = 0; i < d->ntracks; i++)
		if (d->tracks[i].kind == f->kind &&
		    sw_diag_subject_cmp(&d->tracks[i].subject, &f->subject) == 0)
			return &d->tracks[i];
	return NULL;
}

/* Follow each candidate: a streak goes on when the same kind and subject
 * was proposed by the run before; what was not proposed now is dropped.
 * Sets held[i] when candidate i has held its entry's persist. */
static int sw_diag_follow(struct sw_diagnosis *d)
{
	size_t i, j;

	if (sw_grow((void **)&d->held, &d->held_cap, d->ncand + 1,
		    sizeof(*d->held), 32))
		return -1;
	for (i = 0; i < d->ncand; i++) {
		struct sw_finding *f = &d->cand[i];
		struct sw_diag_track *t = sw_diag_track_find(d, f);
		const struct sw_diag_entry *e = sw_diag_entry_of(f->kind);

		if (t && t->last_run == d->runs) {
			d->held[i] = false; /* the same subject twice: once */
			continue;
		}
		if (t && t->last_run + 1 == d->runs) {
			t->streak++;
		} else {
			if (!t) {
				if (sw_grow((void **)&d->tracks, &d->tracks_cap,
					    d->ntracks + 1, sizeof(*d->tracks), 16))
					return -1;
				t = &d->tracks[d->ntracks++];
			}
			t->kind = f->kind;
			t->subject = f->subject;
			t->since_ns = f->since_ns;
			t->streak = 1;
		}
		t->last_run = d->runs;
		f->since_ns = t->since_ns;
		d->held[i] = t->streak >= (e && e->persist ? e->persist : 1);
	}
	for (i = j = 0; i < d->ntracks; i++)
		if (d->tracks[i].last_run == d->runs)
			d->tracks[j++] = d->tracks[i];
	d->ntracks = j;
	return 0;
}

static void sw_diag_push(struct sw_diagnosis *d, const struct sw_diag_sample *s)
{
	struct sw_diag_ports p = d->ports;

	d->hist[d->hist_next] = *s;
	d->hist_next = (d->hist_next + 1) % SW_DIAGNOSIS_HISTORY;
	if (d->nhist < SW_DIAGNOSIS_HISTORY)
		d->nhist++;
	/* this refresh's ports become the previous ones */
	d->ports = d->ports_new;
	d->ports_new = p;
	d->ports_new.n = 0;
}

const struct sw_diag_sample *sw_diag_hist(const struct sw_diagnosis *d,
					  unsigned back)
{
	if (back == 0 || back > d->nhist)
		return NULL;
	return &d->hist[(d->hist_next + SW_DIAGNOSIS_HISTORY - back) %
			SW_DIAGNOSIS_HISTORY];
}

int sw_diagnosis_run(struct sw_diagnosis *d, const struct sw_frame *f,
		     const struct sw_finding **out, size_t *n)
{
	struct sw_diag_sample cur;
	struct sw_diag_ctx c = { .d = d, .f = f, .cur = &cur };
	size_t i;

	*out = NULL;
	*n = 0;
	d->ncand = d->nout = 0;
	d->locals_done = false;
	sw_diag_sample_of(f, &cur);
	if (sw_diag_ports_of(d, f->agg) < 0)
		goto oom;
	for (i = 0; f->agg && f->snap && i < SW_DIAG_NTABLE; i++) {
		c.entry = sw_diag_table[i];
		if (c.entry->detect(&c) < 0 || c.oom)
			goto oom;
	}
	d->runs++;
	if (sw_diag_follow(d) < 0)
		goto oom;
	for (i = 0; i < d->ncand; i++) {
		if (!d->held[i])
			continue;
		if (sw_grow((void **)&d->out, &d->out_cap, d->nout + 1,
			    sizeof(*d->out), 8))
			goto oom;
		d->out[d->nout++] = d->cand[i];
	}
	if (d->nout > 1) /* d->out is NULL until a first finding */
		qsort(d->out, d->nout, sizeof(*d->out), sw_diag_finding_cmp);
	if (d->nout > SW_DIAG_MAX_OUT)
		d->nout = SW_DIAG_MAX_OUT;
	sw_diag_push(d, &cur);
	*out = d->nout ? d->out : NULL;
	*n = d->nout;
	return 0;
oom:
	d->ncand = d->nout = 0;
	errno = ENOMEM;
	return -1;
}
