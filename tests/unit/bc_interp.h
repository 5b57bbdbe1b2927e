/* bc_interp.h - test helper: a user-space mirror of the kernel's
 * inet_diag bytecode checker and interpreter (net/ipv4/inet_diag.c,
 * inet_diag_bc_audit and inet_diag_bc_run), for the ops sockwatch emits
 * and the port/address ones around them. Header-only, static functions:
 * included by tests/unit/test_diag_bc.c and tests/fuzz/fuzz_filter.c. */
#ifndef SW_BC_INTERP_H
#define SW_BC_INTERP_H

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* What the kernel's inet_diag_entry holds for a socket: its own family,
 * raw addresses (16 bytes for AF_INET6, first 4 for AF_INET), ports in
 * host order. */
struct bci_entry {
	int family;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
};

static inline bool bci_bits(const uint8_t *a, const uint8_t *b, int bits)
{
	int bytes = bits / 8, rest = bits % 8;

	if (bytes && memcmp(a, b, bytes))
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));
		if ((a[bytes] ^ b[bytes]) & m)
			return false;
	}
	return true;
}

static const uint8_t bci_mapped_head[12] = {0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0xff, 0xff};

/* 1 accept, 0 reject: the kernel's inet_diag_bc_run. */
static inline int bci_run(const void *bc0, int len, const struct bci_entry *e)
{
	const uint8_t *bc = bc0;

	while (len > 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;
		int yes = 1;
		switch (op->code) {
		case INET_DIAG_BC_NOP:
			break;
		case INET_DIAG_BC_JMP:
			yes = 0;
			break;
		case INET_DIAG_BC_S_EQ:
			yes = e->sport == op[1].no;
			break;
		case INET_DIAG_BC_S_GE:
			yes = e->sport >= op[1].no;
			break;
		case INET_DIAG_BC_S_LE:
			yes = e->sport <= op[1].no;
			break;
		case INET_DIAG_BC_D_EQ:
			yes = e->dport == op[1].no;
			break;
		case INET_DIAG_BC_D_GE:
			yes = e->dport >= op[1].no;
			break;
		case INET_DIAG_BC_D_LE:
			yes = e->dport <= op[1].no;
			break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			const struct inet_diag_hostcond *c = (const void *)(op + 1);
			const uint8_t *addr = op->code == INET_DIAG_BC_S_COND ?
						      e->saddr :
						      e->daddr;
			if (c->port != -1 &&
			    c->port != (op->code == INET_DIAG_BC_S_COND ? e->sport :
									  e->dport)) {
				yes = 0;
				break;
			}
			if (c->family != AF_UNSPEC && c->family != e->family) {
				if (e->family == AF_INET6 && c->family == AF_INET &&
				    !memcmp(addr, bci_mapped_head, 12) &&
				    bci_bits(addr + 12, (const uint8_t *)c->addr,
					     c->prefix_len))
					break;
				yes = 0;
				break;
			}
			if (c->prefix_len == 0)
				break;
			if (bci_bits(addr, (const uint8_t *)c->addr, c->prefix_len))
				break;
			yes = 0;
			break;
		}
		default:
			return -1; /* an op this mirror does not model */
		}
		len -= yes ? op->yes : op->no;
		bc += yes ? op->yes : op->no;
	}
	return len == 0;
}

static inline bool bci_valid_cc(const uint8_t *bc, int len, int cc)
{
	while (len >= 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;
		if (cc > len)
			return false;
		if (cc == len)
			return true;
		if (op->yes < 4 || op->yes & 3)
			return false;
		len -= op->yes;
		bc += op->yes;
	}
	return false;
}

/* 0 when the kernel's inet_diag_bc_audit would accept the bytecode,
 * else -1 (EINVAL there). */
static inline int bci_audit(const void *bytecode, int bytecode_len)
{
	const uint8_t *bc = bytecode;
	int len = bytecode_len;

	if (len < (int)sizeof(struct inet_diag_bc_op))
		return -1;
	while (len > 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;
		int min_len = sizeof(*op);
		switch (op->code) {
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			const struct inet_diag_hostcond *c = (const void *)(op + 1);
			int alen;
			min_len += sizeof(*c);
			if (len < min_len)
				return -1;
			if (c->family == AF_UNSPEC)
				alen = 0;
			else if (c->family == AF_INET)
				alen = 4;
			else if (c->family == AF_INET6)
				alen = 16;
			else
				return -1;
			min_len += alen;
			if (len < min_len || c->prefix_len > 8 * alen)
				return -1;
			break;
		}
		case INET_DIAG_BC_S_EQ:
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_EQ:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
			min_len += sizeof(*op);
			if (len < min_len)
				return -1;
			break;
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP:
			break;
		default:
			return -1;
		}
		if (op->code != INET_DIAG_BC_NOP) {
			if (op->no < min_len || op->no > len + 4 || op->no & 3)
				return -1;
			if (op->no < len &&
			    !bci_valid_cc(bytecode, bytecode_len, len - op->no))
				return -1;
		}
		if (op->yes < min_len || op->yes > len + 4 || op->yes & 3)
			return -1;
		bc += op->yes;
		len -= op->yes;
	}
	return len == 0 ? 0 : -1;
}

#endif
