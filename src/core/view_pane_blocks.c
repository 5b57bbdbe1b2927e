/* view_pane_blocks.c - the blocks pane: what the kernel's sets hold now
 * (target, expires in, dropped packets, reason), then the marks. */
#include <stdio.h>
#include <string.h>

#include "sw_duration.h"
#include "sw_view.h"

static uint32_t sw_view_blocks_nrows(const struct sw_view_model *m)
{
	return m->nblocks;
}

static void sw_view_blocks_key(const struct sw_view_model *m, uint32_t row,
			       struct sw_view_key *k)
{
	sw_view_prefix_key(&m->blocks[row].target, k);
	/* a mark and a kernel block of the same target are two rows; so are
	 * a range and the prefix at its start */
	k->b[18] = m->blocks[row].marked;
	k->b[19] = m->blocks[row].range;
}

static void sw_view_blocks_target(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	const struct sw_view_block *b = &m->blocks[row];
	char f[SW_ADDR_STRLEN], l[SW_ADDR_STRLEN];

	if (!b->range) {
		sw_view_prefix_cell(&b->target, c);
		return;
	}
	snprintf(c->text, sizeof(c->text), "%s-%s",
		 sw_addr_format(b->target.family, b->target.bytes, f, sizeof(f)),
		 sw_addr_format(b->target.family, b->last, l, sizeof(l)));
}

static int sw_view_blocks_cmp_target(const struct sw_view_model *m,
				     uint32_t a, uint32_t b)
{
	return sw_view_prefix_cmp(&m->blocks[a].target, &m->blocks[b].target);
}

static void sw_view_blocks_expires(const struct sw_view_model *m,
				   uint32_t row, struct sw_view_cell *c)
{
	const struct sw_view_block *b = &m->blocks[row];

	if (b->marked)
		snprintf(c->text, sizeof(c->text), "-");
	else if (b->never)
		snprintf(c->text, sizeof(c->text), "never");
	else
		sw_duration_format(b->expires_s, c->text, sizeof(c->text));
}

static int sw_view_blocks_cmp_expires(const struct sw_view_model *m,
				      uint32_t a, uint32_t b)
{
	const struct sw_view_block *x = &m->blocks[a], *y = &m->blocks[b];

	if (x->never != y->never)
		return x->never ? 1 : -1; /* never is the longest */
	return sw_view_cmp_dbl(x->expires_s, y->expires_s);
}

static void sw_view_blocks_packets(const struct sw_view_model *m,
				   uint32_t row, struct sw_view_cell *c)
{
	if (m->blocks[row].marked)
		snprintf(c->text, sizeof(c->text), "-");
	else
		sw_view_fmt_count(m->blocks[row].packets, c->text,
				  sizeof(c->text));
}

static int sw_view_blocks_cmp_packets(const struct sw_view_model *m,
				      uint32_t a, uint32_t b)
{
	return sw_view_cmp_u64(m->blocks[a].packets, m->blocks[b].packets);
}

static void sw_view_blocks_reason(const struct sw_view_model *m, uint32_t row,
				  struct sw_view_cell *c)
{
	const char *r = m->blocks[row].reason;
	size_t i;

	for (i = 0; r[i] && i + 1 < sizeof(c->text); i++)
		c->text[i] = (unsigned char)r[i] >= 0x20 && r[i] != 0x7f ? r[i] : '?';
	c->text[i] = '\0';
}

static int sw_view_blocks_cmp_reason(const struct sw_view_model *m,
				     uint32_t a, uint32_t b)
{
	return strcmp(m->blocks[a].reason, m->blocks[b].reason);
}

static unsigned sw_view_blocks_flags(const struct sw_view *v,
				     const struct sw_view_model *m,
				     uint32_t row)
{
	(void)v;
	return m->blocks[row].marked ? SW_ROW_MARKED : SW_ROW_BLOCKED;
}

static const struct sw_view_col sw_view_blocks_cols[] = {
	{ .name = "TARGET", .width = 31, .grow = 2,
	  .cell = sw_view_blocks_target, .cmp = sw_view_blocks_cmp_target },
	{ .name = "EXPIRES", .width = 8, .right = true,
	  .cell = sw_view_blocks_expires, .cmp = sw_view_blocks_cmp_expires },
	{ .name = "DROPPED", .width = 8, .right = true, .desc = true,
	  .cell = sw_view_blocks_packets, .cmp = sw_view_blocks_cmp_packets },
	{ .name = "REASON", .width = 10, .grow = 3,
	  .cell = sw_view_blocks_reason, .cmp = sw_view_blocks_cmp_reason },
};

static const char *sw_view_blocks_empty(const struct sw_view *v,
				       const struct sw_view_model *m)
{
	(void)m;
	return v->block_why[0] ? v->block_why : "nothing blocked";
}

/* u on a row ends exactly that block, or drops exactly that mark. */
static const struct sw_view_block *
sw_view_blocks_undo(const struct sw_view_model *m, uint32_t row)
{
	return &m->blocks[row];
}

static bool sw_view_blocks_shown(const struct sw_view *v)
{
	return v->show_blocks;
}

const struct sw_view_pane_def sw_view_pane_blocks = {
	.title = "Blocks",
	.cols = sw_view_blocks_cols,
	.ncols = sizeof(sw_view_blocks_cols) / sizeof(sw_view_blocks_cols[0]),
	.default_sort = 0,
	.nrows = sw_view_blocks_nrows,
	.key = sw_view_blocks_key,
	.flags = sw_view_blocks_flags,
	.gutter = true,
	.empty = sw_view_blocks_empty,
	.undo = sw_view_blocks_undo,
	.slot = SW_SLOT_NEXT,
	.shown = sw_view_blocks_shown,
};
