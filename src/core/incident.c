/* incident.c - the report's streaming reader of frames and audit lines
 * (sw_incident.h). Sources and ports keep their slots by peak: a newcomer
 * takes the slot of the smallest peak when its own value is bigger (its
 * earlier points are then unknown, not zero). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_finding.h"
#include "sw_frame.h"
#include "sw_grow.h"
#include "sw_incident.h"

int sw_incident_init(struct sw_incident *inc)
{
	unsigned i;

	memset(inc, 0, sizeof(*inc));
	if (sw_sset_init(&inc->ss, SW_INC_POINTS) < 0)
		return -1;
	for (i = 0; i < SW_ST_MAX; i++)
		inc->s_state[i] = sw_sset_add(&inc->ss);
	for (i = 0; i < SW_C_MAX; i++)
		inc->s_rate[i] = sw_sset_add(&inc->ss);
	inc->s_total = sw_sset_add(&inc->ss);
	if (inc->s_total < 0) {
		sw_incident_free(inc);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void sw_incident_free(struct sw_incident *inc)
{
	sw_sset_free(&inc->ss);
	free(inc->events);
	memset(inc, 0, sizeof(*inc));
}

uint64_t sw_incident_bytes(const struct sw_incident *inc)
{
	return sizeof(*inc) + sw_sset_bytes(&inc->ss) +
	       inc->evcap * sizeof(*inc->events);
}

/* ---- episodes ----------------------------------------------------------- */

/* The episode of kind and subject going on at now (ended less than
 * SW_INC_GAP_S ago), else a new one (NULL when full). */
static struct sw_inc_episode *sw_incident_episode(struct sw_incident *inc,
						  const char *kind,
						  const char *subject,
						  uint64_t now, bool *fresh)
{
	unsigned i;

	*fresh = false;
	for (i = inc->nepisodes; i-- > 0;) {
		struct sw_inc_episode *e = &inc->episodes[i];

		if (strcmp(e->kind, kind) || strcmp(e->subject, subject))
			continue;
		if (e->end_ns + SW_INC_GAP_S * 1000000000ull >= now)
			return e;
		break;
	}
	if (inc->nepisodes == SW_INC_EPISODES) {
		inc->episodes_dropped++;
		return NULL;
	}
	*fresh = true;
	struct sw_inc_episode *e = &inc->episodes[inc->nepisodes++];

	memset(e, 0, sizeof(*e));
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	snprintf(e->subject, sizeof(e->subject), "%s", subject);
	e->start_ns = now;
	return e;
}

/* One frame of an episode: value v of what it counts. */
static struct sw_inc_episode *sw_incident_holds(struct sw_incident *inc,
						const char *kind,
						const char *subject,
						const char *label,
						const char *unit, double v,
						uint64_t now)
{
	bool fresh;
	struct sw_inc_episode *e = sw_incident_episode(inc, kind, subject, now,
						       &fresh);

	if (!e)
		return NULL;
	if (fresh) {
		snprintf(e->label, sizeof(e->label), "%s", label);
		snprintf(e->unit, sizeof(e->unit), "%s", unit);
	}
	e->end_ns = now;
	if (e->last_frame != inc->frames)
		e->nframes++;
	e->last_frame = inc->frames;
	if (fresh || v > e->peak) {
		e->peak = v;
		e->peak_ns = now;
	}
	return e;
}

/* The words of a finding kind for people. */
static const char *const sw_incident_kind_label[SW_FK_MAX] = {
	[SW_FK_SYN_FLOOD] = "SYN flood",
	[SW_FK_CONNECTION_FLOOD] = "Connection flood",
	[SW_FK_SLOW_CLIENTS] = "Slow clients",
	[SW_FK_ACCEPT_QUEUE_FULL] = "Accept queue full",
	[SW_FK_CLOSE_WAIT_PILEUP] = "CLOSE_WAIT pile-up",
	[SW_FK_TIME_WAIT_PILEUP] = "TIME_WAIT pile-up",
	[SW_FK_PORT_EXHAUSTION] = "Port exhaustion",
	[SW_FK_RESET_STORM] = "Reset storm",
	[SW_FK_UDP_DROPS] = "UDP drops",
};

