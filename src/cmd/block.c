/* block.c - the subcommands block, unblock, blocks and --cleanup: turn
 * the parsed options into blocker calls and print what happened.
 * Exit codes: 0 done (or dry run), 1 refused or failed, 2 bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_block.h"
#include "sw_buf.h"
#include "sw_cause.h"
#include "sw_cmd.h"

typedef int (*sw_block_cmd_fn)(struct sw_blocker *b, const struct sw_opts *o);

/* Print a result; returns the exit code. */
static int sw_block_report(const struct sw_block_result *r)
{
	switch (r->outcome) {
	case SW_BLOCK_DRY_RUN:
		printf("# %s\n", r->message);
		if (r->killed >= 0)
			printf("# would end %d connection%s\n", r->killed,
			       r->killed == 1 ? "" : "s");
		else if (r->kill_error[0])
			printf("# ending connections: %s\n", r->kill_error);
		fputs(r->nft ? r->nft : "", stdout);
		return 0;
	case SW_BLOCK_SENT:
		if (r->repaired[0])
			fprintf(stderr, "sockwatch: repaired table inet %s: %s\n",
				SW_BLOCK_TABLE, r->repaired);
		printf("%s\n", r->message);
		if (r->killed >= 0) {
			printf("ended %d connection%s\n", r->killed,
			       r->killed == 1 ? "" : "s");
		} else if (r->kill_error[0]) {
			fprintf(stderr, "sockwatch: ending connections: %s\n",
				r->kill_error);
			return 1;
		}
		return 0;
	case SW_BLOCK_REFUSED:
		fprintf(stderr, "sockwatch: refused: %s\n", r->message);
		return 1;
	default:
		fprintf(stderr, "sockwatch: %s\n", r->message);
		return 1;
	}
}

static int sw_block_target(const char *cmd, const char *text, struct sw_prefix *t)
{
	const char *why;

	if (sw_prefix_parse(text, t, &why) < 0) {
		fprintf(stderr, "sockwatch: %s: '%s': %s\n", cmd, text, why);
		return -1;
	}
	return 0;
}

static int sw_block_cmd_block(struct sw_blocker *b, const struct sw_opts *o)
{
	struct sw_block_req req;
	struct sw_block_result r;
	uint32_t states[SW_ST_MAX];
	int n, rc;

	memset(&req, 0, sizeof(req));
	if (sw_block_target("block", o->target, &req.target) < 0)
		return 2;
	n = sw_blocker_count(b, &req.target, states, NULL);
	if (n >= 0) {
		req.connections = (uint32_t)n;
		req.states = states;
	}
	req.timeout_s = o->block_for_s;
	req.kill = o->kill;
	req.replace = o->replace;
	req.reason = o->reason;
	sw_blocker_block(b, &req, &r);
	rc = sw_block_report(&r);
	sw_block_result_clear(&r);
	return rc;
}

/* "FIRST-LAST" (one family, first <= last): a range as blocks lists it. */
static int sw_block_range(const char *text, struct sw_prefix *first,
			  uint8_t last[16])
{
	const char *dash = strchr(text, '-'), *why;
	char a[SW_ADDR_STRLEN];
	struct sw_prefix l;

	if (!dash || (size_t)(dash - text) >= sizeof(a))
		return 0;
	snprintf(a, sizeof(a), "%.*s", (int)(dash - text), text);
	if (sw_prefix_parse(a, first, &why) < 0 ||
	    sw_prefix_parse(dash + 1, &l, &why) < 0 ||
	    first->plen != sw_family_bits(first->family) ||
	    l.plen != sw_family_bits(l.family) || l.family != first->family ||
	    memcmp(first->bytes, l.bytes, 16) > 0) {
		fprintf(stderr, "sockwatch: unblock: '%s': not a range FIRST-LAST "
			"of two addresses of one family, FIRST <= LAST\n", text);
		return -1;
	}
	memcpy(last, l.bytes, 16);
	return 1;
}

static int sw_block_cmd_unblock(struct sw_blocker *b, const struct sw_opts *o)
{
	struct sw_block_result r;
	struct sw_prefix t;
	uint8_t last[16];
	int rc;

	if (o->all) {
		sw_blocker_unblock_all(b, &r);
	} else {
		rc = sw_block_range(o->target, &t, last);
		if (rc < 0)
			return 2;
		if (rc > 0)
			sw_blocker_unblock_range(b, t.family, t.bytes, last, &r);
		else if (sw_block_target("unblock", o->target, &t) < 0)
			return 2;
		else
			sw_blocker_unblock(b, &t, &r);
	}
	rc = sw_block_report(&r);
	sw_block_result_clear(&r);
	return rc;
}

