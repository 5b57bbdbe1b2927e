#!/bin/bash
# backend.sh - the BPF backend against netlink at 250,000 and 1,000,000 TCP
# sockets (issue 14), per refresh, measured in one run, interleaved:
#   P: sockwatch -b --json -n K -d 0 --netns NS -t --backend bpf
#   A: sockwatch ... --backend netlink
#   B: floor -n K --netns NS             (two per-family sock_diag dumps)
#   W: floor --one-walk -n K --netns NS  (the compat request, one walk)
#   I: iterfloor -n K --netns NS         (a BPF iter/tcp walk whose program
#                                         writes nothing: the iterator floor;
#                                         built with BPF=1 only)
#   C: ss -tanH > /dev/null, K times
# and the resident memory per socket of each sockwatch process (GNU time's
# maximum RSS over the sockets it holds). The per-refresh medians leave out
# refreshes 1 and 2 of each process, as refresh.sh does.
# TIME_WAIT sockets live 60 s and a round at 1,000,000 sockets takes
# longer: a background loop (bench_time_wait_keep) renews them before they
# expire (makes as many, destroys the old ones), and each round prints the TIME_WAIT count of the first and last
# frame of its netlink run, so the population can be seen to hold.
#
#   make bench && sudo tests/bench/backend.sh [-k K] [-r ROUNDS] [--est N] [--tw N]
#
# Default: 200,000 ESTABLISHED + 50,000 TIME_WAIT; for the million,
# --est 900000 --tw 100000 (about 2 GB of kernel memory). Prints figures;
# asserts nothing. Targets (issue 14): bpf <= 0.6x floor, <= 0.3x ss;
# netlink <= 0.95x floor; bpf the default only if >= 1.5x faster than the
# one-walk netlink path at both sizes; RSS <= 200 bytes a socket at 1M.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SW_BIN="${SW_BIN:-$ROOT/sockwatch}"
FLOOR="${FLOOR:-$ROOT/build/bench/floor}"
ITERFLOOR="${ITERFLOOR:-$ROOT/build/bench/iterfloor}"
TIME=/usr/bin/time
K=6 ROUNDS=4 EST=200000 TW=50000
while [ $# -gt 0 ]; do
	case "$1" in
	-k) K=$2; shift 2 ;;
	-r) ROUNDS=$2; shift 2 ;;
	--est) EST=$2; shift 2 ;;
	--tw) TW=$2; shift 2 ;;
	*) echo "usage: backend.sh [-k K] [-r ROUNDS] [--est N] [--tw N]" >&2; exit 2 ;;
	esac
done
source "$ROOT/tests/integration/lib.sh"
source "$ROOT/tests/bench/populate.sh"
bench_need backend.sh "$SW_BIN" "$FLOOR" "$FARM" "$TIME"
iter=false
if [ -x "$ITERFLOOR" ]; then
	iter=true
else
	echo "# $ITERFLOOR not built (make BPF=1 bench): no iterator floor row"
fi

NS="swbench$$"
bench_ns "$NS"
D="$BENCH_DIR"

echo "# populating $NS: $EST ESTABLISHED + $TW TIME_WAIT"
t0=$EPOCHREALTIME
bench_established "$NS" $((EST / 2)) 8000 || exit 1
t1=$EPOCHREALTIME
bench_time_wait "$NS" "$TW" 9000 || exit 1
t2=$EPOCHREALTIME
# held from here on: re-made as they expire
tw_want=$(bench_sockstat "$NS" tw)
bench_time_wait_keep "$NS" 9000
lines=$(ip netns exec "$NS" ss -tanH | wc -l)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v l="$lines" 'BEGIN {
	printf "population: %.1f s (ESTABLISHED %.1f s, TIME_WAIT %.1f s); ss -tanH lists %d sockets\n",
		c - a, b - a, c - b, l }'
ip netns exec "$NS" ss -tanH | awk '{ n[$1]++ } END { for (s in n) printf "#   %-10s %d\n", s, n[s] }' | sort

