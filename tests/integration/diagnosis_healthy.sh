#!/bin/bash
# needs: ip nft jq ss timeout
# A busy, healthy server must produce no finding. minihttp on 192.0.2.1:80
# and [2001:db8::1]:80, and 1,200 client addresses (tests/tools/webload):
# 720 IPv4 over 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 (two or
# three connections each) and 480 IPv6 in as many /48s of 2001:db8:100::/40 and 2001:db8:200::/40
# (one each), every connection making requests about once a second and
# ending after 1..20 of them (half closed by the server, so TIME_WAIT piles
# up as on a real server), new ones taking their place; and one NAT gateway,
# 203.0.113.250, with 150 such connections (many users behind one address
# are no attack). After a settling
# time, 20 refreshes: the diagnosis array is empty in every one. Checks of
# the population itself (connections, churn, TIME_WAIT, no client errors)
# make sure the quiet is not that of an idle machine. DIAG_HEALTHY_GROUP
# (e.g. 24,48) runs sockwatch with that -g grouping instead of the default.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

V4A="$(diag_v4_hosts 198.51.100 10 249),$(diag_v4_hosts 203.0.113 10 249)"
V4B=$(diag_v4_hosts 192.0.2 10 249)
V6=$(for ((i = 0; i < 480; i++)); do printf '2001:db8:%x::%x,' $((0x100 + i)) $((i % 200 + 1)); done)
V6=${V6%,}
NAT=203.0.113.250
diag_client_addrs ${V4A//,/ } ${V4B//,/ } ${V6//,/ } $NAT
serve_http 192.0.2.1 80 --size 2048
serve_http 2001:db8::1 80 --size 2048
load() { # NAME DST CONNS LIST
	clients "$1" "$2" "$4" --conns "$3" --think 1 --requests 10 --seed $((RANDOM + 1))
}
load a 192.0.2.1 2 "$V4A"
load b 192.0.2.1 3 "$V4B"
load c 2001:db8::1 1 "$V6"
load nat 192.0.2.1 150 "$NAT"
# settle: the start-up burst of connections is over, TIME_WAIT builds up
sleep 8
diag_run 20 ${DIAG_HEALTHY_GROUP:+-g "$DIAG_HEALTHY_GROUP"}

count() { diag_last | jq -r --arg s "$1" '.states[] | select(.state == $s) | .count'; }
est=$(count ESTABLISHED) tw=$(count TIME_WAIT)
rate=$(diag_last | jq -r '.states[] | select(.state == "ESTABLISHED") | .entered_per_s // 0 | floor')
clients=$(sw_srv ss -tanH state established '( sport = :80 )' |
	awk '{ p = $4; sub(/:[0-9]+$/, "", p); print p }' | sort -u | wc -l)
check "busy: about 1,900 ESTABLISHED ($est)" [ "$est" -ge 1500 ]
check "busy: more than 1,000 clients connected ($clients)" [ "$clients" -ge 1000 ]
check "churn: more than 50 connections a second enter ESTABLISHED ($rate/s)" [ "$rate" -ge 50 ]
check "normal TIME_WAIT: hundreds of sockets ($tw)" [ "$tw" -ge 300 ]
nat=$(sw_srv ss -tanH state established "( sport = :80 and dst $NAT )" | wc -l)
check "the NAT gateway holds over 100 connections ($nat)" [ "$nat" -ge 100 ]
errs=$(load_errors "$DIAG_TMP"/{a,b,c,nat}.out)
check_eq "the clients saw no errors" 0 "$errs"
reqs=$(awk '/^stats/ { r = $3 } END { print r + 0 }' "$DIAG_TMP/a.out")
check "the clients made requests ($reqs from the first group)" [ "$reqs" -ge 5000 ]

nonempty=$(jq -c 'select((.diagnosis | length) > 0) | {seq, diagnosis}' "$DIAG_OUT")
if [ -z "$nonempty" ]; then
	ok "no finding in any of the 20 refreshes"
else
	not_ok "no finding in any of the 20 refreshes: $(echo "$nonempty" | wc -l) had findings"
	echo "$nonempty" | head -3 | cut -c1-1500 | sed 's/^/#   /'
fi
# the same population grouped by /24 and /48, as an operator looking for
# a subnet would: a /24 of hundreds of ordinary clients (and the NAT
# gateway in it) is no connection flood either
if [ -z "${DIAG_HEALTHY_GROUP:-}" ]; then
	diag_run 10 -g 24,48
	nonempty=$(jq -c 'select((.diagnosis | length) > 0) | {seq, diagnosis}' "$DIAG_OUT")
	if [ -z "$nonempty" ]; then
		ok "grouped by -g 24,48: no finding in any of the 10 refreshes"
	else
		not_ok "grouped by -g 24,48: no finding in any of the 10 refreshes: $(echo "$nonempty" | wc -l) had findings"
		echo "$nonempty" | head -3 | cut -c1-1500 | sed 's/^/#   /'
	fi
fi
finish
