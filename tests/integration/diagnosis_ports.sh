#!/bin/bash
# needs: ip nft jq ss timeout
# Local ports running out: net.ipv4.ip_local_port_range "40000 40499" (500
# ports) in the server namespace, and a program there holding 420
# connections to one destination, 192.0.2.2:9000 (a listener in the client
# namespace). sockwatch must say port_exhaustion with that destination and
# port as the subject, the sockets against the range as evidence, and
# advise on ip_local_port_range.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

sw_srv sysctl -qw net.ipv4.ip_local_port_range="40000 40499"
farm "$CLI" serve 192.0.2.2 9000
farm_wait_line "listener 192.0.2.2:9000" 10 || finish
farm "$SRV" connect 192.0.2.2 9000 --count 420
farm_wait_line "420 outbound connections" 20 || finish
check_eq "420 outbound ESTABLISHED to 192.0.2.2:9000" 420 \
	"$(sw_srv ss -tanH state established '( dst 192.0.2.2 and dport = :9000 )' | wc -l)"
diag_run 5
check_finding "port_exhaustion" port_exhaustion 'true'
check_finding "its subject: 192.0.2.2, port 9000" port_exhaustion \
	'(subj_remote | tostring | startswith("192.0.2.2")) and .subject.port == 9000'
check_finding "its evidence: 420 sockets, a range of 500" port_exhaustion \
	'ev("outbound") == 420 and ev("port_range") == 500'
check_finding "it names net.ipv4.ip_local_port_range" port_exhaustion 'says("ip_local_port_range")'
check_eq "no finding proposes a block (the connections are this host's)" "" "$(diag_targets)"
finish