# One process under GNU time; appends "wall user sys" to $1.
_timed() {
	local out=$1; shift
	"$TIME" -a -o "$out" -f '%e %U %S' "$@"
}

# TIME_WAIT count of a sockwatch JSON file's first and last frame
tw_frames() {
	jq -r '[.states[]? | select(.state == "TIME_WAIT") | .count] | first // 0' "$1" |
		sed -n '1p;$p' | paste -sd/
}

r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	rs=$EPOCHREALTIME
	"$TIME" -a -o "$D/bpf.time" -f '%e %U %S %M' timeout 300 "$SW_BIN" -b --json -n "$K" -d 0 --netns "$NS" -t \
		--backend bpf >>"$D/bpf.json" 2>>"$D/bpf.err" || { echo "backend.sh: sockwatch --backend bpf failed: $(tail -1 "$D/bpf.err")" >&2; exit 1; }
	"$TIME" -a -o "$D/sw.time" -f '%e %U %S %M' timeout 300 "$SW_BIN" -b --json -n "$K" -d 0 --netns "$NS" -t \
		--backend netlink >"$D/sw.r$r.json" 2>>"$D/sw.err" || { echo "backend.sh: sockwatch failed: $(tail -1 "$D/sw.err")" >&2; exit 1; }
	cat "$D/sw.r$r.json" >>"$D/sw.json"
	_timed "$D/floor.time" timeout 300 "$FLOOR" -n "$K" --netns "$NS" >>"$D/floor.out" ||
		{ echo "backend.sh: floor failed" >&2; exit 1; }
	_timed "$D/walk.time" timeout 300 "$FLOOR" --one-walk -n "$K" --netns "$NS" >>"$D/walk.out" ||
		{ echo "backend.sh: floor --one-walk failed" >&2; exit 1; }
	if $iter; then
		_timed "$D/iter.time" timeout 300 "$ITERFLOOR" -n "$K" --netns "$NS" >>"$D/iter.out" ||
			{ echo "backend.sh: iterfloor failed" >&2; exit 1; }
	fi
	for ((j = 0; j < K; j++)); do
		ip netns exec "$NS" "$TIME" -a -o "$D/ss.time" -f '%e %U %S' ss -tanH >/dev/null ||
			{ echo "backend.sh: ss failed" >&2; exit 1; }
	done
	awk -v r="$r" -v a="$rs" -v b="$EPOCHREALTIME" -v t="$(tw_frames "$D/sw.r$r.json")" -v w="$tw_want" 'BEGIN {
		printf "# round %d: %.1f s; TIME_WAIT first/last frame (netlink run) %s, held at %d\n", r, b - a, t, w }'
done
t3=$EPOCHREALTIME

