#!/bin/bash
# needs: ip nft python3 ss timeout
# The circuit breaker: a rule that matches every client (conns > 0) may
# ban at most `breaker` targets a minute; one that would ban more stops
# banning, says so on stderr and in the audit log, and keeps counting:
# the clients stay unbanned and connect. Six clients at once trip it
# before any ban; two first are banned, and the four that follow trip it
# with at most three bans in all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

cat >"$RULES" <<'R'
# a bad rule: every client holds a connection
[everyone]
when = conns > 0
ban = 5m
breaker = 3
R
first="198.51.100.10 198.51.100.20"
rest="198.51.100.30 203.0.113.5 203.0.113.10 192.0.2.254"
for a in $first $rest; do flood "$a" 2 || exit 1; done

# 1. all six at once
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "the breaker trips" 6 "breaker tripped"
sleep 1
n=0
for a in $first $rest; do set_has "$a" && n=$((n + 1)); done
check_eq "six at once: no ban at all" 0 "$n"
check "the trip is said on stderr with the numbers" \
	grep -Eq '^rule everyone: breaker tripped: 6 targets in a minute > 3; banning stops, counting goes on$' "$LOG"
check "... and audited" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
t = [r for r in rows if r["action"] == "breaker-trip"]
assert len(t) == 1 and t[0]["reason"] == "everyone" and "tripped" in t[0]["detail"], t
'  "$AUDIT"
for a in $first $rest; do check "client $a still connects" probe "$a"; done
check_eq "... and it is said once, not every refresh" 1 "$(grep -c 'breaker tripped' "$LOG")"
daemon_stop

# 2. two, then four more: the new clients come after the first bans
sw_s nft delete table inet sockwatch 2>/dev/null
rm -f "$STATE"
: >"$LOG"
# every process in C is one of this test's clients
for p in $(ip netns pids "$C"); do kill "$p" 2>/dev/null; done
wait_for "the clients are gone" 10 sh -c \
	"[ \$(ip netns exec $S ss -Htn state established src 192.0.2.1 | wc -l) -eq 0 ]"
for a in $first; do flood "$a" 2 || exit 1; done
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "two bans" 5 "blocked 198.51.100.20"
sleep 0.5
check_eq "two clients: two bans" 2 "$(grep -c ': blocked ' "$LOG")"
for a in $rest; do flood "$a" 2 || exit 1; done
log_wait "the breaker trips" 6 "breaker tripped"
sleep 1
n=0
for a in $first $rest; do set_has "$a" && n=$((n + 1)); done
check "then four more: the breaker trips with at most three bans in all ($n)" test "$n" -le 3
check "... said with the numbers" grep -Eq '^rule everyone: breaker tripped: [0-9]+ targets in a minute > 3' "$LOG"
for a in $rest; do
	set_has "$a" || check "... unbanned client $a connects" probe "$a"
done
daemon_stop
finish
