/* test_rtnl.c - host addresses and default gateways from canned
 * rtnetlink replies: the never-block list checked without root. */
#include "sw_test.h"

#include <errno.h>
#include <stdio.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "sw_policy.h"
#include "sw_rtnl.h"

/* An interface index no machine has: noted "if9999". */
#define IFX 9999

struct canned {
	char buf[8192];
	size_t len;
};

static struct nlmsghdr *put(struct canned *c, uint16_t type, size_t extra)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf + c->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	mnl_nlmsg_put_extra_header(nlh, extra);
	return nlh;
}

static void done(struct canned *c, struct nlmsghdr *last)
{
	if (last)
		c->len += last->nlmsg_len;
	struct nlmsghdr *d = put(c, NLMSG_DONE, sizeof(int));

	c->len += d->nlmsg_len;
}

static void bytes(const char *text, int af, void *out)
{
	assert_int_equal(inet_pton(af, text, out), 1);
}

static void addr(struct canned *c, int af, const char *local, const char *address)
{
	struct nlmsghdr *nlh = put(c, RTM_NEWADDR, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	uint8_t b[16];
	size_t alen = af == AF_INET ? 4 : 16;

	ifa->ifa_family = (uint8_t)af;
	ifa->ifa_prefixlen = af == AF_INET ? 24 : 64;
	ifa->ifa_index = IFX;
	if (address) {
		bytes(address, af, b);
		mnl_attr_put(nlh, IFA_ADDRESS, alen, b);
	}
	if (local) {
		bytes(local, af, b);
		mnl_attr_put(nlh, IFA_LOCAL, alen, b);
	}
	c->len += nlh->nlmsg_len;
}

static struct nlmsghdr *route(struct canned *c, int af, const char *dst,
			      unsigned dst_len, unsigned type)
{
	struct nlmsghdr *nlh = put(c, RTM_NEWROUTE, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	uint8_t b[16];

	rtm->rtm_family = (uint8_t)af;
	rtm->rtm_dst_len = (uint8_t)dst_len;
	rtm->rtm_type = (uint8_t)type;
	rtm->rtm_table = RT_TABLE_MAIN;
	if (dst) {
		bytes(dst, af, b);
		mnl_attr_put(nlh, RTA_DST, af == AF_INET ? 4 : 16, b);
	}
	mnl_attr_put_u32(nlh, RTA_OIF, IFX);
	return nlh;
}

static void gateway(struct nlmsghdr *nlh, int af, const char *gw)
{
	uint8_t b[16];

	bytes(gw, af, b);
	mnl_attr_put(nlh, RTA_GATEWAY, af == AF_INET ? 4 : 16, b);
}

/* The entry for exactly text, or NULL. */
static const struct sw_policy_entry *find(const struct sw_policy *p,
					  const char *text)
{
	struct sw_prefix x = sw_test_prefix(text);

	for (size_t i = 0; i < p->n; i++)
		if (sw_prefix_eq(&p->v[i].pfx, &x))
			return &p->v[i];
	return NULL;
}

static void expect_entry(const struct sw_policy *p, const char *text,
			 unsigned kind, const char *note, const char *refusal)
{
	const struct sw_policy_entry *e = find(p, text);
	struct sw_prefix t = sw_test_prefix(text);
	char why[256] = "";

	if (!e)
		fail_msg("%s is not on the never-block list", text);
	assert_int_equal(e->kind, kind);
	assert_string_equal(e->note, note);
	if (sw_policy_check(p, &t, false, why, sizeof(why)))
		fail_msg("%s may be blocked", text);
	if (!strstr(why, refusal))
		fail_msg("%s: refusal '%s' lacks '%s'", text, why, refusal);
}

static void test_host_addrs(void **state)
{
	struct canned c = {.len = 0};
	struct sw_policy p;

	(void)state;
	addr(&c, AF_INET, "192.0.2.1", "192.0.2.1");
	/* point-to-point: IFA_ADDRESS is the peer, IFA_LOCAL ours */
	addr(&c, AF_INET, "198.51.100.1", "198.51.100.2");
	addr(&c, AF_INET6, NULL, "2001:db8::1");
	addr(&c, AF_INET6, NULL, "fe80::1");
	done(&c, NULL);
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_rtnl_parse_addrs(&p, c.buf, c.len), 4);
	expect_entry(&p, "192.0.2.1", SW_POLICY_HOST, "if9999",
		     "192.0.2.1 is an address of this host (if9999)");
	expect_entry(&p, "198.51.100.1", SW_POLICY_HOST, "if9999",
		     "address of this host");
	assert_null(find(&p, "198.51.100.2"));
	expect_entry(&p, "2001:db8::1", SW_POLICY_HOST, "if9999",
		     "2001:db8::1 is an address of this host");
	expect_entry(&p, "fe80::1", SW_POLICY_HOST, "if9999", "address of this host");
	sw_policy_free(&p);
}

static void test_gateways(void **state)
{
	struct canned c = {.len = 0};
	struct sw_policy p;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = route(&c, AF_INET, NULL, 0, RTN_UNICAST);
	gateway(nlh, AF_INET, "192.0.2.254");
	c.len += nlh->nlmsg_len;
	nlh = route(&c, AF_INET6, NULL, 0, RTN_UNICAST);
	gateway(nlh, AF_INET6, "2001:db8::fe");
	c.len += nlh->nlmsg_len;
	/* not a default: not a gateway */
	nlh = route(&c, AF_INET, "10.0.0.0", 8, RTN_UNICAST);
	gateway(nlh, AF_INET, "203.0.113.99");
	c.len += nlh->nlmsg_len;
	/* a blackhole default has no gateway to keep */
	nlh = route(&c, AF_INET, NULL, 0, RTN_BLACKHOLE);
	gateway(nlh, AF_INET, "203.0.113.98");
	done(&c, nlh);
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_rtnl_parse_routes(&p, c.buf, c.len), 2);
	expect_entry(&p, "192.0.2.254", SW_POLICY_GATEWAY, "via if9999",
		     "192.0.2.254 is a default gateway (via if9999)");
	expect_entry(&p, "2001:db8::fe", SW_POLICY_GATEWAY, "via if9999",
		     "2001:db8::fe is a default gateway");
	assert_null(find(&p, "203.0.113.99"));
	assert_null(find(&p, "203.0.113.98"));
	sw_policy_free(&p);
}

