#!/bin/bash
# needs: ip nft jq ss timeout
# Listeners own their sockets: with 0.0.0.0:80 and [::]:80 (v6only) both
# listening, IPv4 and IPv6 clients ESTABLISHED and half-open (SYN_RECV,
# their SYN-ACKs dropped by the client), each listener's syn_recv and
# established equal ss's count of the sockets on its local addresses, and
# the listeners of port 80 add up to the port's sockets (not each all).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

SRV=${SW_TAG}srv CLI=${SW_TAG}cli
T=$FARM_TMP
farm_topology "$SRV" "$CLI"
farm_client_addr "$CLI" 198.51.100.10 198.51.100.30 2001:db8:1::a 2001:db8:1::b
# both wildcards on one port: the IPv6 one must be v6only (per namespace)
ip netns exec "$SRV" sysctl -qw net.ipv6.bindv6only=1

N4_EST=30 N6_EST=20 N4_SYN=15 N6_SYN=10
nft_table_cleanup inet "${SW_TAG}drop" "$CLI"
printf 'table inet %s {\n chain in {\n  type filter hook input priority 0;\n  ip daddr 198.51.100.30 tcp sport 80 tcp flags & (syn|ack) == (syn|ack) drop\n  ip6 daddr 2001:db8:1::a tcp sport 80 tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
	"${SW_TAG}drop" | ip netns exec "$CLI" nft -f - || { not_ok "nft rule in $CLI"; finish; }

farm "$SRV" serve 0.0.0.0 80
farm_wait_line "listener 0.0.0.0:80" 10 || finish
farm "$SRV" serve :: 80
farm_wait_line "listener [::]:80 (v6only)" 10 || finish
farm "$CLI" connect 192.0.2.1 80 --from 198.51.100.10=$N4_EST
farm_wait_line "IPv4 connections" 30 || finish
farm "$CLI" connect 2001:db8::1 80 --from 2001:db8:1::b=$N6_EST
farm_wait_line "IPv6 connections" 30 || finish
farm "$CLI" synflood 192.0.2.1 80 --count $N4_SYN --from 198.51.100.30
farm_wait_line "IPv4 SYN flood" 30 || finish
farm "$CLI" synflood 2001:db8::1 80 --count $N6_SYN --from 2001:db8:1::a
farm_wait_line "IPv6 SYN flood" 30 || finish

ns() { ip netns exec "$SRV" "$@"; }
# ss per local address: "ADDR SYN_RECV ESTAB" (v4 local addresses belong to
# 0.0.0.0:80, v6 to [::]:80 here: no specific listener)
ss_per_listener() {
	ns ss -tanH '( sport = :80 )' | awk '
		$1 == "LISTEN" {next}
		{ l = ($4 ~ /^\[/) ? "::" : "0.0.0.0" }
		$1 == "SYN-RECV" {s[l]++} $1 == "ESTAB" {e[l]++}
		END {for (l in s) k[l]; for (l in e) k[l];
		     for (l in k) print l, s[l] + 0, e[l] + 0}' | sort
}
EXPECT=$(printf '%s\n' "0.0.0.0 $N4_SYN $N4_EST" ":: $N6_SYN $N6_EST" | sort)
settled() { [ "$(ss_per_listener)" == "$EXPECT" ]; }
if ! wait_for "ss shows the population" 30 settled; then
	not_ok "population never settled: ss shows $(ss_per_listener | tr '\n' ' ')"
	finish
fi
SS1=$(ss_per_listener)
"$SW_BIN" -b --json --top 0 --netns "$SRV" >"$T/sw.json" 2>"$T/sw.err" ||
	{ not_ok "sockwatch -b: $(head -c 200 "$T/sw.err")"; finish; }
SS2=$(ss_per_listener)
check_same "ss did not change while sockwatch read" "$SS1" "$SS2"
SW=$(jq -r '.listeners[] | select(.proto == "tcp" and .port == 80) | "\(.addr) \(.syn_recv) \(.established)"' "$T/sw.json" | sort)
check_same "per-listener SYN_RECV and ESTABLISHED equal ss per local address" "$SS1" "$SW"
check_eq "port 80's listeners add up to its sockets" \
	"$((N4_SYN + N6_SYN)) $((N4_EST + N6_EST))" \
	"$(jq -r '[.listeners[] | select(.proto == "tcp" and .port == 80)] | "\(map(.syn_recv) | add) \(map(.established) | add)"' "$T/sw.json")"
check_eq "the states histogram agrees" "$((N4_SYN + N6_SYN)) $((N4_EST + N6_EST))" \
	"$(jq -r '[.states[] | select(.state == "SYN_RECV" or .state == "ESTABLISHED") | {(.state): .count}] | add | "\(.SYN_RECV) \(.ESTABLISHED)"' "$T/sw.json")"
finish
