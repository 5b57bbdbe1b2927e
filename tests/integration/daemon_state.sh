#!/bin/bash
# needs: ip nft python3 ss timeout
# The offender history on disk: `kill -9` during heavy banning (100
# flooders banned in a few refreshes, the history rewritten after each)
# leaves a whole, readable file every time; a damaged file (garbage, or
# cut short) is reported, set aside under a new name with its bytes
# intact, never fatal, and a fresh history is written beside it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

cat >"$RULES" <<'R'
[flood]
when = conns > 3
ban = 10m
breaker = 1000
R
# 100 flooders, 198.51.100.100 .. .199 on the client; each round brings
# 20 new ones in four waves a refresh apart, so banning goes on over
# several refreshes (the history is rewritten after each) when the kill
# comes
for i in $(seq 100 199); do sw_c ip addr add "198.51.100.$i/24" dev c0; done
wave() { # FIRST: five flooders FIRST .. FIRST+4, 5 connections each
	local from
	from=$(seq -s, -f '198.51.100.%g=5' "$1" "$(($1 + 4))")
	spawn sw_c "$FARM" connect 192.0.2.1 8080 --count 25 --from "$from" \
		--hold 300 --timeout 300 >/dev/null 2>&1
}

# the history must be a whole file: its header, then well-formed lines
whole() {
	python3 - "$1" <<'PY'
import sys
t = open(sys.argv[1]).read()
assert t.startswith("# sockwatch offenders v1\n") and t.endswith("\n"), repr(t[:80])
for l in t.splitlines()[1:]:
    f = l.split()
    assert len(f) == 6 and f[0].startswith("198.51.100.") and f[5] == "flood", l
    float(f[2]); float(f[3]); int(f[1])
print(len(t.splitlines()) - 1)
PY
}

prev=0 grew=0 bad=0 read=0
for round in 0 1 2 3 4; do
	: >"$LOG"
	daemon_start || { not_ok "round $round: the daemon starts ($(cat "$LOG"))"; break; }
	if [ "$round" = 0 ]; then
		grep -q "^offender history $STATE: none yet" "$LOG" && read=$((read + 1))
	else
		grep -q "^offender history $STATE: $prev offenders$" "$LOG" && read=$((read + 1))
	fi
	base=$((100 + round * 20))
	wave "$base"
	sleep 0.3
	wave $((base + 5))
	# kill it while it bans the second wave, at a moment that moves from
	# round to round; the other two waves come after, for the next round
	sleep "0.0$((round * 2))"
	daemon_stop KILL
	wave $((base + 10))
	wave $((base + 15))
	if ! n=$(whole "$STATE" 2>"$TMP/why"); then
		bad=$((bad + 1))
		echo "# round $round: $(tail -1 "$TMP/why")"
		continue
	fi
	[ "$n" -ge "$prev" ] && grew=$((grew + 1))
	echo "# round $round: killed with $n offenders on disk, $(grep -c ': blocked ' "$LOG") bans said"
	prev=$n
done
check_eq "after each of 5 kill -9 during banning the history is whole" 0 "$bad"
check_eq "... it never lost what it had" 5 "$grew"
check_eq "... and each start read it back (none yet, then N offenders)" 5 "$read"
check "... the bans went on (history $prev > 30)" test "$prev" -gt 30
check "no file was set aside" bash -c "! ls '$STATE'.bad-* 2>/dev/null"

# a damaged file: garbage
printf '# sockwatch offenders v1\n198.51.100.7 two 1 2 3 flood\n' >"$STATE"
cp "$STATE" "$TMP/garbage"
: >"$LOG"
daemon_start || { not_ok "a damaged history is not fatal ($(cat "$LOG"))"; finish; }
check "a damaged history is reported, naming the new place" \
	grep -Eq "^offender history $STATE is damaged \(.*\): set aside as $STATE\.bad-[0-9]{8}T[0-9]{6}Z; starting with an empty history$" "$LOG"
aside=$(ls "$STATE".bad-* 2>/dev/null | head -1)
check "... the file is kept, byte for byte" cmp -s "$TMP/garbage" "${aside:-/nonexistent}"
wait_for "a new history" 10 grep -qs '^198.51.100.1' "$STATE"
check "... and a new history is written beside it" bash -c "$(declare -f whole); whole '$STATE' >/dev/null"
daemon_stop
check_eq "... the daemon ran and stopped cleanly" 0 "$DRC"

# cut short: the last line lacks its end
head -c -7 "$STATE" >"$TMP/cut"
cp "$TMP/cut" "$STATE"
rm -f "$STATE".bad-*
: >"$LOG"
daemon_start || { not_ok "a truncated history is not fatal ($(cat "$LOG"))"; finish; }
check "a truncated history is reported and set aside" \
	grep -Eq "^offender history $STATE is damaged \(.*\): set aside as " "$LOG"
aside=$(ls "$STATE".bad-* 2>/dev/null | head -1)
check "... intact" cmp -s "$TMP/cut" "${aside:-/nonexistent}"
daemon_stop
finish
