/* conninfo_table.c - the engine's table of info dumps (sw_conninfo.h):
 * one array sorted by cookie, updated in place by each dump.
 *
 * A put finds its cookie in the array (looking first where the last one
 * was found: a dump walks the kernel's hash in the order of the dump
 * before, and cookies are handed out in the order sockets are first
 * dumped, so it is mostly the next entry) and overwrites the entry,
 * keeping the bytes_received difference in rx_per_s until the commit
 * divides it by the time between the dumps. A cookie not in the array
 * is new: it goes to a side array. The commit squeezes out the entries
 * not put, sorts the new ones and merges them in from the end, into
 * whichever of the two arrays is larger, so no second full set is ever
 * made (48 bytes per inbound ESTABLISHED socket, plus the dump's new
 * connections while it runs). */
#include <stdlib.h>
#include <string.h>

#include "sw_conninfo.h"
#include "sw_grow.h"

/* side arrays larger than this are freed after a commit, not kept */
#define SW_CI_ADD_KEEP 4096

void sw_conninfo_table_init(struct sw_conninfo_table *t)
{
	memset(t, 0, sizeof(*t));
}

void sw_conninfo_table_free(struct sw_conninfo_table *t)
{
	free(t->v);
	free(t->add);
	sw_conninfo_table_init(t);
}

/* The index of the first entry of v[0..n) whose cookie is >= cookie,
 * galloping out from hint: O(log distance) for a mostly ordered dump. */
