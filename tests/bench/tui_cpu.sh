#!/bin/bash
# Benchmark (prints figures, asserts nothing about time):
#  1. CPU of the TUI process at 10,000 sockets (a namespace holding 5,000
#     loopback connections: both ends are sockets), 1 s refresh, measured
#     from /proc/PID/stat and /proc/PID/task/*/stat over 30 s: the whole
#     process, the UI thread and the refresher thread. Target: < 3% of a
#     core for the whole process.
#  2. Key latency while the refresher is busy with 250,000 sockets: a
#     synthetic recording (build/bench/gen_dump) replayed back to back at
#     the 0.2 s floor; time from a key sent by tmux to its effect on the
#     screen (help opens, help closes), polled every 10 ms.
# Run as root after `make bench tools`:  tests/bench/tui_cpu.sh [SECONDS]
cd "$(dirname "$0")/../.."
export SW_BIN="${SW_BIN:-$PWD/sockwatch}"
. tests/integration/lib.sh
. tests/integration/tui_lib.bash
SECS=${1:-30}
FARM="$SW_BUILD/tools/sockfarm"
GEN="$SW_BUILD/bench/gen_dump"
HZ=$(getconf CLK_TCK)

ticks() { # PID [TID]: utime+stime in clock ticks
	local f=/proc/$1/stat
	[ -n "${2:-}" ] && f=/proc/$1/task/$2/stat
	# the fields after the command name, which may hold spaces
	sed -E 's/^.*\) //' "$f" | awk '{ print $12 + $13 }'
}

tui_pid() { pgrep -P "$(tmx display -p -t tui '#{pane_pid}')" -x sockwatch; }

# --- 1. CPU at 10,000 sockets, 1 s refresh --------------------------------
NS=${SW_TAG}cpu
ns_add "$NS"
spawn ip netns exec "$NS" "$FARM" serve 127.0.0.1 80 --timeout $((SECS + 120)) >/dev/null
sleep 0.3
out="$TUI_TMP/farm"
spawn ip netns exec "$NS" "$FARM" connect 127.0.0.1 80 --count 5000 --from 127.0.0.2 \
	--timeout $((SECS + 120)) >"$out"
wait_for "5000 connections" 60 grep -q connected "$out" || { echo "not ok - sockfarm"; finish; }
n=$(ip netns exec "$NS" ss -Htan | wc -l)
echo "# sockets in the namespace: $n"

tui_start 120x40 --netns "$NS" -d 1
tui_wait "first refresh" 10 'Remotes: ' >/dev/null || { echo "not ok - the TUI did not start"; finish; }
sleep 5 # warm-up: buffers grown, listener owners resolved
pid=$(tui_pid)
ui0=$(ticks "$pid" "$pid")
all0=$(ticks "$pid")
t0=$(date +%s.%N)
sleep "$SECS"
ui1=$(ticks "$pid" "$pid")
all1=$(ticks "$pid")
t1=$(date +%s.%N)
took=$(tui_screen | grep -oE 'took [0-9.]+ms' | head -n 1)
awk -v a0="$all0" -v a1="$all1" -v u0="$ui0" -v u1="$ui1" -v t0="$t0" -v t1="$t1" \
	-v hz="$HZ" -v n="$n" -v took="$took" 'BEGIN {
	s = t1 - t0
	printf "tui_cpu: %d sockets, refresh 1 s, %.0f s: process %.2f%% of a core (UI thread %.2f%%, refresher %.2f%%); last refresh %s\n",
		n, s, 100 * (a1 - a0) / hz / s, 100 * (u1 - u0) / hz / s, 100 * ((a1 - a0) - (u1 - u0)) / hz / s, took
}'
tui_keys q
sleep 0.5
tmx kill-session -t tui 2>/dev/null

# --- 2. key latency while refreshing 250,000 sockets -------------------------
REC="$TUI_TMP/250k.rec"
# 12 refreshes (350 MB): parsing and aggregating each takes a good part of
# the 0.2 s interval, so keys land while the refresher works
"$GEN" -o "$REC" -s 250000 -r 12 >/dev/null || { echo "not ok - gen_dump"; finish; }
tui_start 120x40 --replay "$REC" -d 0.2
tui_wait "first refresh" 30 'Remotes: ' >/dev/null || { echo "not ok - the TUI did not start on the replay"; finish; }
pid=$(tui_pid)
ui0=$(ticks "$pid" "$pid")
all0=$(ticks "$pid")
t0=$(date +%s.%N)

# ms from sending KEY until REGEX shows (or stops showing, with -v)
latency() { # KEY REGEX [-v]
	local t0 t1 i
	t0=$(date +%s%N)
	tui_keys "$1"
	for ((i = 0; i < 500; i++)); do
		if [ "${3:-}" == -v ]; then
			tui_screen | grep -qE "$2" || break
		else
			tui_screen | grep -qE "$2" && break
		fi
		sleep 0.01
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
worst=0 sum=0 k=0
for i in 1 2 3 4 5 6 7 8; do
	for ms in $(latency '?' 'sockwatch keys') $(latency x 'sockwatch keys' -v); do
		sum=$((sum + ms)); k=$((k + 1))
		[ "$ms" -gt "$worst" ] && worst=$ms
	done
	sleep 0.13
done
ui1=$(ticks "$pid" "$pid")
all1=$(ticks "$pid")
t1=$(date +%s.%N)
ended=running
tui_screen | grep -qE ' END *$' && ended="ended during the run"
busy=$(awk -v a0="$all0" -v a1="$all1" -v u0="$ui0" -v u1="$ui1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" \
	'BEGIN { printf "refresher busy %.0f%%, UI thread %.1f%% of a core", 100 * ((a1 - a0) - (u1 - u0)) / hz / (t1 - t0), 100 * (u1 - u0) / hz / (t1 - t0) }')
echo "tui_latency: 250000 sockets replayed every 0.2 s ($busy; replay $ended): key to screen mean $((sum / k)) ms, worst $worst ms over $k keys (includes tmux's capture polling, 10 ms steps)"
tui_keys q
echo "ok - benchmark ran"
finish
