/* view_pane_findings.c - the findings pane: the diagnosis of the latest
 * refresh (sw_diagnosis.h), worst first, in a band under the header that
 * shows only when something is wrong. Enter selects a finding's subject
 * in its pane (the remote, the listener); b blocks the target a finding
 * proposes, through the usual confirmation. */
#include <stdio.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_view.h"

static uint32_t sw_view_findings_nrows(const struct sw_view_model *m)
{
	return m->nfindings;
}

static uint64_t sw_view_findings_mix(uint64_t h, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* kind, then a hash of the subject's fields (not its bytes: padding is
 * whatever the filler left): the same finding stays selected while it
 * holds, though the list changes around it */
static void sw_view_findings_key(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_key *k)
{
	const struct sw_finding_subject *s = &m->findings[row].subject;
	uint8_t f[6] = { (uint8_t)s->kind, s->proto, s->family,
			 (uint8_t)(s->port >> 8), (uint8_t)s->port,
			 s->remote.family };
	uint64_t h = 1469598103934665603ull;

	h = sw_view_findings_mix(h, f, sizeof(f));
	h = sw_view_findings_mix(h, s->addr, sizeof(s->addr));
	h = sw_view_findings_mix(h, &s->remote.plen, 1);
	h = sw_view_findings_mix(h, s->remote.bytes, sizeof(s->remote.bytes));
	memset(k, 0, sizeof(*k));
	k->b[0] = (uint8_t)m->findings[row].kind;
	memcpy(k->b + 1, &h, sizeof(h));
}

static bool sw_view_findings_blockable(const struct sw_finding *f)
{
	return f->action == SW_ACT_BLOCK;
}

static void sw_view_findings_sev(const struct sw_view_model *m, uint32_t row,
				 struct sw_view_cell *c)
{
	snprintf(c->text, sizeof(c->text), "%s",
		 sw_severity_name(m->findings[row].severity));
}

/* Worst first; of equal severity the ones sockwatch can act on (b), then
 * the diagnosis' own order (the model's). Never 0 for two rows. */
static int sw_view_findings_cmp_sev(const struct sw_view_model *m, uint32_t a,
				    uint32_t b)
{
	const struct sw_finding *x = &m->findings[a], *y = &m->findings[b];
	int c = sw_view_cmp_u64(x->severity, y->severity);

	if (!c)
		c = sw_view_cmp_u64(sw_view_findings_blockable(x),
				    sw_view_findings_blockable(y));
	return c ? c : sw_view_cmp_u64(b, a); /* the column is descending */
}

static void sw_view_findings_kind(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	snprintf(c->text, sizeof(c->text), "%s",
		 sw_finding_kind_name(m->findings[row].kind));
}

static int sw_view_findings_cmp_kind(const struct sw_view_model *m, uint32_t a,
				     uint32_t b)
{
	return strcmp(sw_finding_kind_name(m->findings[a].kind),
		      sw_finding_kind_name(m->findings[b].kind));
}

static char *sw_view_findings_what(const struct sw_finding_subject *s,
				   char *buf, size_t len)
{
	char a[SW_ADDR_STRLEN];
	const char *proto = s->proto == SW_UDP ? "udp " : "";

	switch (s->kind) {
	case SW_SUBJ_REMOTE:
		sw_prefix_format(&s->remote, a, sizeof(a));
		if (s->port)
			snprintf(buf, len, "%s%s%s:%u", s->remote.family == SW_V6 ? "[" : "",
				 a, s->remote.family == SW_V6 ? "]" : "", s->port);
		else
			snprintf(buf, len, "%s", a);
		break;
	case SW_SUBJ_LISTENER:
		if (s->family)
			snprintf(buf, len, "%s%s", proto,
				 sw_endpoint_format(s->family, s->addr, s->port, a,
						    sizeof(a)));
		else
			snprintf(buf, len, "%s:%u", proto, s->port);
		break;
	case SW_SUBJ_LOCAL:
		snprintf(buf, len, "%slocal :%u", proto, s->port);
		break;
	default:
		snprintf(buf, len, "host");
		break;
	}
	if (s->process[0] && s->kind != SW_SUBJ_REMOTE) {
		size_t n = strlen(buf);

		snprintf(buf + n, n < len ? len - n : 0, " (%s)", s->process);
	}
	return buf;
}

