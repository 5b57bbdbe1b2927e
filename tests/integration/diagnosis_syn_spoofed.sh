#!/bin/bash
# needs: ip nft jq ss timeout
# A spoofed SYN flood: raw SYNs (tests/tools/synraw) from the 254 hosts of
# 203.0.113.0/24 to a listener of backlog 128, the SYN-ACKs dropped on the
# client side, so no handshake completes and the server's SYN queue stays
# full. sockwatch must say syn_flood on that port, that the sources look
# spoofed, propose no block (blocking 254 fake sources will not help), and
# give the SYN-cookie advice:
#  1. with tcp_syncookies=1 (the kernel answers with cookies: SyncookiesSent
#     rises), advice about SYN cookies, not to switch on what is on;
#  2. with tcp_syncookies=0 in the namespace (real clients are dropped),
#     that they are off and advice naming `sysctl -w net.ipv4.tcp_syncookies=1`;
#     this run is recorded, and its replay (the host settings with it) gives
#     the same diagnosis.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

# flood PORT [ARGS]: a listener of backlog 128 on PORT, a flood of 254
# sources for about 25 s, and sockwatch (ARGS) once the SYN queue is full
# (8 refreshes)
flood() {
	local port=$1 n
	shift
	farm "$SRV" serve 192.0.2.1 "$port" --backlog 128
	farm_wait_line "listener :$port" 10 || finish
	LISTENER=$FARM_PID
	diag_drop_synack "$port"
	spawn sw_cli "$SYNRAW" 192.0.2.1 "$port" --from 203.0.113.0/24 --count 10000 --rate 400 \
		--timeout 60 >/dev/null
	FLOODER=$SPAWNED
	full() { [ "$(sw_srv ss -tanH state syn-recv "( sport = :$port )" | wc -l)" -ge 120 ]; }
	if ! wait_for "SYN queue of :$port full" 15 full; then
		not_ok "the flood did not fill the SYN queue of :$port"
		finish
	fi
	n=$(sw_srv ss -tanH state syn-recv "( sport = :$port )" | awk '{ sub(/:[0-9]+$/, "", $4); print $4 }' | sort -u | wc -l)
	check "the flood comes from many sources ($n distinct in SYN_RECV)" [ "$n" -ge 60 ]
	diag_run 8 "$@"
	kill "$FLOODER" "$LISTENER" 2>/dev/null
	wait "$FLOODER" "$LISTENER" 2>/dev/null
	sw_cli nft delete table inet "${SW_TAG}drop"
}

# --- 1: SYN cookies on ------------------------------------------------------
sw_srv sysctl -qw net.ipv4.tcp_syncookies=1
flood 80
check "the kernel answered with SYN cookies (the queue was full)" \
	[ "$(srv_counter SyncookiesSent)" -gt 0 ]
check_finding "cookies on: syn_flood on :80" syn_flood 'subj_port(80)'
check_finding "cookies on: it says the sources look spoofed" syn_flood 'subj_port(80) and says("spoof")'
check_finding "cookies on: no block proposed" syn_flood 'subj_port(80) and target == null'
check_finding "cookies on: the advice is about SYN cookies" syn_flood 'subj_port(80) and (.advice | test("cookie"; "i"))'
check_finding "cookies on: the advice does not say to switch on SYN cookies" syn_flood \
	'subj_port(80) and (.advice | contains("sysctl -w net.ipv4.tcp_syncookies=1") | not)'
check_eq "cookies on: no finding proposes a block" "" "$(diag_targets)"
check_finding "cookies on: it is critical" syn_flood 'subj_port(80) and .severity == "crit"'

# --- 2: SYN cookies off -----------------------------------------------------
sw_srv sysctl -qw net.ipv4.tcp_syncookies=0
flood 81 --record "$DIAG_TMP/rec"
check "without cookies the kernel dropped SYNs (TCPReqQFullDrop or ListenDrops)" \
	[ "$(srv_counter TCPReqQFullDrop ListenDrops)" -gt 0 ]
check_finding "cookies off: syn_flood on :81" syn_flood 'subj_port(81)'
check_finding "cookies off: it says the sources look spoofed" syn_flood 'subj_port(81) and says("spoof")'
check_finding "cookies off: no block proposed" syn_flood 'subj_port(81) and target == null'
check_finding "cookies off: the advice names sysctl -w net.ipv4.tcp_syncookies=1" syn_flood \
	'subj_port(81) and (.advice | contains("sysctl -w net.ipv4.tcp_syncookies=1"))'
check_finding "cookies off: it says SYN cookies are off" syn_flood \
	'subj_port(81) and (ev("tcp_syncookies") == 0 or says("cookies are off|syncookies=0|syncookies is 0"))'
check_eq "cookies off: no finding proposes a block" "" "$(diag_targets)"
check_replay "$DIAG_TMP/rec" "cookies off: the replay gives the same diagnosis in every frame"
finish
