/* tui_trend.c - the refresher's history (sw_history.h): each new refresh
 * is a sample (a command's re-made frame of the same refresh is not, and
 * a paused watch makes none, so a pause keeps the graphs as they were);
 * a replay's samples carry the recorded times. Blocks and unblocks become
 * marks when the blocker's list read back gains or loses a target, so a
 * block from another sockwatch or a rule is marked too (a block whose
 * comment names a rule is an R mark). Runs on the refresher's thread. */
#include <stdlib.h>
#include <string.h>

#include "sw_grow.h"
#include "sw_tui.h"

/* A list longer than this is not compared (marks are for people). */
#define SW_TUI_TREND_MAX_BLOCKS 4096

int sw_tui_trend_init(struct sw_tui_trend *tr, double interval_s)
{
	memset(tr, 0, sizeof(*tr));
	return sw_history_init(&tr->hist, interval_s);
}

void sw_tui_trend_free(struct sw_tui_trend *tr)
{
	sw_history_free(&tr->hist);
	free(tr->blocks);
	free(tr->rule);
	memset(tr, 0, sizeof(*tr));
}

static int sw_tui_trend_cmp(const void *pa, const void *pb)
{
	const struct sw_prefix *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

static bool sw_tui_trend_is_rule(const char *comment)
{
	return strstr(comment, "rule") != NULL;
}

/* Compare the blocker's list with the one seen last: marks for what
 * came and went. The first list seen is the baseline. */
static void sw_tui_trend_blocks(struct sw_tui_trend *tr,
				const struct sw_block_list *l, uint64_t now)
{
	struct sw_prefix *cur = NULL;
	bool *rule = NULL;
	size_t n = l->n, i, j;

	if (n > SW_TUI_TREND_MAX_BLOCKS) {
		tr->have_blocks = false;
		return;
	}
	cur = malloc((n ? n : 1) * sizeof(*cur));
	rule = calloc(n ? n : 1, sizeof(*rule));
	if (!cur || !rule) {
		free(cur);
		free(rule);
		return;
	}
	for (i = 0; i < n; i++)
		cur[i] = l->v[i].target;
	qsort(cur, n, sizeof(*cur), sw_tui_trend_cmp);
	for (i = 0; i < n; i++) {
		const struct sw_block_entry *e = &l->v[i];
		struct sw_prefix *at = bsearch(&e->target, cur, n, sizeof(*cur),
					       sw_tui_trend_cmp);

		if (at && sw_tui_trend_is_rule(e->comment))
			rule[at - cur] = true;
	}
	if (tr->have_blocks) {
		for (i = 0, j = 0; i < n || j < tr->nblocks;) {
			int c = i >= n ? 1 : j >= tr->nblocks ? -1
				: sw_tui_trend_cmp(&cur[i], &tr->blocks[j]);

			if (c < 0) {
				sw_history_mark(&tr->hist, now,
						rule[i] ? SW_HM_RULE : SW_HM_BLOCK,
						&cur[i]);
				i++;
			} else if (c > 0) {
				sw_history_mark(&tr->hist, now, SW_HM_UNBLOCK,
						&tr->blocks[j]);
				j++;
			} else {
				i++;
				j++;
			}
		}
	}
	free(tr->blocks);
	free(tr->rule);
	tr->blocks = cur;
	tr->rule = rule;
	tr->nblocks = n;
	tr->have_blocks = true;
}

void sw_tui_trend_feed(struct sw_tui_trend *tr, const struct sw_frame *f,
		       struct sw_blocker *b)
{
	if (f->seq == tr->last_seq)
		return; /* the same refresh, made again by a command */
	if (f->seq < tr->last_seq) { /* a replay started over: a new history */
		double iv = tr->hist.cap ? SW_HIST_SECONDS / (double)tr->hist.cap : 1;

		sw_history_free(&tr->hist);
		if (sw_history_init(&tr->hist, iv) < 0)
			return;
	}
	tr->last_seq = f->seq;
	sw_history_push(&tr->hist, f);
	if (b)
		sw_tui_trend_blocks(tr, sw_blocker_list(b), f->time_ns);
}
