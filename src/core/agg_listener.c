/* agg_listener.c - which listener owns a socket: the kernel's listener
 * lookup (net/ipv4/inet_hashtables.c, 6.1), so that the listeners of one
 * port split its SYN_RECV and ESTABLISHED sockets instead of each showing
 * them all.
 *
 * The kernel looks a SYN up by (local address, port) first, then by
 * (wildcard, port); among the sockets found, an AF_INET one scores above a
 * dual-stack AF_INET6 one. So an IPv4 socket belongs to the IPv4 listener
 * of its address, else the IPv6 listener of its IPv4-mapped address, else
 * 0.0.0.0, else a dual-stack [::]; an IPv6 socket to the listener of its
 * address, else [::]. Request and child sockets stay with the listener
 * that took the SYN. */
#include <stdlib.h>
#include <string.h>

#include "sw_agg.h"

static const uint8_t sw_agg_zero[16];

static bool sw_agg_is_any(const struct sw_listener *l)
{
	return memcmp(l->addr, sw_agg_zero, 16) == 0;
}

/* How well l matches a socket of family f with local address a: 0 never. */
static int sw_agg_owner_score(const struct sw_listener *l, unsigned f,
			      const uint8_t a[16])
{
	if (f == SW_V4) {
		if (l->family == SW_V4)
			return !memcmp(l->addr, a, 4) ? 4 : sw_agg_is_any(l) ? 2 : 0;
		if (sw_addr_is_mapped(l->addr) && !memcmp(l->addr + 12, a, 4))
			return 3;
		return sw_agg_is_any(l) ? 1 : 0;
	}
	if (l->family != SW_V6)
		return 0;
	return !memcmp(l->addr, a, 16) ? 2 : sw_agg_is_any(l) ? 1 : 0;
}

/* First TCP listener on port in ls (sorted: proto, port first), and how
 * many there are. */
static uint32_t sw_agg_port_run(const struct sw_listener *ls, uint32_t nl,
				uint16_t port, uint32_t *n)
{
	uint32_t lo = 0, hi = nl, e;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct sw_listener *l = &ls[mid];

		if (l->proto == SW_TCP && l->port < port) /* TCP sorts first */
			lo = mid + 1;
		else
			hi = mid;
	}
	for (e = lo; e < nl && ls[e].proto == SW_TCP && ls[e].port == port; e++)
		;
	*n = e - lo;
	return lo;
}

const struct sw_listener *sw_listener_owner(const struct sw_listener *ls,
					    uint32_t nl,
					    const struct sw_sock *s)
{
	uint32_t n, i, start = sw_agg_port_run(ls, nl, s->sport, &n);
	const struct sw_listener *best = NULL;
	int bs = 0;

	for (i = start; i < start + n; i++) {
		int sc = sw_agg_owner_score(&ls[i], s->family, s->src);

		if (sc > bs) {
			bs = sc;
			best = &ls[i];
		}
	}
	return best;
}

/* Marks in port_syn for the per-socket pass: SW_AGG_ASK, ask the owner of
 * each socket; SW_AGG_WILD + k, a port whose listeners are all wildcards,
 * where the owner depends on the family only: wild[k]. */
#define SW_AGG_ASK UINT32_MAX
#define SW_AGG_NWILD 64
#define SW_AGG_WILD (UINT32_MAX - SW_AGG_NWILD)

struct sw_agg_wild {
	const struct sw_listener *o4, *o6;
};

/* All listeners of the run at ls[start .. start + n) are wildcards. */
static bool sw_agg_run_wild(const struct sw_listener *ls, uint32_t start,
			    uint32_t n)
{
	uint32_t i;

	for (i = start; i < start + n; i++)
		if (!sw_agg_is_any(&ls[i]))
			return false;
	return true;
}

/* The owner of a socket of family f on a wildcard-only port. */
static const struct sw_listener *sw_agg_wild_owner(const struct sw_agg *a,
						   uint16_t port, unsigned f)
{
	struct sw_sock s;

	memset(&s, 0, sizeof(s));
	s.proto = SW_TCP;
	s.family = (uint8_t)f;
	s.sport = port;
	memset(s.src, 0xff, sizeof(s.src)); /* no listener's address */
	return sw_listener_owner(a->listeners, a->nlisteners, &s);
}

void sw_agg_attribute(struct sw_agg *a, const struct sw_snapshot *cur)
{
	struct sw_agg_wild wild[SW_AGG_NWILD];
	const struct sw_sock *last = NULL;
	const struct sw_listener *last_owner = NULL;
	uint32_t i, n, nwild = 0;
	bool multi = false;

	/* One listener on a port owns all of the port's sockets: the
	 * per-port counts of the main pass. */
	for (i = 0; i < a->nlisteners; i += n ? n : 1) {
		struct sw_listener *l = &a->listeners[i];

		n = 1;
		if (l->proto != SW_TCP)
			continue;
		sw_agg_port_run(a->listeners, a->nlisteners, l->port, &n);
		if (n == 1) {
			l->syn_recv = a->port_syn[l->port];
			l->established = a->port_est[l->port];
		} else {
			multi = true;
			if (nwild < SW_AGG_NWILD && sw_agg_run_wild(a->listeners, i, n)) {
				wild[nwild].o4 = sw_agg_wild_owner(a, l->port, SW_V4);
				wild[nwild].o6 = sw_agg_wild_owner(a, l->port, SW_V6);
				a->port_syn[l->port] = SW_AGG_WILD + nwild++;
			} else {
				a->port_syn[l->port] = SW_AGG_ASK;
			}
		}
	}
	if (!multi)
		return;
	for (i = 0; i < cur->count; i++) {
		const struct sw_sock *s = &cur->socks[i];
		const struct sw_listener *o;
		struct sw_listener *l;

		uint32_t mark;

		if (s->proto != SW_TCP ||
		    (s->state != SW_SYN_RECV && s->state != SW_ESTABLISHED))
			continue;
		mark = a->port_syn[s->sport];
		if (mark < SW_AGG_WILD)
			continue;
		if (mark != SW_AGG_ASK) {
			o = s->family == SW_V4 ? wild[mark - SW_AGG_WILD].o4
					       : wild[mark - SW_AGG_WILD].o6;
		} else {
			/* the owner depends on (port, family, local address)
			 * only, and a server's sockets mostly share them: ask
			 * once per run */
			if (!last || s->sport != last->sport ||
			    s->family != last->family ||
			    memcmp(s->src, last->src, 16)) {
				last_owner = sw_listener_owner(a->listeners,
							       a->nlisteners, s);
				last = s;
			}
			o = last_owner;
		}
		if (!o)
			continue;
		l = &a->listeners[o - a->listeners];
		if (s->state == SW_SYN_RECV)
			l->syn_recv++;
		else
			l->established++;
	}
}
