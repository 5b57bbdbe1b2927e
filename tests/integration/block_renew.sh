#!/bin/bash
# Blocking again never shortens a block: `block X --for 1d` then
# `block X --for 1m` keeps the day unless --replace; a longer time
# renews. The element keeps its counter, and its comment records the
# first block and the latest one. The cron auto-ban of the README thus
# leaves a manual day-long block alone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

X=198.51.100.10 NET=203.0.113.0/24
# field F of the entry for TARGET in blocks --json (null prints as None)
field() {
	sw blocks --json | python3 -c '
import json, sys
t, f = sys.argv[1], sys.argv[2]
for b in json.load(sys.stdin)["blocks"]:
    if b["target"] == t:
        print(b[f]); break
else:
    print("absent")' "$1" "$2"
}
atleast() { python3 -c 'import sys; sys.exit(not float(sys.argv[1]) >= float(sys.argv[2]))' "$1" "$2"; }
atmost() { python3 -c 'import sys; sys.exit(not float(sys.argv[1]) <= float(sys.argv[2]))' "$1" "$2"; }

out=$(sw block "$X" --for 1d --reason "manual: scanner" 2>&1)
check_eq "block for 1d" "blocked $X for 1d00h" "$out"
blocked "$X"
p1=$(elem_packets "$X")
check "its counter counted the probe (packets=$p1)" test "$p1" -gt 0

out=$(sw block "$X" --for 1m --reason "cron: over 500" 2>&1); rc=$?
check "a shorter re-block keeps the day (exit $rc: $out)" \
	grep -Eq "^kept $X blocked: (23h5[0-9]m|1d00h) left is longer than the 1m00s asked \(--replace to shorten it\)$" <<<"$out"
check_eq "... exit 0" 0 "$rc"
check "... the timeout stays 1d" atleast "$(field "$X" timeout_s)" 86400
check "... so does the time left" atleast "$(field "$X" expires_s)" 86000
check "... the counter carried over" atleast "$(elem_packets "$X")" "$p1"
c=$(field "$X" comment)
check "... the comment keeps the first reason ($c)" grep -q '^by root .*: manual: scanner | ' <<<"$c"
check "... and records this one with its duration" \
	grep -Eq '\| then root [0-9TZ:-]* for 1m00s, kept (23h5[0-9]m|1d00h): cron: over 500$' <<<"$c"
check "... X is still dropped" blocked "$X"

out=$(sw block "$X" --for 2d 2>&1)
check_eq "a longer re-block renews" "renewed $X for 2d00h" "$out"
check "... the timeout is 2d" atleast "$(field "$X" timeout_s)" 172800
check "... the first reason still leads the comment" \
	grep -Eq '^by root .*: manual: scanner \| then root [0-9TZ:-]* for 2d00h, renewed, had (23h5[0-9]m|1d00h)$' \
	<<<"$(field "$X" comment)"

out=$(sw block "$X" --for 1m --replace --reason "lifted to a minute" 2>&1)
check "--replace shortens ($out)" \
	grep -Eq "^replaced the block of $X: 1m00s now \(it had (2d00h|1d23h) left\)$" <<<"$out"
check "... the timeout is 1m" atmost "$(field "$X" timeout_s)" 60
check "... the time left is within it" atmost "$(field "$X" expires_s)" 60
check "... X is still dropped" blocked "$X"
check "... the counter carried over" atleast "$(elem_packets "$X")" "$p1"

# a prefix, the same way
sw block "$NET" --for 1d >/dev/null 2>&1
out=$(sw block "$NET" --for 10m 2>&1)
check "a prefix re-blocked shorter keeps its day ($out)" \
	grep -Eq "^kept $NET blocked: (23h5[0-9]m|1d00h) left is longer than the 10m00s asked" <<<"$out"
check "... still dropped" blocked 203.0.113.5
check "... its timeout stays 1d" atleast "$(field "$NET" timeout_s)" 86400

# an element without timeout (added by hand) never expires: kept
sw_s nft add element inet sockwatch addr4 '{ 198.51.100.30 }'
out=$(sw block 198.51.100.30 --for 1h 2>&1)
check_eq "a permanent element is kept" \
	"kept 198.51.100.30 blocked: it never expires, which is longer than the 1h00m asked (--replace to shorten it)" "$out"
check_eq "... still without timeout" None "$(field 198.51.100.30 timeout_s)"

out=$(sw unblock "$X" --replace 2>&1); rc=$?
check_eq "--replace elsewhere is refused" "2 sockwatch: --replace means nothing with unblock: it belongs to 'block'" "$rc $(head -1 <<<"$out")"
out=$(sw --replace 2>&1); rc=$?
check_eq "--replace in the TUI is refused" "2 sockwatch: --replace only applies to 'block'" "$rc $(head -1 <<<"$out")"

check "the audit log says sent, kept, renewed, replaced" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
seq = [r["outcome"] for r in rows if r["action"] == "block" and r["target"] == "198.51.100.10"]
assert seq == ["sent", "kept", "renewed", "replaced"], seq
kept = [r for r in rows if r["outcome"] == "kept"][0]
assert kept["timeout"] == 86400 and "cron: over 500" in kept["detail"], kept
' "$AUDIT"
finish