static void sw_incident_finding(struct sw_incident *inc,
				const struct sw_finding *fd, uint64_t now)
{
	const struct sw_finding_subject *s = &fd->subject;
	const char *kl = fd->kind < SW_FK_MAX && sw_incident_kind_label[fd->kind]
				 ? sw_incident_kind_label[fd->kind]
				 : sw_finding_kind_name(fd->kind);
	char subj[64], label[96], a[SW_ADDR_STRLEN];
	struct sw_inc_episode *e;

	switch (s->kind) {
	case SW_SUBJ_LISTENER:
		snprintf(subj, sizeof(subj), "%s:%u", s->proto == SW_UDP ? "udp " : "",
			 s->port);
		snprintf(label, sizeof(label), "%s on %s", kl, subj);
		break;
	case SW_SUBJ_REMOTE:
		/* a source of trouble on a port (a SYN flood's): both */
		sw_prefix_format(&s->remote, a, sizeof(a));
		if (s->port && fd->kind != SW_FK_PORT_EXHAUSTION) {
			snprintf(subj, sizeof(subj), ":%u %s", s->port, a);
			snprintf(label, sizeof(label), "%s on :%u (%s)", kl, s->port, a);
		} else {
			snprintf(subj, sizeof(subj), "%s", a);
			snprintf(label, sizeof(label), "%s (%s)", kl, a);
		}
		break;
	case SW_SUBJ_LOCAL:
		snprintf(subj, sizeof(subj), "local :%u", s->port);
		snprintf(label, sizeof(label), "%s on %s", kl, subj);
		break;
	default:
		snprintf(subj, sizeof(subj), "host");
		snprintf(label, sizeof(label), "%s", kl);
		break;
	}
	e = sw_incident_holds(inc, sw_finding_kind_name(fd->kind), subj, label,
			      fd->nevidence ? fd->evidence[0].key : "",
			      fd->nevidence ? fd->evidence[0].value : 0, now);
	if (!e)
		return;
	e->finding = true;
	if ((int)fd->severity > e->severity)
		e->severity = (int)fd->severity;
	if (!e->text[0] || e->peak_ns == now)
		snprintf(e->text, sizeof(e->text), "%s", fd->text);
	if (fd->since_ns && fd->since_ns < e->start_ns &&
	    e->start_ns - fd->since_ns < 3600 * 1000000000ull)
		e->start_ns = fd->since_ns;
}

/* ---- sources -------------------------------------------------------------- */

static unsigned sw_incident_hash(const struct sw_prefix *p)
{
	return (p->bytes[3] ^ p->bytes[15] ^ p->plen ^ (p->bytes[2] << 3)) & 63;
}

static void sw_incident_take_remotes(struct sw_incident *inc,
				     const struct sw_agg *a, uint64_t now)
{
	uint32_t top = a->nremotes < SW_INC_TOP ? a->nremotes : SW_INC_TOP, r;
	unsigned i;

	for (r = 0; r < top && a->remotes[r].count; r++) {
		const struct sw_remote *rm = &a->remotes[r];
		struct sw_inc_remote *slot = NULL;

		for (i = 0; i < inc->nremotes; i++)
			if (sw_prefix_eq(&inc->remotes[i].pfx, &rm->pfx))
				break;
		if (i < inc->nremotes)
			continue;
		if (inc->nremotes < SW_INC_REMOTES) {
			int c = sw_sset_add(&inc->ss), n = sw_sset_add(&inc->ss);

			if (c < 0 || n < 0) {
				inc->oom = true;
				return;
			}
			slot = &inc->remotes[inc->nremotes++];
			slot->s_conn = c;
			slot->s_new = n;
		} else {
			struct sw_inc_remote *low = &inc->remotes[0];

			for (i = 1; i < inc->nremotes; i++)
				if (inc->remotes[i].peak < low->peak)
					low = &inc->remotes[i];
			if (low->peak >= rm->count)
				continue;
			slot = low;
			sw_sset_clear(&inc->ss, slot->s_conn);
			sw_sset_clear(&inc->ss, slot->s_new);
		}
		slot->pfx = rm->pfx;
		slot->peak = 0;
		slot->peak_new = 0;
		slot->peak_ns = now;
		slot->first_ns = now;
	}
}

