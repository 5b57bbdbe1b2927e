#!/bin/bash
# needs: ip nft jq ss timeout
# An application that never closes: minihttp --never-close on :8082; 150
# clients connect, then close first. The server's sockets stay in
# CLOSE_WAIT. sockwatch must say close_wait_pileup on :8082, name the
# application (minihttp), and propose no block (the clients did nothing
# wrong).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

diag_client_addrs 198.51.100.20 198.51.100.21
serve_http 192.0.2.1 8082 --never-close
farm "$CLI" connect 192.0.2.1 8082 --count 150 --from 198.51.100.20,198.51.100.21 --close-first
farm_wait_line "clients connected and closed" 20 || finish
cw() { [ "$(sw_srv ss -tanH state close-wait '( sport = :8082 )' | wc -l)" -eq 150 ]; }
wait_for "150 CLOSE_WAIT" 10 cw || { not_ok "CLOSE_WAIT never reached 150"; finish; }
diag_run 6

check_finding "close_wait_pileup on :8082" close_wait_pileup 'subj_port(8082)'
check_finding "it names the application (minihttp)" close_wait_pileup \
	'subj_port(8082) and (process == "minihttp" or says("minihttp"))'
check_finding "it counts the 150 sockets" close_wait_pileup \
	'subj_port(8082) and (ev("close_wait") == 150 or (ev_values | index(150) != null))'
check_eq "no finding proposes a block" "" "$(diag_targets)"
finish
