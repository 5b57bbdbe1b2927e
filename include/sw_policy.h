/* sw_policy.h - what may be blocked: the never-block list, the allow
 * list and the prefix floors.
 *
 * Core header: pure functions, no I/O. The edges collect the data (host
 * addresses and gateways from rtnetlink, SSH peers, the allow-list text)
 * and add it here; the check is then a plain walk over the entries. */
#ifndef SW_POLICY_H
#define SW_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_addr.h"

/* Shortest prefixes blocked without force. */
#define SW_POLICY_FLOOR_V4 16
#define SW_POLICY_FLOOR_V6 48

/* Why an entry may never be blocked. */
enum sw_policy_kind {
	SW_POLICY_LOOPBACK,
	SW_POLICY_HOST,    /* an address of this host */
	SW_POLICY_GATEWAY, /* a default gateway */
	SW_POLICY_SSH,     /* the operator's SSH peer, or an sshd peer */
	SW_POLICY_ALLOW,   /* a line of the allow list */
	SW_POLICY_KIND_MAX
};

#define SW_POLICY_NOTE_LEN 64

struct sw_policy_entry {
	struct sw_prefix pfx;
	unsigned kind;                 /* enum sw_policy_kind */
	char note[SW_POLICY_NOTE_LEN]; /* where it came from: "veth0",
					  "SSH_CONNECTION", "/etc/sockwatch/allow:3";
					  "" when nothing to add */
};

struct sw_policy {
	struct sw_policy_entry *v; /* owned; freed by sw_policy_free */
	size_t n, cap;
};

/* Start a policy holding the loopback prefixes (127.0.0.0/8, ::1/128).
 * Returns 0, or -1 on ENOMEM (p is then empty but safe to free). */
int sw_policy_init(struct sw_policy *p);

/* Append one entry; note may be NULL. Returns 0 or -1 (ENOMEM). */
int sw_policy_add(struct sw_policy *p, const struct sw_prefix *pfx,
		  enum sw_policy_kind kind, const char *note);

/* Parse allow-list text: one address or CIDR a line, '#' starts a
 * comment, blank lines ignored. Entries are added as SW_POLICY_ALLOW with
 * note "NAME:LINE". Returns the number of entries added, or -1 with a
 * one-line message in err naming the first bad line
 * ("allow:3: '10.0.0.0/33': prefix length 33 is larger than 32 for IPv4");
 * on error nothing from this text is kept. */
int sw_policy_parse_allow(struct sw_policy *p, const char *text, size_t len,
			  const char *name, char *err, size_t errlen);

/* May target be blocked? Walks the entries in order of kind (loopback
 * first, allow list last), refusing a target inside an entry and a
 * prefix containing one, then applies the floors. Returns true when
 * allowed; false with a one-line reason in why ("192.0.2.0/24 contains
 * 192.0.2.1, a default gateway (veth0)"). why may be NULL. */
bool sw_policy_check(const struct sw_policy *p, const struct sw_prefix *target,
		     bool force, char *why, size_t whylen);

/* Index of the first prefix in v[0..n) that shares an address with
 * target, or -1. For the overlap refusal of interval sets. */
long sw_policy_find_overlap(const struct sw_prefix *target,
			    const struct sw_prefix *v, size_t n);

void sw_policy_free(struct sw_policy *p);

#endif
