/* view_model.c - the UI's private copy of a frame. The refresher fills a
 * spare model and hands it over whole, so drawing never races a refresh
 * and a paused screen keeps exactly the data it showed. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sw_frame.h"
#include "sw_grow.h"
#include "sw_view_model.h"

void sw_view_model_init(struct sw_view_model *m)
{
	memset(m, 0, sizeof(*m));
}

void sw_view_model_free(struct sw_view_model *m)
{
	free(m->remotes);
	free(m->listeners);
	free(m->socks);
	free(m->findings);
	free(m->conn);
	free(m->owners);
	free(m->blocks);
	free(m->bidx);
	free(m->bruns);
	sw_history_free(&m->hist);
	free(m->rule_marks);
	sw_view_model_init(m);
}

int sw_view_model_fill(struct sw_view_model *m, const struct sw_frame *f)
{
	const struct sw_agg *a = f->agg;
	const struct sw_snapshot *s = f->snap;
	uint32_t nsocks = s ? s->count : 0;
	bool have_rate = f->have_prev_counters && f->interval_s > 0;
	unsigned i;

	m->seq = f->seq;
	m->time_ns = f->time_ns;
	m->interval_s = f->interval_s;
	m->refresh_ms = f->refresh_ms;
	m->backend = f->backend;
	m->counters = f->counters;
	for (i = 0; i < SW_C_MAX; i++)
		m->rate[i] = have_rate ? sw_counters_rate(&f->prev_counters,
							  &f->counters, i,
							  f->interval_s)
				       : NAN;
	m->nremotes = m->nlisteners = m->nsocks = m->nconn = m->nowners = 0;
	m->nfindings = 0;
	if (f->nfindings) {
		if (sw_grow32((void **)&m->findings, &m->fcap,
			      (uint32_t)f->nfindings, sizeof(*m->findings), 8))
			return -1;
		memcpy(m->findings, f->findings,
		       f->nfindings * sizeof(*m->findings));
		m->nfindings = (uint32_t)f->nfindings;
	}
	m->have_conn = f->conninfo != NULL;
	if (f->conninfo && f->conninfo->n) {
		uint32_t nc = f->conninfo->n < UINT32_MAX ? (uint32_t)f->conninfo->n
							  : UINT32_MAX;

		if (sw_grow32((void **)&m->conn, &m->ccap, nc, sizeof(*m->conn), 64)) {
			m->have_conn = false;
			return -1;
		}
		memcpy(m->conn, f->conninfo->v, nc * sizeof(*m->conn));
		m->conn_epoch_ns = f->conninfo->epoch_ns;
		m->nconn = nc;
	}
	if (!a) {
		memset(&m->tot, 0, sizeof(m->tot));
		return 0;
	}
	m->tot = a->tot;

	if (sw_grow32((void **)&m->remotes, &m->rcap, a->nremotes,
			       sizeof(*m->remotes), 64) ||
	    sw_grow32((void **)&m->listeners, &m->lcap, a->nlisteners,
			       sizeof(*m->listeners), 64) ||
	    sw_grow32((void **)&m->socks, &m->scap, nsocks,
			       sizeof(*m->socks), 64))
		return -1;
	if (a->nremotes)
		memcpy(m->remotes, a->remotes, a->nremotes * sizeof(*m->remotes));
	if (a->nlisteners)
		memcpy(m->listeners, a->listeners,
		       a->nlisteners * sizeof(*m->listeners));
	if (nsocks)
		memcpy(m->socks, s->socks, nsocks * sizeof(*m->socks));
	/* a rate that is not known is not zero: NAN, shown as "-" */
	for (i = 0; !a->have_prev && i < a->nremotes; i++)
		m->remotes[i].new_per_s = NAN;
	for (i = 0; !a->have_prev && i < SW_ST_MAX; i++)
		m->states[i].entered_per_s = NAN;
	m->nremotes = a->nremotes;
	m->nlisteners = a->nlisteners;
	m->nsocks = nsocks;
	return 0;
}

