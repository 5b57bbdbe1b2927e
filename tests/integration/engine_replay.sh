#!/bin/bash
# needs: ip jq ss timeout
# Replay: a run recorded with --record replays with --replay to
# the identical JSON, but for the keys that measure this run's cost
# (refresh_ms, cpu_ms); "time" is the recorded one.
#
# The recorded run sees the population change between refreshes (new
# connections, then TIME_WAIT, UDP), so deltas, rates, listeners and
# counters are all part of what must come back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

NS=${SW_TAG}rep
T=$FARM_TMP
REC=$T/run.swrec
ns_add "$NS"
farm_freeze "$NS"

farm "$NS" serve 127.0.0.1 80
farm_wait_line "listener" 10 || finish
farm "$NS" udp bind 127.0.0.1 5353 --count 2
farm_wait_line "udp" 10 || finish
farm "$NS" connect 127.0.0.1 80 --from 127.0.0.2=30,127.0.0.3=20
farm_wait_line "first connections" 10 || finish

# run by ip netns exec, not --netns: the JSON then has no "netns" key, which
# a replay cannot know
exec 3< <(exec ip netns exec "$NS" "$SW_BIN" -b --json -n 3 -d 1 --top 0 --record "$REC" 2>"$T/live.err")
_sw_pids+=($!)
read -r -t 10 -u 3 L1 || { not_ok "live refresh 1 (stderr: $(head -c 200 "$T/live.err"))"; finish; }
farm "$NS" connect 127.0.0.1 80 --from 127.0.0.4=40
read -r -t 10 -u 3 L2 || { not_ok "live refresh 2 (stderr: $(head -c 200 "$T/live.err"))"; finish; }
farm "$NS" connect 127.0.0.1 80 --from 127.0.0.5=25 --close-first
read -r -t 10 -u 3 L3 || { not_ok "live refresh 3 (stderr: $(head -c 200 "$T/live.err"))"; finish; }
exec 3<&-
printf '%s\n' "$L1" "$L2" "$L3" >"$T/live.json"
check "the recording is a non-empty file" test -s "$REC"
check_eq "the live run changed between refreshes (40 new from 127.0.0.4 in refresh 2)" 40 \
	"$(jq -r 'select(.seq == 2) | .remotes[] | select(.addr == "127.0.0.4") | .new' "$T/live.json")"
check_eq "the live run saw the 25 TIME_WAIT of refresh 3" 25 \
	"$(jq -r 'select(.seq == 3) | .states[] | select(.state == "TIME_WAIT") | .count' "$T/live.json")"

"$SW_BIN" -b --json -n 3 --top 0 --replay "$REC" >"$T/replay.json" 2>"$T/replay.err"
rc=$?
check_eq "--replay exits 0 (stderr: $(head -c 200 "$T/replay.err"))" 0 "$rc"
check_eq "--replay prints the 3 recorded refreshes" 3 "$(grep -c . "$T/replay.json")"

# "time" is part of the very same JSON: the replay gives back the recorded one
DROP='del(.refresh_ms, .cpu_ms)'
check_same "replay gives back the recorded time of each refresh" \
	"$(jq -r .time "$T/live.json")" "$(jq -r .time "$T/replay.json")"
for i in 1 2 3; do
	check_same "replayed refresh $i equals the live one, key by key" \
		"$(sed -n "${i}p" "$T/live.json" | jq -S "$DROP")" \
		"$(sed -n "${i}p" "$T/replay.json" | jq -S "$DROP")"
done
check_same "replayed lines equal the live lines byte for byte (but for the cost keys)" \
	"$(jq -c "$DROP" "$T/live.json")" "$(jq -c "$DROP" "$T/replay.json")"

# The replay runs through the same aggregation: grouping it by /24 must sum
# its own /32 rows.
"$SW_BIN" -b --json -n 3 --top 0 --group 24 --replay "$REC" >"$T/replay24.json" 2>&1
check_same "--replay --group 24 sums the replayed remotes per /24" \
	"$(jq -r 'select(.seq == 3) | .remotes[] | "\(.addr | split(".")[0:3] | join(".")).0 \(.count)"' "$T/replay.json" |
		awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort)" \
	"$(jq -r 'select(.seq == 3) | .remotes[] | "\(.addr) \(.count)"' "$T/replay24.json" | sort)"

# Replaying more than was recorded stops at the end, -n 1 gives the first,
# and without -n a replay prints every recorded refresh (sockwatch --help).
"$SW_BIN" -b --json -n 10 --top 0 --replay "$REC" >"$T/replay10.json" 2>"$T/replay10.err"
rc=$?
check_eq "--replay -n 10 of a 3-refresh recording prints 3 refreshes" 3 "$(grep -c . "$T/replay10.json")"
check "--replay -n 10 ends without a crash (exit $rc < 128)" test "$rc" -lt 128
check_same "--replay -n 1 prints the first refresh" \
	"$(head -1 "$T/replay.json" | jq -c "$DROP")" \
	"$("$SW_BIN" -b --json -n 1 --top 0 --replay "$REC" | jq -c "$DROP")"
check_same "--replay without -n prints every recorded refresh" \
	"$(jq -c "$DROP" "$T/replay.json")" "$("$SW_BIN" -b --json --top 0 --replay "$REC" | jq -c "$DROP")"

# --record appends: a second recorded run adds its refreshes after the first.
ip netns exec "$NS" "$SW_BIN" -b --json -n 2 -d 0.2 --top 0 --record "$REC" >"$T/live2.json" 2>&1
"$SW_BIN" -b --json -n 10 --top 0 --replay "$REC" >"$T/replay_all.json" 2>&1
check_eq "--record appends: the file now replays 3 + 2 refreshes" 5 "$(grep -c . "$T/replay_all.json")"
check_same "the appended run leaves the first 3 replayed refreshes as they were" \
	"$(jq -c "$DROP" "$T/replay.json")" "$(head -3 "$T/replay_all.json" | jq -c "$DROP")"
# (its first refresh now follows the first run's last, and seq counts on)
check_same "the appended run's last refresh replays as it was live (seq aside)" \
	"$(tail -1 "$T/live2.json" | jq -c "$DROP | del(.seq)")" "$(tail -1 "$T/replay_all.json" | jq -c "$DROP | del(.seq)")"

echo "# whole test took $SECONDS s"
finish