static size_t sw_ci_seek(const struct sw_conn_info *v, size_t n, size_t hint,
			 uint64_t cookie)
{
	size_t lo, hi, step = 1;

	if (hint > n)
		hint = n;
	if (hint < n && v[hint].cookie < cookie) {
		lo = hint + 1; /* v[lo - 1] < cookie */
		hi = lo;
		while (hi < n && v[hi].cookie < cookie) {
			lo = hi + 1;
			hi = n - hi > step ? hi + step : n;
			step *= 2;
		}
	} else {
		hi = hint; /* v[hi] >= cookie, or hi == n */
		lo = hi;
		while (lo > 0 && v[lo - 1].cookie >= cookie) {
			hi = lo - 1;
			lo = lo - 1 > step ? lo - 1 - step : 0;
			step *= 2;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].cookie < cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The tcp_info fields of c into e (cookie and the table's own kept). */
static void sw_ci_take(struct sw_conn_info *e, const struct sw_conn_info *c)
{
	e->bytes_received = c->bytes_received;
	e->bytes_acked = c->bytes_acked;
	e->last_data_recv_ms = c->last_data_recv_ms;
	e->last_data_sent_ms = c->last_data_sent_ms;
	e->rtt_us = c->rtt_us;
	e->retrans = c->retrans;
}

int sw_conninfo_table_put(struct sw_conninfo_table *t,
			  const struct sw_conn_info *c)
{
	if (t->dumps && !t->restart && t->n) {
		size_t i = sw_ci_seek(t->v, t->n, t->hint, c->cookie);

		if (i < t->n && t->v[i].cookie == c->cookie) {
			struct sw_conn_info *e = &t->v[i];

			t->hint = i + 1;
			if (e->put)
				return 0; /* repeated by a dump under churn */
			/* the difference, per second at the commit */
			e->rx_per_s = !e->rx_stale &&
					      c->bytes_received >= e->bytes_received
				? (float)(c->bytes_received - e->bytes_received)
				: -1;
			e->rx_stale = 0;
			sw_ci_take(e, c);
			e->put = 1;
			return 0;
		}
	}
	if (sw_grow((void **)&t->add, &t->addcap, t->nadd + 1, sizeof(*t->add),
		    256))
		return -1;
	t->add[t->nadd] = *c;
	t->add[t->nadd].put = 0;
	t->add[t->nadd].rx_stale = 0;
	/* until the commit sets it: the order put in, so that of a cookie
	 * put twice the first is kept */
	t->add[t->nadd].first_seen_s = t->nadd < UINT32_MAX ? (uint32_t)t->nadd
							    : UINT32_MAX;
	t->nadd++;
	return 0;
}

static void sw_ci_swap(struct sw_conn_info *a, struct sw_conn_info *b)
{
	struct sw_conn_info x = *a;

	*a = *b;
	*b = x;
}

/* The order of new entries: by cookie, then as put. */
static bool sw_ci_before(const struct sw_conn_info *a, const struct sw_conn_info *b)
{
	return a->cookie < b->cookie ||
	       (a->cookie == b->cookie && a->first_seen_s < b->first_seen_s);
}

/* Heap sort: in place (qsort would take a buffer of pointers, two for
 * each entry of the first dump's whole set). */
static void sw_ci_sift(struct sw_conn_info *v, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && sw_ci_before(&v[c], &v[c + 1]))
			c++;
		if (!sw_ci_before(&v[i], &v[c]))
			return;
		sw_ci_swap(&v[i], &v[c]);
		i = c;
	}
}

static void sw_ci_sort(struct sw_conn_info *v, size_t n)
{
	size_t i;

	for (i = 1; i < n && sw_ci_before(&v[i - 1], &v[i]); i++)
		;
	if (i >= n)
		return; /* in order already: the usual case */
	for (i = n / 2; i-- > 0;)
		sw_ci_sift(v, i, n);
	for (i = n; i-- > 1;) {
		sw_ci_swap(&v[0], &v[i]);
		sw_ci_sift(v, 0, i);
	}
}

/* Make *v (capacity *cap) hold need entries, with an eighth to spare;
 * or shrink it to that when it holds a quarter more. Returns 0 or -1
 * (ENOMEM; *v unchanged). */
static int sw_ci_fit(struct sw_conn_info **v, size_t *cap, size_t need)
{
	size_t c = need + need / 8 + 64;
	void *p;

	if (need <= *cap && *cap - *cap / 5 <= c)
		return 0;
	p = realloc(*v, c * sizeof(**v));
	if (!p)
		return need <= *cap ? 0 : -1;
	*v = p;
	*cap = c;
	return 0;
}

/* Merge the sorted new entries (add[0..m)) and the kept ones (v[0..k))
 * into one of the two arrays, from the end. */
static void sw_ci_merge(struct sw_conninfo_table *t, size_t k, size_t m)
{
	struct sw_conn_info *dst, *a = t->v, *b = t->add;
	bool into_add = m > k || (m == k && t->addcap > t->cap);
	size_t i = k, j = m, w = k + m;

	if (into_add ? sw_ci_fit(&t->add, &t->addcap, k + m) < 0
		     : sw_ci_fit(&t->v, &t->cap, k + m) < 0) {
		/* no room: keep what is held (the new ones are lost) */
		t->n = k;
		return;
	}
	a = t->v;
	b = t->add;
	dst = into_add ? b : a;
	while (j > 0) {
		if (i > 0 && a[i - 1].cookie > b[j - 1].cookie)
			dst[--w] = a[--i];
		else
			dst[--w] = b[--j];
	}
	while (i > 0) /* into add: the kept ones below the new */
		dst[--w] = a[--i];
	t->n = k + m;
	if (into_add) {
		free(t->v);
		t->v = t->add;
		t->cap = t->addcap;
		t->add = NULL;
		t->addcap = 0;
	}
}

const struct sw_conninfo *sw_conninfo_table_commit(struct sw_conninfo_table *t,
						   size_t n, uint64_t time_ns,
						   uint64_t mono_ns)
{
	bool first = !t->dumps || t->restart;
	double dt = !first && mono_ns > t->mono_ns ?
			    (double)(mono_ns - t->mono_ns) / 1e9 : 0;
	uint32_t now_s;
	size_t i, k = 0, m = 0;

	(void)n;
	/* first seen: whole seconds from a second before the first dump
	 * (exact for it; 0 stays "unknown"), to the nearest for later ones;
	 * a wall clock gone back past the epoch counts as at it */
	if (first)
		t->set.epoch_ns = time_ns > 1000000000ull ? time_ns - 1000000000ull : 0;
	if (time_ns <= t->set.epoch_ns + 1000000000ull)
		now_s = 1;
	else if ((time_ns - t->set.epoch_ns) / 1000000000ull >= UINT32_MAX)
		now_s = UINT32_MAX;
	else
		now_s = (uint32_t)((time_ns - t->set.epoch_ns + 500000000ull) /
				   1000000000ull);
	/* the ones put stay (in order), with their rate; the rest went */
	for (i = 0; i < t->n && !first; i++) {
		struct sw_conn_info *e = &t->v[i];

		if (!e->put)
			continue;
		e->put = 0;
		e->rx_per_s = dt > 0 && e->rx_per_s >= 0 ? (float)(e->rx_per_s / dt)
							 : -1;
		if (k != i)
			t->v[k] = *e;
		k++;
	}
	/* the new ones: in order, once each; first seen now */
	sw_ci_sort(t->add, t->nadd);
	for (i = 0; i < t->nadd; i++) {
		struct sw_conn_info *e = &t->add[i];

		if (m && t->add[m - 1].cookie == e->cookie)
			continue;
		e->first_seen_s = now_s;
		e->seen_at_start = first;
		e->rx_per_s = -1;
		if (m != i)
			t->add[m] = *e;
		m++;
	}
	t->n = k;
	if (m)
		sw_ci_merge(t, k, m);
	else
		sw_ci_fit(&t->v, &t->cap, k); /* shrinks, if much went */
	t->nadd = 0;
	if (t->addcap > SW_CI_ADD_KEEP) {
		free(t->add);
		t->add = NULL;
		t->addcap = 0;
	}
	t->hint = 0;
	t->mono_ns = mono_ns;
	t->dumps++;
	t->restart = false;
	t->set.v = t->v;
	t->set.n = t->n;
	t->set.time_ns = time_ns;
	return &t->set;
}

void sw_conninfo_table_abort(struct sw_conninfo_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].put) {
			t->v[i].put = 0;
			t->v[i].rx_stale = 1;
			t->v[i].rx_per_s = -1;
		}
	t->nadd = 0;
	t->hint = 0;
}

void sw_conninfo_table_restart(struct sw_conninfo_table *t)
{
	t->restart = true;
}

const struct sw_conninfo *sw_conninfo_table_set(const struct sw_conninfo_table *t)
{
	return t->dumps ? &t->set : NULL;
}
