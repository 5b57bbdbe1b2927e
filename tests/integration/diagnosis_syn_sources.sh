#!/bin/bash
# needs: ip nft jq ss timeout
# A SYN flood from three sources (198.51.100.7, 198.51.100.8, 203.0.113.9):
# raw SYNs, many source ports each, SYN-ACKs dropped on the client side, to
# a listener of backlog 128, beside 20 normal clients with established
# connections. The flood is concentrated, so sockwatch must say syn_flood on
# the port, not call it spoofed, and propose blocking the sources: every
# proposed target holds only flood sources (no normal client, not the
# server), and together they cover all three.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

FLOOD="198.51.100.7 198.51.100.8 203.0.113.9"
NORMAL=$(diag_v4_hosts 198.51.100 100 119)
diag_client_addrs $FLOOD ${NORMAL//,/ }
serve_http 192.0.2.1 80 --backlog 128
farm "$CLI" connect 192.0.2.1 80 --count 40 --from "$NORMAL"
farm_wait_line "normal clients" 20 || finish
diag_drop_synack 80
spawn sw_cli "$SYNRAW" 192.0.2.1 80 --from "${FLOOD// /,}" --count 10000 --rate 300 --timeout 60 >/dev/null
full() { [ "$(sw_srv ss -tanH state syn-recv '( sport = :80 )' | wc -l)" -ge 120 ]; }
wait_for "SYN queue of :80 full" 15 full || { not_ok "the flood did not fill the SYN queue"; finish; }
check_eq "SYN_RECV comes from the three sources only" "$(echo $FLOOD | tr ' ' '\n' | sort)" \
	"$(sw_srv ss -tanH state syn-recv '( sport = :80 )' | awk '{ sub(/:[0-9]+$/, "", $4); print $4 }' | sort -u)"
diag_run 8

check_finding "syn_flood on :80" syn_flood 'subj_port(80)'
check_finding "not called spoofed" syn_flood 'subj_port(80) and (says("spoof") | not)'
check_finding "it proposes a block" syn_flood 'subj_port(80) and target != null'
targets=$(diag_targets)
bad="" covered=0
for t in $targets; do
	hit=0
	for a in $FLOOD; do v4_in "$t" "$a" && hit=1; done
	for a in ${NORMAL//,/ } 192.0.2.1 192.0.2.2; do v4_in "$t" "$a" && bad+=" $t(holds $a)"; done
	[ "$hit" -eq 1 ] || bad+=" $t(no flood source)"
done
for a in $FLOOD; do
	for t in $targets; do v4_in "$t" "$a" && { covered=$((covered + 1)); break; }; done
done
check_eq "every proposed target holds flood sources only" "" "$bad"
check_eq "the proposed targets cover the three sources (targets: $(echo $targets))" 3 "$covered"
finish
