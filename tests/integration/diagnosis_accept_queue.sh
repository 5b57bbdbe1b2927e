#!/bin/bash
# needs: ip nft jq ss timeout
# A listener that never accepts: sockfarm serve --no-accept, backlog 16, on
# :8081, with somaxconn 1024 in the namespace; 200 clients connect to it.
# The accept queue fills (17), and the clients' SYNs, retried every second
# for 40 s (tcp_syn_linear_timeouts, tcp_syn_retries), keep ListenOverflows
# rising through the run. sockwatch must say accept_queue_full on :8081,
# name the process (sockfarm), and set its backlog (16) against somaxconn
# (1024). The clients come in four groups of 50 a quarter second apart (one
# SYN retry a second each). DIAG_AQ_BACKOFF=1 leaves the clients' SYN
# retries backing off as by default (1, 2, 4, 8 s: refreshes without an
# overflow between them) and makes the run 15 refreshes long.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/diagnosis_env.bash"

sw_srv sysctl -qw net.core.somaxconn=1024
if [ -z "${DIAG_AQ_BACKOFF:-}" ]; then
	sw_cli sysctl -qw net.ipv4.tcp_syn_retries=40
	sw_cli sysctl -qw net.ipv4.tcp_syn_linear_timeouts=40 2>/dev/null ||
		echo "# no tcp_syn_linear_timeouts here: SYN retries back off, ListenOverflows/s may be 0 in some refreshes"
fi
diag_client_addrs 198.51.100.40 198.51.100.41 198.51.100.42 198.51.100.43
farm "$SRV" serve 192.0.2.1 8081 --backlog 16 --no-accept
farm_wait_line "listener :8081" 10 || finish
# four groups of 50, a quarter second apart: retries in step would all
# land in one refresh and leave the next without any
for g in 0 1 2 3; do
	farm "$CLI" synflood 192.0.2.1 8081 --count 50 --from "$(diag_v4_hosts 198.51.100 4$g 4$g)"
	farm_wait_line "clients, group $g" 20 || finish
	sleep 0.25
done
queued() { [ "$(sw_srv ss -tlnH '( sport = :8081 )' | awk '{ print $2 }')" -ge 17 ]; }
wait_for "the accept queue full" 10 queued || { not_ok "the accept queue never filled: $(sw_srv ss -tlnH)"; finish; }
diag_run "$([ -n "${DIAG_AQ_BACKOFF:-}" ] && echo 15 || echo 8)"
check_rate_rose ListenOverflows

check_finding "accept_queue_full on :8081" accept_queue_full 'subj_port(8081)'
check_finding "it names the process (sockfarm)" accept_queue_full \
	'subj_port(8081) and (process == "sockfarm" or says("sockfarm"))'
check_finding "it shows the backlog, 16" accept_queue_full \
	'subj_port(8081) and (ev("backlog") == 16 or (ev_values | index(16) != null))'
check_finding "it shows somaxconn, 1024" accept_queue_full \
	'subj_port(8081) and (ev("somaxconn") == 1024 or (ev_values | index(1024) != null) or says("1024"))'
check_finding "the advice names somaxconn or the backlog" accept_queue_full \
	'subj_port(8081) and (.advice | test("somaxconn|backlog"; "i"))'
check_finding "no block proposed (the fault is the application's)" accept_queue_full \
	'subj_port(8081) and target == null'
finish
