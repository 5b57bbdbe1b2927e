#!/bin/bash
# needs: ip jq ss setpriv tmux
# The BPF backend (--backend bpf): the iterators walk the sockets of the
# namespace of the process that creates them (two namespaces with
# different listeners: each run sees its own only, --netns and ip netns
# exec alike); under churn every refresh succeeds and, once it stops, the
# sockets equal ss; without CAP_BPF / CAP_PERFMON it says why in one line
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

ports() { jq -r '[.listeners[] | "\(.proto)/\(.port)"] | sort | join(" ")' "$1"; }
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$A" >"$T/a.json" 2>"$T/a.err"
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$B" >"$T/b.json" 2>"$T/b.err"
ip netns exec "$B" "$SW_BIN" -b --json --top 0 --backend bpf >"$T/b_exec.json" 2>"$T/b_exec.err"
check_eq "--netns A through BPF: A's listener only" "tcp/7001" "$(ports "$T/a.json")"
check_eq "--netns A through BPF: the backend is bpf (stderr: $(head -c 200 "$T/a.err"))" bpf \
	"$(jq -r .backend "$T/a.json")"
check_eq "--netns A through BPF: A's sockets as ss counts them" \
	"$(ip netns exec "$A" ss -tanH | wc -l)" "$(jq .sockets.tcp "$T/a.json")"
check_eq "--netns B through BPF: B's listeners only" "tcp/7002 udp/7003" "$(ports "$T/b.json")"
check_eq "ip netns exec B through BPF: the same" "tcp/7002 udp/7003" "$(ports "$T/b_exec.json")"
check_eq "B has no TCP connection of A's" 1 "$(jq .sockets.tcp "$T/b.json")"

# --- pushdown: the state mask and the families are the program's ---------------
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$A" -f 'state listen' >"$T/pd.json"
check_eq "-f 'state listen': the iterator copies out the listener only (dumped)" 1 \
	"$(jq .sockets.dumped "$T/pd.json")"
"$SW_BIN" -b --json --top 0 --backend bpf --netns "$B" -6 >"$T/pd6.json"
check_eq "-6: the iterators copy out B's IPv6 listener only (dumped)" 1 \
	"$(jq .sockets.dumped "$T/pd6.json")"

# --- the TUI's header names the backend ------------------------------------------
tui_start 150x30 --backend bpf --netns "$A"
tui_check "the TUI header says 'via bpf'" 10 '^sockwatch .* via bpf'
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
