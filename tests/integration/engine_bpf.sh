#!/bin/bash
# needs: ip jq ss setpriv tmux
# The BPF backend (--backend bpf): the iterators walk the sockets of the
# namespace of the process that creates them (two namespaces with
# different listeners: each run sees its own only, --netns and ip netns
# exec alike); under churn every refresh succeeds and, once it stops, the
# sockets equal ss; filters on ports and addresses (the iterators'
# pre-filter: IPv6, IPv4-mapped peers, not, or) select what netlink and ss
# select and copy out only those, also when the TUI changes the filter;
# without CAP_BPF / CAP_PERFMON it says why in one line
# and uses netlink; --backend with a bad value is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"
. "$(dirname "$0")/tui_lib.bash"

A=${SW_TAG}ba B=${SW_TAG}bb
T=$FARM_TMP
ns_add "$A"
ns_add "$B"
if "$SW_BIN" -b --backend bpf -n 1 2>&1 >/dev/null | grep -q "built without it"; then
	skip "this sockwatch was built without the BPF backend (make BPF=1)"
	finish
fi
farm "$A" serve 127.0.0.1 7001
farm_wait_line "listener in A" 10 || finish
farm "$A" connect 127.0.0.1 7001 --from 127.0.0.2=20
farm_wait_line "connections in A" 10 || finish
farm "$B" serve ::1 7002
farm_wait_line "listener in B" 10 || finish
farm "$B" udp bind 127.0.0.1 7003
farm_wait_line "udp in B" 10 || finish
farm "$B" connect ::1 7002 --from ::1=4
farm_wait_line "IPv6 connections in B" 10 || finish
farm "$B" serve :: 7004
farm_wait_line "dual-stack listener in B" 10 || finish
ip -n "$B" addr add 127.0.0.5/8 dev lo 2>/dev/null
farm "$B" connect 127.0.0.1 7004 --from 127.0.0.5=5
farm_wait_line "IPv4 clients of the dual-stack listener" 10 || finish

ports() { jq -r '[.listeners[] | "\(.proto)/\(.port)"] | sort | join(" ")' "$1"; }
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$A" >"$T/a.json" 2>"$T/a.err"
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$B" >"$T/b.json" 2>"$T/b.err"
ip netns exec "$B" "$SW_BIN" -b --json --top 0 --backend bpf >"$T/b_exec.json" 2>"$T/b_exec.err"
check_eq "--netns A through BPF: A's listener only" "tcp/7001" "$(ports "$T/a.json")"
check_eq "--netns A through BPF: the backend is bpf (stderr: $(head -c 200 "$T/a.err"))" bpf \
	"$(jq -r .backend "$T/a.json")"
check_eq "--netns A through BPF: A's sockets as ss counts them" \
	"$(ip netns exec "$A" ss -tanH | wc -l)" "$(jq .sockets.tcp "$T/a.json")"
check_eq "--netns B through BPF: B's listeners only" "tcp/7002 tcp/7004 udp/7003" "$(ports "$T/b.json")"
check_eq "ip netns exec B through BPF: the same" "tcp/7002 tcp/7004 udp/7003" "$(ports "$T/b_exec.json")"
check_eq "B has no TCP connection of A's" "$(ip netns exec "$B" ss -tanH | wc -l)" \
	"$(jq .sockets.tcp "$T/b.json")"
check "... and none on A's port" bash -c '! ip netns exec "$1" ss -tanH | grep -q :7001' _ "$B"

# --- pushdown: the state mask and the families are the program's ---------------
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$A" -f 'state listen' >"$T/pd.json"
check_eq "-f 'state listen': the iterator copies out the listener only (dumped)" 1 \
	"$(jq .sockets.dumped "$T/pd.json")"
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$B" -6 >"$T/pd6.json"
check_eq "-6: the iterators copy out B's IPv6 sockets only (dumped)" \
	"$(ip netns exec "$B" ss -6tuanH | wc -l)" \
	"$(jq .sockets.dumped "$T/pd6.json")"