/* VPNs route 0.0.0.0/1 and 128.0.0.0/1 to win over the default. */
static void test_split_default(void **state)
{
	struct canned c = {.len = 0};
	struct sw_policy p;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = route(&c, AF_INET, "0.0.0.0", 1, RTN_UNICAST);
	gateway(nlh, AF_INET, "203.0.113.1");
	c.len += nlh->nlmsg_len;
	nlh = route(&c, AF_INET, "128.0.0.0", 1, RTN_UNICAST);
	gateway(nlh, AF_INET, "203.0.113.2");
	c.len += nlh->nlmsg_len;
	nlh = route(&c, AF_INET6, "8000::", 1, RTN_UNICAST);
	gateway(nlh, AF_INET6, "2001:db8:5::1");
	c.len += nlh->nlmsg_len;
	/* a /2 is no longer half of the default */
	nlh = route(&c, AF_INET, "64.0.0.0", 2, RTN_UNICAST);
	gateway(nlh, AF_INET, "203.0.113.3");
	done(&c, nlh);
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_rtnl_parse_routes(&p, c.buf, c.len), 3);
	expect_entry(&p, "203.0.113.1", SW_POLICY_GATEWAY, "via if9999", "default gateway");
	expect_entry(&p, "203.0.113.2", SW_POLICY_GATEWAY, "via if9999", "default gateway");
	expect_entry(&p, "2001:db8:5::1", SW_POLICY_GATEWAY, "via if9999", "default gateway");
	assert_null(find(&p, "203.0.113.3"));
	sw_policy_free(&p);
}

/* An IPv4 default through an IPv6 next hop (RTA_VIA), and a multipath
 * default with two next hops. */
static void test_via_multipath(void **state)
{
	struct canned c = {.len = 0};
	struct sw_policy p;
	struct nlmsghdr *nlh;
	struct nlattr *mp;
	/* struct rtvia ends in a flexible array: family, then the address */
	uint8_t via[sizeof(struct rtvia) + 16];
	const char *hops[] = {"198.51.100.1", "198.51.100.2"};

	(void)state;
	nlh = route(&c, AF_INET, NULL, 0, RTN_UNICAST);
	memset(via, 0, sizeof(via));
	((struct rtvia *)via)->rtvia_family = AF_INET6;
	bytes("fe80::99", AF_INET6, via + sizeof(struct rtvia));
	mnl_attr_put(nlh, RTA_VIA, sizeof(via), &via);
	c.len += nlh->nlmsg_len;

	nlh = route(&c, AF_INET, NULL, 0, RTN_UNICAST);
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	for (unsigned i = 0; i < 2; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);
		uint8_t b[4];

		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = IFX;
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*nh));
		bytes(hops[i], AF_INET, b);
		mnl_attr_put(nlh, RTA_GATEWAY, 4, b);
		nh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) -
						(char *)nh);
	}
	mnl_attr_nest_end(nlh, mp);
	done(&c, nlh);
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_rtnl_parse_routes(&p, c.buf, c.len), 3);
	expect_entry(&p, "fe80::99", SW_POLICY_GATEWAY, "via if9999", "default gateway");
	expect_entry(&p, "198.51.100.1", SW_POLICY_GATEWAY, "via if9999", "default gateway");
	expect_entry(&p, "198.51.100.2", SW_POLICY_GATEWAY, "via if9999", "default gateway");
	sw_policy_free(&p);
}

/* A reply without its NLMSG_DONE, or whose DONE carries an error (a
 * dump that failed midway), is an error, not a short list. */
static void test_incomplete(void **state)
{
	struct canned c = {.len = 0};
	struct sw_policy p;
	struct nlmsghdr *d;

	(void)state;
	addr(&c, AF_INET6, NULL, "2001:db8::1");
	assert_int_equal(sw_policy_init(&p), 0);
	assert_int_equal(sw_rtnl_parse_addrs(&p, c.buf, c.len), -1);
	d = put(&c, NLMSG_DONE, sizeof(int));
	*(int *)mnl_nlmsg_get_payload(d) = -EINTR;
	c.len += d->nlmsg_len;
	assert_int_equal(sw_rtnl_parse_addrs(&p, c.buf, c.len), -1);
	sw_policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_addrs),
		cmocka_unit_test(test_gateways),
		cmocka_unit_test(test_split_default),
		cmocka_unit_test(test_via_multipath),
		cmocka_unit_test(test_incomplete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
