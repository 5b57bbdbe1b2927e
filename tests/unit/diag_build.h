/* diag_build.h - test helper: sock_diag reply buffers built by hand
 * (netlink headers, inet_diag_msg, DONE and ERROR), for test_diag.c and
 * test_diag_info.c. Header-only, static functions; cmocka asserts. */
#ifndef SW_DIAG_BUILD_H
#define SW_DIAG_BUILD_H

#include <arpa/inet.h>
#include <string.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

struct bld {
	uint8_t b[8192];
	size_t len;
};

static inline void put_msg(struct bld *x, uint16_t type, uint32_t seq, uint32_t pid,
		    const void *pl, size_t plen)
{
	struct nlmsghdr h = {
		.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + plen),
		.nlmsg_type = type,
		.nlmsg_flags = NLM_F_MULTI,
		.nlmsg_seq = seq,
		.nlmsg_pid = pid,
	};

	assert_true(x->len + NLMSG_ALIGN(h.nlmsg_len) <= sizeof(x->b));
	memcpy(x->b + x->len, &h, sizeof(h));
	if (plen)
		memcpy(x->b + x->len + NLMSG_HDRLEN, pl, plen);
	x->len += NLMSG_ALIGN(h.nlmsg_len);
}

/* An inet_diag_msg; addresses as text, ports in host order. */
static inline void put_sock(struct bld *x, int af, unsigned state, const char *src,
		     unsigned sport, const char *dst, unsigned dport,
		     uint64_t cookie)
{
	struct inet_diag_msg m;

	memset(&m, 0, sizeof(m));
	m.idiag_family = (uint8_t)af;
	m.idiag_state = (uint8_t)state;
	assert_int_equal(inet_pton(af, src, m.id.idiag_src), 1);
	assert_int_equal(inet_pton(af, dst, m.id.idiag_dst), 1);
	m.id.idiag_sport = htons((uint16_t)sport);
	m.id.idiag_dport = htons((uint16_t)dport);
	m.id.idiag_cookie[0] = (uint32_t)cookie;
	m.id.idiag_cookie[1] = (uint32_t)(cookie >> 32);
	m.idiag_rqueue = 3;
	m.idiag_wqueue = 128;
	m.idiag_inode = 4242;
	put_msg(x, SOCK_DIAG_BY_FAMILY, 7, 99, &m, sizeof(m));
}

static inline void put_done(struct bld *x, int32_t err)
{
	put_msg(x, NLMSG_DONE, 7, 99, &err, sizeof(err));
}

static inline void put_error(struct bld *x, int32_t err)
{
	struct nlmsgerr e;

	memset(&e, 0, sizeof(e));
	e.error = err;
	put_msg(x, NLMSG_ERROR, 7, 99, &e, sizeof(e));
}

#endif