# --- pushdown: ports and addresses (the pre-filter) ------------------------------
# FILTER|ss words|NS: bpf selects what netlink and ss select, and copies out
# what netlink's bytecode lets through (both are exact on ports and
# prefixes; a "not" over an address is not pushed into the iterator, so
# there it copies out more, never less)
PF=(
	"sport = :7001|sport = :7001|$A"
	"dport = :7001 and src 127.0.0.2|dport = :7001 and src 127.0.0.2|$A"
	"not sport = :7001|not sport = :7001|$A"
	"sport = :7004|sport = :7004|$B"
	"dst 127.0.0.5|dst 127.0.0.5|$B"
	"src 127.0.0.5|src 127.0.0.5|$B"
	"dport = :7002 or sport = :7004|dport = :7002 or sport = :7004|$B"
	"dst ::1 and dport = :7002|dst [::1] and dport = :7002|$B"
	"not (sport = :7004 or dport = :7004)|not ( sport = :7004 or dport = :7004 )|$B"
	"src 127.0.0.0/8 and not dst 127.0.0.5|src 127.0.0.0/8 and not dst 127.0.0.5|$B"
)
for spec in "${PF[@]}"; do
	IFS='|' read -r f words ns <<<"$spec"
	"$SW_BIN" -b --json --top 0 -t --backend netlink --netns "$ns" -f "$f" >"$T/pf_nl.json"
	"$SW_BIN" -b --json --top 0 -t --backend bpf --netns "$ns" -f "$f" >"$T/pf_bpf.json"
	# shellcheck disable=SC2086
	n=$(ip netns exec "$ns" ss -tanH $words | wc -l)
	check_eq "-f '$f': bpf selects what ss selects" "$n" "$(jq .sockets.tcp "$T/pf_bpf.json")"
	check_eq "-f '$f': netlink too" "$n" "$(jq .sockets.tcp "$T/pf_nl.json")"
	case "$f" in
	*"not dst"* | *"not src"*)
		check "-f '$f': the iterator copies out at least what it selects (dumped)" \
			test "$(jq .sockets.dumped "$T/pf_bpf.json")" -ge "$n" ;;
	*)
		check_eq "-f '$f': the iterator copies out what netlink's bytecode lets through (dumped)" \
			"$(jq .sockets.dumped "$T/pf_nl.json")" "$(jq .sockets.dumped "$T/pf_bpf.json")" ;;
	esac
done
check_eq "-f 'sport = :7001': the iterator copies out the listener and its 20 connections only" 21 \
	"$("$SW_BIN" -b --json --top 0 -t --backend bpf --netns "$A" -f 'sport = :7001' | jq .sockets.dumped)"

# --- the TUI's header names the backend ------------------------------------------
tui_start 150x30 --backend bpf --netns "$A"
tui_check "the TUI header says 'via bpf'" 10 '^sockwatch .* via bpf'
# a new filter goes into the running iterators (no reload): what the
# remotes pane shows follows it
for f in "sport = :7001" "dport = :7001" "sport = :7001 or dport = :7001"; do
	tui_keys /
	tui_keys C-u 2>/dev/null
	tui_keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
		BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
		BSpace BSpace BSpace BSpace
	tui_type "$f"
	tui_keys Enter
	json_last --backend bpf --netns "$A" -f "$f" >"$T/tui_f.json"
	want=$(json_remotes <"$T/tui_f.json" | sort | tr '\n' ' ')
	tui_remotes_now() { [ "$(tui_remotes | sort | tr '\n' ' ')" == "$want" ]; }
	if wait_for "the TUI's remotes with -f '$f'" 10 tui_remotes_now; then
		ok "TUI via bpf, filter changed to '$f': the remotes are batch's ($want)"
	else
		not_ok "TUI via bpf, filter changed to '$f': remotes '$(tui_remotes | sort | tr '\n' ' ')', batch '$want'"
	fi
done
tmx kill-server 2>/dev/null
tui_start 150x30 --netns "$A"
tui_check "the TUI header says 'via netlink' by default" 10 '^sockwatch .* via netlink'
tmx kill-server 2>/dev/null

