#!/bin/bash
# needs: ip nft netstat jq ss timeout unshare
# Exactness: a server namespace populated with listeners,
# thousands of ESTABLISHED connections from many source addresses (uneven
# counts), TIME_WAIT on both sides, SYN_RECV from a SYN flood over veth,
# IPv6 and IPv4-mapped peers, bound and connected UDP. sockwatch's state
# histogram, remotes and listeners must equal what ss reports for the same
# namespace, and equal the numbers the netstat pipelines of DESIGN.md print
# (their one-line sockwatch equivalents are in docs/pipelines.md).
#
# The population is frozen before it is measured: tcp_synack_retries and
# tcp_syn_retries are high (the SYN_RECV request sockets outlive the test),
# SYN-ACKs are dropped in the client namespace (no handshake completes),
# tcp_rfc1337 keeps TIME_WAIT sockets alive their full 60 s, and the test
# measures within that time. ss is read right before and right after the
# captures; the test fails if the two differ, and then compares exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

SRV=${SW_TAG}srv CLI=${SW_TAG}cli
T=$FARM_TMP
farm_topology "$SRV" "$CLI"

# --- the population -------------------------------------------------------
# Port 80: 20 sources with 20, 37, ..., 343 connections, plus 192.0.2.2 (97).
W80="192.0.2.2=97" N80=97
for k in $(seq 0 19); do
	W80="$W80,198.51.100.$((10 + k))=$((20 + 17 * k))"
	N80=$((N80 + 20 + 17 * k))
	farm_client_addr "$CLI" "198.51.100.$((10 + k))"
done
farm_client_addr "$CLI" 198.51.100.30 198.51.100.31 198.51.100.32 198.51.100.40 \
	198.51.100.41 198.51.100.50 198.51.100.60 198.51.100.61 2001:db8:1::a 2001:db8:1::b
N_MAPPED=77            # 198.51.100.50 -> [::]:8443, seen as ::ffff:198.51.100.50
N_V6=$((40 + 25 + 25)) # -> [2001:db8::1]:8443; ::a and ::b tie at 25
N_QUEUED=$((35 + 35))  # -> 8081, never accepted; .60 and .61 tie at 35
N_SYN=$((50 + 100 + 150))
N_TW_SRV=$((120 + 60)) # server closes first on port 82
N_TW_LO=140            # a client inside SRV closes first (loopback, port 9000)
N_UDP_BOUND=5 N_UDP_CONN=$((12 + 3))

# The client drops SYN-ACKs from port 81, so the server keeps request sockets.
nft_table_cleanup inet "${SW_TAG}drop" "$CLI"
printf 'table inet %s {\n chain in {\n  type filter hook input priority 0;\n  tcp sport 81 tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
	"${SW_TAG}drop" | ip netns exec "$CLI" nft -f - || { not_ok "nft rule in $CLI"; finish; }

declare -A LPID # listener port -> pid of the sockfarm holding it
for spec in "192.0.2.1 80" "192.0.2.1 81 --backlog 1024" "192.0.2.1 82 --close" \
	":: 8443" "192.0.2.1 8081 --backlog 100 --no-accept" "127.0.0.1 9000"; do
	# shellcheck disable=SC2086
	farm "$SRV" serve $spec
	farm_wait_line "listener $spec" 10 || finish
	set -- $spec
	LPID[$2]=$FARM_PID
done
farm "$SRV" udp bind 192.0.2.1 5300 --count 4
farm_wait_line "udp bind" 10 || finish
UDP_PID1=$FARM_PID
farm "$SRV" udp bind :: 5400
farm_wait_line "udp bind v6" 10 || finish
UDP_PID2=$FARM_PID
farm "$SRV" udp connect 192.0.2.2 53 --count 12
farm_wait_line "udp connect" 10 || finish
farm "$SRV" udp connect 2001:db8::2 53 --count 3
farm_wait_line "udp connect v6" 10 || finish