const struct sw_conn_info *sw_view_model_conn(const struct sw_view_model *m,
					      uint64_t cookie)
{
	struct sw_conninfo ci = { .v = m->conn, .n = m->nconn };

	return sw_conninfo_find(&ci, cookie);
}

static int sw_view_owner_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct sw_view_owner *)a)->inode;
	uint32_t y = ((const struct sw_view_owner *)b)->inode;

	return (x > y) - (x < y);
}

int sw_view_model_set_owners(struct sw_view_model *m,
			     const struct sw_view_owner *o, uint32_t n)
{
	m->nowners = 0;
	if (sw_grow32((void **)&m->owners, &m->ocap, n, sizeof(*m->owners), 64))
		return -1;
	if (n)
		memcpy(m->owners, o, n * sizeof(*o));
	if (n > 1)
		qsort(m->owners, n, sizeof(*m->owners), sw_view_owner_cmp);
	m->nowners = n;
	return 0;
}

const struct sw_view_owner *sw_view_model_owner(const struct sw_view_model *m,
						uint32_t inode)
{
	struct sw_view_owner key = { .inode = inode };

	if (!inode || !m->nowners)
		return NULL;
	return bsearch(&key, m->owners, m->nowners, sizeof(key),
		       sw_view_owner_cmp);
}

/* Index order: family, length, address, then list index (so the first
 * of equal blocks in a run is the first in list order). */
static int sw_view_model_block_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sw_view_block *bl = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct sw_prefix *x = &bl[a].target, *y = &bl[b].target;
	int c;

	if (bl[a].range != bl[b].range)
		return bl[a].range ? 1 : -1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	c = memcmp(x->bytes, y->bytes, sizeof(x->bytes));
	return c ? c : (a > b) - (a < b);
}

/* Build the lookup index of blocks[0 .. nkernel_blocks). */
static int sw_view_model_index(struct sw_view_model *m)
{
	uint32_t n = m->nkernel_blocks, i;

	m->nbruns = m->nbranges = 0;
	if (sw_grow32((void **)&m->bidx, &m->bidx_cap, n,
			       sizeof(*m->bidx), 64))
		return -1;
	for (i = 0; i < n; i++)
		m->bidx[i] = i;
	if (n > 1)
		qsort_r(m->bidx, n, sizeof(*m->bidx), sw_view_model_block_cmp,
			m->blocks);
	for (i = 0; i < n; i++) {
		const struct sw_prefix *t = &m->blocks[m->bidx[i]].target;
		struct sw_view_block_run *r;

		if (m->blocks[m->bidx[i]].range) {
			m->nbranges = n - i;
			break;
		}
		if (m->nbruns) {
			r = &m->bruns[m->nbruns - 1];
			if (r->family == t->family && r->plen == t->plen) {
				r->n++;
				continue;
			}
		}
		if (sw_grow32((void **)&m->bruns, &m->brcap,
				       m->nbruns + 1, sizeof(*m->bruns), 64)) {
			m->nbruns = 0;
			return -1;
		}
		r = &m->bruns[m->nbruns++];
		r->family = t->family;
		r->plen = t->plen;
		r->start = i;
		r->n = 1;
	}
	return 0;
}

struct sw_view_block *sw_view_model_blocks_room(struct sw_view_model *m,
						uint32_t n)
{
	m->nblocks = m->nkernel_blocks = m->nbruns = 0;
	if (sw_grow32((void **)&m->blocks, &m->bcap, n,
			       sizeof(*m->blocks), 64))
		return NULL;
	return m->blocks;
}

int sw_view_model_blocks_commit(struct sw_view_model *m, uint32_t n)
{
	m->nblocks = m->nkernel_blocks = n <= m->bcap ? n : m->bcap;
	if (sw_view_model_index(m)) {
		m->nblocks = m->nkernel_blocks = 0;
		return -1;
	}
	return 0;
}

