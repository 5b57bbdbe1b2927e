/* view_prefix.c - a prefix as a pane row (remotes, blocks): its stable
 * key, its cell text and its order. */
#include <string.h>

#include "sw_view_pane.h"

void sw_view_prefix_key(const struct sw_prefix *p, struct sw_view_key *k)
{
	memset(k, 0, sizeof(*k));
	k->b[0] = p->family;
	k->b[1] = p->plen;
	memcpy(k->b + 2, p->bytes, 16);
}

void sw_view_prefix_cell(const struct sw_prefix *p, struct sw_view_cell *c)
{
	sw_prefix_format(p, c->text, sizeof(c->text));
}

int sw_view_prefix_cmp(const struct sw_prefix *x, const struct sw_prefix *y)
{
	int c = sw_addr_cmp(x->family, x->bytes, y->family, y->bytes);

	return c ? c : sw_view_cmp_u64(x->plen, y->plen);
}