static int sw_block_cmd_cleanup(struct sw_blocker *b, const struct sw_opts *o)
{
	struct sw_block_result r;
	int rc;

	(void)o;
	sw_blocker_cleanup(b, &r);
	rc = sw_block_report(&r);
	sw_block_result_clear(&r);
	return rc;
}

static void sw_block_json(struct sw_buf *out, const struct sw_block_list *l)
{
	size_t i;

	sw_buf_printf(out, "{\"table\":\"inet %s\",\"time_ns\":%llu,\"blocks\":[",
		      SW_BLOCK_TABLE, (unsigned long long)l->time_ns);
	for (i = 0; i < l->n; i++) {
		const struct sw_block_entry *e = &l->v[i];
		char t[SW_BLOCK_TARGET_STRLEN];

		sw_buf_printf(out, "%s{\"target\":", i ? "," : "");
		sw_buf_json_str(out, sw_block_entry_target(e, t, sizeof(t)));
		/* no timeout: it never expires */
		sw_buf_puts(out, ",\"timeout_s\":");
		if (e->timeout_s > 0)
			sw_buf_json_num(out, e->timeout_s, 3);
		else
			sw_buf_puts(out, "null");
		sw_buf_puts(out, ",\"expires_s\":");
		if (e->timeout_s > 0)
			sw_buf_json_num(out, e->expires_s, 3);
		else
			sw_buf_puts(out, "null");
		sw_buf_printf(out, ",\"packets\":%llu,\"bytes\":%llu,\"comment\":",
			      (unsigned long long)e->packets,
			      (unsigned long long)e->bytes);
		sw_buf_json_str(out, e->comment);
		sw_buf_puts(out, "}");
	}
	sw_buf_puts(out, "]}\n");
}

static void sw_block_text(struct sw_buf *out, const struct sw_block_list *l)
{
	size_t i;

	if (!l->n) {
		sw_buf_puts(out, "nothing is blocked\n");
		return;
	}
	sw_buf_printf(out, "%-24s %9s %12s %14s  %s\n", "TARGET", "EXPIRES",
		      "PACKETS", "BYTES", "COMMENT");
	for (i = 0; i < l->n; i++) {
		const struct sw_block_entry *e = &l->v[i];
		char t[SW_BLOCK_TARGET_STRLEN], left[16];

		sw_buf_printf(out, "%-24s %9s %12llu %14llu  ",
			      sw_block_entry_target(e, t, sizeof(t)),
			      sw_block_entry_left(e, left, sizeof(left)),
			      (unsigned long long)e->packets,
			      (unsigned long long)e->bytes);
		/* comments may come from anyone with nft */
		sw_buf_puts_safe(out, e->comment);
		sw_buf_puts(out, "\n");
	}
}

static int sw_block_cmd_blocks(struct sw_blocker *b, const struct sw_opts *o)
{
	struct sw_buf out;
	char *cause = NULL, why[SW_BLOCK_MSG_LEN];
	int rc = 0;

	if (sw_blocker_unavailable(b)) {
		fprintf(stderr, "sockwatch: blocks: %s\n", sw_blocker_unavailable(b));
		return 1;
	}
	if (sw_blocker_refresh(b, &cause) < 0) {
		fprintf(stderr, "sockwatch: blocks: %s\n", cause);
		free(cause);
		return 1;
	}
	if (sw_blocker_damage(b, why, sizeof(why), NULL) > 0)
		fprintf(stderr, "sockwatch: warning: table inet %s is damaged (%s): "
			"these blocks may drop nothing until the next block or "
			"unblock repairs it\n", SW_BLOCK_TABLE, why);
	sw_buf_init(&out);
	if (o->json)
		sw_block_json(&out, sw_blocker_list(b));
	else
		sw_block_text(&out, sw_blocker_list(b));
	if (out.oom) {
		fprintf(stderr, "sockwatch: blocks: out of memory\n");
		rc = 1;
	} else if (out.len) {
		fwrite(out.data, 1, out.len, stdout);
	}
	sw_buf_free(&out);
	return rc;
}

