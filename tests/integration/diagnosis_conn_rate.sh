#!/bin/bash
# needs: ip nft jq ss timeout
# A connection flood by rate: beside 60 normal client addresses making
# requests with churn (tests/tools/webload), 203.0.113.66 opens 150
# connections, holds them a second, closes them, and again (about 150 new
# connections a second, fewer than 200 open at any time: not a flood by
# count). sockwatch must say
# connection_flood with 203.0.113.66 as the subject and its new
# connections per second as evidence, propose blocking it (and no normal
# client), and name no normal client.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

FLOODER=203.0.113.66
NORMAL=$(diag_v4_hosts 198.51.100 10 69)
diag_client_addrs $FLOODER ${NORMAL//,/ }
serve_http 192.0.2.1 80
clients load 192.0.2.1 "$NORMAL" --conns 2 --think 0.5 --requests 4
# at most 40 rounds (about 40 s)
spawn sw_cli bash -c "for ((i = 0; i < 40; i++)); do
	'$SW_FARM' connect 192.0.2.1 80 --count 150 --from $FLOODER --hold 1 --timeout 10 >/dev/null || exit 1
done" 2>"$DIAG_TMP/flood.err"
sleep 3
diag_run 8 --top 0

check "the flooder opened over 100 connections a second, and held fewer than 200" \
	[ "$(diag_last | jq --arg a "$FLOODER" '[.remotes[] | select(.addr == $a) | .new_per_s // 0] | first // 0 | floor')" -ge 100 ] &&
	[ "$(diag_last | jq --arg a "$FLOODER" '[.remotes[] | select(.addr == $a) | .states.ESTABLISHED] | first // 0')" -lt 200 ]
check_finding "connection_flood from $FLOODER" connection_flood \
	"(subj_remote | tostring | startswith(\"$FLOODER\"))"
check_finding "its evidence: over 100 new connections a second" connection_flood \
	"(subj_remote | tostring | startswith(\"$FLOODER\")) and (ev(\"new_per_s\") // 0) >= 100"
check_targets connection_flood "$FLOODER" "$NORMAL"
check_unnamed "$NORMAL"
check_eq "the flooder's client never failed" "" "$(cat "$DIAG_TMP/flood.err")"
finish