static void sw_view_findings_subject(const struct sw_view_model *m,
				     uint32_t row, struct sw_view_cell *c)
{
	char t[SW_ADDR_STRLEN + 40];

	sw_view_findings_what(&m->findings[row].subject, t, sizeof(t));
	/* a name from outside (the process) is shown safe */
	sw_text_safe(t, c->text, sizeof(c->text));
}

static int sw_view_findings_cmp_subject(const struct sw_view_model *m,
					uint32_t a, uint32_t b)
{
	char x[SW_ADDR_STRLEN + 40], y[SW_ADDR_STRLEN + 40];

	return strcmp(sw_view_findings_what(&m->findings[a].subject, x, sizeof(x)),
		      sw_view_findings_what(&m->findings[b].subject, y, sizeof(y)));
}

static int sw_view_findings_fit(const struct sw_view_model *m,
				const uint32_t *order, uint32_t n)
{
	int w = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct sw_view_cell c;
		int len;

		sw_view_findings_subject(m, order[i], &c);
		len = sw_view_text_cells(c.text);
		if (len > w)
			w = len;
	}
	return w;
}

static void sw_view_findings_text(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	sw_text_safe(m->findings[row].text, c->text, sizeof(c->text));
}

static int sw_view_findings_cmp_text(const struct sw_view_model *m, uint32_t a,
				     uint32_t b)
{
	return strcmp(m->findings[a].text, m->findings[b].text);
}

static void sw_view_findings_advice(const struct sw_view_model *m,
				    uint32_t row, struct sw_view_cell *c)
{
	sw_text_safe(m->findings[row].advice, c->text, sizeof(c->text));
}

static int sw_view_findings_cmp_advice(const struct sw_view_model *m,
				       uint32_t a, uint32_t b)
{
	return strcmp(m->findings[a].advice, m->findings[b].advice);
}

static unsigned sw_view_findings_flags(const struct sw_view *v,
				       const struct sw_view_model *m,
				       uint32_t row)
{
	const struct sw_finding *f = &m->findings[row];
	unsigned fl = f->severity == SW_SEV_CRIT ? SW_ROW_CRIT : SW_ROW_CAUTION;

	if (sw_view_findings_blockable(f)) {
		if (sw_view_model_blocked(m, &f->target) >= 0)
			fl |= SW_ROW_BLOCKED;
		if (sw_view_is_marked(v, &f->target))
			fl |= SW_ROW_MARKED;
	}
	return fl;
}

static const struct sw_view_col sw_view_findings_cols[] = {
	{ .name = "SEV", .width = 4, .desc = true,
	  .cell = sw_view_findings_sev, .cmp = sw_view_findings_cmp_sev },
	{ .name = "KIND", .width = 17,
	  .cell = sw_view_findings_kind, .cmp = sw_view_findings_cmp_kind },
	{ .name = "SUBJECT", .width = 12, .grow = 1, .fit = true,
	  .cell = sw_view_findings_subject, .cmp = sw_view_findings_cmp_subject },
	{ .name = "FINDING", .width = 16, .grow = 3,
	  .cell = sw_view_findings_text, .cmp = sw_view_findings_cmp_text },
	{ .name = "ADVICE", .width = 12, .grow = 3,
	  .cell = sw_view_findings_advice, .cmp = sw_view_findings_cmp_advice },
};

static void sw_view_findings_heading(const struct sw_view *v, uint32_t n,
				     char *buf, size_t len)
{
	(void)v;
	snprintf(buf, len, "%s: %u, worst first", sw_view_pane_findings.title, n);
}

static bool sw_view_findings_target(const struct sw_view_model *m,
				    uint32_t row, struct sw_prefix *p)
{
	const struct sw_finding *f = &m->findings[row];

	if (!sw_view_findings_blockable(f))
		return false;
	*p = f->target;
	return true;
}

static void sw_view_findings_no_target(const struct sw_view_model *m,
				       uint32_t row, char *buf, size_t len)
{
	char adv[96];

	sw_text_safe(m->findings[row].advice, adv, sizeof(adv));
	snprintf(buf, len, "%s proposes no block: %s",
		 sw_finding_kind_name(m->findings[row].kind), adv);
}

