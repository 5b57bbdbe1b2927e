#!/bin/bash
# conninfo.sh - what the info dump (tcp_info of inbound ESTABLISHED
# sockets, --info-every) costs a refresh, against the bare two-family dump
# (build/bench/floor), at 10,000 and 250,000 sockets, measured in one run.
#
#   make bench && sudo tests/bench/conninfo.sh [-k K] [-r ROUNDS] [--sizes "N ..."]
#
# For each size N (default "10000 250000"): a namespace of N ESTABLISHED
# sockets (N/2 loopback connections, both ends inside: half of them are
# inbound, the server sides, and get tcp_info), then ROUNDS rounds
# (default 5) of, interleaved so drift hits all alike:
#   A: sockwatch -b --json -n K -d 0 -t --info-every 0     (no info dump)
#   B: sockwatch -b --json -n K -d 0 -t --info-every 1e-6  (one every refresh)
#   F: floor -n K                                          (the bare dump)
# and prints the per-refresh medians (refreshes 1 and 2 of each process
# left out: they fill the snapshots for the first time) and the ratios:
# A/F (no info), B/F (an info dump every refresh, the worst case) and the
# default (--info-every 5 at -d 1: one refresh in five has the dump),
# (4A + B) / 5 / F. Target for the default: <= 1.15. Prints figures;
# asserts nothing about time. Needs root.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SW_BIN="${SW_BIN:-$ROOT/sockwatch}"
FLOOR="${FLOOR:-$ROOT/build/bench/floor}"
K=6 ROUNDS=5 SIZES="10000 250000"
while [ $# -gt 0 ]; do
	case "$1" in
	-k) K=$2; shift 2 ;;
	-r) ROUNDS=$2; shift 2 ;;
	--sizes) SIZES=$2; shift 2 ;;
	*) echo "usage: conninfo.sh [-k K] [-r ROUNDS] [--sizes \"N ...\"]" >&2; exit 2 ;;
	esac
done
source "$ROOT/tests/integration/lib.sh"
source "$ROOT/tests/bench/populate.sh"
bench_need conninfo.sh "$SW_BIN" "$FLOOR" "$FARM"

med() { bench_median; }
# warm FILE COLUMN: median of a sockwatch JSON column over seq >= 3
warm() { jq -r "select(.seq >= 3) | .$2" "$1" | med; }

printf '%-9s %-26s %10s %10s %10s\n' sockets run wall_ms cpu_ms info_n
for N in $SIZES; do
	NS="swbci$$n$N"
	bench_ns "$NS"
	D="$BENCH_DIR/$N"
	mkdir -p "$D"
	bench_established "$NS" $((N / 2)) $((8000 + N % 1000)) || exit 1
	for ((r = 0; r < ROUNDS; r++)); do
		timeout 600 "$SW_BIN" -b --json -n "$K" -d 0 -t --netns "$NS" --info-every 0 \
			>>"$D/a.json" 2>>"$D/a.err" || { echo "conninfo.sh: A failed: $(tail -1 "$D/a.err")" >&2; exit 1; }
		timeout 600 "$SW_BIN" -b --json -n "$K" -d 0 -t --top 0 --netns "$NS" --info-every 0.000001 \
			>>"$D/b.json" 2>>"$D/b.err" || { echo "conninfo.sh: B failed: $(tail -1 "$D/b.err")" >&2; exit 1; }
		timeout 600 "$FLOOR" -n "$K" --netns "$NS" >>"$D/f.out" ||
			{ echo "conninfo.sh: floor failed" >&2; exit 1; }
	done
	aw=$(warm "$D/a.json" refresh_ms) ac=$(warm "$D/a.json" cpu_ms)
	bw=$(warm "$D/b.json" refresh_ms) bc=$(warm "$D/b.json" cpu_ms)
	fw=$(awk '$1 == "dump" && $2 >= 3 { print $6 }' "$D/f.out" | med)
	fc=$(awk '$1 == "dump" && $2 >= 3 { print $8 }' "$D/f.out" | med)
	socks=$(jq -r 'select(.seq >= 3) | .sockets.tcp' "$D/a.json" | med)
	# how many sockets the info set held: the measured remotes' inbound sockets
	inb=$(tail -n 1 "$D/b.json" | jq '[.remotes[] | select(.rx_bytes_per_s != null) | .inbound] | add // 0')
	row() { awk -v n="$1" -v t="$2" -v w="$3" -v c="$4" -v i="$5" 'BEGIN {
		printf "%-9s %-26s %10.1f %10.1f %10s\n", n, t, w, c, i }'; }
	row "$socks" "A: no info dump" "$aw" "$ac" 0
	row "$socks" "B: info dump every refresh" "$bw" "$bc" "$inb"
	row "$socks" "F: floor (bare dump)" "$fw" "$fc" -
	awk -v n="$socks" -v aw="$aw" -v ac="$ac" -v bw="$bw" -v bc="$bc" -v fw="$fw" -v fc="$fc" 'BEGIN {
		printf "%-9s ratio A/F wall %.2f cpu %.2f | B/F wall %.2f cpu %.2f | the info dump alone %.1f ms (%.2fx F)\n",
			n, aw / fw, ac / fc, bw / fw, bc / fc, bw - aw, (bw - aw) / fw
		printf "%-9s default (--info-every 5, -d 1: (4A + B) / 5) / F: wall %.2f cpu %.2f (target <= 1.15)\n",
			n, (4 * aw + bw) / 5 / fw, (4 * ac + bc) / 5 / fc }'
	# free the sockets before the next size: its own namespace
	for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.5
done
echo "load average (other work on the machine skews wall time more than CPU time): $(cut -d" " -f1-3 /proc/loadavg)"