farm "$CLI" connect 192.0.2.1 80 --from "$W80"
farm_wait_line "$N80 connections to port 80" 60 || finish
farm "$CLI" connect 192.0.2.1 8443 --from 198.51.100.50=$N_MAPPED
farm_wait_line "IPv4-mapped connections" 30 || finish
farm "$CLI" connect 2001:db8::1 8443 --from 2001:db8::2=40,2001:db8:1::a=25,2001:db8:1::b=25
farm_wait_line "IPv6 connections" 30 || finish
farm "$CLI" connect 192.0.2.1 8081 --from 198.51.100.60=35,198.51.100.61=35
farm_wait_line "connections left in the accept queue" 30 || finish
farm "$CLI" synflood 192.0.2.1 81 --from 198.51.100.30=50,198.51.100.31=100,198.51.100.32=150
farm_wait_line "SYN flood" 30 || finish
# TIME_WAIT last: they live 60 s from here.
farm "$CLI" connect 192.0.2.1 82 --from 198.51.100.40=120,198.51.100.41=60
farm_wait_line "connections the server closes" 30 || finish
farm "$SRV" connect 127.0.0.1 9000 --from 127.0.0.2=$N_TW_LO --close-first
farm_wait_line "loopback connections closed first" 30 || finish

ss_hist() {
	ip netns exec "$SRV" ss -tanH | awk '{print $1}' | ss_state_name | sort | uniq -c |
		awk '{print $2, $1}'
}
EXPECT_HIST=$(printf '%s\n' "ESTABLISHED $((N80 + N_MAPPED + N_V6 + N_QUEUED))" \
	"LISTEN 6" "SYN_RECV $N_SYN" "TIME_WAIT $((N_TW_SRV + N_TW_LO))" | sort)
# (a function: wait_for polls a command, and $(...) in its arguments ran once)
hist_settled() { [ "$(ss_hist)" == "$EXPECT_HIST" ]; }
if ! wait_for "ss shows the population" 30 hist_settled; then
	not_ok "population never settled: ss shows $(ss_hist | tr '\n' ' ')"
	finish
fi
ok "ss shows the population: $(echo "$EXPECT_HIST" | tr '\n' ' ')"
t_tw=$(date +%s)

# --- captures (all within the TIME_WAIT lifetime) ----------------------------
sw() { "$SW_BIN" -b --json --top 0 --netns "$SRV" "$@"; }
ns() { ip netns exec "$SRV" "$@"; }
cap() { # NAME CMD...: stdout to $T/NAME, stderr to NAME.err, status to NAME.rc
	local t0=$SECONDS
	local n="$1"
	shift
	"$@" >"$T/$n" 2>"$T/$n.err"
	echo $? >"$T/$n.rc"
	[ $((SECONDS - t0)) -lt 3 ] || echo "# capture $n took $((SECONDS - t0)) s"
}
ns ss -tanH | sort >"$T/ss_tcp.0"
ns ss -uanH | sort >"$T/ss_udp.0"
cap sw.json sw
cap sw_group.json sw --group 24,64
cap sw_port80.json sw -t -f 'port 80'
cap sw_exec.json ns "$SW_BIN" -b --json --top 0
cap sw.txt "$SW_BIN" -b --top 0 --netns "$SRV"
cap sw_80_8081.json sw -f 'port 80 or port 8081'
# the same through the BPF iterators (--backend bpf)
cap sw_bpf.json sw --backend bpf
cap sw_bpf_group.json sw --backend bpf --group 24,64
cap sw_bpf_port80.json sw --backend bpf -t -f 'port 80'
cap sw_bpf_80_8081.json sw --backend bpf -f 'port 80 or port 8081'
# filters against ss's own (both run partly in the kernel); the ss side is a
# command line whose output lines are counted. sockwatch writes IPv4-mapped
# peers as IPv4, so its v4 / v6 follow the peer, not the socket's family.
FILTERS=(
	"state syn_recv|ss -tanH state syn-recv"
	"addr 198.51.100.50|ss -tanH dst 198.51.100.50"
	"addr 198.51.100.0/24 and not state established|ss -tanH dst 198.51.100.0/24 | grep -v ^ESTAB"
	"sport 8443 and v4|ss -tanH sport = :8443 | grep ffff:"
	"sport 8443 and v6|ss -tanH sport = :8443 | grep -v ffff:"
	"addr 2001:db8:1::/64|ss -tanH dst 2001:db8:1::/64"
	"tcp and not (state listen or state established)|ss -tanH | grep -v -e ^LISTEN -e ^ESTAB"
	"dport 80 or sport 82|ss -tanH dport = :80 or sport = :82"
	"not dport 80 and not sport 82|ss -tanH not dport = :80 and not sport = :82"
	"dst 2001:db8:1::/64 and sport 8443|ss -tanH dst 2001:db8:1::/64 and sport = :8443"
	"dst 198.51.100.50 and sport 8443|ss -tanH dst 198.51.100.50 and sport = :8443"
)
for i in "${!FILTERS[@]}"; do
	cap "sw_f$i.json" sw -f "${FILTERS[$i]%%|*}"
	cap "sw_bpf_f$i.json" sw --backend bpf -f "${FILTERS[$i]%%|*}"
	ns bash -c "${FILTERS[$i]#*|}" >"$T/ss_f$i"