/* The kept sources' values: one pass over a's rows. */
static void sw_incident_put_remotes(struct sw_incident *inc,
				    const struct sw_agg *a, uint64_t now)
{
	int8_t tab[64];
	float conn[SW_INC_REMOTES], nw[SW_INC_REMOTES];
	uint32_t r;
	unsigned i;

	memset(tab, -1, sizeof(tab));
	for (i = 0; i < inc->nremotes; i++) {
		unsigned k = sw_incident_hash(&inc->remotes[i].pfx);

		while (tab[k] >= 0)
			k = (k + 1) & 63;
		tab[k] = (int8_t)i;
		conn[i] = 0;
		nw[i] = a->have_prev ? 0 : NAN;
	}
	for (r = 0; r < a->nremotes; r++) {
		const struct sw_remote *rm = &a->remotes[r];
		unsigned k = sw_incident_hash(&rm->pfx);

		for (; tab[k] >= 0; k = (k + 1) & 63)
			if (sw_prefix_eq(&inc->remotes[(int)tab[k]].pfx, &rm->pfx)) {
				conn[(int)tab[k]] = (float)rm->count;
				nw[(int)tab[k]] = a->have_prev ? (float)rm->new_per_s : NAN;
				break;
			}
	}
	for (i = 0; i < inc->nremotes; i++) {
		struct sw_inc_remote *x = &inc->remotes[i];
		char subj[SW_ADDR_STRLEN], label[96];

		sw_sset_put(&inc->ss, x->s_conn, conn[i]);
		sw_sset_put(&inc->ss, x->s_new, nw[i]);
		if (conn[i] > x->peak) {
			x->peak = (uint32_t)conn[i];
			x->peak_ns = now;
		}
		if (nw[i] > x->peak_new)
			x->peak_new = nw[i];
		sw_prefix_format(&x->pfx, subj, sizeof(subj));
		if (conn[i] >= SW_INC_CONNS) {
			snprintf(label, sizeof(label), "Many connections (%s)", subj);
			sw_incident_holds(inc, "connections", subj, label,
					  "connections", conn[i], now);
		}
		if (nw[i] >= SW_INC_NEW_PER_S) {
			snprintf(label, sizeof(label), "Connection burst (%s)", subj);
			sw_incident_holds(inc, "new_connections", subj, label,
					  "new/s", nw[i], now);
		}
	}
}

/* ---- listening ports ------------------------------------------------------ */

static struct sw_inc_listener *sw_incident_port(struct sw_incident *inc,
						const struct sw_listener *ls,
						uint32_t score)
{
	struct sw_inc_listener *slot = NULL, *low;
	unsigned i;

	for (i = 0; i < inc->nlisteners; i++)
		if (inc->listeners[i].proto == ls->proto &&
		    inc->listeners[i].port == ls->port)
			return &inc->listeners[i];
	if (!score)
		return NULL;
	if (inc->nlisteners < SW_INC_LISTENERS) {
		int s = sw_sset_add(&inc->ss), q = sw_sset_add(&inc->ss);

		if (s < 0 || q < 0) {
			inc->oom = true;
			return NULL;
		}
		slot = &inc->listeners[inc->nlisteners++];
		slot->s_syn = s;
		slot->s_acc = q;
	} else {
		low = &inc->listeners[0];
		for (i = 1; i < inc->nlisteners; i++)
			if (inc->listeners[i].peak_syn + inc->listeners[i].peak_acc <
			    low->peak_syn + low->peak_acc)
				low = &inc->listeners[i];
		if (low->peak_syn + low->peak_acc >= score)
			return NULL;
		slot = low;
		sw_sset_clear(&inc->ss, slot->s_syn);
		sw_sset_clear(&inc->ss, slot->s_acc);
	}
	slot->proto = ls->proto;
	slot->port = ls->port;
	slot->peak_syn = slot->peak_acc = 0;
	slot->backlog = 0;
	slot->process[0] = '\0';
	return slot;
}

