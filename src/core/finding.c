/* finding.c - the names of the kinds and severities of findings. */
#include <string.h>

#include "sw_finding.h"

static const char *const finding_kind_names[SW_FK_MAX] = {
	[SW_FK_SYN_FLOOD] = "syn_flood",
	[SW_FK_CONNECTION_FLOOD] = "connection_flood",
	[SW_FK_SLOW_CLIENTS] = "slow_clients",
	[SW_FK_ACCEPT_QUEUE_FULL] = "accept_queue_full",
	[SW_FK_CLOSE_WAIT_PILEUP] = "close_wait_pileup",
	[SW_FK_TIME_WAIT_PILEUP] = "time_wait_pileup",
	[SW_FK_PORT_EXHAUSTION] = "port_exhaustion",
	[SW_FK_RESET_STORM] = "reset_storm",
	[SW_FK_UDP_DROPS] = "udp_drops",
	[SW_FK_CONNTRACK_FULL] = "conntrack_full",
};

const char *sw_finding_kind_name(unsigned kind)
{
	return kind < SW_FK_MAX && finding_kind_names[kind]
		       ? finding_kind_names[kind]
		       : "unknown";
}

int sw_finding_kind_parse(const char *name)
{
	for (unsigned k = 0; k < SW_FK_MAX; k++)
		if (finding_kind_names[k] && strcmp(name, finding_kind_names[k]) == 0)
			return (int)k;
	return -1;
}

const char *sw_severity_name(unsigned sev)
{
	return sev == SW_SEV_CRIT ? "crit" : sev == SW_SEV_WARN ? "warn" : "unknown";
}
