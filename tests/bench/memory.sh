#!/bin/bash
# memory.sh - sockwatch's resident memory per socket at 10k, 250k and 1M
# sockets, from synthetic --record files replayed in batch mode.
#
#   make bench && tests/bench/memory.sh [SOCKETS...]
#
# For each size, build/bench/gen_dump writes a record of 2 refreshes
# (raw sock_diag buffers as this kernel sends them, 2% churn between the
# two), each with the info dump a live sockwatch makes by default (the
# inbound ESTABLISHED connections with tcp_info, ~72% of the sockets
# here), then `sockwatch -b --replay FILE -n 2 -d 0 --json` runs under GNU
# time; its max RSS divided by the socket count is the figure (target at
# 1,000,000 sockets: <= 200 bytes per socket). The same record without
# the info dump (gen_dump --info 0) gives noinfo_kib, and the difference
# per inbound connection the info dump's cost (info_b_per_conn: the
# conninfo table's 48 bytes and what is made from it; a replay of a
# regular file reads the recorded info dump again when the engine asks,
# as a live run streams it, instead of holding its ~330 bytes of netlink
# messages per connection). The
# slope between sizes shows the per-socket cost without the fixed part.
# Prints figures only.
# Env: SW_BIN (default ./sockwatch), BENCH_TMP (directory for the files).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SW_BIN="${SW_BIN:-$ROOT/sockwatch}"
GEN="${GEN:-$ROOT/build/bench/gen_dump}"
TIME=/usr/bin/time
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 250000 1000000)

for f in "$SW_BIN" "$GEN"; do
	[ -x "$f" ] || { echo "memory.sh: $f missing: run 'make bench' first" >&2; exit 1; }
done
[ -x "$TIME" ] || { echo "memory.sh: $TIME missing: run scripts/install-deps (package time)" >&2; exit 1; }

tmp=$(mktemp -d "${BENCH_TMP:-/tmp}/swmem.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# replay "$rec" under GNU time: sets kib (max RSS), t (seconds), got (TCP
# sockets of the last refresh)
run() {
	local t0 t1
	t0=$(date +%s.%N)
	# GNU time appends its line to stderr after the program's own.
	if ! timeout 600 "$TIME" -f 'maxrss_kib %M' "$SW_BIN" -b --replay "$1" -n 2 -d 0 --json \
		>"$tmp/out" 2>"$tmp/err"; then
		echo "memory.sh: sockwatch failed on $1:" >&2
		tail -3 "$tmp/err" >&2
		exit 1
	fi
	t1=$(date +%s.%N)
	kib=$(awk '/^maxrss_kib/ {v=$2} END {print v}' "$tmp/err")
	t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	got=$(jq -s '.[-1].sockets.tcp' "$tmp/out" 2>/dev/null)
}

printf '%-10s %12s %14s %12s %12s %12s %12s %16s\n' sockets rss_kib bytes_per_sock replay_s file_mb \
	noinfo_kib info_conns info_b_per_conn
prev_n="" prev_kib=""
slopes=()
for n in "${sizes[@]}"; do
	rec="$tmp/rec.$n"
	gen=$("$GEN" -o "$rec" -s "$n" -r 2) || { echo "memory.sh: gen_dump failed for $n" >&2; exit 1; }
	nconn=$(sed -n 's/.*info dump: \([0-9]*\) inbound.*/\1/p' <<<"$gen")
	sz=$(stat -c %s "$rec")
	run "$rec"
	info_kib=$kib info_t=$t
	rm -f "$rec"
	"$GEN" -o "$rec" -s "$n" -r 2 --info 0 >/dev/null || { echo "memory.sh: gen_dump --info 0 failed for $n" >&2; exit 1; }
	run "$rec"
	awk -v n="$n" -v k="$info_kib" -v t="$info_t" -v sz="$sz" -v k0="$kib" -v c="$nconn" \
		'BEGIN { printf "%-10s %12s %14.1f %12.2f %12.1f %12s %12s %16.1f\n", n, k, k * 1024 / n, t, sz / 1e6, k0, c, c ? (k - k0) * 1024 / c : 0 }'
	kib=$info_kib
	# gen_dump puts 5 UDP sockets among the first 11 (listeners)
	[ "$got" = $((n - 5)) ] ||
		echo "# note: last snapshot reports $got TCP sockets, gen_dump wrote $((n - 5))"
	if [ -n "$prev_n" ]; then
		slopes+=("$(awk -v a="$prev_n" -v b="$n" -v ka="$prev_kib" -v kb="$kib" \
			'BEGIN { printf "slope %s..%s sockets: %.1f bytes per added socket", a, b, (kb - ka) * 1024 / (b - a) }')")
	fi
	prev_n=$n prev_kib=$kib
	rm -f "$rec"
done
for s in "${slopes[@]+"${slopes[@]}"}"; do echo "$s"; done
echo "target: <= 200 bytes per socket at 1,000,000 sockets (max RSS / sockets)"
