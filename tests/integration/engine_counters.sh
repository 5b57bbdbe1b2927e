#!/bin/bash
# needs: ip jq nft nstat timeout tmux
# The counters that tell the truth when SYN cookies hide the SYN queue,
# driven above zero for real and compared with nstat over the same
# interval: between refresh 1 and 2 of one sockwatch run,
#  - a SYN flood on a listener with a SYN queue of 4 and no cookies:
#    TCPReqQFullDrop (and ListenDrops), the SYNs and their retransmissions
#    the full queue drops;
#  - connections with cookies always on (tcp_syncookies=2): SyncookiesSent;
#  - a listener with a backlog of 1 that never accepts: ListenOverflows
#    and ListenDrops.
# Each counter's change in the JSON equals nstat's, and per_s is that
# change over the refresh's interval_s; the TUI's header, replaying the
# run, shows the same rates.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"
. "$(dirname "$0")/tui_lib.bash"

NS=${SW_TAG}ctr
T=$FARM_TMP
ns_add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syncookies=0 net.ipv4.tcp_synack_retries=12
# the flood's SYN-ACKs never reach its client: its request sockets stay
nft_table_cleanup inet "${SW_TAG}drop" "$NS"
printf 'table inet %s {\n chain in {\n  type filter hook input priority 0;\n  tcp sport 83 tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
	"${SW_TAG}drop" | ip netns exec "$NS" nft -f - || { not_ok "nft rule in $NS"; finish; }
farm "$NS" serve 127.0.0.1 83 --backlog 4
farm_wait_line "listener 83" 10 || finish
farm "$NS" serve 127.0.0.1 80 --backlog 128
farm_wait_line "listener 80" 10 || finish
farm "$NS" serve 127.0.0.1 81 --backlog 1 --no-accept
farm_wait_line "listener 81" 10 || finish

COUNTERS="ListenOverflows ListenDrops SyncookiesSent TCPReqQFullDrop"
nstat_now() { # the 4 counters as "NAME VALUE", nstat's names without TcpExt
	ip netns exec "$NS" nstat -asz $(printf 'TcpExt%s ' $COUNTERS) |
		awk '$1 ~ /^TcpExt/ { sub(/^TcpExt/, "", $1); print $1, $2 }' | sort
}
json_counters() { # LINE: the same from sockwatch's JSON
	jq -r --arg c "$COUNTERS" '.counters | to_entries[] | select(.key as $k | $c | split(" ") | index($k)) |
		"\(.key) \(.value.total)"' <<<"$1" | sort
}

exec 3< <(exec ip netns exec "$NS" "$SW_BIN" -b --json -n 2 -d 5 --top 0 --record "$T/ctr.swrec" 2>"$T/sw.err")
_sw_pids+=($!)
read -r -t 10 -u 3 L1 || { not_ok "refresh 1 (stderr: $(head -c 200 "$T/sw.err"))"; finish; }
before=$(nstat_now)
t1=$(date +%s.%N)
check_same "refresh 1: the counters equal nstat's" "$before" "$(json_counters "$L1")"

nstat_ge() { [ "$(awk -v c="$1" '$1 == c { print $2 }' <<<"$(nstat_now)")" -ge "$2" ]; } # NAME N
# 1. the SYN queue of port 83 (4) is full and cookies are off: the rest of
# the 20 SYNs are dropped
farm "$NS" synflood 127.0.0.1 83 --count 20 --from 127.0.0.4
farm_wait_line "flood" 10 || finish
wait_for "the full SYN queue drops SYNs" 10 nstat_ge TCPReqQFullDrop 15 ||
	{ not_ok "the full SYN queue drops SYNs: $(nstat_now | tr '\n' ' ')"; finish; }
kill "$FARM_PID" # its SYN_SENT sockets go quietly: no more SYNs
# 2. cookies always: each of 20 handshakes on port 80 is a cookie
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syncookies=2
farm "$NS" connect 127.0.0.1 80 --from 127.0.0.2=20
farm_wait_line "connections to 80" 10 || finish
# 3. port 81 takes 2 into its accept queue (backlog 1) and never accepts:
# the other SYNs overflow it (they never connect: stop them once counted)
farm "$NS" connect 127.0.0.1 81 --from 127.0.0.3=10
wait_for "port 81 overflows" 10 nstat_ge ListenOverflows 8 ||
	{ not_ok "port 81 overflows: $(nstat_now | tr '\n' ' ')"; finish; }
kill "$FARM_PID"
after=$(nstat_now)
took=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# the events must fall inside the interval for "the same interval" to hold
check "the events took ${took}s, inside the 5 s interval" awk -v t="$took" 'BEGIN { exit !(t < 4.5) }'
read -r -t 20 -u 3 L2 || { not_ok "refresh 2 (stderr: $(head -c 200 "$T/sw.err"))"; finish; }
exec 3<&-
check_same "refresh 2: the counters equal nstat's" "$after" "$(json_counters "$L2")"
for c in $COUNTERS; do
	b=$(awk -v c="$c" '$1 == c { print $2 }' <<<"$before")
	a=$(awk -v c="$c" '$1 == c { print $2 }' <<<"$after")
	d=$(jq --arg c "$c" '.counters[$c].total' <<<"$L2")
	d=$((d - $(jq --arg c "$c" '.counters[$c].total' <<<"$L1")))
	check_eq "$c: sockwatch's change over the interval equals nstat's ($((a - b)))" "$((a - b))" "$d"
	check "$c went above zero ($d)" test "$d" -gt 0
	check_eq "$c per_s is its change over interval_s" true \
		"$(jq --arg c "$c" --argjson d "$d" '(.counters[$c].per_s - $d / .interval_s) | fabs < 0.01' <<<"$L2")"
done
check "SyncookiesSent counts the 20 handshakes on port 80 (and those on 81)" \
	test "$(jq '.counters.SyncookiesSent.total' <<<"$L2")" -ge 20
check "TCPReqQFullDrop counts at least the 15 SYNs the full queue dropped" \
	test "$(( $(jq '.counters.TCPReqQFullDrop.total' <<<"$L2") - $(jq '.counters.TCPReqQFullDrop.total' <<<"$L1") ))" -ge 15

# the TUI header's counters, per second of the recorded 5 s interval
tui_start 200x40 --replay "$T/ctr.swrec" -d 0.2
tui_wait "end of the replay" 10 ' END *$' || not_ok "the TUI replayed the run to its end"
fmt_rate() { awk -v r="$1" 'BEGIN { if (!(r >= 0.05)) print "0"; else if (r < 10) printf "%.1f\n", r; else printf "%.0f\n", r }'; }
for c in SyncookiesSent ListenOverflows ListenDrops; do
	check_eq "the TUI header shows $c/s over the interval" "$c/s $(fmt_rate "$(jq --arg c "$c" '.counters[$c].per_s' <<<"$L2")")" \
		"$(tui_screen | grep -oE "$c/s +[0-9.kM]+" | tr -s ' ')"
done
echo "# whole test took $SECONDS s"
finish
