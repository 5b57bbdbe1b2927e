#!/bin/bash
# needs: ip jq ss timeout
# The BPF backend at 1,000,000 real TCP sockets (500,000 loopback pairs in
# a namespace of this test's own, with a TCP hash of its own, filled by the
# benchmarks' populate helpers): the kernel ends a read of a BPF iterator
# that visited a million sockets without the program writing a byte
# (MAX_ITER_OBJECTS) with EAGAIN, and the walk must go on from there.
#  - -f 'state listen' succeeds and lists exactly the listeners ss -ltnH
#    lists;
#  - a filter the iterator pushes down that matches nothing (a state no
#    socket is in; -6 with IPv4 sockets only) gives 0 sockets and exit 0:
#    before the fix (c8124ef) these failed with "Resource temporarily
#    unavailable" (the listeners are walked first, so 'state listen' has
#    written its records before the million is reached);
#  - -f 'dport = :1' (matches nothing; the iterators' port pre-filter
#    copies nothing out either) gives 0, exit 0;
#  - both backends count the same TCP sockets with the empty filter, as
#    many as ss -tanH lists.
# Bounded: the population waits BENCH_STEP_S (100 s) at most, each run 60 s.
# About 2 GB of kernel memory while it runs; skipped (counted) without the
# BPF backend.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"
ROOT="$(cd "$TESTS_DIR/.." && pwd)"
FARM="$SW_BUILD/tools/sockfarm"
BENCH_STEP_S="${BENCH_STEP_S:-100}"
. "$ROOT/tests/bench/populate.sh"
T=$(tmpdir)
PAIRS="${SW_MILLION_PAIRS:-500000}"

if "$SW_BIN" -b --backend bpf -n 1 2>&1 >/dev/null | grep -q "built without it"; then
	skip "this sockwatch was built without the BPF backend (make BPF=1)"
	finish
fi
[ -x "$FARM" ] || { not_ok "$FARM is missing: run 'make tools'"; finish; }
avail=$(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo)
if [ "$avail" -lt 3072 ]; then
	skip "1,000,000 sockets need about 2 GB of kernel memory: only $avail MiB available"
	finish
fi
NS=${SW_TAG}mil
bench_ns "$NS"
t0=$SECONDS
if ! bench_established "$NS" "$PAIRS" 8000; then
	not_ok "populating $NS with $PAIRS loopback pairs"
	finish
fi
est=$(ip netns exec "$NS" ss -tanH state established | wc -l)
check_eq "the namespace holds $((2 * PAIRS)) ESTABLISHED sockets (made in $((SECONDS - t0)) s)" \
	$((2 * PAIRS)) "$est"

run() { # NAME ARGS...: sockwatch's one frame into $T/NAME.json; exit code in $T/NAME.rc
	local name=$1
	shift
	timeout 60 "$SW_BIN" -b --json -n 1 --top 0 --netns "$NS" "$@" >"$T/$name.json" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
why() { head -c 200 "$T/$1.err"; }

# --- state listen: exactly ss's listeners --------------------------------------
run listen --backend bpf -f 'state listen'
check_eq "-f 'state listen' through BPF exits 0 (stderr: $(why listen))" 0 "$(cat "$T/listen.rc")"
check_eq "it ran on the BPF backend" bpf "$(jq -r .backend "$T/listen.json" 2>/dev/null)"
want=$(ip netns exec "$NS" ss -ltnH | awk '{ print $4 }' | sort)
got=$(jq -r '.listeners[] | select(.proto == "tcp") | "\(.addr):\(.port)"' "$T/listen.json" 2>/dev/null | sort)
check_eq "ss -ltnH lists the 50 listeners" 50 "$(grep -c . <<<"$want")"
check_same "the listeners are ss -ltnH's" "$want" "$got"
check_eq "-f 'state listen': the TCP sockets are the listeners" 50 \
	"$(jq .sockets.tcp "$T/listen.json" 2>/dev/null)"

# --- pushed-down filters that match nothing: EAGAIN after a million -----------
for f in "state syn-sent" "state time-wait"; do
	n=${f// /_}
	run "$n" --backend bpf -f "$f"
	check_eq "-f '$f' (no such socket) through BPF exits 0 (stderr: $(why "$n"))" 0 "$(cat "$T/$n.rc")"
	check_eq "-f '$f' through BPF: 0 TCP sockets" 0 "$(jq .sockets.tcp "$T/$n.json" 2>/dev/null)"
done
run v6 --backend bpf -6
check_eq "-6 (IPv4 sockets only) through BPF exits 0 (stderr: $(why v6))" 0 "$(cat "$T/v6.rc")"
check_eq "-6 through BPF: 0 TCP sockets" 0 "$(jq .sockets.tcp "$T/v6.json" 2>/dev/null)"

# --- a port filter matching nothing (pre-filtered in the iterators) -----------
run dport --backend bpf -f 'dport = :1'
check_eq "-f 'dport = :1' through BPF exits 0 (stderr: $(why dport))" 0 "$(cat "$T/dport.rc")"
check_eq "-f 'dport = :1' through BPF: 0 TCP sockets" 0 "$(jq .sockets.tcp "$T/dport.json" 2>/dev/null)"

# --- the empty filter: both backends, and ss ------------------------------------
run all_bpf --backend bpf
run all_nl --backend netlink
check_eq "no filter through BPF exits 0 (stderr: $(why all_bpf))" 0 "$(cat "$T/all_bpf.rc")"
check_eq "no filter through netlink exits 0 (stderr: $(why all_nl))" 0 "$(cat "$T/all_nl.rc")"
nl=$(jq .sockets.tcp "$T/all_nl.json" 2>/dev/null)
check_eq "both backends count the same TCP sockets" "$nl" "$(jq .sockets.tcp "$T/all_bpf.json" 2>/dev/null)"
check_eq "as many as ss -tanH lists" "$(ip netns exec "$NS" ss -tanH | wc -l)" "$nl"
echo "# $((SECONDS - t0)) s from the population's start"
finish
