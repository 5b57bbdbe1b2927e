/* blocker.c - the blocker of sw_block.h: policy first, then one nftables
 * batch, then the kill, each step in the audit log. Keeps the last list
 * read from the kernel for the blocks pane and is_blocked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocker_priv.h"
#include "sw_cause.h"
#include "sw_clock.h"
#include "sw_duration.h"
#include "sw_audit.h"
#include "sw_block.h"
#include "sw_grow.h"
#include "sw_netns.h"
#include "sw_nft.h"
#include "sw_neverblock.h"
#include "sw_policy.h"
#include "sw_sockkill.h"

static int sw_blocker_entry_cmp(const void *pa, const void *pb)
{
	const struct sw_block_entry *a = pa, *b = pb;
	int d = sw_addr_cmp(a->target.family, a->target.bytes, b->target.family,
			    b->target.bytes);

	return d ? d : (int)a->target.plen - (int)b->target.plen;
}

int sw_blocker_policy_renew(struct sw_blocker *b, char **cause)
{
	struct sw_policy fresh;

	if (sw_neverblock_read(&fresh, b->allow_file ? b->allow_file
						     : SW_BLOCK_ALLOW_FILE,
			       b->allow_file != NULL, b->kill,
			       getenv("SSH_CONNECTION"), cause) < 0)
		return -1;
	sw_policy_free(&b->policy);
	b->policy = fresh;
	return 0;
}

struct sw_blocker *sw_blocker_open(const struct sw_block_opts *o, char **cause)
{
	struct sw_blocker *b = calloc(1, sizeof(*b));

	*cause = NULL;
	if (!b)
		goto nomem;
	b->dry_run = o->dry_run;
	b->force = o->force;
	if (o->netns && sw_netns_enter(o->netns, cause) < 0)
		goto fail;
	if (o->allow_file && !(b->allow_file = strdup(o->allow_file)))
		goto nomem;
	b->kill = sw_sockkill_open(cause);
	if (!b->kill)
		goto fail;
	/* read now, so a bad allow file stops blocking before any action */
	if (sw_blocker_policy_renew(b, cause) < 0)
		goto fail;
	sw_audit_user(b->user, sizeof(b->user));
	b->audit = sw_audit_new(o->audit_log ? o->audit_log : SW_BLOCK_AUDIT_LOG,
				b->user, o->audit_netns ? o->audit_netns : o->netns);
	if (!b->audit)
		goto nomem;
	b->nft = sw_nft_open(&b->unavailable);
	if (!b->nft && !b->unavailable)
		goto nomem;
	return b;
nomem:
	free(*cause);
	*cause = NULL;
	sw_cause_set(cause, "blocking: out of memory");
fail:
	sw_blocker_close(b);
	return NULL;
}

void sw_blocker_close(struct sw_blocker *b)
{
	if (!b)
		return;
	sw_nft_close(b->nft);
	sw_sockkill_close(b->kill);
	sw_audit_free(b->audit);
	sw_policy_free(&b->policy);
	free(b->allow_file);
	free(b->unavailable);
	free(b->v);
	free(b);
}

int sw_blocker_note(struct sw_blocker *b, const char *action,
		    const char *target, const char *reason, const char *outcome,
		    const char *detail, char **cause)
{
	struct sw_audit_rec r = {
		.action = action, .target = target, .timeout_s = -1,
		.connections = -1, .reason = reason, .outcome = outcome,
		.detail = detail, .count = -1,
	};

	return sw_audit_write(b->audit, &r, cause);
}

const char *sw_blocker_unavailable(const struct sw_blocker *b)
{
	return b->unavailable;
}

unsigned sw_blocker_audit_failures(const struct sw_blocker *b, const char **last)
{
	return sw_audit_failures(b->audit, last);
}

void sw_block_result_clear(struct sw_block_result *r)
{
	free(r->nft);
	memset(r, 0, sizeof(*r));
}

char *sw_block_format_left(double s, char *buf, size_t len)
{
	if (s > 0)
		return sw_duration_format(s, buf, len);
	snprintf(buf, len, "-");
	return buf;
}

char *sw_block_entry_target(const struct sw_block_entry *e, char *buf,
			    size_t len)
{
	char a[SW_ADDR_STRLEN], l[SW_ADDR_STRLEN];

	if (!e->range)
		return sw_prefix_format(&e->target, buf, len);
	snprintf(buf, len, "%s-%s",
		 sw_addr_format(e->target.family, e->target.bytes, a, sizeof(a)),
		 sw_addr_format(e->target.family, e->last, l, sizeof(l)));
	return buf;
}

char *sw_block_entry_left(const struct sw_block_entry *e, char *buf,
			  size_t len)
{
	if (e->timeout_s <= 0) {
		snprintf(buf, len, "never");
		return buf;
	}
	return sw_block_format_left(e->expires_s, buf, len);
}

/* --- the last list ---------------------------------------------------- */

const struct sw_block_entry *sw_blocker_find(const struct sw_blocker *b,
						    const struct sw_prefix *p)
{
	struct sw_block_entry key;
	const struct sw_block_entry *e;
	size_t i;

	memset(&key, 0, sizeof(key));
	key.target = *p;
	e = b->nsorted ? bsearch(&key, b->v, b->nsorted, sizeof(*b->v),
				 sw_blocker_entry_cmp)
		       : NULL;
	if (e)
		return e;
	for (i = b->nsorted; i < b->n; i++)
		if (sw_prefix_eq(&b->v[i].target, p))
			return &b->v[i];
	return NULL;
}

