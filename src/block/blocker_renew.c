/* blocker_renew.c - blocking a target that is blocked already: the
 * longer remaining time wins unless the operator says --replace, the
 * counter carries over, and the comment keeps the first block's words
 * and this one's. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "blocker_priv.h"

/* Room kept for this block's part of the comment. */
#define SW_RENEW_PART_MAX 72

uint64_t sw_blocker_ms(double s)
{
	long long ms = llround(s * 1000.0);

	return ms > 0 ? (uint64_t)ms : 1;
}

/* "<first block's comment> | then alice 2026-01-02T03:04Z for 1m00s,
 * kept 23h59m: reason". The first part is the old comment up to its own
 * " | ": a cron renewing every minute does not push the manual block's
 * reason out. */
static void sw_blocker_renew_comment(const struct sw_blocker *b,
				     const struct sw_block_req *req,
				     double timeout_s, const char *kind,
				     const char *old, char *out)
{
	char part[256], raw[512], when[32], asked[16];
	const char *bar = strstr(old, " | ");
	int keep = bar ? (int)(bar - old) : (int)strlen(old);
	time_t now = time(NULL);
	struct tm tm;
	int room;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%MZ", &tm);
	snprintf(part, sizeof(part), "then %s %s for %s, %s%s%s", b->user, when,
		 sw_block_format_left(timeout_s, asked, sizeof(asked)), kind,
		 req->reason && *req->reason ? ": " : "",
		 req->reason ? req->reason : "");
	if (strlen(part) > SW_RENEW_PART_MAX)
		part[SW_RENEW_PART_MAX] = '\0';
	room = SW_BLOCK_COMMENT_LEN - 1 - 3 - (int)strlen(part);
	if (keep > room)
		keep = room > 0 ? room : 0;
	snprintf(raw, sizeof(raw), "%.*s | %s", keep, old, part);
	sw_nft_comment_clean(out, raw);
}

void sw_blocker_renewal(const struct sw_blocker *b,
			const struct sw_block_req *req, double timeout_s,
			const struct sw_block_entry *old,
			struct sw_block_renewal *out)
{
	bool never = old->timeout_s <= 0;
	double left = never ? INFINITY : old->expires_s;
	char target[SW_ADDR_STRLEN], asked[16], had[16], kind[48];

	memset(out, 0, sizeof(*out));
	sw_prefix_format(&old->target, target, sizeof(target));
	sw_block_format_left(timeout_s, asked, sizeof(asked));
	if (never)
		snprintf(had, sizeof(had), "never");
	else
		sw_block_format_left(left, had, sizeof(had));
	out->elem.counter = old->counted;
	out->elem.packets = old->packets;
	out->elem.bytes = old->bytes;
	if (!req->replace && left > timeout_s) {
		/* as it is: the same timeout, the same time left */
		out->elem.timeout_ms = never ? 0 : sw_blocker_ms(old->timeout_s);
		out->elem.expires_ms = never ? 0 : sw_blocker_ms(left);
		out->outcome = "kept";
		snprintf(kind, sizeof(kind), "kept %s", had);
		snprintf(out->message, sizeof(out->message),
			 "kept %s blocked: %s%s is longer than the %s asked "
			 "(--replace to shorten it)", target,
			 never ? "it never expires, which" : had,
			 never ? "" : " left", asked);
	} else {
		out->elem.timeout_ms = sw_blocker_ms(timeout_s);
		out->outcome = req->replace && left > timeout_s ? "replaced" : "renewed";
		snprintf(kind, sizeof(kind), "%s, had %s", out->outcome, had);
		if (strcmp(out->outcome, "replaced") == 0)
			snprintf(out->message, sizeof(out->message),
				 "replaced the block of %s: %s now (it had %s%s)",
				 target, asked, had, never ? "" : " left");
		else
			snprintf(out->message, sizeof(out->message), "renewed %s for %s",
				 target, asked);
	}
	sw_blocker_renew_comment(b, req, timeout_s, kind, old->comment,
				 out->comment);
}