done
# docs/pipelines.md: section N's first code block is the netstat pipeline,
# its second the sockwatch one-liner; both run here as written.
DOC="$TESTS_DIR/../docs/pipelines.md"
doc_block() { # SECTION BLOCK(1|2)
	awk -v n="$1" -v want=$(($2 * 2 - 1)) '/^## /{sec = ($2 == n "."); b = 0; next}
		sec && /^```/ {b++; next} sec && b == want' "$DOC"
}
sockwatch() { "$SW_BIN" --netns "$SRV" "$@"; }
# netstat -p reads the descriptors of every process on the host (other work
# there may hold 100,000s, and it then takes a minute): pipelines 1-6, whose
# counts do not use its PID column, run in a private PID namespace.
for n in 1 2 3 4 5 6; do
	cap "pipe$n" ns unshare --pid --fork --mount-proc bash -c "$(doc_block $n 1)"
	cap "one$n" eval "$(doc_block $n 2)"
done
ns netstat -ntuW >"$T/netstat_ntuW"
ns netstat -ant >"$T/netstat_ant"
ns ss -tanH | sort >"$T/ss_tcp"
ns ss -uanH | sort >"$T/ss_udp"
ns ss -ltnH >"$T/ss_listen"
echo "# captures took $(($(date +%s) - t_tw)) s after the TIME_WAIT sockets appeared"
# not time-critical: listeners and counters do not change by themselves
for n in 7 8; do
	cap "pipe$n" ns bash -c "$(doc_block $n 1)"
	cap "one$n" eval "$(doc_block $n 2)"
done

check_same "population unchanged while sockwatch and netstat ran (tcp)" \
	"$(cat "$T/ss_tcp.0")" "$(cat "$T/ss_tcp")"
check_same "population unchanged while sockwatch and netstat ran (udp)" \
	"$(cat "$T/ss_udp.0")" "$(cat "$T/ss_udp")"
for c in "sw.json:-b --json --netns" "sw_group.json:--group 24,64" "sw_port80.json:-t -f 'port 80'" \
	"sw_80_8081.json:-f 'port 80 or port 8081'" "sw_exec.json:run by ip netns exec" "sw.txt:text output"; do
	check_eq "sockwatch ${c#*:} exits 0 (stderr: $(head -c 200 "$T/${c%%:*}.err"))" 0 "$(cat "$T/${c%%:*}.rc")"
done
J=$T/sw.json
if ! jq -e . "$J" >/dev/null 2>&1 || [ "$(wc -l <"$J")" -ne 1 ]; then
	not_ok "sockwatch printed one JSON object: got $(head -c 300 "$J")"
	finish
fi
ok "sockwatch printed one JSON object"

# --- totals and states against ss --------------------------------------------
SS_TCP=$(wc -l <"$T/ss_tcp") SS_UDP=$(wc -l <"$T/ss_udp")
check_eq "sockets.tcp equals ss -tanH lines" "$SS_TCP" "$(jq .sockets.tcp "$J")"
check_eq "sockets.udp equals ss -uanH lines" "$SS_UDP" "$(jq .sockets.udp "$J")"
check_eq "sockets.total equals tcp + udp" "$((SS_TCP + SS_UDP))" "$(jq .sockets.total "$J")"
check_eq "udp_connected equals ss ESTAB udp" "$(grep -c '^ESTAB' "$T/ss_udp")" \
	"$(jq .sockets.udp_connected "$J")"
check_eq "udp_unconnected equals ss UNCONN udp" "$(grep -c '^UNCONN' "$T/ss_udp")" \
	"$(jq .sockets.udp_unconnected "$J")"
check_eq "udp counts are the ones created" "$N_UDP_CONN $N_UDP_BOUND" \
	"$(jq -r '"\(.sockets.udp_connected) \(.sockets.udp_unconnected)"' "$J")"
SS_HIST=$(awk '{print $1}' "$T/ss_tcp" | ss_state_name | sort | uniq -c | awk '{print $2, $1}')
SW_HIST=$(jq -r '.states[] | select(.count > 0) | "\(.state) \(.count)"' "$J" | sort)
check_same "state histogram equals ss -tanH" "$SS_HIST" "$SW_HIST"
check_eq "states lists the 11 TCP states in netstat's names" \
	"ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING" \
	"$(jq -r '[.states[].state] | join(" ")' "$J")"

# --- remotes against ss --------------------------------------------------------
# ss peers of every socket with a peer: TCP but LISTEN, connected UDP.
{
	awk '$1 != "LISTEN" {print $5}' "$T/ss_tcp"
	awk '$1 == "ESTAB" {print $5}' "$T/ss_udp"
} | ss_norm_peer | sort | uniq -c | awk '{print $2, $1}' | sort >"$T/ss_remotes"
jq -r '.remotes[] | "\(.addr) \(.count + .time_wait)"' "$J" | sort >"$T/sw_remotes"
check_same "remotes (address, connections + TIME_WAIT) equal ss peers" "$(cat "$T/ss_remotes")" "$(cat "$T/sw_remotes")"
check_same "a remote's count is its live sockets: ss peers but TIME-WAIT" \
	"$({ awk '$1 != "LISTEN" && $1 != "TIME-WAIT" {print $5}' "$T/ss_tcp"
	     awk '$1 == "ESTAB" {print $5}' "$T/ss_udp"; } | ss_norm_peer | sort | uniq -c | awk '{print $2, $1}' | sort)" \
	"$(jq -r '.remotes[] | select(.count > 0) | "\(.addr) \(.count)"' "$J" | sort)"
check_same "a remote's time_wait equals ss TIME-WAIT peers" \
	"$(awk '$1 == "TIME-WAIT" {print $5}' "$T/ss_tcp" | ss_norm_peer | sort | uniq -c | awk '{print $2, $1}' | sort)" \
	"$(jq -r '.remotes[] | select(.time_wait > 0) | "\(.addr) \(.time_wait)"' "$J" | sort)"
check_eq "remotes_total equals the number of distinct ss peers" "$(wc -l <"$T/ss_remotes")" \
	"$(jq .remotes_total "$J")"
SS_TRIPLES=$(awk '$1 != "LISTEN"' "$T/ss_tcp" | ss_peer_state | sort | uniq -c | awk '{print $2, $3, $1}' | sort)
SW_TRIPLES=$(jq -r '.remotes[] | .addr as $a | .states | to_entries[] | select(.value > 0) |
	"\($a) \(.key) \(.value)"' "$J" | sort)
check_same "per-remote state counts equal ss" "$SS_TRIPLES" "$SW_TRIPLES"
check_same "per-remote connected UDP equals ss" \
	"$(awk '$1 == "ESTAB" {print $5}' "$T/ss_udp" | ss_norm_peer | sort | uniq -c | awk '{print $2, $1}' | sort)" \
	"$(jq -r '.remotes[] | select(.udp > 0) | "\(.addr) \(.udp)"' "$J" | sort)"
check_eq "IPv4-mapped peers are reported as IPv4 (198.51.100.50)" "$N_MAPPED" \
	"$(jq '[.remotes[] | select(.addr == "198.51.100.50") | .count] | add' "$J")"
check_eq "no remote is written as ::ffff:a.b.c.d" 0 \
	"$(jq '[.remotes[] | select(.addr | startswith("::ffff:"))] | length' "$J")"
check_eq "remotes are sorted by count, descending" "true" \
	"$(jq '[.remotes[].count] as $c | $c == ($c | sort | reverse)' "$J")"
check_eq "ties are broken by address (198.51.100.60 before .61)" "198.51.100.60 198.51.100.61" \
	"$(jq -r '[.remotes[] | select(.addr == "198.51.100.60" or .addr == "198.51.100.61") | .addr] | join(" ")' "$J")"
check_eq "ties are broken by address (2001:db8:1::a before ::b)" "2001:db8:1::a 2001:db8:1::b" \
	"$(jq -r '[.remotes[] | select(.addr | startswith("2001:db8:1::")) | .addr] | join(" ")' "$J")"
check_eq "prefix is 32 for IPv4 and 128 for IPv6 by default" "32 128" \
	"$(jq -r '[(.remotes[] | select(.addr == "192.0.2.2") | .prefix), (.remotes[] | select(.addr == "2001:db8::2") | .prefix)] | join(" ")' "$J")"

# --group 24,64: ss peers summed per prefix (IPv6 compared fully expanded).
group_key() { # addr -> expanded prefix
	case "$1" in
	*:*) echo "$(echo "$1" | v6_expand | cut -d: -f1-4)/64" ;;
	*) echo "${1%.*}.0/24" ;;
	esac
}
SS_GROUPS=$(while read -r a c; do echo "$(group_key "$a") $c"; done <"$T/ss_remotes" |
	awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort)
SW_GROUPS=$(jq -r '.remotes[] | "\(.addr) \(.prefix) \(.count + .time_wait)"' "$T/sw_group.json" |
	while read -r a p c; do
		case "$a" in *:*) a=$(echo "$a" | v6_expand | cut -d: -f1-4) ;; esac
		echo "$a/$p $c"
	done | sort)
check_same "--group 24,64 sums remotes per /24 and /64 like ss" "$SS_GROUPS" "$SW_GROUPS"

# --- listeners against ss -------------------------------------------------------
ss_local() { sed -E 's/^\*:([0-9]+)$/:: \1/; s/^\[(.*)\]:([0-9]+)$/\1 \2/; s/^([0-9.]+):([0-9]+)$/\1 \2/'; }
SS_L=$(awk '{print $4, $2, $3}' "$T/ss_listen" | while read -r l rq sq; do
	echo "$(echo "$l" | ss_local) $rq $sq"
done | sort)
SW_L=$(jq -r '.listeners[] | select(.proto == "tcp") | "\(.addr) \(.port) \(.accept_queue) \(.backlog)"' "$J" | sort)
check_same "TCP listeners: address, port, accept queue, backlog equal ss -ltnH" "$SS_L" "$SW_L"
check_eq "listener 8081 holds the never-accepted connections in its accept queue" \
	"$N_QUEUED 100" "$(jq -r '.listeners[] | select(.port == 8081) | "\(.accept_queue) \(.backlog)"' "$J")"
SS_UL=$(awk '$1 == "UNCONN" {print $4}' "$T/ss_udp" | ss_local | sort)
SW_UL=$(jq -r '.listeners[] | select(.proto == "udp") | "\(.addr) \(.port)"' "$J" | sort)
check_same "UDP listeners equal ss UNCONN sockets" "$SS_UL" "$SW_UL"
SS_LQ=$(for p in $(jq -r '.listeners[] | select(.proto == "tcp") | .port' "$J"); do
	echo "$p $(awk -v p="$p" '$1 == "SYN-RECV" && $4 ~ (":" p "$") {n++} END {print n + 0}' "$T/ss_tcp") $(awk -v p="$p" '$1 == "ESTAB" && $4 ~ (":" p "$") {n++} END {print n + 0}' "$T/ss_tcp")"
done | sort)
SW_LQ=$(jq -r '.listeners[] | select(.proto == "tcp") | "\(.port) \(.syn_recv) \(.established)"' "$J" | sort)
check_same "listeners' SYN_RECV and ESTABLISHED counts per local port equal ss" "$SS_LQ" "$SW_LQ"
check_eq "listener 81 has the SYN flood in SYN_RECV" "$N_SYN" \
	"$(jq '.listeners[] | select(.port == 81) | .syn_recv' "$J")"
EXP_P=$(for p in "${!LPID[@]}"; do echo "$p ${LPID[$p]} sockfarm"; done | sort)
SW_P=$(jq -r '.listeners[] | select(.proto == "tcp") | "\(.port) \(.pid) \(.process)"' "$J" | sort)
check_same "TCP listeners carry their owner's pid and name" "$EXP_P" "$SW_P"
check_eq "UDP bound sockets carry their owner's pid" \
	"$(printf '%s\n' "$UDP_PID1 sockfarm" "$UDP_PID1 sockfarm" "$UDP_PID1 sockfarm" "$UDP_PID1 sockfarm" "$UDP_PID2 sockfarm" | sort | tr '\n' ' ')" \
	"$(jq -r '.listeners[] | select(.proto == "udp") | "\(.pid) \(.process)"' "$J" | sort | tr '\n' ' ')"

# --- --netns against running inside the namespace -------------------------------
strip() { jq -c '{sockets: .sockets | del(.opened, .closed, .changed), states: [.states[] | {state, count}], remotes: [.remotes[] | {addr, count, states, udp}], listeners: .listeners}' "$1"; }
check_same "--netns NAME reports what 'ip netns exec NAME sockwatch' reports" \
	"$(strip "$J")" "$(strip "$T/sw_exec.json")"

# --- filters ----------------------------------------------------------------------
for i in "${!FILTERS[@]}"; do
	f=${FILTERS[$i]%%|*}
	if [ "$(cat "$T/sw_f$i.json.rc")" != 0 ]; then
		not_ok "-f '$f' runs: $(head -c 200 "$T/sw_f$i.json.err")"
		continue
	fi
	check_eq "-f '$f' selects what '${FILTERS[$i]#*|}' does" "$(wc -l <"$T/ss_f$i")" \
		"$(jq .sockets.tcp "$T/sw_f$i.json")"
done
check_eq "-f 'addr 198.51.100.50' finds the IPv4-mapped connections" "$N_MAPPED" "$(jq .sockets.total "$T/sw_f1.json")"

# --- the text output carries the same histogram --------------------------------
TXT_HIST=$(awk '$1 ~ /^(ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING)$/ && $2 ~ /^[0-9]+$/ && $2 > 0 {print $1, $2}' "$T/sw.txt" | sort)
check_same "text output's state table equals the JSON's" "$SW_HIST" "$TXT_HIST"

# --- the pipelines of DESIGN.md and their one-liners (docs/pipelines.md) -------
for n in 1 2 3 4 5 6 7 8; do
	if [ -z "$(doc_block $n 1)" ] || [ -z "$(doc_block $n 2)" ]; then
		not_ok "docs/pipelines.md section $n has a pipeline and a one-liner"
	elif [ "$(cat "$T/one$n.rc")" != 0 ] || [ ! -s "$T/one$n" ]; then
		not_ok "one-liner $n runs: $(doc_block $n 2 | head -c 150): $(head -c 200 "$T/one$n.err")"
	fi
done
# two-column "count key" lines, sorted, for comparing multisets
canon() { awk '{print $1, $2}' | sort -k2,2 -k1,1n; }
# 1. Both print "STATE COUNT" for the non-listening TCP sockets: equal as is.
check_same "pipeline 1 (state histogram) equals its one-liner" \
	"$(sort "$T/pipe1")" "$(sort "$T/one1")"
# 2. Normalised netstat: -W (no truncation), the two header lines dropped,
#    the port cut at the last ':' (netstat already writes IPv4-mapped peers
#    as IPv4). Literally, cut -d: -f1 makes every IPv6 peer "2001" and the
#    headers add "Address" and "servers)": every line of the literal output
#    must still be accounted for by sockwatch's numbers.
norm_peers() { tail -n +3 | awk '{print $5}' | sed -E 's/:[0-9]+$//'; }
P2N=$(norm_peers <"$T/netstat_ntuW" | sort | uniq -c)
check_same "pipeline 2 normalised (netstat -ntuW) equals its one-liner" \
	"$(echo "$P2N" | canon)" "$(canon <"$T/one2")"
check_eq "one-liner 2 is in ascending order, as sort -n" "true" \
	"$(awk '{print $1}' "$T/one2" | jq -s '. == sort')"
O2L=$(jq -r '
	[(.remotes[] | select(.addr | test("^[0-9.]+$")) | {k: .addr, n: (.count + .time_wait)}),
	 {k: "2001", n: ([.remotes[] | select(.addr | contains(":")) | .count + .time_wait] | add)},
	 {k: "Address", n: 1}, {k: "servers)", n: 1}] | .[] | "\(.n) \(.k)"' "$J" | canon)
check_same "pipeline 2 literal: every line is accounted for by sockwatch's remotes" \
	"$(canon <"$T/pipe2")" "$O2L"
# 3. netstat shows connected UDP as ESTABLISHED: the one-liner adds .udp.
P3N=$(tail -n +3 "$T/netstat_ntuW" | grep ESTAB | awk '{print $5}' | sed -E 's/:[0-9]+$//' | sort | uniq -c)
check_same "pipeline 3 normalised (netstat -ntuW) equals its one-liner" \
	"$(echo "$P3N" | canon)" "$(canon <"$T/one3")"
check_eq "one-liner 3 is in descending order, as sort -nr" "true" \
	"$(awk '{print $1}' "$T/one3" | jq -s '. == (sort | reverse)')"
O3L=$(jq -r '
	[.remotes[] | {a: .addr, n: (.states.ESTABLISHED + .udp)} | select(.n > 0)] as $r |
	[($r[] | select(.a | test("^[0-9.]+$")) | {k: .a, n}),
	 {k: "2001", n: ([$r[] | select(.a | contains(":")) | .n] | add)}] | .[] | "\(.n) \(.k)"' "$J" | canon)
check_same "pipeline 3 literal: every line is accounted for by sockwatch" "$(canon <"$T/pipe3")" "$O3L"
# 4. A single number.
check_eq "pipeline 4 (SYN_REC count) equals its one-liner" "$(tr -d ' ' <"$T/pipe4")" "$(cat "$T/one4")"
check_eq "pipeline 4 counts the SYN flood" "$N_SYN" "$(cat "$T/one4")"
# 5. and 6. grep :80 matches port 80 and, here, port 8081 (":8081"): the
#    literal pipelines equal sockwatch with the filter 'port 80 or port
#    8081', plus, in 5, one "0.0.0.0" per listener (the Foreign column of a
#    LISTEN line). The one-liners (filter 'port 80') equal the pipelines
#    with grep ':80 ' (port 80 exactly) and without the listener lines.
P5N=$(grep -E '^(tcp|udp)' "$T/netstat_ant" | grep -E ':80 ' | grep -v LISTEN | awk '{print $5}' |
	sed -E 's/:[0-9]+$//' | sort | uniq -c)
check_same "pipeline 5 on port 80 exactly equals its one-liner" "$(echo "$P5N" | canon)" "$(canon <"$T/one5")"
O5L=$(jq -r '(.remotes[] | "\(.count + .time_wait) \(.addr)"), "\([.listeners[] | select(.proto == "tcp")] | length) 0.0.0.0"' \
	"$T/sw_80_8081.json" | canon)
check_same "pipeline 5 literal equals sockwatch -f 'port 80 or port 8081' plus the listener lines" \
	"$(canon <"$T/pipe5")" "$O5L"
P6N=$(grep -E ':80 ' "$T/netstat_ant" | awk '{++S[$NF]} END {for (a in S) print a, S[a]}' | sort)
check_same "pipeline 6 on port 80 exactly equals its one-liner" "$P6N" "$(sort "$T/one6")"
check_same "pipeline 6 literal equals sockwatch -f 'port 80 or port 8081' states" "$(sort "$T/pipe6")" \
	"$(jq -r '.states[] | select(.count > 0) | "\(.state) \(.count)"' "$T/sw_80_8081.json" | sort)"
# 7. netstat -nltp: "local address:port pid/program" of each LISTEN line.
check_same "pipeline 7 (netstat -nltp) equals its one-liner" \
	"$(awk '$6 == "LISTEN" {print $4, $7}' "$T/pipe7" | sort)" "$(sort "$T/one7")"
# 8. netstat -s: the counters that do not move by themselves.
ns_count() { awk -v pat="$1" '$0 ~ pat {print $1; exit}' "$T/pipe8"; }
one_count() { awk -v k="$1" '$1 == k {print $2}' "$T/one8"; }
check_eq "pipeline 8: PassiveOpens equals netstat -s passive connection openings" \
	"$(ns_count 'passive connection openings')" "$(one_count PassiveOpens)"
check_eq "pipeline 8: ActiveOpens equals netstat -s active connection openings" \
	"$(ns_count 'active connection openings')" "$(one_count ActiveOpens)"
check_eq "pipeline 8: AttemptFails equals netstat -s failed connection attempts" \
	"$(ns_count 'failed connection attempts')" "$(one_count AttemptFails)"
check_eq "one-liner 8 lists the counters DESIGN.md names" \
	"SyncookiesSent SyncookiesRecv SyncookiesFailed ListenOverflows ListenDrops TCPReqQFullDrop TCPReqQFullDoCookies PassiveOpens ActiveOpens AttemptFails EstabResets OutRsts RetransSegs InErrs TCPTimeWaitOverflow" \
	"$(for c in SyncookiesSent SyncookiesRecv SyncookiesFailed ListenOverflows ListenDrops TCPReqQFullDrop TCPReqQFullDoCookies PassiveOpens ActiveOpens AttemptFails EstabResets OutRsts RetransSegs InErrs TCPTimeWaitOverflow; do
		[ -n "$(one_count $c)" ] && printf '%s ' $c; done | sed 's/ $//')"
check_eq "counters are the namespace's: PassiveOpens is every accepted handshake" \
	"$((N80 + N_MAPPED + N_V6 + N_QUEUED + N_TW_SRV + N_TW_LO))" "$(jq .counters.PassiveOpens.total "$J")"
check_eq "counters are the namespace's: ActiveOpens is the loopback clients" \
	"$N_TW_LO" "$(jq .counters.ActiveOpens.total "$J")"
check_eq "no SYN cookies were needed (so the SYN_RECV count is real)" 0 \
	"$(jq .counters.SyncookiesSent.total "$J")"

# --- the BPF backend: the same sockets as netlink, so as ss -------------------
B=$T/sw_bpf.json
if [ "$(jq -r .backend "$J")" != netlink ]; then
	not_ok "the default backend is netlink: got $(jq -r .backend "$J")"
else
	ok "the default backend is netlink (JSON \"backend\")"
fi
if grep -q "built without it" "$B.err"; then
	skip "--backend bpf: this sockwatch was built without BPF ($(head -c 200 "$B.err"))"
else
	check_eq "--backend bpf exits 0 (stderr: $(head -c 200 "$B.err"))" 0 "$(cat "$B.rc")"
	check_eq "--backend bpf is used (JSON \"backend\")" bpf "$(jq -r .backend "$B")"
	check_eq "bpf: sockets.tcp equals ss -tanH lines" "$SS_TCP" "$(jq .sockets.tcp "$B")"
	check_eq "bpf: sockets.udp equals ss -uanH lines" "$SS_UDP" "$(jq .sockets.udp "$B")"
	check_same "bpf: state histogram equals ss -tanH" "$SS_HIST" \
		"$(jq -r '.states[] | select(.count > 0) | "\(.state) \(.count)"' "$B" | sort)"
	check_same "bpf: remotes (address, connections + TIME_WAIT) equal ss peers" "$(cat "$T/ss_remotes")" \
		"$(jq -r '.remotes[] | "\(.addr) \(.count + .time_wait)"' "$B" | sort)"
	check_same "bpf: per-remote state counts equal ss" "$SS_TRIPLES" \
		"$(jq -r '.remotes[] | .addr as $a | .states | to_entries[] | select(.value > 0) | "\($a) \(.key) \(.value)"' "$B" | sort)"
	check_same "bpf: TCP listeners: address, port, accept queue, backlog equal ss -ltnH" "$SS_L" \
		"$(jq -r '.listeners[] | select(.proto == "tcp") | "\(.addr) \(.port) \(.accept_queue) \(.backlog)"' "$B" | sort)"
	check_same "bpf: UDP listeners equal ss UNCONN sockets" "$SS_UL" \
		"$(jq -r '.listeners[] | select(.proto == "udp") | "\(.addr) \(.port)"' "$B" | sort)"
	check_eq "bpf: IPv4-mapped peers are reported as IPv4 (198.51.100.50)" "$N_MAPPED" \
		"$(jq '[.remotes[] | select(.addr == "198.51.100.50") | .count] | add' "$B")"
	for c in ":" "_group:--group 24,64" "_port80:-t -f 'port 80'" "_80_8081:-f 'port 80 or port 8081'"; do
		# dumped too: the iterators test the ports as netlink's bytecode does
		check_same "bpf and netlink report the same sockets, states, remotes, listeners, dumped (${c#*:})" \
			"$(strip "$T/sw${c%%:*}.json")" "$(strip "$T/sw_bpf${c%%:*}.json")"
	done
	for i in "${!FILTERS[@]}"; do
		check_eq "bpf: -f '${FILTERS[$i]%%|*}' selects what '${FILTERS[$i]#*|}' does" \
			"$(wc -l <"$T/ss_f$i")" "$(jq .sockets.tcp "$T/sw_bpf_f$i.json")"
	done
	# the pre-filter is exact on ports and prefixes (the IPv4-mapped peer too)
	for i in 1 5 7 8 9 10; do
		check_eq "bpf: -f '${FILTERS[$i]%%|*}': the iterator copies out what netlink's bytecode lets through (dumped)" \
			"$(jq .sockets.dumped "$T/sw_f$i.json")" "$(jq .sockets.dumped "$T/sw_bpf_f$i.json")"
	done
fi

echo "# whole test took $SECONDS s"
finish
