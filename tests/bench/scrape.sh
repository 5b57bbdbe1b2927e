#!/bin/bash
# scrape.sh - the cost of a scrape of sockwatch --metrics with 1,000 and
# with 250,000 TCP sockets watched, in one run: a scrape is answered from
# the exposition rendered at the last refresh, so it must not depend on
# the socket count (the refresh does).
#
#   make bench && sudo tests/bench/scrape.sh [-s SCRAPES] [--small N] [--big N]
#
# Makes a namespace, fills it with SMALL ESTABLISHED sockets (default
# 1,000), starts `sockwatch -b -t -d 30 --netns NS --metrics 127.0.0.1:P`
# (one refresh, then none for 30 s: the scrapes run in between, so
# sockwatch's CPU then is the scrapes' alone), scrapes it S times (default
# 2,000, one connection each, sequential) and prints per scrape: the median
# and 90th percentile wall time, the bytes, and sockwatch's CPU; and the
# refresh's own wall time. Then it adds sockets up to BIG (default
# 250,000) and does it again, and prints the ratios big/small. Prints
# figures; asserts nothing. Needs root.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SW_BIN="${SW_BIN:-$ROOT/sockwatch}"
S=2000 SMALL=1000 BIG=250000
while [ $# -gt 0 ]; do
	case "$1" in
	-s) S=$2; shift 2 ;;
	--small) SMALL=$2; shift 2 ;;
	--big) BIG=$2; shift 2 ;;
	*) echo "usage: scrape.sh [-s SCRAPES] [--small N] [--big N]" >&2; exit 2 ;;
	esac
done
source "$ROOT/tests/integration/lib.sh"
source "$ROOT/tests/bench/populate.sh"
bench_need scrape.sh "$SW_BIN" "$FARM"
command -v python3 >/dev/null || { echo "scrape.sh: needs python3" >&2; exit 1; }

NS="swbench$$"
bench_ns "$NS"
D="$BENCH_DIR"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# measure LABEL: one sockwatch, S scrapes; prints a line, leaves
# "wall_p50_us cpu_per_scrape_us bytes refresh_ms" in $D/LABEL.fig
measure() {
	local label=$1 port pid i
	port=$(free_port)
	spawn "$SW_BIN" -b -t -n 3 -d 30 --netns "$NS" --metrics "127.0.0.1:$port" \
		>/dev/null 2>"$D/$label.err"
	pid=$SPAWNED
	for ((i = 0; i < 600; i++)); do
		curl -sf -o "$D/$label.prom" "http://127.0.0.1:$port/metrics" 2>/dev/null && break
		sleep 0.1
	done
	[ -s "$D/$label.prom" ] || { echo "scrape.sh: sockwatch never served: $(tail -1 "$D/$label.err")" >&2; exit 1; }
	python3 - "$port" "$S" "$pid" >"$D/$label.out" <<'EOF'
import os, socket, statistics, sys, time
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
req = b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
walls, size = [], 0
c0 = cpu()
for _ in range(n):
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    got = b""
    while True:
        b = s.recv(262144)
        if not b:
            break
        got += b
    s.close()
    walls.append(time.perf_counter() - t)
    size = len(got)
c1 = cpu()
walls.sort()
print("%.0f %.0f %.0f %d" % (statistics.median(walls) * 1e6, walls[int(len(walls) * 0.9)] * 1e6,
                             (c1 - c0) / n * 1e6, size))
EOF
	read -r p50 p90 cpu bytes <"$D/$label.out"
	local refresh seq sockets
	refresh=$(awk '$1 == "sockwatch_refresh_duration_seconds" {printf "%.1f", $2 * 1000}' "$D/$label.prom")
	sockets=$(awk '$1 ~ /^sockwatch_tcp_sockets/ {n += $2} END {print n}' "$D/$label.prom")
	seq=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '$1 == "sockwatch_refreshes_total" {print $2}')
	printf '%-6s sockets %7d  scrape wall p50 %6d us  p90 %6d us  sockwatch cpu/scrape %5d us  bytes %6d  refresh %7.1f ms  refreshes during the scrapes %d\n' \
		"$label" "$sockets" "$p50" "$p90" "$cpu" "$bytes" "$refresh" "$((seq - 1))"
	echo "$p50 $cpu $bytes $refresh" >"$D/$label.fig"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

bench_established "$NS" $((SMALL / 2)) 8000 || exit 1
measure small
echo "# adding sockets up to $BIG"
bench_established "$NS" $(((BIG - SMALL) / 2)) 9000 || exit 1
measure big
read -r w1 c1 b1 r1 <"$D/small.fig"
read -r w2 c2 b2 r2 <"$D/big.fig"
awk -v w1="$w1" -v w2="$w2" -v c1="$c1" -v c2="$c2" -v b1="$b1" -v b2="$b2" -v r1="$r1" -v r2="$r2" 'BEGIN {
	printf "ratio big/small: scrape wall %.2f  scrape cpu %.2f  bytes %.2f  (refresh %.1f: the refresh grows with the sockets, the scrape does not)\n",
		w2 / w1, (c1 > 0 ? c2 / c1 : -1), b2 / b1, (r1 > 0 ? r2 / r1 : 0) }'
