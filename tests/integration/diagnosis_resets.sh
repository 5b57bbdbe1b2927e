#!/bin/bash
# needs: ip nft jq ss timeout
# A reset storm: after calm refreshes (a few normal clients making
# requests), a scan of closed ports from the 254 hosts of 203.0.113.0/24
# (raw SYNs, tests/tools/synraw, 300 a second) makes the server answer
# each with a RST: OutRsts/s far above its calm level. sockwatch, started
# before the scan, must say reset_storm in the refreshes of the scan, with
# the OutRsts rate as evidence, and nothing in the calm refreshes before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

NORMAL=$(diag_v4_hosts 198.51.100 10 29)
diag_client_addrs ${NORMAL//,/ }
serve_http 192.0.2.1 80
clients load 192.0.2.1 "$NORMAL" --conns 2 --think 0.5 --requests 5
spawn timeout 60 "$SW_BIN" -b --json -n 14 -d 1 --netns "$SRV" >"$DIAG_OUT" 2>"$DIAG_TMP/sw.err"
SWPID=$SPAWNED
wait_for "sockwatch's 6th refresh" 20 sh -c "[ \$(wc -l <'$DIAG_OUT') -ge 6 ]" || { not_ok "sockwatch: $(cat "$DIAG_TMP/sw.err")"; finish; }
SCAN_SEQ=$(wc -l <"$DIAG_OUT")
# port 1, where nothing listens: every SYN gets a RST
# (the RSTs go to 203.0.113.x, which the client does not hold: dropped there)
spawn sw_cli "$SYNRAW" 192.0.2.1 1 --from 203.0.113.0/24 --count 4000 --rate 300 --timeout 30 \
	>/dev/null 2>"$DIAG_TMP/scan.err"
wait "$SWPID"
check "sockwatch ran 14 refreshes" [ "$(wc -l <"$DIAG_OUT")" -eq 14 ]
check "OutRsts/s was over 100 in the last refresh" \
	[ "$(diag_last | jq '.counters.OutRsts.per_s | floor')" -ge 100 ]
before=$(jq -c --argjson s "$SCAN_SEQ" 'select(.seq <= $s and (.diagnosis | length) > 0) | {seq, diagnosis}' "$DIAG_OUT")
check_eq "no finding before the scan (refreshes 1..$SCAN_SEQ)" "" "$before"
check_finding "reset_storm in the last refresh" reset_storm 'true'
check_finding "its evidence is the OutRsts rate (over 100/s)" reset_storm '(ev("out_rsts_per_s") // 0) >= 100'
check_eq "no finding proposes a block (a scan's sources are spoofed)" "" "$(diag_targets)"
finish
