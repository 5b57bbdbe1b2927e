#!/bin/bash
# Fault injection: blocks in a loop for 30 s while another process
# flushes or deletes parts of table inet sockwatch at random. Every block
# that reported success dropped traffic at the moment it reported it, or
# the command failed with a message; the audit log's lines stay whole.
#
# The race, and how it is judged: the injector may also strike after a
# block's batch was committed and before it is checked. So each fault is
# made holding a lock; after a success the checker takes the lock (the
# injector pauses), commits a marker transaction and reads `nft monitor`
# (every transaction in order, with the pid that made it) up to the
# marker. When no other process committed after the block's own
# transaction, the ruleset is exactly what the block left: a new
# connection from X must fail. When the injector did, the check would say
# nothing about the block: it is counted as excused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

SECS=${SW_FAULT_SECS:-30}
LOCK="$TMP/lock" MON="$TMP/monitor.log"
: >"$LOCK"
POOL=(198.51.100.10 198.51.100.20 198.51.100.30 203.0.113.5 203.0.113.10
      2001:db8::10 2001:db8::20 2001:db8:1::10)

spawn ip netns exec "$S" nft monitor >"$MON" 2>&1
nf() { ip netns exec "$S" nft "$@" 2>/dev/null; }
rule_handles() { nf -a list chain inet sockwatch prerouting | awk '/ handle / {print $NF}'; }

# one fault, chosen at random
fault() {
	local h
	case $((RANDOM % 9)) in
	0) nf flush table inet sockwatch ;;
	1) nf -f - <<<"flush chain inet sockwatch prerouting
delete chain inet sockwatch prerouting" ;;
	2) h=$(rule_handles | shuf -n 1)
	   [ -n "$h" ] && nf delete rule inet sockwatch prerouting handle "$h" ;;
	3) nf insert rule inet sockwatch prerouting accept ;;
	4) nf delete table inet sockwatch ;;
	5) nf flush set inet sockwatch addr4 ;;
	6) nf add table inet sockwatch '{ flags dormant; }' ;;
	7) nf -f - <<<"flush chain inet sockwatch prerouting
delete set inet sockwatch net6
add set inet sockwatch net6 { type ipv6_addr; flags interval; }" ;;
	8) nf -f - <<<"flush chain inet sockwatch prerouting
delete chain inet sockwatch prerouting
add chain inet sockwatch prerouting { type filter hook input priority filter; policy accept; }" ;;
	esac
	return 0
}

injector() { # bounded in time and count
	local end=$((SECONDS + SECS + 2)) n=0
	exec 8>"$LOCK"
	while ((SECONDS < end && n < 20000)); do
		sleep "0.0$((RANDOM % 3))"
		flock 8
		fault
		flock -u 8
		n=$((n + 1))
	done
	echo "$n" >"$TMP/faults"
}

# The transactions committed after pid's last one, up to marker: their
# committers, one per line.
after_block() { # PID MARKER
	awk -v pid="$1" -v mark="$2" '
	$0 == "add table inet " mark { exit }
	/^# new generation / {
		# "# new generation N by process PID (NAME)"
		if ($7 == pid) { n = 0; next }
		who[++n] = $7 " " $8
	}
	END { for (i = 1; i <= n; i++) print who[i] }' "$MON"
}

marker() { nf -f - <<<"add table inet $1
delete table inet $1"; grep -qx "add table inet $1" "$MON"; }
wait_for "nft monitor listens" 5 marker "m$$ready" || { not_ok "no nft monitor"; finish; }
sw block 203.0.113.5 --for 1m >/dev/null 2>&1 # the table, to start
spawn injector
exec 9>"$LOCK"
end=$((SECONDS + SECS)) i=0 ok_n=0 excused=0 failed=0 lied=0 nomsg=0
while ((SECONDS < end && i < 2000)); do
	i=$((i + 1))
	x=${POOL[RANDOM % ${#POOL[@]}]}
	( exec "$SW_BIN" --netns "$S" --audit-log "$AUDIT" --allow-file "$ALLOW" \
		block "$x" --for 5m >"$TMP/out" 2>"$TMP/err" ) &
	pid=$!
	wait "$pid"; rc=$?
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		head -1 "$TMP/err" >>"$TMP/failures"
		if ! grep -q '^sockwatch: ' "$TMP/err"; then
			nomsg=$((nomsg + 1))
			echo "# block $x exited $rc without a message"
		fi
		continue
	fi
	flock 9 # the injector pauses
	m="m$$x$i"
	nf -f - <<<"add table inet $m
delete table inet $m"
	wait_for "monitor shows marker $m" 5 grep -qx "add table inet $m" "$MON" || true
	others=$(after_block "$pid" "$m")
	if ! grep -q "by process $pid " "$MON"; then
		lied=$((lied + 1))
		echo "# block $x said '$(cat "$TMP/out")' but committed nothing"
	elif [ -n "$others" ]; then
		excused=$((excused + 1))
	elif sw_c "$FARM" connect "$([[ $x == *:* ]] && echo 2001:db8::1 || echo 192.0.2.1)" 8080 \
		--count 1 --from "$x" --hold 0 --timeout 0.3 >/dev/null 2>&1; then
		lied=$((lied + 1))
		echo "# block $x (pid $pid) said '$(cat "$TMP/out")' and $x still connects:"
		sw_s nft list table inet sockwatch 2>&1 | sed 's/^/#   /' | head -40
		echo "# the transactions since the block's batch:"
		awk -v pid="$pid" -v mark="$m" '/^# new generation / && $7 == pid {p = 1}
			p {print "#   " $0} $0 == "add table inet " mark {exit}' "$MON" | tail -40
	else
		ok_n=$((ok_n + 1))
	fi
	flock -u 9
	# unblock, racing the injector as well, so the next block adds anew
	sw unblock "$x" >/dev/null 2>&1
done
wait_for "the injector finishes" 10 test -s "$TMP/faults" || true
[ -s "$TMP/failures" ] && sed -E 's/[0-9]+\.[0-9.]+|[0-9a-f]*::?[0-9a-f:]+/ADDR/g' "$TMP/failures" | sort | uniq -c | sed 's/^/# failed: /' 
echo "# $i blocks: $ok_n checked and dropping, $excused excused (a fault after the commit), $failed failed; $(cat "$TMP/faults" 2>/dev/null) faults injected"
check_eq "no block reported success while its target still connected" 0 "$lied"
check_eq "every failed block said why" 0 "$nomsg"
check "enough successes were checked ($ok_n of $((ok_n + excused)))" \
	test "$ok_n" -ge 15
check "faults were injected" test "$(cat "$TMP/faults" 2>/dev/null || echo 0)" -ge 30
lines=$(wc -l <"$AUDIT")
check_eq "every audit line is whole JSON ($lines lines)" "$lines" \
	"$(jq -c . "$AUDIT" 2>/dev/null | wc -l)"
check "the audit log ends with a newline" test "$(tail -c 1 "$AUDIT" | od -An -c | tr -d ' ')" = '\n'
finish
