# Shared setup of the blocking tests (sourced after lib.sh; not a test by
# itself: tests/run only runs *.sh). A server and a client namespace
# joined by one veth pair; nothing routes off the machine.
#
#   server S: 192.0.2.1/24, 2001:db8::1/64 on s0; routes to
#             198.51.100.0/24, 203.0.113.0/24 and 2001:db8:1::/48,
#             2001:db8:2::/48 on the link; default via 192.0.2.254 (an
#             address of the client) and via 2001:db8::fe.
#   client C: 192.0.2.2, 192.0.2.254, 198.51.100.10/.20/.30, 203.0.113.5/.10,
#             2001:db8::10/::20/::fe, 2001:db8:1::10, 2001:db8:2::10 on c0
#   listeners on S: 192.0.2.1:8080 and [2001:db8::1]:8080 (sockfarm serve)
#
# Helpers: sw_s CMD... runs in S; sw_c CMD... runs in C;
#   sw NS-ARGS... runs sockwatch against S (audit log in $AUDIT);
#   probe SRC [DST]: a new connection from SRC succeeds (1.5 s budget).
S="${SW_TAG}s" C="${SW_TAG}c"
FARM="$SW_BUILD/tools/sockfarm"
TMP=$(tmpdir)
AUDIT="$TMP/audit.log"
ALLOW="$TMP/allow"
: >"$ALLOW"
[ -x "$FARM" ] || { echo "not ok - $FARM missing: run 'make tools'"; exit 1; }

sw_s() { ip netns exec "$S" "$@"; }
sw_c() { ip netns exec "$C" "$@"; }
sw() { "$SW_BIN" --netns "$S" --audit-log "$AUDIT" --allow-file "$ALLOW" "$@"; }

ns_add "$S"
ns_add "$C"
nft_table_cleanup inet sockwatch "$S"
veth_pair s0 "$S" 192.0.2.1/24 c0 "$C" 192.0.2.2/24
sw_s ip -6 addr add 2001:db8::1/64 dev s0 nodad
for a in 192.0.2.254/24 198.51.100.10/24 198.51.100.20/24 198.51.100.30/24 \
	 203.0.113.5/24 203.0.113.10/24; do
	sw_c ip addr add "$a" dev c0
done
for a in 2001:db8::10/64 2001:db8::20/64 2001:db8::fe/64 2001:db8:1::10/48 \
	 2001:db8:2::10/48; do
	sw_c ip -6 addr add "$a" dev c0 nodad
done
for r in 198.51.100.0/24 203.0.113.0/24; do sw_s ip route add "$r" dev s0; done
for r in 2001:db8:1::/48 2001:db8:2::/48; do sw_s ip -6 route add "$r" dev s0; done
sw_s ip route add default via 192.0.2.254 dev s0
sw_s ip -6 route add default via 2001:db8::fe dev s0
sw_c ip -6 route add 2001:db8::/64 dev c0 2>/dev/null

spawn sw_s "$FARM" serve 192.0.2.1 8080 --backlog 1024 --timeout 300 >/dev/null
spawn sw_s "$FARM" serve 2001:db8::1 8080 --backlog 1024 --timeout 300 >/dev/null
wait_for "listeners" 5 sh -c "ip netns exec $S ss -Htln | grep -q ':8080'" || exit 1

probe() { # SRC [DST]: a new connection from SRC to the server works
	local dst="${2:-}"
	if [ -z "$dst" ]; then
		case "$1" in *:*) dst=2001:db8::1 ;; *) dst=192.0.2.1 ;; esac
	fi
	sw_c "$FARM" connect "$dst" 8080 --count 1 --from "$1" --hold 0 \
		--timeout 1.5 >/dev/null 2>&1
}
blocked() { ! probe "$@"; }

# packets counted on the element for TARGET, from `blocks --json`
elem_packets() {
	sw blocks --json | python3 -c '
import json, sys
t = sys.argv[1]
for b in json.load(sys.stdin)["blocks"]:
    if b["target"] == t:
        print(b["packets"]); break
else:
    print(-1)' "$1"
}

# the server's ruleset without the time left on elements (it ticks)
ruleset() { sw_s nft list ruleset | sed -E 's/ expires [0-9a-z]+//g'; }
