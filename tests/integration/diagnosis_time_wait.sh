#!/bin/bash
# needs: ip nft jq ss timeout
# TIME_WAIT at the kernel's limit: net.ipv4.tcp_max_tw_buckets=1200 in the
# server namespace, and 100 client connections (20 addresses) that each
# make one or two requests with "Connection: close" (tests/tools/webload
# --close-ratio 100), so the server closes first some hundreds of times a
# second and each of its sockets would go to TIME_WAIT: the count stays at
# the limit and TCPTimeWaitOverflow rises. sockwatch must say
# time_wait_pileup for the host, with the TIME_WAIT count, the limit and
# the overflow rate as evidence, and name the setting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

sw_srv sysctl -qw net.ipv4.tcp_max_tw_buckets=1200
CLIENTS=$(diag_v4_hosts 198.51.100 10 29)
diag_client_addrs ${CLIENTS//,/ }
serve_http 192.0.2.1 80
clients load 192.0.2.1 "$CLIENTS" --conns 5 --think 0.5 --requests 1 --close-ratio 100
tw() { [ "$(sw_srv ss -tanH state time-wait | wc -l)" -ge 1100 ]; }
wait_for "TIME_WAIT at the limit" 30 tw || { not_ok "TIME_WAIT never reached the limit"; finish; }
diag_run 6
check_rate_rose TCPTimeWaitOverflow
check_finding "time_wait_pileup" time_wait_pileup 'true'
check_finding "for the host (no remote holds most of them)" time_wait_pileup '.subject.kind == "host"'
check_finding "its evidence: the TIME_WAIT count (at least 1000)" time_wait_pileup '(ev("time_wait") // 0) >= 1000'
check_finding "its evidence: the overflow rate (at least 10/s)" time_wait_pileup '(ev("timewait_overflow_per_s") // 0) >= 10'
check_finding "its evidence: the limit, tcp_max_tw_buckets 1200" time_wait_pileup 'ev("tcp_max_tw_buckets") == 1200'
check_finding "it names net.ipv4.tcp_max_tw_buckets" time_wait_pileup 'says("tcp_max_tw_buckets")'
check_eq "no finding proposes a block" "" "$(diag_targets)"
finish
