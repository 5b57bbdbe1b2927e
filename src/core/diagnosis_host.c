/* diagnosis_host.c - the host's own tables: conntrack_full (the
 * connection tracking table near nf_conntrack_max: past it the kernel
 * drops new connections, "nf_conntrack: table full, dropping packet"). */
#include <stdio.h>

#include "diagnosis_int.h"

enum { CT_NEAR, CT_CRIT, CT_MIN, CT_NLIMITS };

static const struct sw_diag_limit ct_limits[CT_NLIMITS] = {
	[CT_NEAR] = {"near_max", 0.9,
		"net.netfilter.nf_conntrack_count against nf_conntrack_max, at "
		"least"},
	[CT_CRIT] = {"crit_max", 0.98, "from which it is crit"},
	[CT_MIN] = {"min_count", 1000,
		"tracked connections, at least (a tiny table alone is no flood)"},
};

static int ct_detect(struct sw_diag_ctx *c)
{
	struct sw_finding_subject subj = { .kind = SW_SUBJ_HOST };
	long long n = sw_diag_host(c, SW_H_CONNTRACK_COUNT);
	long long max = sw_diag_host(c, SW_H_CONNTRACK_MAX);
	struct sw_finding *f;
	double share;

	if (n < 0 || max <= 0)
		return 0; /* not loaded, or not known */
	share = (double)n / (double)max;
	if (n < sw_diag_lim(c, CT_MIN) || share < sw_diag_lim(c, CT_NEAR))
		return 0;
	f = sw_diag_emit(c, share >= sw_diag_lim(c, CT_CRIT) ? SW_SEV_CRIT
							    : SW_SEV_WARN, &subj);
	if (!f)
		return -1;
	sw_diag_text(f, "conntrack table %.0f%% full: %lld of %lld tracked "
		     "connections; past it new ones are dropped", share * 100, n,
		     max);
	sw_diag_ev(f, "conntrack_count", (double)n);
	sw_diag_ev(f, "conntrack_max", (double)max);
	sw_diag_ev(f, "share", share);
	sw_diag_advice(f, "sysctl -w net.netfilter.nf_conntrack_max=%lld (memory: "
		       "about 300 bytes each); or leave the busiest port untracked "
		       "(an nft 'notrack' rule in a raw-priority chain)", max * 2);
	return 0;
}

const struct sw_diag_entry sw_diag_conntrack = {
	.kind = SW_FK_CONNTRACK_FULL,
	.detect = ct_detect,
	.persist = 2,
	.limits = ct_limits,
	.nlimits = CT_NLIMITS,
};
