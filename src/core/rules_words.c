/* rules_words.c - a rule in words, for `sockwatch rules check` and the
 * status lines: "ban for 10m any address holding more than 150
 * connections in any state but LISTEN, after 1 refresh". */
#include <stdio.h>
#include <string.h>

#include "rules_priv.h"
#include "sw_duration.h"
#include "sw_finding.h"

/* The states of mask in words: "in any state but TIME_WAIT", "in
 * ESTABLISHED or SYN_RECV". */
static void states_words(struct sw_buf *b, uint32_t mask)
{
	uint32_t all = SW_TCP_ALL_STATES & ~SW_STATE_BIT(SW_CLOSE);
	uint32_t out = all & ~mask, in = mask & all;
	unsigned nout = (unsigned)__builtin_popcount(out);
	unsigned nin = (unsigned)__builtin_popcount(in), k = 0;

	/* CLOSE has no peer: a mask that names it or not reads the same */
	if (!out) {
		sw_buf_puts(b, " in any state");
		return;
	}
	if (nout <= 3 && nout < nin) {
		sw_buf_puts(b, " in any state but ");
		for (unsigned i = 0; i < sw_state_norder; i++) {
			unsigned s = sw_state_order[i];

			if (out & SW_STATE_BIT(s))
				sw_buf_printf(b, "%s%s", k++ ? " and " : "",
					      sw_state_name(s));
		}
		return;
	}
	sw_buf_puts(b, " in ");
	for (unsigned i = 0; i < sw_state_norder; i++) {
		unsigned s = sw_state_order[i];

		if (in & SW_STATE_BIT(s))
			sw_buf_printf(b, "%s%s", k++ ? (k == nin ? " or " : ", ") : "",
				      sw_state_name(s));
	}
}

static void num(struct sw_buf *b, double v)
{
	/* a long long holds it (else the conversion is undefined: 1e30) */
	if (v > -9.2e18 && v < 9.2e18 && v == (double)(long long)v)
		sw_buf_printf(b, "%lld", (long long)v);
	else
		sw_buf_printf(b, "%g", v);
}

static void cond_words(struct sw_buf *b, const struct sw_rule *r,
		       const struct sw_rule_cond *c)
{
	char d[16];
	bool one = c->value == 1;

	if (c->metric == SW_RM_FINDING) {
		if (c->cmp == SW_RC_GE && one)
			sw_buf_printf(b, "a %s finding about it or the host",
				      sw_finding_kind_name(c->kind));
		else {
			sw_buf_printf(b, "%s ", sw_rules_cmp_words(c->cmp));
			num(b, c->value);
			sw_buf_printf(b, " %s findings", sw_finding_kind_name(c->kind));
		}
		return;
	}
	sw_buf_printf(b, "%s ", sw_rules_cmp_words(c->cmp));
	num(b, c->value);
	switch (c->metric) {
	case SW_RM_CONNS:
		sw_buf_puts(b, one ? " connection" : " connections");
		states_words(b, r->states);
		break;
	case SW_RM_TW:
		sw_buf_puts(b, one ? " socket in TIME_WAIT" : " sockets in TIME_WAIT");
		break;
	case SW_RM_SOCKETS:
		sw_buf_puts(b, one ? " socket in any state" : " sockets in any state");
		break;
	case SW_RM_NEW_PER_S:
		sw_buf_puts(b, " new connections a second");
		break;
	case SW_RM_IDLE:
		sw_buf_printf(b, " inbound connections idle for %s",
			      sw_duration_text(r->idle_after_s, d, sizeof(d)));
		break;
	case SW_RM_STATE:
		sw_buf_printf(b, " %s in %s",
			      c->state == SW_TIME_WAIT ? (one ? "socket" : "sockets")
						       : (one ? "connection" : "connections"),
			      sw_state_name(c->state));
		break;
	default:
		break;
	}
}

static void group_words(struct sw_buf *b, unsigned v4, unsigned v6)
{
	if (v4 == 32 && v6 == 128)
		sw_buf_puts(b, "any address");
	else if (v4 == 32)
		sw_buf_printf(b, "any address (IPv6: any /%u)", v6);
	else if (v6 == 128)
		sw_buf_printf(b, "any /%u (IPv6: any address)", v4);
	else
		sw_buf_printf(b, "any /%u (IPv6: /%u)", v4, v6);
}

char *sw_rule_describe(const struct sw_rule *r, char *buf, size_t len)
{
	struct sw_buf b;
	char d[16], m[16];

	sw_buf_init(&b);
	if (r->dry_run)
		sw_buf_puts(&b, "dry run: log (never send) a ");
	sw_buf_printf(&b, "ban for %s ", sw_duration_text(r->ban_s, d, sizeof(d)));
	group_words(&b, r->group_v4, r->group_v6);
	sw_buf_puts(&b, " holding ");
	for (unsigned i = 0; i < r->nconds; i++) {
		if (i)
			sw_buf_puts(&b, " and ");
		cond_words(&b, r, &r->cond[i]);
	}
	if (r->incoming || r->match_text) {
		sw_buf_puts(&b, ", counting only");
		if (r->incoming)
			sw_buf_puts(&b, " inbound sockets");
		if (r->match_text)
			sw_buf_printf(&b, "%s sockets matching '%s'",
				      r->incoming ? " and" : "", r->match_text);
	}
	sw_buf_printf(&b, ", after %u refresh%s", r->hold,
		      r->hold == 1 ? "" : "es in a row");
	if (r->kill)
		sw_buf_puts(&b, "; end its open connections");
	if (r->esc_factor > 1)
		sw_buf_printf(&b, "; a repeat offender within %s gets the ban x%g "
			      "each time, up to %s",
			      sw_duration_text(r->esc_window_s, d, sizeof(d)),
			      r->esc_factor,
			      sw_duration_text(r->esc_max_s, m, sizeof(m)));
	if (r->prefix_after && r->group_v4 == 32)
		sw_buf_printf(&b, "; %u banned addresses in one /%u (IPv6 /%u) ban "
			      "the prefix", r->prefix_after, r->prefix_v4,
			      r->prefix_v6);
	else if (r->prefix_after)
		sw_buf_printf(&b, "; %u banned /%us in one /%u (IPv6 /%us in a /%u) "
			      "ban the wider prefix", r->prefix_after, r->group_v4,
			      r->prefix_v4, r->group_v6, r->prefix_v6);
	sw_buf_printf(&b, "; at most %u ban%s a minute, else it stops banning",
		      r->breaker, r->breaker == 1 ? "" : "s");
	snprintf(buf, len, "%s", b.data && !b.oom ? b.data : "");
	sw_buf_free(&b);
	return buf;
}