int sw_blocker_append(struct sw_blocker *b, const struct sw_block_entry *e)
{
	if (sw_grow((void **)&b->v, &b->cap, b->n + 1, sizeof(*b->v), 64))
		return -1;
	b->v[b->n++] = *e;
	return 0;
}

void sw_blocker_forget(struct sw_blocker *b, const struct sw_prefix *p)
{
	const struct sw_block_entry *e = sw_blocker_find(b, p);
	size_t i;

	if (!e)
		return;
	i = (size_t)(e - b->v);
	memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
	b->n--;
	if (i < b->nsorted)
		b->nsorted--;
}

/* Entries of the old list that are gone from the new one at about the
 * time their timeout ran out: audited as "expire". Both lists sorted. */
static void sw_blocker_expiries(struct sw_blocker *b,
				const struct sw_block_entry *old, size_t nold,
				uint64_t old_ns, const struct sw_block_entry *cur,
				size_t ncur, uint64_t now_ns)
{
	double elapsed = (double)(now_ns - old_ns) / 1e9;
	size_t i = 0, j = 0;

	while (i < nold) {
		int d = j < ncur ? sw_blocker_entry_cmp(&old[i], &cur[j]) : -1;

		if (d > 0) {
			j++;
			continue;
		}
		if (d < 0 && old[i].expires_s > 0 &&
		    old[i].expires_s <= elapsed + SW_BLOCK_EXPIRY_SLACK_S) {
			char t[SW_ADDR_STRLEN];
			struct sw_audit_rec r = {
				.action = "expire",
				.target = sw_prefix_format(&old[i].target, t, sizeof(t)),
				.timeout_s = old[i].timeout_s,
				.connections = -1,
				.outcome = "seen",
				.detail = old[i].comment[0] ? old[i].comment : NULL,
				.count = -1,
			};

			sw_audit_write(b->audit, &r, NULL);
		}
		if (d == 0)
			j++;
		i++;
	}
}

/* Sort v and drop repeated entries; returns how many were dropped. */
static size_t sw_blocker_dedupe(struct sw_block_entry *v, size_t *n)
{
	size_t i, j = 0;

	if (!*n)
		return 0;
	qsort(v, *n, sizeof(*v), sw_blocker_entry_cmp);
	for (i = 1; i < *n; i++)
		if (sw_blocker_entry_cmp(&v[j], &v[i]) != 0)
			v[++j] = v[i];
	i = *n - (j + 1);
	*n = j + 1;
	return i;
}

int sw_blocker_read(struct sw_blocker *b, char **cause)
{
	struct sw_block_entry *v = NULL;
	size_t n = 0, cap = 0;
	unsigned attempt;
	uint64_t now = sw_now_ns(CLOCK_REALTIME);

	if (!b->nft) {
		b->n = b->nsorted = 0;
		b->time_ns = now;
		return 0;
	}
	/* A set dump that races with the kernel resizing the set's hash
	 * table (right after many elements were added) repeats some
	 * elements and misses others. Repeats show it: read again. */
	for (attempt = 0;; attempt++) {
		size_t dups;

		if (sw_nft_dump(b->nft, SW_NFT_ALL, &v, &n, &cap, cause) < 0) {
			free(v);
			return -1;
		}
		dups = sw_blocker_dedupe(v, &n);
		if (!dups || attempt == SW_BLOCK_READ_TRIES - 1)
			break;
	}
	if (b->time_ns && b->n) {
		/* what this blocker added since are in the tail: sort it in */
		if (b->n > b->nsorted)
			qsort(b->v, b->n, sizeof(*b->v), sw_blocker_entry_cmp);
		sw_blocker_expiries(b, b->v, b->n, b->time_ns, v, n, now);
	}
	free(b->v);
	b->v = v;
	b->n = b->nsorted = n;
	b->cap = cap;
	b->time_ns = now;
	return 0;
}

int sw_blocker_refresh(struct sw_blocker *b, char **cause)
{
	uint64_t start = sw_now_ns(CLOCK_MONOTONIC);

	*cause = NULL;
	if (b->read_mono_ns && b->read_ms > SW_BLOCK_SLOW_READ_MS &&
	    (double)(start - b->read_mono_ns) / 1e6 <
		    b->read_ms * SW_BLOCK_READ_SPACING)
		return 0;
	if (sw_blocker_read(b, cause) < 0)
		return -1;
	b->read_mono_ns = sw_now_ns(CLOCK_MONOTONIC);
	b->read_ms = (double)(b->read_mono_ns - start) / 1e6;
	return 0;
}

int sw_blocker_damage(struct sw_blocker *b, char *why, size_t whylen,
		      char **cause)
{
	if (!b->nft) {
		why[0] = '\0';
		return 0;
	}
	return sw_nft_damage(b->nft, why, whylen, cause);
}

const struct sw_block_list *sw_blocker_list(struct sw_blocker *b)
{
	b->list.v = b->v;
	b->list.n = b->n;
	b->list.time_ns = b->time_ns;
	return &b->list;
}
