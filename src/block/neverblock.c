/* neverblock.c - collect the never-block list from its sources, fresh. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_block.h"
#include "sw_cause.h"
#include "sw_file.h"
#include "sw_neverblock.h"
#include "sw_rtnl.h"
#include "sw_sshpeer.h"

int sw_neverblock_allow(struct sw_policy *p, const char *path, bool named,
			char **cause)
{
	char *text, err[SW_BLOCK_MSG_LEN], *why = NULL;
	size_t len;
	int r;

	if (sw_file_read(path, "the allow list", SW_NEVERBLOCK_ALLOW_MAX, &text,
			 &len, &why) < 0) {
		if (errno == ENOENT && !named) {
			free(why);
			return 0;
		}
		r = sw_cause_set(cause, "%s%s", sw_cause_text(why),
				 errno == ENOENT || errno == EACCES
					 ? " (fix it or set --allow-file)" : "");
		free(why);
		return r;
	}
	r = sw_policy_parse_allow(p, text, len, path, err, sizeof(err));
	free(text);
	if (r < 0)
		return sw_cause_set(cause, "%s", err);
	return r;
}

int sw_neverblock_read(struct sw_policy *p, const char *allow_path,
		       bool named, struct sw_sockkill *k,
		       const char *ssh_connection, char **cause)
{
	char *why = NULL;

	if (sw_policy_init(p) < 0)
		return sw_cause_set(cause, "blocking: out of memory");
	if (sw_neverblock_allow(p, allow_path, named, cause) < 0)
		goto fail;
	/* without these the policy would be blind: refuse to block at all */
	if (sw_rtnl_host_addrs(p, cause) < 0 || sw_rtnl_gateways(p, cause) < 0)
		goto fail;
	if (sw_sshpeer_add(p, k, ssh_connection, &why) < 0) {
		sw_cause_set(cause, "finding SSH peers: %s", sw_cause_text(why));
		free(why);
		goto fail;
	}
	return 0;
fail:
	sw_policy_free(p);
	return -1;
}
