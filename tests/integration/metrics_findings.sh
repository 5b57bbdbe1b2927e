#!/bin/bash
# needs: ip jq ss curl promtool timeout
# The diagnosis's findings in the metrics: with 150 connections left in
# CLOSE_WAIT on a listener that never accepts, sockwatch --metrics serves
# sockwatch_finding{kind="close_wait_pileup",...} once the diagnosis holds
# it (third refresh), the same findings as the JSON report of the same
# refreshes (replayed from their recording: kind, severity, and count),
# and sockwatch_findings counts them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

NS=${SW_TAG}mf
T=$FARM_TMP
N=150
ns_add "$NS"
farm_freeze "$NS"
farm "$NS" serve 127.0.0.1 8080 --no-accept --backlog 512
farm_wait_line "listener" 10 || finish
farm "$NS" connect 127.0.0.1 8080 --from 127.0.0.2=$N --close-first
farm_wait_line "connections closed by the clients" 10 || finish
wait_for "$N CLOSE_WAIT on :8080" 10 \
	test "$(ip netns exec "$NS" ss -Htn state close-wait '( sport = :8080 )' | wc -l)" -eq $N

PORT=$(free_port)
URL="http://127.0.0.1:$PORT/metrics"
spawn "$SW_BIN" -b -n 100000 -d 0.3 --netns "$NS" --metrics "127.0.0.1:$PORT" \
	--record "$T/run.swrec" >/dev/null 2>"$T/sw.err"
found() { curl -sf "$URL" | grep -q '^sockwatch_finding{kind="close_wait_pileup",'; }
if wait_for "the finding in the metrics" 15 found; then
	ok "sockwatch_finding shows close_wait_pileup live"
else
	not_ok "no close_wait_pileup in the metrics: $(curl -sf "$URL" | grep -E '^sockwatch_finding' | head -3)"
fi
curl -sf "$URL" >"$T/live.prom"
check "it names the listener :8080" grep -qE '^sockwatch_finding\{kind="close_wait_pileup",severity="(warn|crit)",subject="tcp/(127.0.0.1:)?8080"\} 1$' "$T/live.prom"
check "sockwatch_findings counts them" [ "$(awk '$1 == "sockwatch_findings" {print $2}' "$T/live.prom")" -eq \
	"$(grep -c '^sockwatch_finding{' "$T/live.prom")" ]
kill "$SPAWNED" 2>/dev/null
wait "$SPAWNED" 2>/dev/null

# the same refreshes replayed: per refresh, the metrics' findings are the
# JSON report's
"$SW_BIN" -b --replay "$T/run.swrec" --json >"$T/replay.json" 2>/dev/null
"$SW_BIN" -b --replay "$T/run.swrec" --prom >"$T/replay.prom" 2>/dev/null
J=$(jq -r '[.diagnosis[] | "\(.kind) \(.severity)"] | sort | join(",")' "$T/replay.json")
# one file per exposition (each starts with sockwatch_build_info's HELP)
awk -v d="$T" '/^# HELP sockwatch_build_info/ {n++} {print > (d "/exp." sprintf("%04d", n))}' "$T/replay.prom"
P=$(for f in "$T"/exp.*; do
	sed -nE 's/^sockwatch_finding\{kind="([^"]*)",severity="([^"]*)".*/\1 \2/p' "$f" | sort | paste -sd, -
	done)
check "the replay has refreshes with the finding" grep -q close_wait_pileup <<<"$J"
check_eq "as many expositions as JSON reports" "$(wc -l <<<"$J")" "$(ls "$T"/exp.* | wc -l)"
check_same "per refresh, the metrics' findings are the JSON report's" "$J" "$P"
check "the replayed expositions pass promtool one by one" sh -c "
	for f in '$T'/exp.*; do promtool check metrics <\"\$f\" || exit 1; done"
finish
