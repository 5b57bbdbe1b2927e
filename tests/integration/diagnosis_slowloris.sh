#!/bin/bash
# needs: ip nft jq ss timeout
# Slowloris beside normal clients: minihttp (no idle timeout) on :80; 30
# normal client addresses making requests (tests/tools/webload); and
# tests/tools/slowloris from 203.0.113.77 holding 300 connections that
# each sent the start of a request and then 8 header bytes every 10 s,
# never finishing it. Over 16 refreshes (a connection counts as slow once
# it is old enough: sockwatch dates it from when it first saw it), sockwatch
# must say slow_clients with 203.0.113.77 as the source, propose blocking
# it (and no normal client), and advise a server-side timeout. The run is recorded (tcp_info too);
# its replay must diagnose the same.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

LORIS=203.0.113.77
NORMAL=$(diag_v4_hosts 198.51.100 10 39)
diag_client_addrs $LORIS ${NORMAL//,/ }
serve_http 192.0.2.1 80
clients load 192.0.2.1 "$NORMAL" --conns 2 --think 1 --requests 5
spawn sw_cli "$SLOWLORIS" 192.0.2.1 80 --from $LORIS --count 300 --interval 10 --duration 90 \
	>"$DIAG_TMP/loris.out" 2>&1
wait_for "slowloris connections" 30 grep -q connected "$DIAG_TMP/loris.out" ||
	{ not_ok "slowloris: $(cat "$DIAG_TMP/loris.out")"; finish; }
sleep 5
check "slowloris holds 300 connections ($(est_from $LORIS))" [ "$(est_from $LORIS)" -eq 300 ]
check "they sent only the start of a request (the server received at most 120 bytes on each)" \
	[ "$(sw_srv ss -tanHi state established "( sport = :80 and dst $LORIS )" |
		grep -o 'bytes_received:[0-9]*' | cut -d: -f2 | sort -n | tail -1)" -le 120 ]
diag_run 16 --record "$DIAG_TMP/rec"

check_finding "slow_clients from $LORIS" slow_clients "(subj_remote | tostring | startswith(\"$LORIS\"))"
check_finding "it proposes blocking $LORIS" slow_clients "target != null"
check_finding "it advises a server-side timeout" slow_clients '.advice | test("timeout"; "i")'
check_targets slow_clients "$LORIS" "$NORMAL"
check_unnamed "$NORMAL"
check_eq "the normal clients saw no errors" 0 "$(load_errors "$DIAG_TMP/load.out")"

check_replay "$DIAG_TMP/rec"

take_block slow_clients
gone() { [ "$(est_from $LORIS)" -eq 0 ]; }
check "blocking $BLOCKED ended the 300 slow connections" wait_for "slowloris gone" 5 gone
sleep 2
check_eq "slowloris could not open them again" 0 "$(est_from $LORIS)"
check "the normal clients still hold their connections" [ "$(est_from 198.51.100.0/24)" -ge 40 ]
finish
