#!/bin/bash
# needs: ip nft jq ss timeout
# A connection flood beside normal clients, on a dual-stack listener
# ([::]:80, as many servers listen: IPv4 peers arrive IPv4-mapped, and must
# be named and blocked as IPv4 addresses): 60 normal client addresses
# (198.51.100.10-69, two keep-alive connections each, making requests with
# churn: tests/tools/webload) and one flooder, 203.0.113.66, opening 600
# connections and holding them. sockwatch must say connection_flood with
# the flooder as its subject, propose blocking it (a target holding
# 203.0.113.66 and no normal client), and name no normal client in any
# finding. The run is recorded; its replay must diagnose the same, frame
# by frame. Then the proposed block, taken as it is (sockwatch block TARGET
# --kill), ends the flood: the flooder's connections are gone and a new
# one fails, while the normal clients go on without an error.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

FLOODER=203.0.113.66
NORMAL=$(diag_v4_hosts 198.51.100 10 69)
diag_client_addrs $FLOODER ${NORMAL//,/ }
sw_srv sysctl -qw net.ipv6.bindv6only=0
serve_http :: 80
clients load 192.0.2.1 "$NORMAL" --conns 2 --think 0.5 --requests 4
farm "$CLI" connect 192.0.2.1 80 --count 600 --from "$FLOODER"
farm_wait_line "the flood's connections" 30 || finish
check "the flooder holds 600 ESTABLISHED ($(est_from $FLOODER))" [ "$(est_from $FLOODER)" -eq 600 ]
check "the server's sockets are IPv6 with IPv4-mapped peers" \
	sh -c "ip netns exec $SRV ss -tanH state established '( sport = :80 )' | grep -q '::ffff:$FLOODER'"
check "the normal clients hold about 120 ($(est_from 198.51.100.0/24))" \
	[ "$(est_from 198.51.100.0/24)" -ge 90 ]
diag_run 8 --record "$DIAG_TMP/rec"

check_finding "connection_flood from $FLOODER" connection_flood \
	"(subj_remote | tostring | startswith(\"$FLOODER\"))"
check_finding "it proposes blocking $FLOODER" connection_flood "target != null"
check_targets connection_flood "$FLOODER" "$NORMAL"
check_eq "the target is written as IPv4 (not ::ffff:)" "" "$(diag_targets | grep -i ffff)"
check_unnamed "$NORMAL"
check_eq "the normal clients saw no errors" 0 "$(load_errors "$DIAG_TMP/load.out")"

check_replay "$DIAG_TMP/rec"

# the action, as proposed
e0=$(load_errors "$DIAG_TMP/load.out")
take_block connection_flood
gone() { [ "$(est_from $FLOODER)" -eq 0 ]; }
check "blocking $BLOCKED ended the flooder's 600 connections" wait_for "flood ended" 5 gone
check "a new connection from the flooder fails" \
	sh -c "! ip netns exec $CLI '$SW_FARM' connect 192.0.2.1 80 --count 1 --from $FLOODER --timeout 1.5 >/dev/null 2>&1"
sleep 3
check_eq "the normal clients saw no new errors" "$e0" "$(load_errors "$DIAG_TMP/load.out")"
check "the normal clients still hold their connections" [ "$(est_from 198.51.100.0/24)" -ge 90 ]
finish
