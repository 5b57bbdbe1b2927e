#!/bin/bash
# needs: ip nft jq ss timeout
# UDP drops: a UDP socket on 192.0.2.1:5353 that never reads (sockfarm udp
# bind), beside an idle one on :5354, and a client sending it 500 small
# datagrams a second: its receive buffer fills and the kernel drops the
# rest (Udp RcvbufErrors). sockwatch must say udp_drops, name the socket
# with the fullest receive queue (:5353) and its program, the drop rate, and propose no
# block.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

farm "$SRV" udp bind 192.0.2.1 5353
farm_wait_line "UDP socket :5353" 10 || finish
farm "$SRV" udp bind 192.0.2.1 5354
farm_wait_line "UDP socket :5354" 10 || finish
# 500 datagrams a second for at most 40 s: 50, then a tenth of a second
spawn sw_cli bash -c 'for ((i = 0; i < 400; i++)); do
	for ((j = 0; j < 50; j++)); do echo datagram >/dev/udp/192.0.2.1/5353; done
	sleep 0.1
done' 2>/dev/null
full() { [ "$(sw_srv ss -uanH '( sport = :5353 )' | awk '{ print $2 }')" -gt 100000 ]; }
wait_for "the receive queue of :5353 full" 10 full || { not_ok "the receive queue never filled: $(sw_srv ss -uanH)"; finish; }
diag_run 6
check_rate_rose UdpRcvbufErrors
check_finding "udp_drops" udp_drops 'true'
check_finding "it names the socket with the fullest queue, :5353" udp_drops 'subj_port(5353)'
check_finding "it names the program (sockfarm)" udp_drops 'process == "sockfarm" or says("sockfarm")'
check_finding "its evidence: the drops per second (over 100)" udp_drops \
	'((ev("rcvbuf_errors_per_s") // 0) >= 100) or ((ev("in_errors_per_s") // 0) >= 100)'
check_eq "no finding proposes a block" "" "$(diag_targets)"
finish
