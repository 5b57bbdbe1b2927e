/* blocker_act.c - the blocker's actions: check, block, unblock, unblock
 * all, cleanup, kill, count. Each real action is audited; a dry run
 * prints nft syntax and touches nothing. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocker_priv.h"

/* A put that raced with the element appearing or expiring is planned
 * again, this many times in all. */
#define SW_BLOCK_PUT_TRIES 4

static struct sw_prefix sw_blocker_norm(const struct sw_prefix *p)
{
	struct sw_prefix t;

	sw_prefix_make_norm(&t, p->family, p->bytes, p->plen);
	return t;
}

/* Audit and fill r for an action that did not happen. */
static int sw_blocker_fail(struct sw_blocker *b, struct sw_block_result *r,
			   enum sw_block_outcome outcome, const char *action,
			   const char *target, double timeout_s, long conns,
			   const char *reason, const char *msg)
{
	struct sw_audit_rec rec = {
		.action = action, .target = target, .timeout_s = timeout_s,
		.connections = conns, .reason = reason,
		.outcome = outcome == SW_BLOCK_REFUSED ? "refused" : "failed",
		.detail = msg, .count = -1,
	};

	r->outcome = outcome;
	snprintf(r->message, sizeof(r->message), "%s", msg);
	/* a refusal is still audited; a log we cannot write cannot be */
	sw_audit_write(b->audit, &rec, NULL);
	return -1;
}

/* A blocked prefix other than t itself sharing an address with it, as the
 * kernel has them now (small dumps), so an overlap is refused with a
 * name even when the last list is stale. A prefix is checked against the
 * blocked addresses too: a /24 over a blocked /32 is refused like one
 * over a blocked /25. */
static const struct sw_block_entry *
sw_blocker_kernel_overlap(struct sw_blocker *b, const struct sw_prefix *t,
			  struct sw_block_entry *out)
{
	struct sw_block_entry *v = NULL;
	size_t n = 0, cap = 0, i;
	const struct sw_block_entry *hit = NULL;

	if (!b->nft)
		return NULL; /* nothing can be blocked */
	if (sw_nft_dump(b->nft,
			t->plen < sw_family_bits(t->family) ? SW_NFT_ALL : SW_NFT_NETS,
			&v, &n, &cap, NULL) == 0) {
		for (i = 0; i < n && !hit; i++) {
			if (sw_prefix_overlaps(&v[i].target, t) &&
			    !sw_prefix_eq(&v[i].target, t)) {
				*out = v[i];
				hit = out;
			}
		}
	}
	free(v);
	return hit;
}

static void sw_blocker_overlap_why(const struct sw_prefix *t,
				   const struct sw_block_entry *e, char *why,
				   size_t whylen)
{
	char a[SW_ADDR_STRLEN], c[SW_ADDR_STRLEN], left[16];

	sw_prefix_format(t, a, sizeof(a));
	sw_prefix_format(&e->target, c, sizeof(c));
	sw_block_format_left(e->expires_s, left, sizeof(left));
	if (t->plen >= e->target.plen)
		snprintf(why, whylen, "%s is already blocked by %s (expires in %s)",
			 a, c, left);
	else
		snprintf(why, whylen,
			 "%s overlaps %s, already blocked (expires in %s); unblock "
			 "it first", a, c, left);
}

bool sw_blocker_allowed(struct sw_blocker *b, const struct sw_prefix *target,
			char *why, size_t whylen)
{
	struct sw_prefix t = sw_blocker_norm(target);
	char *cause = NULL;

	if (sw_blocker_policy_renew(b, &cause) < 0) {
		snprintf(why, whylen, "cannot read the never-block list again: %s",
			 cause ? cause : "out of memory");
		free(cause);
		return false;
	}
	return sw_policy_check(&b->policy, &t, b->force, why, whylen);
}

static bool sw_blocker_check_norm(struct sw_blocker *b, const struct sw_prefix *t,
				  char *why, size_t whylen)
{
	const struct sw_block_entry *e;
	struct sw_block_entry tmp;

	if (!sw_blocker_allowed(b, t, why, whylen))
		return false;
	/* t itself is no overlap: blocking it again renews it */
	e = sw_blocker_kernel_overlap(b, t, &tmp);
	if (e) {
		sw_blocker_overlap_why(t, e, why, whylen);
		return false;
	}
	return true;
}

