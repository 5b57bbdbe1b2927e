/* nft_syntax.c - the dry run: the nft commands (nft -f syntax) equal to
 * what nft.c would send, and the comment and timeout text they share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_priv.h"
#include "sw_nft.h"

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

char *sw_nft_syntax_del(const struct sw_prefix *t)
{
	char *text = NULL, a[SW_ADDR_STRLEN];

	if (asprintf(&text, "delete element inet %s %s { %s }\n", SW_BLOCK_TABLE,
		     sw_nft_set_name(sw_nft_set_for(t)),
		     sw_prefix_format(t, a, sizeof(a))) < 0)
		return NULL;
	return text;
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