# --- record and replay: SOCKS items, replayed as recorded -----------------------
REC=$T/bpf.swrec
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$A" -n 2 -d 0.1 --record "$REC" >"$T/rec.json" 2>"$T/rec.err"
check_eq "--record with --backend bpf exits 0 (stderr: $(head -c 200 "$T/rec.err"))" 0 $?
items=$(python3 - "$REC" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off, seen = 18, {}
while off + 8 <= len(d):
    t, n = struct.unpack_from('<II', d, off)
    seen[t] = seen.get(t, 0) + 1
    off += 8 + n
print('SOCKS' if seen.get(9) else 'no-SOCKS', 'NLBUF' if seen.get(2) else 'no-NLBUF')
PY
)
check_eq "the recording holds the BPF records (SOCKS items), no netlink dump" "SOCKS no-NLBUF" "$items"
"$SW_BIN" -b --json --top 0 --replay "$REC" >"$T/rep.json" 2>"$T/rep.err"
check_same "the replay equals the live BPF run (cost keys and the netns name aside)" \
	"$(jq -cS 'del(.refresh_ms, .cpu_ms, .netns)' "$T/rec.json")" \
	"$(jq -cS 'del(.refresh_ms, .cpu_ms, .netns)' "$T/rep.json")"
check_eq "the replay names the recorded backend, bpf" "bpf bpf" "$(jq -r .backend "$T/rep.json" | tr '\n' ' ' | sed 's/ $//')"
check_eq "a replay with -6 keeps no IPv4 socket of the BPF records" 0 \
	"$("$SW_BIN" -b --json --top 0 -6 --replay "$REC" | jq -s '.[0].sockets.tcp')"

# --- churn: connections come and go while BPF refreshes run --------------------
spawn bash -c 'for i in $(seq 1 60); do
	ip netns exec "$1" "$2" connect 127.0.0.1 7001 --from 127.0.0.3=15 --hold 0.05 --timeout 5 >/dev/null 2>&1
done' churn "$A" "$SW_FARM"
CHURN=$SPAWNED
timeout 60 "$SW_BIN" -b --json --top 0 --backend bpf --netns "$A" -n 25 -d 0.1 >"$T/churn.json" 2>"$T/churn.err"
check_eq "25 BPF refreshes under churn exit 0 (stderr: $(head -c 200 "$T/churn.err"))" 0 $?
check_eq "25 refreshes printed" 25 "$(wc -l <"$T/churn.json")"
check_eq "every refresh under churn holds A's listener" 25 \
	"$(jq -c 'select([.listeners[] | select(.port == 7001)] | length == 1)' "$T/churn.json" | wc -l)"
check "sockets opened and closed during the churn were seen" \
	test "$(jq -s '[.[].sockets.opened] | add' "$T/churn.json")" -gt 0 -a \
	"$(jq -s '[.[].sockets.closed] | add' "$T/churn.json")" -gt 0
kill "$CHURN" 2>/dev/null
wait "$CHURN" 2>/dev/null
# settled: the BPF view equals ss again (TIME_WAIT of the churn included)
settled() {
	local n
	n=$(ip netns exec "$A" ss -tanH | wc -l)
	[ "$n" = "$("$SW_BIN" -b --json --top 0 --backend bpf --netns "$A" | jq .sockets.tcp)" ]
}
check "after the churn the BPF view counts what ss counts" wait_for "bpf equals ss" 10 settled

# --- refused: no CAP_BPF / CAP_PERFMON ------------------------------------------
ip netns exec "$A" setpriv --bounding-set -bpf,-perfmon,-sys_admin --inh-caps -all \
	"$SW_BIN" -b --json --top 0 --backend bpf >"$T/nocap.json" 2>"$T/nocap.err"
check_eq "without CAP_BPF: exit 0" 0 $?
check_eq "without CAP_BPF: one line on stderr" 1 "$(wc -l <"$T/nocap.err")"
check "without CAP_BPF: it says why and that netlink is used ($(cat "$T/nocap.err"))" \
	grep -q "BPF backend unavailable: .*CAP_BPF.*; using netlink" "$T/nocap.err"
check_eq "without CAP_BPF: the backend is netlink" netlink "$(jq -r .backend "$T/nocap.json")"
check_eq "without CAP_BPF: the sockets are still all there" \
	"$(ip netns exec "$A" ss -tanH | wc -l)" "$(jq .sockets.tcp "$T/nocap.json")"
"$SW_BIN" -b --json --backend netlink --netns "$A" >"$T/nl.json" 2>"$T/nl.err"
check_eq "--backend netlink: no note, backend netlink" "netlink:" \
	"$(jq -r .backend "$T/nl.json"):$(cat "$T/nl.err")"
"$SW_BIN" -b --backend ebpf >/dev/null 2>"$T/bad.err"
check_eq "--backend ebpf is a usage error (status 2)" 2 $?
check "--backend ebpf: says which values are valid" grep -q "netlink, bpf or auto" "$T/bad.err"
finish
