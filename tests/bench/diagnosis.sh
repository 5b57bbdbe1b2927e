#!/bin/bash
# diagnosis.sh - what the diagnosis costs a refresh: sockwatch with it on
# (the default) and off (--no-diagnosis) against the floor (a bare libmnl
# two-family dump that only counts, build/bench/floor), at 10,000 and
# 250,000 TCP sockets, measured in one run, interleaved.
#
#   make bench && sudo tests/bench/diagnosis.sh [-k K] [-r ROUNDS] [--size N]...
#
# For each size (default: 10000 and 250000) a namespace of its own (own
# hash, populate.sh) with 80% ESTABLISHED (loopback pairs) and 20%
# TIME_WAIT, then ROUNDS rounds (default 6) of
#   A: sockwatch -b --json -n K -d 0 --netns NS -t --info-every 3600  (on)
#   B: the same with --no-diagnosis                                     (off)
#   I: sockwatch ... -t --info-every 0.01  (on, and the tcp_info dump of
#      inbound ESTABLISHED in every refresh, not every 5 s as by default)
# (A and B make the info dump in their first refresh only: at 250,000
# sockets a refresh at -d 0 can take a second, and the default 5 s would
# put a dump in some warm refreshes of one and not the other; I measures it.)
#   C: floor -n K --netns NS            (the two-family dump: the target's floor)
#   W: floor --one-walk -n K --netns NS (both families in one walk, as the
#      engine dumps now; when this floor has --one-walk)
# (K default 6). Per-refresh figures are sockwatch's own refresh_ms and
# cpu_ms per frame and the floor's per dump, leaving out refreshes 1 and 2
# of each process (they fill the snapshots for the first time). Prints the median and 90th percentile of each, the ratios
# on/floor, off/floor, on/off and I/floor, the default's cost at -d 1
# (one refresh in five with the info dump: A + (I - A) / 5), and how many
# findings the frames had (the population is a healthy one: 0 expected).
# TIME_WAIT lasts 60 s: after the first round, no process starts that
# would end after BENCH_WINDOW_S (default 55) seconds from the TIME_WAIT
# sockets' making (at 250,000 sockets on a busy machine, a round or two). Prints figures; asserts
# nothing about time. Target (the engine's): on/floor <= 1.15. Needs root.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SW_BIN="${SW_BIN:-$ROOT/sockwatch}"
FLOOR="${FLOOR:-$ROOT/build/bench/floor}"
K=6 ROUNDS=6 SIZES=()
WINDOW_S="${BENCH_WINDOW_S:-55}"
usage() { echo "usage: diagnosis.sh [-k K] [-r ROUNDS] [--size SOCKETS]..." >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	-k) K=$2; shift 2 ;;
	-r) ROUNDS=$2; shift 2 ;;
	--size) SIZES+=("$2"); shift 2 ;;
	*) usage ;;
	esac
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 250000)
if [ ${#SIZES[@]} -gt 1 ]; then
	# one process per size: each cleans up its namespace before the next
	for s in "${SIZES[@]}"; do
		"$0" -k "$K" -r "$ROUNDS" --size "$s" || exit 1
		echo
	done
	exit 0
fi
SIZE=${SIZES[0]}
source "$ROOT/tests/integration/lib.sh"
source "$ROOT/tests/bench/populate.sh"
bench_need diagnosis.sh "$SW_BIN" "$FLOOR" "$FARM"
if ! "$SW_BIN" -b -n 1 --no-diagnosis --replay /dev/null >/dev/null 2>"$BENCH_DIR/probe.err" &&
	grep -qi 'unknown\|unrecognized\|invalid option' "$BENCH_DIR/probe.err"; then
	echo "diagnosis.sh: $SW_BIN has no --no-diagnosis: $(head -1 "$BENCH_DIR/probe.err")" >&2
	exit 1
fi

EST=$((SIZE * 8 / 10 / 2 * 2)) TW=$((SIZE - SIZE * 8 / 10 / 2 * 2))
NS="swbench$$"
bench_ns "$NS"
D="$BENCH_DIR"
echo "# size $SIZE: populating $NS with $EST ESTABLISHED + $TW TIME_WAIT"
t0=$EPOCHREALTIME
bench_established "$NS" $((EST / 2)) 8000 || exit 1
bench_time_wait "$NS" "$TW" 9000 || exit 1
t1=$EPOCHREALTIME
lines=$(ip netns exec "$NS" ss -tanH | wc -l)
awk -v a="$t0" -v b="$t1" -v l="$lines" 'BEGIN {
	printf "population: %.1f s; ss -tanH lists %d sockets\n", b - a, l }'

WALK=false
"$FLOOR" --one-walk -n 1 -q --netns "$NS" >/dev/null 2>&1 && WALK=true
# run_one NAME: one process of variant NAME, appended to its output
run_one() {
	case "$1" in
	on) timeout 300 "$SW_BIN" -b --json -n "$K" -d 0 --netns "$NS" -t --info-every 3600 ;;
	off) timeout 300 "$SW_BIN" -b --json -n "$K" -d 0 --netns "$NS" -t --info-every 3600 --no-diagnosis ;;
	info) timeout 300 "$SW_BIN" -b --json -n "$K" -d 0 --netns "$NS" -t --info-every 0.01 ;;
	floor) timeout 300 "$FLOOR" -n "$K" --netns "$NS" ;;
	walk) timeout 300 "$FLOOR" --one-walk -n "$K" --netns "$NS" ;;
	esac >>"$D/$1.out" 2>>"$D/$1.err" || { echo "diagnosis.sh: $1 failed: $(tail -1 "$D/$1.err")" >&2; exit 1; }
}
VARIANTS="on off info floor"
$WALK && VARIANTS+=" walk"
# Rounds of every variant; after the first round, a process starts only
# when it would end (as long as the last one took) before BENCH_WINDOW_S
# after the TIME_WAIT sockets were made.
r=0 last_s=0 stop=false
while [ "$r" -lt "$ROUNDS" ] && ! $stop; do
	r=$((r + 1))
	for v in $VARIANTS; do
		if [ "$r" -gt 1 ] && awk -v s="$t1" -v n="$EPOCHREALTIME" -v d="$last_s" -v w="$WINDOW_S" \
			'BEGIN { exit !(n - s + d > w) }'; then
			echo "# stopped in round $r before $v: TIME_WAIT sockets expire 60 s after they were made"
			stop=true
			break
		fi
		ps=$EPOCHREALTIME
		run_one "$v"
		last_s=$(awk -v a="$ps" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
	done
done

# stats: "median p90" of the numbers on stdin
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "nan nan"; exit }
		i = int(NR * 0.9 + 0.5); if (i < 1) i = 1
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[i] }'
}
warm() { # FILE FIELD: the field of the frames of seq >= 3
	jq -r --arg f "$2" 'select(.seq >= 3) | .[$f] // "nan"' "$1"
}
read -r on_w on_w90 <<<"$(warm "$D/on.out" refresh_ms | stats)"
read -r on_c on_c90 <<<"$(warm "$D/on.out" cpu_ms | stats)"
read -r off_w off_w90 <<<"$(warm "$D/off.out" refresh_ms | stats)"
read -r off_c off_c90 <<<"$(warm "$D/off.out" cpu_ms | stats)"
read -r in_w in_w90 <<<"$(warm "$D/info.out" refresh_ms | stats)"
read -r in_c in_c90 <<<"$(warm "$D/info.out" cpu_ms | stats)"
read -r fl_w fl_w90 <<<"$(awk '$1 == "dump" && $2 >= 3 { print $6 }' "$D/floor.out" | stats)"
read -r fl_c fl_c90 <<<"$(awk '$1 == "dump" && $2 >= 3 { print $8 }' "$D/floor.out" | stats)"
nwarm() { jq -r 'select(.seq >= 3) | .seq' "$1" | wc -l; }
if $WALK; then
	read -r ow_w ow_w90 <<<"$(awk '$1 == "dump" && $2 >= 3 { print $6 }' "$D/walk.out" | stats)"
	read -r ow_c ow_c90 <<<"$(awk '$1 == "dump" && $2 >= 3 { print $8 }' "$D/walk.out" | stats)"
