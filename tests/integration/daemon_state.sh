#!/bin/bash
# needs: ip nft python3 ss timeout
# The offender history on disk: `kill -9` during heavy banning (100
# flooders banned in a few refreshes, the history rewritten after each)
# leaves a whole, readable file every time; a damaged file (garbage, or
# cut short) is reported, set aside under a new name with its bytes
# intact, never fatal, and a fresh history is written beside it. After a
# crash, a ban the history holds but the kernel lacks is sent again at
# start for the time it has left; after a clean stop, a ban lifted by hand
# stays lifted.
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
	# the first wave banned (and so a history on disk), then the second
	wait_for "the first wave's bans" 10 \
		sh -c "[ \$(grep -c ': blocked ' '$LOG') -ge 5 ]"
	n1=$(grep -c ': blocked ' "$LOG")
	wave $((base + 5))
	# kill it while it bans the second wave: at its first ban line (the
	# other four and the history's rewrite still to come), or a little
	# later, moving from round to round; bounded to 2 s
	for ((i = 0; i < 200; i++)); do
		[ "$(grep -c ': blocked ' "$LOG")" -gt "$n1" ] && break
		sleep 0.01
	done
	sleep "0.00$((round * 2))"
	daemon_stop KILL
	echo "# round $round: killed $(($(grep -c ': blocked ' "$LOG") - n1)) ban lines after the first wave"
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

# damaged FILE DESC: start over FILE as the history; it is reported,
# set aside byte for byte, and a new history is written beside it
damaged() {
	cp "$1" "$STATE"
	rm -f "$STATE".bad-*
	: >"$LOG"
	daemon_start || { not_ok "$2: not fatal ($(cat "$LOG"))"; return; }
	check "$2: reported, naming the new place" \
		grep -Eq "^offender history $STATE is damaged \(.*\): set aside as $STATE\.bad-[0-9]{8}T[0-9]{6}Z; starting with an empty history$" "$LOG"
	local aside
	aside=$(ls "$STATE".bad-* 2>/dev/null | head -1)
	check "... the file is kept, byte for byte" cmp -s "$1" "${aside:-/nonexistent}"
	wait_for "a new history" 10 grep -qs '^198.51.100.1' "$STATE"
	check "... and a new history is written beside it" \
		bash -c "$(declare -f whole); whole '$STATE' >/dev/null"
	daemon_stop
	check_eq "... the daemon ran and stopped cleanly" 0 "$DRC"
}
# a temporary file a crashed writer left (no such pid) is removed at start
: >"$STATE.tmp.999999999"
printf '# sockwatch offenders v1\n198.51.100.7 two 1 2 3 flood\n' >"$TMP/garbage"
damaged "$TMP/garbage" "a damaged history (garbage)"
check "the temporary files crashes left are removed at start, and said" \
	bash -c "grep -Eq 'removed [0-9]+ temporary files? a crash left' '$LOG' && ! ls '$STATE'.tmp.* 2>/dev/null"
# cut short: the last line lacks its end
head -c -7 "$STATE" >"$TMP/cut"
damaged "$TMP/cut" "a truncated history"

# after a crash, bans the history holds that the kernel lacks come back
# at start (here: the set flushed while it was down)
: >"$LOG"
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
wait_for "the history" 10 grep -qs '^198.51.100.150 ' "$STATE"
daemon_stop KILL
check "kill -9 leaves the run's marker" test -e "$STATE.running"
sw_s nft flush set inet sockwatch addr4
check "the set is empty now" not_set 198.51.100.150
n=$(grep -c '^198\.51\.100\.' "$STATE")
: >"$LOG"
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
check "the start says the last run did not stop cleanly" \
	grep -q "^offender history $STATE: the last run did not stop cleanly" "$LOG"
log_wait "the restores" 5 "the ban of 198.51.100.150 \(rule flood\) was not in the kernel"
check "a ban the history holds is sent again, said" \
	grep -Eq "^offender history: the ban of 198.51.100.150 \(rule flood\) was not in the kernel: blocked 198.51.100.150 for [0-9]+m[0-9]+s$" "$LOG"
check "... it is in the kernel again" set_has 198.51.100.150
check "... for the time it had left, not a new 10m" \
	test "$(elem_timeout 198.51.100.150)" -lt 600
wait_for "all restores" 15 sh -c "[ \$(grep -c 'was not in the kernel: blocked' '$LOG') -ge $n ]"
check_eq "... every one of the $n" "$n" "$(grep -c 'was not in the kernel: blocked' "$LOG")"
check "... as the rule's, restored" \
	grep -q 'rule flood: restored (offence 1)' <<<"$(sw_s nft list set inet sockwatch addr4)"
daemon_stop
check "a clean stop removes the marker" test ! -e "$STATE.running"

# after a clean stop a ban lifted by hand stays lifted
sw unblock 198.51.100.150 >/dev/null 2>&1
: >"$LOG"
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
sleep 1
check "an address unblocked by hand while it was stopped is not banned again" \
	not_set 198.51.100.150
check "... nothing is restored after a clean stop" \
	bash -c "! grep -q 'was not in the kernel\|did not stop cleanly' '$LOG'"
daemon_stop
finish
