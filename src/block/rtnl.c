/* rtnl.c - host addresses and default gateways from rtnetlink (libmnl),
 * added to the never-block list. One dump each, in the current netns. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "sw_cause.h"
#include "sw_nl.h"
#include "sw_rtnl.h"

struct sw_rtnl_ctx {
	struct sw_policy *p;
	int added;
	int nomem;
};

static int sw_rtnl_add(struct sw_rtnl_ctx *c, int af, const void *addr,
		       enum sw_policy_kind kind, unsigned ifindex,
		       const char *prefix_word)
{
	uint8_t bytes[16] = {0};
	char ifname[IF_NAMESIZE] = "", note[SW_POLICY_NOTE_LEN];
	struct sw_prefix pfx;
	unsigned family = af == AF_INET ? 4 : 6;

	memcpy(bytes, addr, af == AF_INET ? 4 : 16);
	sw_prefix_make_norm(&pfx, family, bytes, sw_family_bits(family));
	if (ifindex && !if_indextoname(ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "if%u", ifindex);
	snprintf(note, sizeof(note), "%s%s", ifname[0] ? prefix_word : "", ifname);
	if (sw_policy_add(c->p, &pfx, kind, note) < 0) {
		c->nomem = 1;
		return MNL_CB_ERROR;
	}
	c->added++;
	return MNL_CB_OK;
}

static int sw_rtnl_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *local = NULL, *address = NULL, *use;
	unsigned alen = ifa->ifa_family == AF_INET ? 4 : 16;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_payload_len(a) != alen)
			continue;
		if (mnl_attr_get_type(a) == IFA_LOCAL)
			local = a;
		else if (mnl_attr_get_type(a) == IFA_ADDRESS)
			address = a;
	}
	/* on point-to-point links IFA_ADDRESS is the peer */
	use = local ? local : address;
	if (!use)
		return MNL_CB_OK;
	return sw_rtnl_add(data, ifa->ifa_family, mnl_attr_get_payload(use),
			   SW_POLICY_HOST, ifa->ifa_index, "");
}

/* The gateways inside an RTA_MULTIPATH list of next hops. */
static int sw_rtnl_multipath(struct sw_rtnl_ctx *c, int af,
			     const struct nlattr *mp)
{
	const char *p = mnl_attr_get_payload(mp);
	size_t len = mnl_attr_get_payload_len(mp);

	while (len >= sizeof(struct rtnexthop)) {
		const struct rtnexthop *nh = (const void *)p;
		size_t nhlen = nh->rtnh_len, off = RTNH_ALIGN(sizeof(*nh));

		if (nhlen < sizeof(*nh) || nhlen > len)
			break;
		while (off + sizeof(struct nlattr) <= nhlen) {
			const struct nlattr *a = (const void *)(p + off);
			size_t alen = a->nla_len;

			if (alen < sizeof(*a) || off + alen > nhlen)
				break;
			if (mnl_attr_get_type(a) == RTA_GATEWAY &&
			    mnl_attr_get_payload_len(a) == (af == AF_INET ? 4u : 16u) &&
			    sw_rtnl_add(c, af, mnl_attr_get_payload(a),
					SW_POLICY_GATEWAY, (unsigned)nh->rtnh_ifindex,
					"via ") != MNL_CB_OK)
				return MNL_CB_ERROR;
			off += MNL_ALIGN(alen);
		}
		p += RTNH_ALIGN(nhlen);
		len -= RTNH_ALIGN(nhlen) < len ? RTNH_ALIGN(nhlen) : len;
	}
	return MNL_CB_OK;
}

static int sw_rtnl_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	unsigned oif = 0;
	const void *gw = NULL;
	int gwaf = rtm->rtm_family;

	/* a default route, or half of one: VPNs install 0.0.0.0/1 and
	 * 128.0.0.0/1 (::/1, 8000::/1) to win over the real default */
	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_dst_len > 1 ||
	    rtm->rtm_type != RTN_UNICAST ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_OIF:
			if (mnl_attr_get_payload_len(a) == 4)
				oif = mnl_attr_get_u32(a);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(a) ==
			    (rtm->rtm_family == AF_INET ? 4u : 16u))
				gw = mnl_attr_get_payload(a);
			break;
		case RTA_VIA: { /* an IPv4 route through an IPv6 next hop */
			const struct rtvia *via = mnl_attr_get_payload(a);

			if (mnl_attr_get_payload_len(a) >= sizeof(*via) + 16 &&
			    via->rtvia_family == AF_INET6) {
				gw = via->rtvia_addr;
				gwaf = AF_INET6;
			}
			break;
		}
		case RTA_MULTIPATH:
			if (sw_rtnl_multipath(data, rtm->rtm_family, a) != MNL_CB_OK)
				return MNL_CB_ERROR;
			break;
		default:
			break;
		}
	}
	if (!gw)
		return MNL_CB_OK;
	return sw_rtnl_add(data, gwaf, gw, SW_POLICY_GATEWAY, oif, "via ");
}

static int sw_rtnl_dump(uint16_t type, mnl_cb_t cb, struct sw_policy *p,
			const char *what, char **cause)
{
	struct sw_rtnl_ctx c = {.p = p};
	struct sw_nl *nl = sw_nl_open(NETLINK_ROUTE, MNL_SOCKET_BUFFER_SIZE * 4, NULL);
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	int ret = -1;

	if (!nl)
		goto out;
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = type;
	/* rtgenmsg is a prefix of ifaddrmsg and rtmsg: AF_UNSPEC = both */
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg));
	g->rtgen_family = AF_UNSPEC;
	ret = sw_nl_dump(nl, nlh, cb, &c);
	if (ret == 0)
		ret = c.added;
out:
	if (ret < 0)
		sw_cause_set(cause, "rtnetlink: reading %s failed: %s", what,
			     c.nomem ? "out of memory" : strerror(errno));
	sw_nl_close(nl);
	return ret;
}

static int sw_rtnl_parse(mnl_cb_t cb, struct sw_policy *p, const void *buf,
			 size_t len)
{
	struct sw_rtnl_ctx c = {.p = p};
	int rc = sw_nl_run(buf, len, 0, 0, cb, &c);

	if (rc < 0) {
		if (c.nomem)
			errno = ENOMEM;
		return -1;
	}
	if (rc > 0) { /* no NLMSG_DONE: the list is not whole */
		errno = EBADMSG;
		return -1;
	}
	return c.added;
}

int sw_rtnl_parse_addrs(struct sw_policy *p, const void *buf, size_t len)
{
	return sw_rtnl_parse(sw_rtnl_addr_cb, p, buf, len);
}

int sw_rtnl_parse_routes(struct sw_policy *p, const void *buf, size_t len)
{
	return sw_rtnl_parse(sw_rtnl_route_cb, p, buf, len);
}

int sw_rtnl_host_addrs(struct sw_policy *p, char **cause)
{
	return sw_rtnl_dump(RTM_GETADDR, sw_rtnl_addr_cb, p, "host addresses", cause);
}

int sw_rtnl_gateways(struct sw_policy *p, char **cause)
{
	return sw_rtnl_dump(RTM_GETROUTE, sw_rtnl_route_cb, p, "default routes", cause);
}