fi
socks=$(jq -r 'select(.seq >= 3) | .sockets.tcp' "$D/on.out" | stats | cut -d' ' -f1)
fsocks=$(awk '$1 == "dump" && $2 >= 3 { print $4 }' "$D/floor.out" | stats | cut -d' ' -f1)
nfind=$(jq -r 'select(.seq >= 3) | (.diagnosis // []) | length' "$D/on.out" | sort -n | tail -1)
kinds=$(jq -r 'select(.seq >= 3) | (.diagnosis // [])[] | .kind' "$D/on.out" | sort | uniq -c | tr -s ' \n' ' ')

echo
echo "load average (other work on the machine skews wall time more than CPU time): $(cut -d" " -f1-3 /proc/loadavg)"
echo "measured: $r rounds of $K refreshes (on, off, tcp_info each, floor$($WALK && echo ", one-walk floor") interleaved); medians and p90 of refreshes 3..$K: $(nwarm "$D/on.out") on, $(nwarm "$D/off.out") off, $(nwarm "$D/info.out") tcp_info each"
printf '%-28s %9s %10s %10s %10s %10s\n' tool sockets wall_ms wall_p90 cpu_ms cpu_p90
row() { printf '%-28s %9s %10.2f %10.2f %10.2f %10.2f\n' "$@"; }
row "sockwatch (diagnosis on)" "$socks" "$on_w" "$on_w90" "$on_c" "$on_c90"
row "sockwatch --no-diagnosis" "$socks" "$off_w" "$off_w90" "$off_c" "$off_c90"
row "sockwatch, tcp_info each" "$socks" "$in_w" "$in_w90" "$in_c" "$in_c90"
row "floor (bare libmnl)" "$fsocks" "$fl_w" "$fl_w90" "$fl_c" "$fl_c90"
$WALK && row "floor --one-walk" "$fsocks" "$ow_w" "$ow_w90" "$ow_c" "$ow_c90"
ratio() { awk -v t="$1" -v a="$2" -v b="$3" -v c="$4" -v d="$5" -v g="$6" 'BEGIN {
	printf "%-28s wall %.3f  cpu %.3f   (target %s)\n", t, a / b, c / d, g }'; }