/* Open the blocker, run one subcommand on it, close it. */
static int sw_block_with(const struct sw_opts *o, sw_block_cmd_fn fn)
{
	struct sw_block_opts bo = {
		.dry_run = o->dry_run,
		.force = o->force,
		.allow_file = o->allow_file,
		.audit_log = o->audit_log,
		.netns = o->engine.netns,
	};
	struct sw_blocker *b;
	char *cause = NULL;
	int rc;

	b = sw_blocker_open(&bo, &cause);
	if (!b) {
		fprintf(stderr, "sockwatch: %s\n", cause ? cause : "blocking: out of memory");
		free(cause);
		return 1;
	}
	rc = fn(b, o);
	fflush(stdout);
	{
		const char *lost;

		/* done but not logged is a failure too */
		if (sw_blocker_audit_failures(b, &lost) && rc == 0) {
			fprintf(stderr, "sockwatch: %s\n", lost);
			rc = 1;
		}
	}
	sw_blocker_close(b);
	return rc;
}

static int sw_block_run_block(const struct sw_opts *o)
{
	return sw_block_with(o, sw_block_cmd_block);
}

static int sw_block_run_unblock(const struct sw_opts *o)
{
	return sw_block_with(o, sw_block_cmd_unblock);
}

static int sw_block_run_blocks(const struct sw_opts *o)
{
	return sw_block_with(o, sw_block_cmd_blocks);
}

static int sw_block_run_cleanup(const struct sw_opts *o)
{
	return sw_block_with(o, sw_block_cmd_cleanup);
}

static int sw_block_check_block(const struct sw_cmd_entry *e,
				const struct sw_opts *o, char **cause)
{
	(void)e;
	if (o->target)
		return 0;
	return sw_cause_set(cause, "block: which address? e.g. sockwatch "
			    "block 203.0.113.7");
}

static int sw_block_check_unblock(const struct sw_cmd_entry *e,
				  const struct sw_opts *o, char **cause)
{
	(void)e;
	if (!o->target && !o->all)
		return sw_cause_set(cause, "unblock: give ADDR[/PREFIX] or --all");
	if (o->target && o->all)
		return sw_cause_set(cause, "unblock: give either ADDR[/PREFIX] or "
				    "--all, not both");
	return 0;
}

static int sw_block_check_no_target(const struct sw_cmd_entry *e,
				    const struct sw_opts *o, char **cause)
{
	if (!o->target)
		return 0;
	return sw_cause_set(cause, "%s takes no address", e->label);
}

const struct sw_cmd_entry sw_cmd_block_entry = {
	.mode = SW_MODE_BLOCK,
	.name = "block",
	.label = "block",
	.usage = "block ADDR[/PREFIX] [--for DURATION] [--kill] [--reason TEXT]\n"
		 "                                           "
		 "[--replace] [--dry-run] [--force]\n",
	.options = (const char *const[]){"for", "kill", "reason", "force",
					 "replace", "dry-run", NULL},
	.check = sw_block_check_block,
	.run = sw_block_run_block,
	.flush = true,
};

const struct sw_cmd_entry sw_cmd_unblock_entry = {
	.mode = SW_MODE_UNBLOCK,
	.name = "unblock",
	.label = "unblock",
	.usage = "unblock ADDR[/PREFIX] | FIRST-LAST | --all\n",
	.options = (const char *const[]){"dry-run", NULL},
	.check = sw_block_check_unblock,
	.run = sw_block_run_unblock,
	.flush = true,
};

const struct sw_cmd_entry sw_cmd_blocks_entry = {
	.mode = SW_MODE_BLOCKS,
	.name = "blocks",
	.label = "blocks",
	.usage = "blocks [--json]           what is blocked now\n",
	.options = (const char *const[]){"json", NULL},
	.check = sw_block_check_no_target,
	.run = sw_block_run_blocks,
	.flush = true,
};

const struct sw_cmd_entry sw_cmd_cleanup_entry = {
	.mode = SW_MODE_CLEANUP,
	.label = "--cleanup",
	.usage = "--cleanup                 remove sockwatch's nftables table\n",
	.options = (const char *const[]){"dry-run", NULL},
	.check = sw_block_check_no_target,
	.run = sw_block_run_cleanup,
	.flush = true,
};
