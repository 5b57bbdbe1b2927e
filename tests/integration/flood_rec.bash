# Recorded floods for the report's tests and screenshots (sourced after
# lib.sh; not a test by itself). A server namespace and "the internet"
# joined by a veth; sockwatch records the server while a flood runs and a
# block (in the audit log) stops it.
#   flood_setup                 the namespaces: FS (192.0.2.1) and FC
#                               (192.0.2.2, 198.51.100.10-49, 203.0.113.5-9)
#   flood_record_syn REC AUDIT  a SYN flood on :80 from 198.51.100.10-49,
#                               198.51.100.0/24 blocked part way (16 s)
#   flood_record_conn REC AUDIT a connection flood from 203.0.113.66 on :80,
#                               blocked with --kill part way (14 s)
# Each wave loop is bounded in count and time; every process is spawned
# (killed on exit by pid). FARM is the sockfarm binary.
FARM=${SW_FARM:-$SW_BUILD/tools/sockfarm}

# flood_waves N GAP CMD...: CMD N times, GAP seconds apart, each in the
# background (bounded by N and by its own --timeout); returns at once
flood_waves() {
	local n="$1" gap="$2" i
	shift 2
	(
		for i in $(seq "$n"); do
			"$@" >/dev/null 2>&1 &
			sleep "$gap"
		done
		wait
	) &
	_sw_pids+=($!)
}

flood_setup() {
	local a
	FS=${SW_TAG}fs FC=${SW_TAG}fc
	ns_add "$FS"
	ns_add "$FC"
	veth_pair "${SW_TAG}fa" "$FS" 192.0.2.1/24 "${SW_TAG}fb" "$FC" 192.0.2.2/24
	ip -n "$FS" route add 198.51.100.0/24 via 192.0.2.2
	ip -n "$FS" route add 203.0.113.0/24 via 192.0.2.2
	for a in $(seq 10 49); do ip -n "$FC" addr add "198.51.100.$a/32" dev "${SW_TAG}fb"; done
	for a in 5 6 66 67; do ip -n "$FC" addr add "203.0.113.$a/32" dev "${SW_TAG}fb"; done
	ip netns exec "$FS" sysctl -qw net.ipv4.tcp_max_syn_backlog=1024 \
		net.ipv4.tcp_synack_retries=5 net.ipv4.tcp_syncookies=1
	nft_table_cleanup inet sockwatch "$FS"
	nft_table_cleanup inet "${SW_TAG}drop" "$FC"
	: >"$SW_TMP_ALLOW"
}
SW_TMP_ALLOW=$(tmpdir)/allow

# the server's sockwatch, with an audit log and an empty allow list
flood_sw() { # AUDIT ARGS...
	local audit="$1"
	shift
	"$SW_BIN" --netns "$FS" --audit-log "$audit" --allow-file "$SW_TMP_ALLOW" "$@"
}

flood_record_syn() { # REC AUDIT
	local rec="$1" audit="$2" i
	# the flood's sources never answer: their side drops the SYN-ACKs
	printf 'table inet %s {\n chain in {\n  type filter hook input priority 0;\n  tcp sport 80 tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
		"${SW_TAG}drop" | ip netns exec "$FC" nft -f -
	spawn ip netns exec "$FS" "$FARM" serve 192.0.2.1 80 --backlog 128 --timeout 60 >/dev/null
	spawn ip netns exec "$FS" "$FARM" serve 192.0.2.1 443 --timeout 60 >/dev/null
	sleep 0.5
	spawn ip netns exec "$FC" "$FARM" connect 192.0.2.1 443 --from 203.0.113.5=30,203.0.113.6=12 \
		--timeout 60 >/dev/null
	flood_waves 24 0.5 ip netns exec "$FC" "$FARM" synflood 192.0.2.1 80 --count 200 \
		--from "$(seq -s, -f '198.51.100.%g' 10 49)" --hold 3 --timeout 5
	spawn "$SW_BIN" -b --netns "$FS" -n 32 -d 0.5 --record "$rec" >/dev/null
	local rpid=$SPAWNED
	sleep 7
	flood_sw "$audit" block 198.51.100.0/24 --for 10m --reason "SYN flood on :80" >/dev/null
	wait "$rpid" 2>/dev/null || timeout 20 tail --pid="$rpid" -f /dev/null
	ip netns exec "$FC" nft delete table inet "${SW_TAG}drop" 2>/dev/null
	flood_sw "$audit" unblock 198.51.100.0/24 >/dev/null
	for i in $(ip netns pids "$FC") $(ip netns pids "$FS"); do kill "$i" 2>/dev/null; done
	sleep 0.5
}

flood_record_conn() { # REC AUDIT
	local rec="$1" audit="$2" i
	spawn ip netns exec "$FS" "$FARM" serve 192.0.2.1 80 --backlog 1024 --timeout 60 >/dev/null
	sleep 0.5
	spawn ip netns exec "$FC" "$FARM" connect 192.0.2.1 80 --from 203.0.113.5=20,203.0.113.6=12 \
		--timeout 60 >/dev/null
	flood_waves 20 0.5 ip netns exec "$FC" "$FARM" connect 192.0.2.1 80 \
		--from 203.0.113.66=40 --hold 30 --timeout 32
	spawn "$SW_BIN" -b --netns "$FS" -n 28 -d 0.5 --record "$rec" >/dev/null
	local rpid=$SPAWNED
	sleep 8
	flood_sw "$audit" block 203.0.113.66 --for 10m --kill --reason "connection flood <script>x</script>" \
		>/dev/null
	wait "$rpid" 2>/dev/null || timeout 20 tail --pid="$rpid" -f /dev/null
	flood_sw "$audit" unblock 203.0.113.66 >/dev/null
	for i in $(ip netns pids "$FC") $(ip netns pids "$FS"); do kill "$i" 2>/dev/null; done
	sleep 0.5
}
