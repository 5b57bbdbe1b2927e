#!/bin/bash
# needs: ip jq ss timeout
# Push-down: a filter's states, ports and addresses go to the kernel (state
# mask, sock_diag bytecode, families), so the dump returns only what can
# match. sockets.dumped in the JSON counts what the kernel returned before
# sockwatch's own filter ran: for these filters it must equal both what
# matched (total) and what ss counts for the same filter, and be below the
# namespace's whole population.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

NS=${SW_TAG}pd
ns_add "$NS"
farm_freeze "$NS"
farm "$NS" serve 127.0.0.1 80
farm_wait_line "listener 80" 10 || finish
farm "$NS" serve 127.0.0.1 81
farm_wait_line "listener 81" 10 || finish
farm "$NS" serve ::1 82
farm_wait_line "listener 82" 10 || finish
farm "$NS" udp bind 127.0.0.1 5353 --count 3
farm_wait_line "udp" 10 || finish
farm "$NS" connect 127.0.0.1 80 --from 127.0.0.2=30
farm_wait_line "connections to 80" 10 || finish
farm "$NS" connect 127.0.0.1 81 --from 127.0.0.3=5
farm_wait_line "connections to 81" 10 || finish
farm "$NS" connect ::1 82 --from ::1=4
farm_wait_line "connections to 82" 10 || finish

all=$(ip netns exec "$NS" "$SW_BIN" -b --json -n 1 | jq .sockets.total)
# both sides of every connection, 3 listeners, 3 UDP sockets
check_eq "the namespace holds 2 x 39 connections, 3 listeners, 3 UDP sockets" 84 "$all"

# pushdown FILTER SS_COUNT: dumped == total == what ss counts, below $all
pushdown() {
	local f="$1" want="$2" j
	j=$(ip netns exec "$NS" "$SW_BIN" -b --json -n 1 -f "$f" | jq -c .sockets)
	check_eq "-f '$f': sockwatch matches what ss counts" "$want" "$(jq .total <<<"$j")"
	check_eq "-f '$f': the kernel returned only those (sockets.dumped)" "$want" "$(jq .dumped <<<"$j")"
	check "-f '$f' narrows the dump ($want of $all)" test "$want" -lt "$all"
}
ssn() { ip netns exec "$NS" ss -Han "$@" | wc -l; }

# the state mask: only listeners
pushdown "state listen" "$(ssn -t state listening)"
# ports in bytecode: the 5 server-side sockets and the listener of port 81
pushdown "sport 81" "$(ssn -t state all '( sport = :81 )')"
pushdown "tcp and dport 80" "$(ssn -t state all '( dport = :80 )')"
# an address in bytecode: both ends of 127.0.0.3's connections
pushdown "addr 127.0.0.3" "$(ssn -t state all '( src 127.0.0.3 or dst 127.0.0.3 )')"
# the family: only the IPv6 sockets (listener and 4 x 2 ends)
pushdown "v6" "$(ssn -t -6 state all)"
# protocol and state together: the bound UDP sockets
pushdown "udp" "$(ssn -u state all)"

# and without a filter, everything the kernel returned is kept
j=$(ip netns exec "$NS" "$SW_BIN" -b --json -n 1 | jq -c .sockets)
check_eq "without a filter dumped == total" "$(jq .total <<<"$j")" "$(jq .dumped <<<"$j")"
finish