med() { bench_median; }
# sockwatch frames: refresh_ms, cpu_ms, TCP sockets, TIME_WAIT count
# (seq 1 and 2 of each process fill the two snapshots for the first time:
# they are printed apart, and the per-refresh medians are of seq >= 3)
jq -r '[.refresh_ms, (.cpu_ms // "nan"), .sockets.tcp,
	([.states[]? | select(.state == "TIME_WAIT") | .count] | first // "nan"), .seq] | @tsv' \
	"$D/sw.json" >"$D/sw.tsv" || { echo "backend.sh: cannot parse sockwatch's JSON" >&2; exit 1; }
jq -r '[.refresh_ms, (.cpu_ms // "nan"), .sockets.tcp, .backend, .seq] | @tsv' \
	"$D/bpf.json" >"$D/bpf.tsv" || { echo "backend.sh: cannot parse sockwatch's JSON" >&2; exit 1; }
if awk -F'\t' '$4 != "bpf" { bad = 1 } END { exit !bad }' "$D/bpf.tsv"; then
	echo "backend.sh: --backend bpf did not use BPF: $(head -1 "$D/bpf.err")" >&2
	exit 1
fi
warm() { awk -F'\t' -v c="$1" '$5 >= 3 { print $c }' "${2:-$D/sw.tsv}" | med; }
bp_wall=$(warm 1 "$D/bpf.tsv")
bp_cpu=$(warm 2 "$D/bpf.tsv")
bp_socks=$(warm 3 "$D/bpf.tsv")
bp_pwall=$(awk -v k="$K" '{ print $1 * 1000 / k }' "$D/bpf.time" | med)
bp_pcpu=$(awk -v k="$K" '{ print ($2 + $3) * 1000 / k }' "$D/bpf.time" | med)
# maximum RSS (KiB) per socket held, in bytes
bp_rss=$(awk -v n="$bp_socks" '{ print $4 * 1024 / n }' "$D/bpf.time" | med)
sw_wall=$(warm 1)
sw_cpu=$(warm 2)
sw_socks=$(warm 3)
sw_c1=$(awk -F'\t' '$5 == 1 { print $2 }' "$D/sw.tsv" | med)
sw_c2=$(awk -F'\t' '$5 == 2 { print $2 }' "$D/sw.tsv" | med)
tw_first=$(head -1 "$D/sw.tsv" | cut -f4)
tw_last=$(tail -1 "$D/sw.tsv" | cut -f4)
sw_pwall=$(awk -v k="$K" '{ print $1 * 1000 / k }' "$D/sw.time" | med)
sw_pcpu=$(awk -v k="$K" '{ print ($2 + $3) * 1000 / k }' "$D/sw.time" | med)
sw_rss=$(awk -v n="$sw_socks" '{ print $4 * 1024 / n }' "$D/sw.time" | med)
fl_wall=$(awk '$1 == "dump" && $2 >= 3 { print $6 }' "$D/floor.out" | med)
fl_cpu=$(awk '$1 == "dump" && $2 >= 3 { print $8 }' "$D/floor.out" | med)
fl_socks=$(awk '$1 == "dump" && $2 >= 3 { print $4 }' "$D/floor.out" | med)
fl_pwall=$(awk -v k="$K" '{ print $1 * 1000 / k }' "$D/floor.time" | med)
fl_pcpu=$(awk -v k="$K" '{ print ($2 + $3) * 1000 / k }' "$D/floor.time" | med)
ow_wall=$(awk '$1 == "dump" && $2 >= 3 { print $6 }' "$D/walk.out" | med)
ow_cpu=$(awk '$1 == "dump" && $2 >= 3 { print $8 }' "$D/walk.out" | med)
ow_socks=$(awk '$1 == "dump" && $2 >= 3 { print $4 }' "$D/walk.out" | med)
ow_pwall=$(awk -v k="$K" '{ print $1 * 1000 / k }' "$D/walk.time" | med)
ow_pcpu=$(awk -v k="$K" '{ print ($2 + $3) * 1000 / k }' "$D/walk.time" | med)
if $iter; then
	it_wall=$(awk '$1 == "dump" && $2 >= 3 { print $6 }' "$D/iter.out" | med)
	it_cpu=$(awk '$1 == "dump" && $2 >= 3 { print $8 }' "$D/iter.out" | med)
	it_socks=$(awk '$1 == "dump" && $2 >= 3 { print $4 }' "$D/iter.out" | med)
	it_pwall=$(awk -v k="$K" '{ print $1 * 1000 / k }' "$D/iter.time" | med)
	it_pcpu=$(awk -v k="$K" '{ print ($2 + $3) * 1000 / k }' "$D/iter.time" | med)
fi
ss_wall=$(awk '{ print $1 * 1000 }' "$D/ss.time" | med)
ss_cpu=$(awk '{ print ($2 + $3) * 1000 }' "$D/ss.time" | med)
nframes=$(wc -l <"$D/sw.tsv")

echo
echo "load average (other work on the machine skews wall time more than CPU time): $(cut -d" " -f1-3 /proc/loadavg)"
awk -v r="$r" -v k="$K" -v s="$t2" -v e="$t3" -v f="$nframes" -v a="$tw_first" -v b="$tw_last" 'BEGIN {
	printf "measured: %d rounds x %d refreshes (P bpf, A netlink, B floor, W one-walk floor, I iter floor, C ss interleaved) in %.1f s; %d sockwatch frames; TIME_WAIT first/last frame: %s/%s\n",
		r, k, e - s, f, a, b }'