static void sw_incident_listeners(struct sw_incident *inc,
				  const struct sw_agg *a, uint64_t now)
{
	bool seen[SW_INC_LISTENERS] = {false};
	uint32_t l = 0;
	unsigned i;

	while (l < a->nlisteners) {
		const struct sw_listener *ls = &a->listeners[l];
		uint32_t syn = 0, acc = 0, backlog = 0;
		const char *proc = "";
		struct sw_inc_listener *x;
		char subj[16], label[96];

		for (; l < a->nlisteners && a->listeners[l].proto == ls->proto &&
		       a->listeners[l].port == ls->port; l++) {
			syn += a->listeners[l].syn_recv;
			if (a->listeners[l].accept_queue >= acc) {
				acc = a->listeners[l].accept_queue;
				backlog = a->listeners[l].backlog;
			}
			if (a->listeners[l].process[0])
				proc = a->listeners[l].process;
		}
		if (ls->proto != SW_TCP)
			continue;
		x = sw_incident_port(inc, ls, syn + acc);
		if (!x)
			continue;
		seen[x - inc->listeners] = true;
		sw_sset_put(&inc->ss, x->s_syn, (float)syn);
		sw_sset_put(&inc->ss, x->s_acc, (float)acc);
		if (syn + acc > x->peak_syn + x->peak_acc)
			x->peak_ns = now;
		if (syn > x->peak_syn)
			x->peak_syn = syn;
		if (acc > x->peak_acc)
			x->peak_acc = acc;
		x->backlog = backlog;
		if (proc[0])
			snprintf(x->process, sizeof(x->process), "%s", proc);
		snprintf(subj, sizeof(subj), ":%u", ls->port);
		if (syn >= SW_INC_SYN_RECV) {
			snprintf(label, sizeof(label), "SYN_RECV pile-up on %s", subj);
			sw_incident_holds(inc, "syn_recv", subj, label, "half-open",
					  syn, now);
		}
		if (backlog && acc >= backlog) {
			snprintf(label, sizeof(label), "Accept queue full on %s", subj);
			sw_incident_holds(inc, "accept_queue", subj, label, "queued",
					  acc, now);
		}
	}
	/* a kept port that is gone: nothing queued on it */
	for (i = 0; i < inc->nlisteners; i++)
		if (!seen[i]) {
			sw_sset_put(&inc->ss, inc->listeners[i].s_syn, 0);
			sw_sset_put(&inc->ss, inc->listeners[i].s_acc, 0);
		}
}