ratio "ratio on/floor" "$on_w" "$fl_w" "$on_c" "$fl_c" "<= 1.15"
ratio "ratio off/floor" "$off_w" "$fl_w" "$off_c" "$fl_c" "-"
ratio "ratio on/off (the diagnosis)" "$on_w" "$off_w" "$on_c" "$off_c" "-"
$WALK && ratio "ratio on/one-walk floor" "$on_w" "$ow_w" "$on_c" "$ow_c" "-"
ratio "ratio tcp_info each/floor" "$in_w" "$fl_w" "$in_c" "$fl_c" "-"
awk -v a="$on_c" -v b="$off_c" 'BEGIN { printf "diagnosis CPU per refresh: %.2f ms (median on - median off)\n", a - b }'
# the default at -d 1: the info dump (--info-every 5) in one refresh of five
awk -v a="$on_w" -v b="$in_w" -v c="$on_c" -v d="$in_c" -v f="$fl_w" -v g="$fl_c" 'BEGIN {
	w = a + (b - a) / 5; c2 = c + (d - c) / 5
	printf "default at -d 1, the info dump in 1 refresh of 5: %.2f ms wall, %.2f ms cpu a refresh; /floor wall %.3f cpu %.3f (target <= 1.15)\n", w, c2, w / f, c2 / g }'
echo "findings in a warm frame: at most ${nfind:-0}${kinds:+ (kinds over all frames:$kinds)}"