/* "by alice 2026-01-02T03:04:05Z, 600 conns (EST 400 SR 200): reason" */
static void sw_blocker_comment(const struct sw_blocker *b,
			       const struct sw_block_req *req, char *out)
{
	char raw[512], states[160] = "", when[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t o = 0;
	unsigned s;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (req->states) {
		for (s = 0; s < SW_ST_MAX; s++) {
			if (!req->states[s])
				continue;
			o += (size_t)snprintf(states + o, o < sizeof(states) ? sizeof(states) - o : 0,
					      "%s%s %u", o ? " " : "", sw_state_short(s),
					      req->states[s]);
			if (o >= sizeof(states))
				break;
		}
	}
	snprintf(raw, sizeof(raw), "by %s %s, %u conns%s%s%s%s%s", b->user, when,
		 req->connections, states[0] ? " (" : "", states,
		 states[0] ? ")" : "", req->reason && *req->reason ? ": " : "",
		 req->reason ? req->reason : "");
	sw_nft_comment_clean(out, raw);
}

/* An action's repair of the table, audited on its own line. */
static void sw_blocker_repaired(struct sw_blocker *b, struct sw_block_result *r,
				const char *note)
{
	struct sw_audit_rec rec = {
		.action = "repair", .target = "table inet " SW_BLOCK_TABLE,
		.timeout_s = -1, .connections = -1, .outcome = "sent",
		.detail = note, .count = -1,
	};

	if (!note[0])
		return;
	snprintf(r->repaired, sizeof(r->repaired), "%s", note);
	sw_audit_write(b->audit, &rec, NULL);
}

/* Put target: new, or replacing what is there (a renewal planned on what
 * the kernel has). Fills r's message, comment and *outcome ("sent",
 * "renewed", "kept", "replaced"), *eff the element as written. 0, 1 when
 * it overlaps another block (why filled), -1 with *cause. */
static int sw_blocker_put(struct sw_blocker *b, const struct sw_block_req *req,
			  const struct sw_prefix *t, double timeout_s,
			  struct sw_block_result *r, const char **outcome,
			  struct sw_block_entry *eff, char **cause)
{
	char note[SW_BLOCK_MSG_LEN], first[SW_BLOCK_COMMENT_LEN];
	unsigned tries;
	int have = 0;

	memcpy(first, r->comment, sizeof(first));
	for (tries = 0; tries < SW_BLOCK_PUT_TRIES; tries++) {
		struct sw_block_entry old;
		struct sw_block_renewal rn;
		struct sw_nft_elem el = {0};

		have = sw_nft_get(b->nft, t, &old, cause);
		if (have < 0)
			return -1;
		if (have) {
			sw_blocker_renewal(b, req, timeout_s, &old, &rn);
			el = rn.elem;
			memcpy(r->comment, rn.comment, sizeof(r->comment));
			snprintf(r->message, sizeof(r->message), "%s", rn.message);
			*outcome = rn.outcome;
		} else {
			el.timeout_ms = sw_blocker_ms(timeout_s);
			memcpy(r->comment, first, sizeof(r->comment));
			*outcome = "sent";
		}
		el.comment = r->comment;
		if (sw_nft_put(b->nft, t, &el, have, note, sizeof(note),
			       cause) == 0) {
			memset(eff, 0, sizeof(*eff));
			eff->target = *t;
			eff->timeout_s = (double)el.timeout_ms / 1000.0;
			eff->expires_s = (double)(el.expires_ms ? el.expires_ms
							       : el.timeout_ms) / 1000.0;
			memcpy(eff->comment, r->comment, sizeof(eff->comment));
			sw_blocker_repaired(b, r, note);
			return 0;
		}
		/* it appeared, or expired, since the get: look again */
		if (!(have ? errno == ENOENT : errno == EEXIST || errno == ENOTEMPTY))
			return -1;
		if (tries + 1 < SW_BLOCK_PUT_TRIES)
			sw_cause_clear(cause); /* planned again */
	}
	if (have)
		return -1; /* with the last put's cause */
	sw_cause_clear(cause);
	return 1;
}

/* --kill of a block: the count into r->killed, or why not into
 * r->kill_error. */
static int sw_blocker_kill_into(struct sw_blocker *b, const struct sw_prefix *t,
				struct sw_block_result *r)
{
	char *cause = NULL;
	int n = sw_blocker_kill(b, t, &cause);

	if (n < 0)
		sw_cause_move(r->kill_error, sizeof(r->kill_error), cause);
	return n;
}

int sw_blocker_block(struct sw_blocker *b, const struct sw_block_req *req,
		     struct sw_block_result *r)
{
	struct sw_prefix t = sw_blocker_norm(&req->target);
	double timeout_s = req->timeout_s > 0 ? req->timeout_s
					      : SW_BLOCK_DEFAULT_S;
	char target[SW_ADDR_STRLEN], why[SW_BLOCK_MSG_LEN], left[16];
	char *cause = NULL;
	struct sw_block_entry e;
	const struct sw_block_entry *found;
	const char *outcome = "sent";
	int rc;

	memset(r, 0, sizeof(*r));
	r->killed = -1;
	sw_prefix_format(&t, target, sizeof(target));
	sw_blocker_comment(b, req, r->comment);
	if (!sw_blocker_check_norm(b, &t, why, sizeof(why)))
		return sw_blocker_fail(b, r, SW_BLOCK_REFUSED, "block", target,
				       timeout_s, req->connections, req->reason, why);
	if (b->dry_run || req->dry_run) {
		int exists = b->nft ? sw_nft_table_exists(b->nft) : 0;

		r->outcome = SW_BLOCK_DRY_RUN;
		r->nft = sw_nft_syntax_add(&t, sw_blocker_ms(timeout_s), r->comment,
					   exists != 1);
		snprintf(r->message, sizeof(r->message),
			 "dry run: would block %s for %s; nothing sent", target,
			 sw_block_format_left(timeout_s, left, sizeof(left)));
		/* a blocker that acts counts what a dry request would end */
		if (req->kill && b->dry_run)
			r->killed = sw_blocker_kill_into(b, &t, r);
		else if (req->kill && (r->killed = sw_blocker_count(b, &t, NULL,
								    &cause)) < 0)
			sw_cause_move(r->kill_error, sizeof(r->kill_error), cause);
		if (req->dry_run) {
			struct sw_audit_rec rec = {
				.action = "block", .target = target,
				.timeout_s = timeout_s,
				.connections = req->connections,
				.reason = req->reason, .outcome = "dry-run",
				.detail = r->message, .count = -1,
			};

			sw_audit_write(b->audit, &rec, NULL);
		}
		return r->nft ? 0 : -1;
	}
	if (!b->nft)
		return sw_blocker_fail(b, r, SW_BLOCK_FAILED, "block", target,
				       timeout_s, req->connections, req->reason,
				       b->unavailable);
	/* no block without its audit line */
	if (sw_audit_ready(b->audit, &cause) < 0) {
		r->outcome = SW_BLOCK_FAILED;
		sw_cause_move(r->message, sizeof(r->message), cause);
		return -1;
	}
	rc = sw_blocker_put(b, req, &t, timeout_s, r, &outcome, &e, &cause);
	if (rc == 1) {
		snprintf(why, sizeof(why),
			 "%s overlaps a blocked prefix; unblock that first", target);
		return sw_blocker_fail(b, r, SW_BLOCK_REFUSED, "block", target,
				       timeout_s, req->connections, req->reason, why);
	}
	if (rc < 0) {
		rc = sw_blocker_fail(b, r, SW_BLOCK_FAILED, "block", target,
				     timeout_s, req->connections, req->reason,
				     sw_cause_text(cause));
		free(cause);
		return rc;
	}
	r->outcome = SW_BLOCK_SENT;
	if (strcmp(outcome, "sent") == 0)
		snprintf(r->message, sizeof(r->message), "blocked %s for %s", target,
			 sw_block_format_left(timeout_s, left, sizeof(left)));
	{
		/* the line says what the target held when the block went in
		 * and how many of those were ended, not what a confirmation
		 * showed when it opened */
		int now = sw_blocker_count(b, &t, NULL, NULL);
		struct sw_audit_rec rec = {
			.action = "block", .target = target,
			.timeout_s = e.timeout_s > 0 ? e.timeout_s : -1,
			.connections = now >= 0 ? (long)now : (long)req->connections,
			.reason = req->reason, .outcome = outcome,
			.detail = r->comment, .count = -1,
		};
		char msg[SW_BLOCK_MSG_LEN];

		if (req->kill) {
			r->killed = sw_blocker_kill_into(b, &t, r);
			rec.count = r->killed;
		}

		if (sw_audit_write(b->audit, &rec, &cause) < 0) {
			snprintf(msg, sizeof(msg), "%.80s, but %.160s", r->message,
				 sw_cause_text(cause));
			memcpy(r->message, msg, sizeof(r->message));
			free(cause);
		}
	}
	if ((found = sw_blocker_find(b, &t))) {
		size_t i = (size_t)(found - b->v);

		b->v[i].timeout_s = e.timeout_s;
		b->v[i].expires_s = e.expires_s;
	} else {
		sw_blocker_append(b, &e); /* ENOMEM: shows at the next refresh */
	}
	return 0;
}

/* Unblock t, or the range from t's address to last. */
static int sw_blocker_unblock_one(struct sw_blocker *b,
				  const struct sw_prefix *t, const uint8_t *last,
				  struct sw_block_result *r)
{
	char a[SW_BLOCK_TARGET_STRLEN], why[SW_BLOCK_MSG_LEN];
	char note[SW_BLOCK_MSG_LEN], *cause = NULL;
	struct sw_block_entry listed = {.target = *t};

	memset(r, 0, sizeof(*r));
	r->killed = -1;
	if (last) {
		listed.range = true;
		memcpy(listed.last, last, 16);
	}
	sw_block_entry_target(&listed, a, sizeof(a));
	if (b->dry_run) {
		r->outcome = SW_BLOCK_DRY_RUN;
		r->nft = sw_nft_syntax_del(t, last);
		snprintf(r->message, sizeof(r->message),
			 "dry run: would unblock %s; nothing sent", a);
		return r->nft ? 0 : -1;
	}
	if (!b->nft)
		return sw_blocker_fail(b, r, SW_BLOCK_FAILED, "unblock", a, -1, -1,
				       NULL, b->unavailable);
	if (sw_audit_ready(b->audit, &cause) < 0) {
		r->outcome = SW_BLOCK_FAILED;
		sw_cause_move(r->message, sizeof(r->message), cause);
		return -1;
	}
	if (sw_nft_del(b->nft, t, last, note, sizeof(note), &cause) < 0) {
		struct sw_block_entry tmp;
		const struct sw_block_entry *e;
		int rc;

		if (errno != ENOENT) {
			rc = sw_blocker_fail(b, r, SW_BLOCK_FAILED, "unblock", a, -1,
					     -1, NULL, sw_cause_text(cause));
			free(cause);
			return rc;
		}
		sw_cause_clear(&cause); /* not there: said below */
		e = last ? NULL : sw_blocker_kernel_overlap(b, t, &tmp);
		if (e) {
			char c[SW_BLOCK_TARGET_STRLEN];

			snprintf(why, sizeof(why),
				 "%s is not blocked by itself: %s is; unblock that", a,
				 sw_block_entry_target(e, c, sizeof(c)));
		} else {
			snprintf(why, sizeof(why), "%s is not blocked", a);
		}
		sw_blocker_forget(b, t);
		return sw_blocker_fail(b, r, SW_BLOCK_REFUSED, "unblock", a, -1, -1,
				       NULL, why);
	}
	sw_blocker_repaired(b, r, note);
	r->outcome = SW_BLOCK_SENT;
	snprintf(r->message, sizeof(r->message), "unblocked %s", a);
	{
		struct sw_audit_rec rec = {
			.action = "unblock", .target = a, .timeout_s = -1,
			.connections = -1, .outcome = "sent", .count = -1,
		};

		if (sw_audit_write(b->audit, &rec, &cause) < 0) {
			snprintf(r->message, sizeof(r->message), "unblocked %.100s, but %.130s",
				 a, sw_cause_text(cause));
			free(cause);
		}
	}
	sw_blocker_forget(b, t);
	return 0;
}

int sw_blocker_unblock(struct sw_blocker *b, const struct sw_prefix *target,
		       struct sw_block_result *r)
{
	struct sw_prefix t = sw_blocker_norm(target);

	return sw_blocker_unblock_one(b, &t, NULL, r);
}

int sw_blocker_unblock_range(struct sw_blocker *b, unsigned family,
			     const uint8_t first[16], const uint8_t last[16],
			     struct sw_block_result *r)
{
	struct sw_prefix t;

	sw_prefix_make(&t, family, first, sw_family_bits(family));
	return sw_blocker_unblock_one(b, &t, last, r);
}

/* Shared by unblock --all and --cleanup: dry run, availability, audit. */
static int sw_blocker_whole(struct sw_blocker *b, struct sw_block_result *r,
			    const char *action, bool destroy)
{
	struct sw_block_entry *v = NULL;
	size_t n = 0, cap = 0;
	char note[SW_BLOCK_MSG_LEN], *cause = NULL;
	int ret;

	memset(r, 0, sizeof(*r));
	r->killed = -1;
	if (b->dry_run) {
		r->outcome = SW_BLOCK_DRY_RUN;
		r->nft = destroy ? sw_nft_syntax_destroy() : sw_nft_syntax_flush();
		snprintf(r->message, sizeof(r->message), "dry run: nothing sent");
		return r->nft ? 0 : -1;
	}
	if (!b->nft)
		return sw_blocker_fail(b, r, SW_BLOCK_FAILED, action, "all", -1, -1,
				       NULL, b->unavailable);
	ret = sw_audit_ready(b->audit, &cause) < 0 ||
	      sw_nft_dump(b->nft, SW_NFT_ALL, &v, &n, &cap, &cause) < 0 ? -1 : 0;
	free(v);
	note[0] = '\0';
	if (ret == 0)
		ret = destroy ? sw_nft_destroy(b->nft, &cause)
			      : sw_nft_flush(b->nft, note, sizeof(note), &cause);
	if (ret < 0) {
		ret = sw_blocker_fail(b, r, SW_BLOCK_FAILED, action, "all", -1, -1,
				      NULL, sw_cause_text(cause));
		free(cause);
		return ret;
	}
	sw_blocker_repaired(b, r, note);
	r->outcome = SW_BLOCK_SENT;
	if (destroy && ret == 1)
		snprintf(r->message, sizeof(r->message),
			 "no table inet %s: nothing to clean up", SW_BLOCK_TABLE);
	else if (destroy)
		snprintf(r->message, sizeof(r->message),
			 "removed table inet %s and its %zu block%s", SW_BLOCK_TABLE, n,
			 n == 1 ? "" : "s");
	else
		snprintf(r->message, sizeof(r->message), "removed %zu block%s", n,
			 n == 1 ? "" : "s");
	{
		struct sw_audit_rec rec = {
			.action = action, .target = "all", .timeout_s = -1,
			.connections = -1, .outcome = "sent", .detail = r->message,
			.count = (long)n,
		};

		sw_audit_write(b->audit, &rec, NULL);
	}
	b->n = b->nsorted = 0;
	return 0;
}

int sw_blocker_unblock_all(struct sw_blocker *b, struct sw_block_result *r)
{
	return sw_blocker_whole(b, r, "unblock-all", false);
}

int sw_blocker_cleanup(struct sw_blocker *b, struct sw_block_result *r)
{
	return sw_blocker_whole(b, r, "cleanup", true);
}

int sw_blocker_kill(struct sw_blocker *b, const struct sw_prefix *target,
		    char **cause)
{
	struct sw_prefix t = sw_blocker_norm(target);
	char a[SW_ADDR_STRLEN], *why = NULL;
	int n;

	sw_prefix_format(&t, a, sizeof(a));
	n = sw_sockkill_prefix(b->kill, &t, b->dry_run, &why);
	if (!b->dry_run) {
		struct sw_audit_rec rec = {
			.action = "kill", .target = a, .timeout_s = -1,
			.connections = n >= 0 ? n : -1,
			.outcome = n >= 0 ? "sent" : "failed",
			.detail = n >= 0 ? NULL : sw_cause_text(why), .count = n,
		};

		sw_audit_write(b->audit, &rec, NULL);
	}
	if (cause)
		*cause = why;
	else
		free(why);
	return n;
}

struct sw_blocker_countctx {
	const struct sw_prefix *t;
	uint32_t *states;
	int n;
};

static int sw_blocker_count_cb(void *arg, const struct sw_sock *s)
{
	struct sw_blocker_countctx *c = arg;

	if (!sw_prefix_contains_addr(c->t, s->family, s->dst))
		return 0;
	c->n++;
	if (c->states && s->proto == SW_TCP && s->state < SW_ST_MAX)
		c->states[s->state]++;
	return 0;
}

int sw_blocker_count(struct sw_blocker *b, const struct sw_prefix *target,
		     uint32_t *states, char **cause)
{
	struct sw_prefix t = sw_blocker_norm(target);
	struct sw_blocker_countctx c = {.t = &t, .states = states};

	if (states)
		memset(states, 0, SW_ST_MAX * sizeof(*states));
	if (sw_sockkill_walk(b->kill, SW_TCP, SW_SOCKKILL_TCP_STATES,
			     sw_blocker_count_cb, &c, cause) < 0 ||
	    sw_sockkill_walk(b->kill, SW_UDP, SW_STATE_BIT(SW_ESTABLISHED),
			     sw_blocker_count_cb, &c, cause) < 0)
		return -1;
	return c.n;
}