void sw_incident_frame(struct sw_incident *inc, const struct sw_frame *f)
{
	const struct sw_agg *a = f->agg;
	uint64_t now = f->time_ns;
	bool rates = f->have_prev_counters && f->interval_s > 0;
	size_t k;
	unsigned i;

	if (!inc->ss.cap)
		return;
	if (!inc->frames)
		inc->first_ns = now;
	inc->frames++;
	inc->last_ns = now;
	inc->interval_s = f->interval_s;
	sw_sset_tick(&inc->ss, now);
	for (i = 0; i < SW_C_MAX; i++)
		if (rates && f->counters.have[i])
			sw_sset_put(&inc->ss, inc->s_rate[i],
				    (float)sw_counters_rate(&f->prev_counters,
							    &f->counters, i,
							    f->interval_s));
	if (!a)
		return;
	for (i = 0; i < SW_ST_MAX; i++) {
		sw_sset_put(&inc->ss, inc->s_state[i], (float)a->states[i].count);
		if (a->states[i].count > inc->peak_state[i]) {
			inc->peak_state[i] = a->states[i].count;
			inc->peak_state_ns[i] = now;
		}
	}
	sw_sset_put(&inc->ss, inc->s_total, (float)a->total);
	if (a->total > inc->peak_total)
		inc->peak_total = a->total;
	sw_incident_take_remotes(inc, a, now);
	sw_incident_put_remotes(inc, a, now);
	sw_incident_listeners(inc, a, now);
	for (k = 0; f->findings && k < f->nfindings; k++) {
		inc->saw_findings = true;
		sw_incident_finding(inc, &f->findings[k], now);
	}
}

void sw_incident_audit_line(struct sw_incident *inc, const char *line,
			    size_t len)
{
	struct sw_audit_event ev;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!len)
		return;
	if (sw_audit_event_parse(line, len, &ev) < 0) {
		inc->events_bad++;
		return;
	}
	if (inc->nevents == SW_INC_EVENTS) {
		inc->events_dropped++;
		return;
	}
	if (sw_grow((void **)&inc->events, &inc->evcap, inc->nevents + 1,
		    sizeof(*inc->events), 64) < 0) {
		inc->oom = true;
		inc->events_dropped++;
		return;
	}
	inc->events[inc->nevents++] = ev;
}

bool sw_incident_in_time(const struct sw_incident *inc,
			 const struct sw_audit_event *e)
{
	uint64_t slack = (uint64_t)((inc->interval_s > 0 ? inc->interval_s : 1) * 1e9);

	if (!inc->frames)
		return false;
	return e->time_ns + slack >= inc->first_ns && e->time_ns <= inc->last_ns + slack;
}

static int sw_incident_event_cmp(const void *pa, const void *pb)
{
	const struct sw_audit_event *a = pa, *b = pb;

	return (a->time_ns > b->time_ns) - (a->time_ns < b->time_ns);
}

static int sw_incident_episode_cmp(const void *pa, const void *pb)
{
	const struct sw_inc_episode *a = pa, *b = pb;

	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	return strcmp(a->subject, b->subject);
}

static int sw_incident_remote_cmp(const void *pa, const void *pb)
{
	const struct sw_inc_remote *a = pa, *b = pb;

	if (a->peak != b->peak)
		return a->peak > b->peak ? -1 : 1;
	return sw_addr_cmp(a->pfx.family, a->pfx.bytes, b->pfx.family, b->pfx.bytes);
}

static int sw_incident_listener_cmp(const void *pa, const void *pb)
{
	const struct sw_inc_listener *a = pa, *b = pb;
	uint32_t x = a->peak_syn + a->peak_acc, y = b->peak_syn + b->peak_acc;

	if (x != y)
		return x > y ? -1 : 1;
	return (a->port > b->port) - (a->port < b->port);
}

void sw_incident_end(struct sw_incident *inc)
{
	if (inc->nevents > 1)
		qsort(inc->events, inc->nevents, sizeof(*inc->events),
		      sw_incident_event_cmp);
	if (inc->nepisodes > 1)
		qsort(inc->episodes, inc->nepisodes, sizeof(*inc->episodes),
		      sw_incident_episode_cmp);
	if (inc->nremotes > 1)
		qsort(inc->remotes, inc->nremotes, sizeof(*inc->remotes),
		      sw_incident_remote_cmp);
	if (inc->nlisteners > 1)
		qsort(inc->listeners, inc->nlisteners, sizeof(*inc->listeners),
		      sw_incident_listener_cmp);
}
