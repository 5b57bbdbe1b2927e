#!/bin/bash
# cpu10k.sh - CPU time of one sockwatch refresh of 10,000 real sockets.
#
#   make bench && sudo tests/bench/cpu10k.sh [-n REFRESHES] [--est N] [--tw N]
#
# Makes a namespace holding N ESTABLISHED (default 8,000: 4,000 loopback
# connections, both ends inside) and M TIME_WAIT sockets (default 2,000),
# then runs `sockwatch -b --json -n REFRESHES -d 0 --netns NS` (default
# options: TCP and UDP) and prints the cpu_ms and refresh_ms of its frames
# (median, 90th percentile, max, first), the whole process's CPU per
# refresh, and the floor (build/bench/floor) on the same sockets.
# Target: under 15 ms of CPU per refresh. Prints figures only. Needs root.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SW_BIN="${SW_BIN:-$ROOT/sockwatch}"
FLOOR="${FLOOR:-$ROOT/build/bench/floor}"
TIME=/usr/bin/time
N=50 EST=8000 TW=2000
while [ $# -gt 0 ]; do
	case "$1" in
	-n) N=$2; shift 2 ;;
	--est) EST=$2; shift 2 ;;
	--tw) TW=$2; shift 2 ;;
	*) echo "usage: cpu10k.sh [-n REFRESHES] [--est N] [--tw N]" >&2; exit 2 ;;
	esac
done
source "$ROOT/tests/integration/lib.sh"
source "$ROOT/tests/bench/populate.sh"
bench_need cpu10k.sh "$SW_BIN" "$FLOOR" "$FARM" "$TIME"

NS="swbench$$"
bench_ns "$NS"
D="$BENCH_DIR"
t0=$EPOCHREALTIME
bench_established "$NS" $((EST / 2)) 8000 || exit 1
bench_time_wait "$NS" "$TW" 9000 || exit 1
t1=$EPOCHREALTIME
lines=$(ip netns exec "$NS" ss -tanuH | wc -l)
awk -v a="$t0" -v b="$t1" -v l="$lines" 'BEGIN {
	printf "population: %.1f s; ss -tanuH lists %d sockets\n", b - a, l }'

"$TIME" -o "$D/sw.time" -f '%e %U %S' timeout 300 "$SW_BIN" -b --json -n "$N" -d 0 --netns "$NS" \
	>"$D/sw.json" 2>"$D/sw.err" || { echo "cpu10k.sh: sockwatch failed: $(tail -1 "$D/sw.err")" >&2; exit 1; }
"$TIME" -o "$D/floor.time" -f '%e %U %S' "$FLOOR" -n "$N" --netns "$NS" >"$D/floor.out" ||
	{ echo "cpu10k.sh: floor failed" >&2; exit 1; }

jq -r '[(.cpu_ms // "nan"), .refresh_ms, .sockets.total] | @tsv' "$D/sw.json" >"$D/sw.tsv" ||
	{ echo "cpu10k.sh: cannot parse sockwatch's JSON" >&2; exit 1; }
# stats COLUMN FILE: median p90 max first
stats() {
	local first
	first=$(head -1 "$2" | cut -f"$1")
	cut -f"$1" "$2" | sort -g | awk -v f="$first" '{ v[NR] = $1 } END {
		i = int(NR * 0.9 + 0.5); if (i < 1) i = 1
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%10.2f %10.2f %10.2f %10.2f", m, v[i], v[NR], f }'
}
awk '$1 == "dump" { printf "%s\t%s\t%s\n", $8, $6, $4 }' "$D/floor.out" >"$D/floor.tsv"

echo
echo "load average (other work on the machine skews wall time more than CPU time): $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-28s %9s %10s %10s %10s %10s\n' "" sockets median p90 max first
printf '%-28s %9s %s\n' "sockwatch cpu_ms" "$(cut -f3 "$D/sw.tsv" | sort -n | tail -1)" "$(stats 1 "$D/sw.tsv")"
printf '%-28s %9s %s\n' "sockwatch refresh_ms" "" "$(stats 2 "$D/sw.tsv")"
printf '%-28s %9s %s\n' "floor cpu_ms (TCP only)" "$(cut -f3 "$D/floor.tsv" | sort -n | tail -1)" "$(stats 1 "$D/floor.tsv")"
printf '%-28s %9s %s\n' "floor wall_ms" "" "$(stats 2 "$D/floor.tsv")"
awk -v n="$N" '{ printf "sockwatch process: %.2f ms CPU per refresh (%d refreshes, %.2f s wall)\n", ($2 + $3) * 1000 / n, n, $1 }' "$D/sw.time"
awk -v n="$N" '{ printf "floor process:     %.2f ms CPU per refresh\n", ($2 + $3) * 1000 / n }' "$D/floor.time"
echo "target: a refresh of 10,000 sockets under 15 ms of CPU (sockwatch cpu_ms median)"
