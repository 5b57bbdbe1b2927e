#!/bin/bash
# needs: ip nft python3 ss timeout
# block --kill ends the blocked peer's open connections on the server
# (SOCK_DESTROY) and reports as many as ss saw; other peers keep theirs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

# what sockwatch ends: every TCP socket with that peer but TIME_WAIT
ss_count() {
	local d="$1"
	case "$d" in *:*) d="[$d]" ;; esac
	sw_s ss -Htn state connected exclude time-wait dst "$d" | wc -l
}

kill_in_state() { # SS-STATE PEER N: ss sees N sockets from PEER in that
	# state and nothing else from it; block --kill ends exactly those
	local st="$1" peer="$2" want="$3" n out
	wait_for "$want $st from $peer" 10 sh -c \
		"[ \$(ip netns exec $S ss -Htn state $st dst $peer | wc -l) -eq $want ]"
	n=$(sw_s ss -Htn state "$st" dst "$peer" | wc -l)
	check_eq "ss sees $want $st sockets from $peer" "$want" "$n"
	check_eq "and they are all $peer has" "$n" "$(ss_count "$peer")"
	out=$(sw block "$peer" --kill 2>&1)
	check_eq "block --kill of $peer reports the $n $st sockets ss saw" \
		"blocked $peer for 10m00s
ended $n connections" "$out"
	check_eq "no $st socket from $peer is left (ss)" 0 \
		"$(sw_s ss -Htn state "$st" dst "$peer" | wc -l)"
}

spawn sw_c "$FARM" connect 192.0.2.1 8080 --count 40 --from 198.51.100.10 \
	--hold 120 --timeout 120 >"$TMP/c1"
spawn sw_c "$FARM" connect 192.0.2.1 8080 --count 7 --from 198.51.100.20 \
	--hold 120 --timeout 120 >"$TMP/c2"
spawn sw_c "$FARM" connect 2001:db8::1 8080 --count 12 --from 2001:db8:1::10 \
	--hold 120 --timeout 120 >"$TMP/c3"
wait_for "client connections" 10 grep -q connected "$TMP/c1" || exit 1
wait_for "client connections" 10 grep -q connected "$TMP/c2" || exit 1
wait_for "client connections" 10 grep -q connected "$TMP/c3" || exit 1
wait_for "server sees them" 5 sh -c "[ \$(ip netns exec $S ss -Htn state connected exclude time-wait dst 198.51.100.10 | wc -l) -eq 40 ]"

n10=$(ss_count 198.51.100.10)
n20=$(ss_count 198.51.100.20)
out=$(sw block 198.51.100.10 --kill 2>&1)
check_eq "block --kill reports what ss saw ($n10)" \
	"blocked 198.51.100.10 for 10m00s
ended $n10 connections" "$out"
check_eq "no connection with 198.51.100.10 is left on the server" 0 "$(ss_count 198.51.100.10)"
check_eq "198.51.100.20 keeps its $n20 connections" "$n20" "$(ss_count 198.51.100.20)"
check "the comment records the connections and their states" \
	grep -q "comment \"by root .*, $n10 conns (EST $n10)\"" \
	<<<"$(sw_s nft list set inet sockwatch addr4)"
check "the audit log has the kill with its count" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
k = [r for r in rows if r["action"] == "kill"]
assert len(k) == 1 and k[0]["count"] == int(sys.argv[2]) and k[0]["target"] == "198.51.100.10", k
' "$AUDIT" "$n10"

# a prefix, IPv6
n6=$(ss_count 2001:db8:1::10)
check_eq "ss sees the 12 IPv6 connections" 12 "$n6"
out=$(sw block 2001:db8:1::/48 --kill 2>&1)
check_eq "block a /48 --kill reports what ss saw ($n6)" \
	"blocked 2001:db8:1::/48 for 10m00s
ended $n6 connections" "$out"
check_eq "no connection from 2001:db8:1::/48 is left" 0 "$(ss_count 2001:db8:1::10)"

# an IPv4 peer on a dual-stack listener: the server's socket is AF_INET6
# with the peer ::ffff:198.51.100.30, and it is an IPv4 address all the same
spawn sw_s "$FARM" serve :: 8081 --backlog 64 --timeout 120 >/dev/null
wait_for "dual-stack listener" 5 sh -c "ip netns exec $S ss -Htln | grep -q ':8081'"
spawn sw_c "$FARM" connect 192.0.2.1 8081 --count 5 --from 198.51.100.30 \
	--hold 120 --timeout 120 >"$TMP/c4"
wait_for "mapped connections" 10 grep -q connected "$TMP/c4" || exit 1
nm=$(ss_count ::ffff:198.51.100.30)
check_eq "ss sees 5 mapped connections" 5 "$nm"
out=$(sw block 198.51.100.30 --kill 2>&1)
check "block --kill of the IPv4 address ends its mapped sockets too ($nm)" \
	grep -q "^ended $nm connections$" <<<"$out"
check_eq "no mapped connection is left" 0 "$(ss_count ::ffff:198.51.100.30)"

# SYN_RECV: a SYN flood whose SYN-ACKs the client drops leaves request
# sockets on the server; --kill ends them (ss -K would too)
nft_table_cleanup inet "${SW_TAG}drop" "$C"
printf 'table inet %s {\n chain in {\n  type filter hook input priority 0;\n  tcp sport 8083 tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
	"${SW_TAG}drop" | sw_c nft -f - || { not_ok "nft rule in the client namespace"; finish; }
sw_s sysctl -qw net.ipv4.tcp_synack_retries=12
spawn sw_s "$FARM" serve 192.0.2.1 8083 --backlog 1024 --timeout 120 >/dev/null
wait_for "flood listener" 5 sh -c "ip netns exec $S ss -Htln | grep -q ':8083'"
spawn sw_c "$FARM" synflood 192.0.2.1 8083 --count 25 --from 203.0.113.5 --timeout 120 >"$TMP/c5"
kill_in_state syn-recv 203.0.113.5 25

# CLOSE_WAIT: the client closes first and the server never accepts, so its
# sockets wait in the accept queue in CLOSE_WAIT
spawn sw_s "$FARM" serve 192.0.2.1 8082 --backlog 64 --no-accept --timeout 120 >/dev/null
wait_for "no-accept listener" 5 sh -c "ip netns exec $S ss -Htln | grep -q ':8082'"
spawn sw_c "$FARM" connect 192.0.2.1 8082 --count 6 --from 203.0.113.10 --close-first \
	--timeout 120 >"$TMP/c6"
kill_in_state close-wait 203.0.113.10 6

# dry run counts and ends nothing
out=$(sw block 198.51.100.20 --kill --dry-run 2>&1)
check "dry run --kill says how many it would end ($n20)" \
	grep -q "^# would end $n20 connections$" <<<"$out"
check_eq "dry run ended nothing" "$n20" "$(ss_count 198.51.100.20)"
finish