/* The row of pane p whose model row is row: its index in the list. */
static long sw_view_findings_index(const struct sw_view *v, enum sw_pane p,
				   long row)
{
	const struct sw_view_list *l = &v->list[p];

	for (uint32_t i = 0; row >= 0 && i < l->n; i++)
		if (l->order[i] == (uint32_t)row)
			return i;
	return -1;
}

/* The remote row of a prefix subject: that prefix, else the busiest
 * remote inside it (the remotes are grouped finer than the finding). */
static long sw_view_findings_remote(const struct sw_view_model *m,
				    const struct sw_prefix *p)
{
	long best = -1;

	for (uint32_t i = 0; i < m->nremotes; i++) {
		const struct sw_prefix *r = &m->remotes[i].pfx;

		if (sw_prefix_eq(r, p))
			return i;
		if (r->family == p->family && r->plen >= p->plen &&
		    sw_prefix_contains_addr(p, r->family, r->bytes) &&
		    (best < 0 || m->remotes[i].count > m->remotes[best].count))
			best = i;
	}
	return best;
}

static long sw_view_findings_listener(const struct sw_view_model *m,
				      const struct sw_finding_subject *s)
{
	for (uint32_t i = 0; i < m->nlisteners; i++) {
		const struct sw_listener *l = &m->listeners[i];

		if (l->proto == s->proto && l->port == s->port &&
		    (!s->family || (l->family == s->family &&
				    !memcmp(l->addr, s->addr, sizeof(l->addr)))))
			return i;
	}
	return -1;
}

static unsigned sw_view_findings_jump(struct sw_view *v,
				      const struct sw_view_model *m,
				      uint32_t row)
{
	const struct sw_finding *f = &m->findings[row];
	const struct sw_finding_subject *s = &f->subject;
	char raw[SW_ADDR_STRLEN + 40], what[4 * sizeof(raw)];
	enum sw_pane p;
	long r, i;

	sw_text_safe(sw_view_findings_what(s, raw, sizeof(raw)), what, sizeof(what));
	if (s->kind == SW_SUBJ_REMOTE) {
		p = SW_PANE_REMOTES;
		r = sw_view_findings_remote(m, &s->remote);
	} else if (s->kind == SW_SUBJ_LISTENER) {
		p = SW_PANE_LISTENERS;
		r = sw_view_findings_listener(m, s);
	} else {
		char adv[96];

		sw_text_safe(f->advice, adv, sizeof(adv));
		snprintf(v->msg, sizeof(v->msg), "%.60s: %s", what, adv);
		return SW_R_REDRAW;
	}
	i = sw_view_findings_index(v, p, r);
	if (i < 0) {
		snprintf(v->msg, sizeof(v->msg), "%.80s is not listed now (a filter "
			 "or i may hide it)", what);
		return SW_R_REDRAW;
	}
	v->focus = p;
	v->focus_chosen = true;
	sw_view_list_select(v, m, p, i);
	return SW_R_REDRAW;
}

static void sw_view_findings_hint(const struct sw_view_model *m, uint32_t row,
				  char *buf, size_t len)
{
	char adv[SW_FINDING_ADVICE_LEN];

	sw_text_safe(m->findings[row].advice, adv, sizeof(adv));
	snprintf(buf, len, "%s: %s", sw_finding_kind_name(m->findings[row].kind),
		 adv);
}

static bool sw_view_findings_shown(const struct sw_view *v)
{
	return v->nfindings > 0;
}

const struct sw_view_pane_def sw_view_pane_findings = {
	.title = "Findings",
	.cols = sw_view_findings_cols,
	.ncols = sizeof(sw_view_findings_cols) / sizeof(sw_view_findings_cols[0]),
	.default_sort = 0,
	.nrows = sw_view_findings_nrows,
	.key = sw_view_findings_key,
	.flags = sw_view_findings_flags,
	.gutter = true,
	.label_col = 1,
	.heading = sw_view_findings_heading,
	.target = sw_view_findings_target,
	.no_target = sw_view_findings_no_target,
	.jump = sw_view_findings_jump,
	.hint = sw_view_findings_hint,
	.fit_width = sw_view_findings_fit,
	.grab_focus = true,
	.slot = SW_SLOT_ALERT,
	.shown = sw_view_findings_shown,
};
