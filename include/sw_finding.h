/* sw_finding.h - one finding of the diagnosis: what is happening, to
 * which subject, the numbers behind it, the advice, and the action
 * sockwatch can take. Shared by the diagnosis (src/core/diagnosis*.c),
 * batch output, the TUI, rules (a condition "finding of kind K"), metrics
 * and the report.
 *
 * Core header: plain data, no I/O. */
#ifndef SW_FINDING_H
#define SW_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "sw_addr.h"

/* The kinds, in no particular order; the names are the JSON/metric
 * names ("syn_flood", ...). Add a kind here, in the name table
 * (sw_finding_kind_name) and in the diagnosis' detector table. */
enum sw_finding_kind {
	SW_FK_SYN_FLOOD,
	SW_FK_CONNECTION_FLOOD,
	SW_FK_SLOW_CLIENTS,
	SW_FK_ACCEPT_QUEUE_FULL,
	SW_FK_CLOSE_WAIT_PILEUP,
	SW_FK_TIME_WAIT_PILEUP,
	SW_FK_PORT_EXHAUSTION,
	SW_FK_RESET_STORM,
	SW_FK_UDP_DROPS,
	SW_FK_CONNTRACK_FULL, /* added: nf_conntrack_count near its max */
	SW_FK_MAX
};

enum sw_severity { SW_SEV_WARN = 1, SW_SEV_CRIT = 2 };

enum sw_subject_kind {
	SW_SUBJ_HOST,     /* the host (a setting, a counter) */
	SW_SUBJ_LISTENER, /* a listening port: proto, port (family/addr when
			     one listener is meant; family 0: the port) */
	SW_SUBJ_REMOTE,   /* a remote address or prefix (remote) */
	SW_SUBJ_LOCAL,    /* a local port that is not a listener (CLOSE_WAIT on
			     outbound sockets; port_exhaustion's destination
			     goes in remote with dport) */
};

struct sw_finding_subject {
	enum sw_subject_kind kind;
	uint8_t proto;         /* enum sw_proto (LISTENER, LOCAL) */
	uint8_t family;        /* enum sw_family, 0 when any */
	uint16_t port;         /* local port (LISTENER, LOCAL); remote port
				  for port_exhaustion */
	uint8_t addr[16];      /* listener address when family != 0 */
	struct sw_prefix remote; /* REMOTE, and port_exhaustion's target */
	char process[16];      /* owning process when known, "" */
};

#define SW_FINDING_EVIDENCE 8
#define SW_FINDING_ADVICE_LEN 256
#define SW_FINDING_TEXT_LEN 160

/* One number behind a finding: a stable key (JSON/metric friendly,
 * "syn_recv", "backlog", "syncookies_sent_per_s") and its value.
 * key points to static storage. */
struct sw_evidence {
	const char *key;
	double value;
};

enum sw_action_kind {
	SW_ACT_NONE,  /* nothing sockwatch can do: the advice says what to */
	SW_ACT_BLOCK, /* block target (an address or prefix) */
};

struct sw_finding {
	enum sw_finding_kind kind;
	enum sw_severity severity;
	struct sw_finding_subject subject;
	/* One line saying what is happening, for the screen and the text
	 * output ("SYN flood on :80: 4,097 half-open, sources look spoofed"). */
	char text[SW_FINDING_TEXT_LEN];
	/* One line of advice, with the exact command or setting where one
	 * fits ("sysctl -w net.ipv4.tcp_syncookies=1"). */
	char advice[SW_FINDING_ADVICE_LEN];
	struct sw_evidence evidence[SW_FINDING_EVIDENCE];
	unsigned nevidence;
	enum sw_action_kind action;
	struct sw_prefix target; /* SW_ACT_BLOCK */
	uint64_t since_ns;       /* wall clock of the refresh it first held
				    (kept while it holds), for reports */
};

/* "syn_flood", ...; "unknown" out of range. Static, never NULL. */
const char *sw_finding_kind_name(unsigned kind);
/* The kind named name, or -1. */
int sw_finding_kind_parse(const char *name);
/* "warn", "crit". Static, never NULL. */
const char *sw_severity_name(unsigned sev);

#endif
