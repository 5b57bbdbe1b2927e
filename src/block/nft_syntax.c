/* nft_syntax.c - the layout of the table (its sets, the interval ends)
 * and the dry run: the nft commands (nft -f syntax) equal to what nft.c
 * would send, and the comment and timeout text they share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>

#include "nft_priv.h"
#include "sw_nft.h"

struct sw_nft_setdef {
	const char *name;
	unsigned family; /* 4 or 6 */
	uint32_t flags;
};

static const struct sw_nft_setdef sw_nft_sets[SW_NFT_NSETS] = {
	[SW_NFT_ADDR4] = {"addr4", 4, NFT_SET_TIMEOUT},
	[SW_NFT_ADDR6] = {"addr6", 6, NFT_SET_TIMEOUT},
	[SW_NFT_NET4] = {"net4", 4, NFT_SET_TIMEOUT | NFT_SET_INTERVAL},
	[SW_NFT_NET6] = {"net6", 6, NFT_SET_TIMEOUT | NFT_SET_INTERVAL},
};

enum sw_nft_set sw_nft_set_for(const struct sw_prefix *t)
{
	bool single = t->plen == sw_family_bits(t->family);

	if (t->family == 4)
		return single ? SW_NFT_ADDR4 : SW_NFT_NET4;
	return single ? SW_NFT_ADDR6 : SW_NFT_NET6;
}

const char *sw_nft_set_name(enum sw_nft_set s)
{
	return s < SW_NFT_NSETS ? sw_nft_sets[s].name : "?";
}

unsigned sw_nft_set_family(enum sw_nft_set s)
{
	return sw_nft_sets[s].family;
}

bool sw_nft_set_is_interval(enum sw_nft_set s)
{
	return sw_nft_sets[s].flags & NFT_SET_INTERVAL;
}

uint32_t sw_nft_set_flags(enum sw_nft_set s)
{
	return sw_nft_sets[s].flags;
}

/* start + 2^(bits - plen): the first address after the prefix. Returns
 * false when that wraps past the top of the address space. */
bool sw_nft_prefix_end(const struct sw_prefix *p, uint8_t end[16])
{
	unsigned bits = sw_family_bits(p->family), nbytes = bits / 8;
	unsigned carry_bit = bits - p->plen; /* bit index from the right */
	int i = (int)nbytes - 1 - (int)(carry_bit / 8);
	unsigned add = 1u << (carry_bit % 8);

	memcpy(end, p->bytes, 16);
	if (p->plen == 0)
		return false;
	for (; i >= 0; i--) {
		unsigned v = end[i] + add;

		end[i] = (uint8_t)v;
		if (v < 256)
			return true;
		add = 1;
	}
	return false;
}

void sw_nft_comment_clean(char *out, const char *in)
{
	size_t o = 0;

	for (; in && *in && o < SW_BLOCK_COMMENT_LEN - 1; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch == '"' || ch == '\\')
			ch = '\'';
		else if (ch < 0x20 || ch >= 0x7f)
			ch = ' ';
		out[o++] = (char)ch;
	}
	out[o] = '\0';
}

char *sw_nft_format_timeout(uint64_t ms, char *buf, size_t len)
{
	if (ms % 1000)
		snprintf(buf, len, "%llums", (unsigned long long)ms);
	else
		snprintf(buf, len, "%llus", (unsigned long long)(ms / 1000));
	return buf;
}

/* Table, sets, chain and rules, as nft.c's sw_nft_add_everything builds
 * them. */
static void sw_nft_syntax_table(FILE *f)
{
	unsigned s;

	fprintf(f, "add table inet %s\n", SW_BLOCK_TABLE);
	for (s = 0; s < SW_NFT_NSETS; s++)
		fprintf(f, "add set inet %s %s { type %s; flags %stimeout; counter; }\n",
			SW_BLOCK_TABLE, sw_nft_set_name(s),
			sw_nft_set_family(s) == 4 ? "ipv4_addr" : "ipv6_addr",
			sw_nft_set_is_interval(s) ? "interval," : "");
	fprintf(f, "add chain inet %s %s { type filter hook prerouting priority raw; "
		   "policy accept; }\n", SW_BLOCK_TABLE, SW_NFT_CHAIN);
	for (s = 0; s < SW_NFT_NSETS; s++)
		fprintf(f, "add rule inet %s %s %s saddr @%s drop\n", SW_BLOCK_TABLE,
			SW_NFT_CHAIN, sw_nft_set_family(s) == 4 ? "ip" : "ip6",
			sw_nft_set_name(s));
}

/* Close the memstream; text is only final after fclose. */
static char *sw_nft_close_text(FILE *f, char **text)
{
	if (fclose(f) != 0) {
		free(*text);
		return NULL;
	}
	return *text;
}

char *sw_nft_syntax_add(const struct sw_prefix *t, uint64_t timeout_ms,
			const char *comment, bool with_table)
{
	char *text = NULL, a[SW_ADDR_STRLEN], to[32], c[SW_BLOCK_COMMENT_LEN];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	if (with_table)
		sw_nft_syntax_table(f);
	fprintf(f, "add element inet %s %s { %s", SW_BLOCK_TABLE,
		sw_nft_set_name(sw_nft_set_for(t)), sw_prefix_format(t, a, sizeof(a)));
	if (timeout_ms)
		fprintf(f, " timeout %s", sw_nft_format_timeout(timeout_ms, to, sizeof(to)));
	sw_nft_comment_clean(c, comment);
	if (c[0])
		fprintf(f, " comment \"%s\"", c);
	fprintf(f, " }\n");
	return sw_nft_close_text(f, &text);
}

char *sw_nft_syntax_del(const struct sw_prefix *t, const uint8_t *last)
{
	char *text = NULL, a[SW_ADDR_STRLEN], l[SW_ADDR_STRLEN];
	int r;

	if (last)
		r = asprintf(&text, "delete element inet %s %s { %s-%s }\n",
			     SW_BLOCK_TABLE, t->family == 4 ? "net4" : "net6",
			     sw_addr_format(t->family, t->bytes, a, sizeof(a)),
			     sw_addr_format(t->family, last, l, sizeof(l)));
	else
		r = asprintf(&text, "delete element inet %s %s { %s }\n",
			     SW_BLOCK_TABLE, sw_nft_set_name(sw_nft_set_for(t)),
			     sw_prefix_format(t, a, sizeof(a)));
	return r < 0 ? NULL : text;
}

char *sw_nft_syntax_flush(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned s;

	if (!f)
		return NULL;
	for (s = 0; s < SW_NFT_NSETS; s++)
		fprintf(f, "flush set inet %s %s\n", SW_BLOCK_TABLE, sw_nft_set_name(s));
	return sw_nft_close_text(f, &text);
}

char *sw_nft_syntax_destroy(void)
{
	char *text = NULL;

	if (asprintf(&text, "delete table inet %s\n", SW_BLOCK_TABLE) < 0)
		return NULL;
	return text;
}