int sw_view_model_set_blocks(struct sw_view_model *m,
			     const struct sw_view_block *kern, uint32_t n)
{
	struct sw_view_block *b = sw_view_model_blocks_room(m, n);

	if (!b)
		return -1;
	if (n)
		memcpy(b, kern, n * sizeof(*kern));
	return sw_view_model_blocks_commit(m, n);
}

int sw_view_model_set_marks(struct sw_view_model *m,
			    const struct sw_prefix *marks, uint32_t nmarks)
{
	uint32_t i;

	m->nblocks = m->nkernel_blocks;
	if (sw_grow32((void **)&m->blocks, &m->bcap,
			       m->nkernel_blocks + nmarks, sizeof(*m->blocks), 64))
		return -1;
	for (i = 0; i < nmarks; i++) {
		struct sw_view_block *b = &m->blocks[m->nblocks];

		if (sw_view_model_blocked(m, &marks[i]) >= 0)
			continue;
		memset(b, 0, sizeof(*b));
		b->target = marks[i];
		b->expires_s = -1;
		b->marked = true;
		strcpy(b->reason, "marked (not blocked)");
		m->nblocks++;
	}
	return 0;
}

int sw_view_model_set_rule_marks(struct sw_view_model *m,
				 const struct sw_view_rule_mark *v, uint32_t n)
{
	if (n > SW_VIEW_MAX_RULE_MARKS)
		n = SW_VIEW_MAX_RULE_MARKS;
	m->nrule_marks = 0;
	if (sw_grow32((void **)&m->rule_marks, &m->rmcap, n,
		      sizeof(*m->rule_marks), 16))
		return -1;
	if (n)
		memcpy(m->rule_marks, v, n * sizeof(*v));
	m->nrule_marks = n;
	return 0;
}

const struct sw_view_rule_mark *sw_view_model_rule_mark(
	const struct sw_view_model *m, const struct sw_prefix *p)
{
	/* a few hundred at most, looked up for the rows on screen only */
	for (uint32_t i = 0; i < m->nrule_marks; i++)
		if (sw_prefix_overlaps(&m->rule_marks[i].target, p))
			return &m->rule_marks[i];
	return NULL;
}

int sw_view_model_blocked(const struct sw_view_model *m,
			  const struct sw_prefix *p)
{
	long best = -1;
	uint32_t r;

	for (r = 0; r < m->nbruns; r++) {
		const struct sw_view_block_run *run = &m->bruns[r];
		const uint32_t *ix = m->bidx + run->start;
		uint32_t lo = 0, hi = run->n;
		uint8_t key[16];

		if (run->family != p->family || run->plen > p->plen)
			continue;
		/* a block of this length covers p when p's address, cut to
		 * the length, is the block's address */
		sw_addr_mask(key, p->bytes, p->family, run->plen);
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (memcmp(m->blocks[ix[mid]].target.bytes, key,
				   sizeof(key)) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < run->n &&
		    !memcmp(m->blocks[ix[lo]].target.bytes, key, sizeof(key)) &&
		    (best < 0 || ix[lo] < (uint32_t)best))
			best = ix[lo];
	}
	for (r = m->nkernel_blocks - m->nbranges; r < m->nkernel_blocks; r++) {
		const struct sw_view_block *b = &m->blocks[m->bidx[r]];
		uint8_t first[16], last[16];

		if (b->target.family != p->family)
			continue;
		sw_addr_mask(first, p->bytes, p->family, p->plen);
		sw_addr_last(last, p->bytes, p->family, p->plen);
		if (memcmp(first, b->target.bytes, 16) >= 0 &&
		    memcmp(last, b->last, 16) <= 0 &&
		    (best < 0 || m->bidx[r] < (uint32_t)best))
			best = m->bidx[r];
	}
	return (int)best;
}