[ -s "$BENCH_DIR/twkeep.9000" ] && awk '{ for (i = 2; i <= 4; i++) { if (!lo || $i < lo) lo = $i; if ($i > hi) hi = $i } } END {
	printf "TIME_WAIT kept: %d batches renewed before they expired; the count around each renewal: %d to %d\n", NR, lo, hi }' \
	"$BENCH_DIR/twkeep.9000"
printf '%-26s %9s %12s %12s %14s %14s\n' tool sockets wall_ms cpu_ms proc_wall_ms proc_cpu_ms
printf '%-26s %9s %12s %12s %14s %14s\n' "" "" "(median of warm" "refreshes)" "(whole process" "/ refreshes)"
row() { awk -v t="$1" -v n="$2" -v w="$3" -v c="$4" -v pw="$5" -v pc="$6" 'BEGIN {
	printf "%-26s %9.0f %12.1f %12.1f %14.1f %14.1f\n", t, n, w, c, pw, pc }'; }
row "sockwatch bpf" "$bp_socks" "$bp_wall" "$bp_cpu" "$bp_pwall" "$bp_pcpu"
row "sockwatch netlink" "$sw_socks" "$sw_wall" "$sw_cpu" "$sw_pwall" "$sw_pcpu"
row "floor (bare libmnl)" "$fl_socks" "$fl_wall" "$fl_cpu" "$fl_pwall" "$fl_pcpu"
row "floor --one-walk" "$ow_socks" "$ow_wall" "$ow_cpu" "$ow_pwall" "$ow_pcpu"
$iter && row "iter floor (empty program)" "$it_socks" "$it_wall" "$it_cpu" "$it_pwall" "$it_pcpu"
row "ss -tanH" "$lines" "$ss_wall" "$ss_cpu" "$ss_wall" "$ss_cpu"
awk -v a="$sw_c1" -v b="$sw_c2" 'BEGIN {
	printf "sockwatch cpu_ms of refresh 1 (cold: listener owners from /proc/*/fd) %.1f, of refresh 2 %.1f (medians over processes)\n", a, b }'
ratio() { awk -v t="$1" -v a="$2" -v b="$3" -v c="$4" -v d="$5" -v g="$6" 'BEGIN {
	printf "%-24s wall %.2f  cpu %.2f   (target <= %s)\n", t, a / b, c / d, g }'; }
ratio "bpf/floor" "$bp_wall" "$fl_wall" "$bp_cpu" "$fl_cpu" 0.60
ratio "bpf/ss" "$bp_wall" "$ss_wall" "$bp_cpu" "$ss_cpu" 0.30
ratio "netlink/floor" "$sw_wall" "$fl_wall" "$sw_cpu" "$fl_cpu" 0.95
ratio "netlink/ss" "$sw_wall" "$ss_wall" "$sw_cpu" "$ss_cpu" 0.30
ratio "bpf/netlink (one walk)" "$bp_wall" "$sw_wall" "$bp_cpu" "$sw_cpu" "0.67 to be the default"
ratio "one-walk floor/floor" "$ow_wall" "$fl_wall" "$ow_cpu" "$fl_cpu" "-"
if $iter; then
	ratio "iter floor/floor" "$it_wall" "$fl_wall" "$it_cpu" "$fl_cpu" "-"
	ratio "bpf/iter floor" "$bp_wall" "$it_wall" "$bp_cpu" "$it_cpu" "-"
fi
ratio "(process) bpf/netlink" "$bp_pwall" "$sw_pwall" "$bp_pcpu" "$sw_pcpu" "-"
awk -v a="$bp_rss" -v b="$sw_rss" 'BEGIN {
	printf "resident memory per socket (max RSS / sockets): bpf %.0f B, netlink %.0f B (target <= 200 at 1,000,000)\n", a, b }'
