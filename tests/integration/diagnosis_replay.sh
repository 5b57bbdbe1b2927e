#!/bin/bash
# needs: ip jq ss timeout
# The diagnosis live and on replay: an application that never accepts or
# closes the connections its clients closed leaves them in CLOSE_WAIT on
# its port. The live run finds close_wait_pileup from its third refresh
# (it must hold three in a row), names the listener and the count ss sees;
# the recording replayed gives the very same "diagnosis" arrays; the text
# report says it at the top, and says nothing while all is well.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

NS=${SW_TAG}dgr
T=$FARM_TMP
REC=$T/run.swrec
N=150
ns_add "$NS"
farm_freeze "$NS"

# queued, never accepted: a client's FIN turns its socket CLOSE_WAIT
farm "$NS" serve 127.0.0.1 8080 --no-accept --backlog 512
farm_wait_line "listener" 10 || finish
farm "$NS" connect 127.0.0.1 8080 --from 127.0.0.2=$N --close-first
farm_wait_line "connections closed by the clients" 10 || finish
wait_for "$N CLOSE_WAIT on :8080" 10 \
	test "$(ip netns exec "$NS" ss -Htn state close-wait '( sport = :8080 )' | wc -l)" -eq $N
SS_CW=$(ip netns exec "$NS" ss -Htn state close-wait '( sport = :8080 )' | wc -l)

timeout 30 ip netns exec "$NS" "$SW_BIN" -b --json -n 4 -d 0.3 --top 0 --record "$REC" \
	>"$T/live.json" 2>"$T/live.err"
check_eq "the live run exits 0 (stderr: $(head -c 200 "$T/live.err"))" 0 $?
check_eq "4 live refreshes" 4 "$(grep -c . "$T/live.json")"
check_same "refreshes 1 and 2 find nothing yet (stuck over three are needed)" \
	"[] []" "$(jq -c .diagnosis "$T/live.json" | head -2 | tr '\n' ' ' | sed 's/ $//')"
for seq in 3 4; do
	D=$(jq -c "select(.seq == $seq) | .diagnosis" "$T/live.json")
	check_eq "refresh $seq finds one thing" 1 "$(jq length <<<"$D")"
	check_eq "refresh $seq: close_wait_pileup" close_wait_pileup "$(jq -r '.[0].kind' <<<"$D")"
	check_eq "refresh $seq: on the listener :8080" "listener tcp 8080" \
		"$(jq -r '.[0].subject | "\(.kind) \(.proto) \(.port)"' <<<"$D")"
	check_eq "refresh $seq: the CLOSE_WAIT count is the one ss sees ($SS_CW)" "$SS_CW" \
		"$(jq -r '.[0].evidence.close_wait' <<<"$D")"
	check_eq "refresh $seq: nothing to block" null "$(jq -c '.[0].action' <<<"$D")"
	check_eq "refresh $seq: warn" warn "$(jq -r '.[0].severity' <<<"$D")"
done
check_same "the finding holds since refresh 2 (the first that saw them stuck)" \
	"$(jq -r 'select(.seq == 2) | .time' "$T/live.json")" \
	"$(jq -r 'select(.seq == 4) | .diagnosis[0].since' "$T/live.json")"

"$SW_BIN" -b --json --top 0 --replay "$REC" >"$T/replay.json" 2>"$T/replay.err"
check_eq "--replay exits 0 (stderr: $(head -c 200 "$T/replay.err"))" 0 $?
check_same "the replay diagnoses as the live run did, refresh by refresh" \
	"$(jq -c .diagnosis "$T/live.json")" "$(jq -c .diagnosis "$T/replay.json")"

"$SW_BIN" -b --top 0 --replay "$REC" >"$T/replay.txt" 2>&1
awk '/^sockwatch /{n++} n == 1' "$T/replay.txt" >"$T/r1.txt"
awk '/^sockwatch /{n++} n == 3' "$T/replay.txt" >"$T/r3.txt"
check "text: refresh 1 says nothing about findings" \
	bash -c "! grep -qE '^(warn|crit) |advice:' '$T/r1.txt'"
check_eq "text: refresh 3 has the finding on its fourth line, above the states" \
	"warn close_wait_pileup" "$(sed -n 4p "$T/r3.txt" | awk '{print $1, $2}')"
check "text: its advice is under it" grep -q '^     advice: .*does not close()' "$T/r3.txt"
check "text: the states come after it" \
	test "$(grep -n '^STATE ' "$T/r3.txt" | cut -d: -f1)" -gt 4

"$SW_BIN" -b --json --top 0 --no-diagnosis --replay "$REC" >"$T/nodiag.json" 2>&1
check_same "--no-diagnosis: \"diagnosis\" is null in every refresh" \
	"null null null null" "$(jq -c .diagnosis "$T/nodiag.json" | tr '\n' ' ' | sed 's/ $//')"
"$SW_BIN" -b --top 0 --no-diagnosis --replay "$REC" >"$T/nodiag.txt" 2>&1
check "--no-diagnosis: no finding in the text" bash -c "! grep -q close_wait_pileup '$T/nodiag.txt'"
finish
