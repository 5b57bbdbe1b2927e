#!/bin/bash
# report.sh - `sockwatch report` of an hour at 1 s of a busy server: a
# gen_dump recording of REFRESHES refreshes (default 3600, one a second)
# of SOCKETS TCP sockets (default 10000, 2% churn a refresh). Prints the
# report's wall time and peak RSS, the same for a batch replay of the same
# file (`sockwatch -b --replay FILE --json`: the frames alone, the ratio
# is what the report adds), and for a recording a tenth as long (the
# report's memory must not grow with the length). Figures only.
#
#   make bench && tests/bench/report.sh [SOCKETS] [REFRESHES]
# Env: SW_BIN (default ./sockwatch), BENCH_TMP (directory for the files;
# the hour of 10,000 sockets takes about 4.3 GB).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SW_BIN="${SW_BIN:-$ROOT/sockwatch}"
GEN="${GEN:-$ROOT/build/bench/gen_dump}"
TIME=/usr/bin/time
n=${1:-10000} r=${2:-3600}

for f in "$SW_BIN" "$GEN"; do
	[ -x "$f" ] || { echo "report.sh: $f missing: run 'make bench' first" >&2; exit 1; }
done
[ -x "$TIME" ] || { echo "report.sh: $TIME missing: run scripts/install-deps (package time)" >&2; exit 1; }
tmp=$(mktemp -d "${BENCH_TMP:-/tmp}/swreport.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# run NAME CMD...: wall seconds and max RSS of CMD (bounded: 30 min)
run() {
	local name="$1" t0 t1 kib
	shift
	t0=$(date +%s.%N)
	if ! timeout 1800 "$TIME" -f 'maxrss_kib %M' "$@" >"$tmp/out.$name" 2>"$tmp/err.$name"; then
		echo "report.sh: $name failed:" >&2
		tail -3 "$tmp/err.$name" >&2
		exit 1
	fi
	t1=$(date +%s.%N)
	kib=$(awk '/^maxrss_kib/ {v=$2} END {print v}' "$tmp/err.$name")
	awk -v a="$name" -v t0="$t0" -v t1="$t1" -v k="$kib" \
		'BEGIN { printf "%-22s %10.2f %10s\n", a, t1 - t0, k }'
	eval "S_$name=\$(awk -v t0=$t0 -v t1=$t1 'BEGIN { print t1 - t0 }') K_$name=$kib"
}

short=$((r / 10 > 0 ? r / 10 : 1))
"$GEN" -o "$tmp/hour.rec" -s "$n" -r "$r" --churn 20 >/dev/null || exit 1
"$GEN" -o "$tmp/short.rec" -s "$n" -r "$short" --churn 20 >/dev/null || exit 1
echo "recording: $r refreshes of $n sockets, $(( $(stat -c %s "$tmp/hour.rec") / 1000000 )) MB"
printf '%-22s %10s %10s\n' what seconds rss_kib
run replay "$SW_BIN" -b --replay "$tmp/hour.rec" -d 0 --json
run report "$SW_BIN" report "$tmp/hour.rec" -o "$tmp/hour.html"
run report_json "$SW_BIN" report "$tmp/hour.rec" --json
run report_tenth "$SW_BIN" report "$tmp/short.rec" -o "$tmp/short.html"
awk -v a="$S_report" -v b="$S_replay" -v ka="$K_report" -v kb="$K_replay" -v ks="$K_report_tenth" \
	-v r="$r" -v h="$(stat -c %s "$tmp/hour.html")" 'BEGIN {
	printf "ratio report/replay time: %.2f\n", a / b
	printf "report per refresh: %.2f ms\n", a * 1000 / r
	printf "ratio report rss / replay rss: %.2f\n", ka / kb
	printf "ratio report rss, %d refreshes / a tenth of them: %.2f\n", r, ka / ks
	printf "page: %.0f KB\n", h / 1000 }'
