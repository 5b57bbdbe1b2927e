#!/bin/bash
# needs: ip nft python3 ss timeout
# A flood of 300 connections from one address beside normal clients: the
# daemon bans the flooder after the rule's number of refreshes (not
# before), says so on stderr and in the audit log, and leaves the normal
# clients alone; the ban drops the flooder's new connections, its element
# carries the rule's name, and the offender history is on disk.
# DDoS-Deflate's defaults as shipped (contrib/rules/ddos-deflate.rules)
# work as they are: the flooder (300 > 150) is banned for 600 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

F=198.51.100.10
cat >"$RULES" <<'R'
# more than 100 live connections, three refreshes in a row
[flood]
when = conns > 100
for = 3
ban = 2m
R
flood "$F" 300 || exit 1
flood 198.51.100.20 5 || exit 1
flood 198.51.100.30 8 || exit 1
flood 203.0.113.5 3 || exit 1
wait_for "the server holds them" 10 sh -c \
	"[ \$(ip netns exec $S ss -Htn state established src 192.0.2.1 | wc -l) -ge 316 ]"

# one refresh a second: the ban comes with the third, at about 2 s
daemon_start -d 1 || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
check "its first line says what it runs" grep -q '^sockwatch daemon .*: 1 rule from ' "$LOG"
check "... and the rule in words" \
	grep -q '^rule flood: ban for 2m any address holding more than 100 connections' "$LOG"
sleep 1
check "not banned after two refreshes" not_set "$F"
log_wait "the ban" 6 "^rule flood: block $F for 2m \(conns 30[0-9] > 100, held 3 refreshes\): blocked $F for 2m00s$"
check "one line on stderr says the ban, the rule and the numbers" \
	grep -Eq "^rule flood: block $F for 2m \(conns 30[0-9] > 100, held 3 refreshes\): blocked $F for 2m00s$" "$LOG"
check "the flooder is in the set" set_has "$F"
check "... for 2m" test "$(elem_timeout "$F")" -eq 120
check "... its comment names the rule" \
	grep -q 'rule flood: conns 30[0-9] > 100' <<<"$(sw_s nft list set inet sockwatch addr4)"
check "... and its new connections are dropped" blocked "$F"
for c in 198.51.100.20 198.51.100.30 203.0.113.5; do
	check "the normal client $c is not banned" not_set "$c"
	check "... and still connects" probe "$c"
done
check_eq "one ban in all" 1 "$(grep -c ': blocked ' "$LOG")"
check "the audit log has the block with the rule's reason" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
b = [r for r in rows if r["action"] == "block" and r["outcome"] == "sent"]
assert len(b) == 1 and b[0]["target"] == sys.argv[2], b
assert b[0]["reason"].startswith("rule flood: conns "), b
assert b[0]["connections"] >= 300, b
assert rows[0]["action"] == "daemon-start", rows[0]
' "$AUDIT" "$F"
check "the offender history holds it" grep -Eq "^$F 1 [0-9.]+ [0-9.]+ [0-9.]+ flood$" "$STATE"

daemon_stop TERM
check_eq "SIGTERM stops it cleanly (exit 0)" 0 "$DRC"
check "... saying the bans stay" grep -q 'stopping on SIGTERM; the bans stay until their timeouts' "$LOG"
check "... and they do" set_has "$F"
check "the audit log says it stopped" bash -c "tail -1 '$AUDIT' | grep -q daemon-stop"

# the shipped DDoS-Deflate defaults, as they are
sw_s nft delete table inet sockwatch
rm -f "$STATE"
: >"$LOG"
RULES="$(cd "$(dirname "$0")/../.." && pwd)/contrib/rules/ddos-deflate.rules"
daemon_start || { not_ok "the daemon starts with ddos-deflate.rules ($(cat "$LOG"))"; finish; }
log_wait "the ban" 6 ": blocked $F for 10m00s$"
check "contrib/rules/ddos-deflate.rules bans the flooder for 600 s" \
	test "$(elem_timeout "$F")" -eq 600
check "... and nobody else" bash -c "[ \$(grep -c ': blocked ' '$LOG') -eq 1 ]"
daemon_stop
finish
