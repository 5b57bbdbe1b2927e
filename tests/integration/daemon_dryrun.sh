#!/bin/bash
# needs: ip nft python3 ss timeout
# What the rules may not do: an allow-listed flooder is refused (said on
# stderr, audited as refused) and not banned, also when the rule goes on
# matching; `daemon --dry-run` bans nothing and logs "would block" with the
# numbers (stderr and audit log); a rule's own dry_run = yes does the same
# while the other rules ban.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

A=198.51.100.10 B=198.51.100.20
cat >"$RULES" <<'R'
[flood]
when = conns > 50
for = 1
ban = 5m
R
echo "$A   # our monitoring box" >"$ALLOW"
flood "$A" 80 || exit 1
flood "$B" 70 || exit 1

# 1. --dry-run: nothing is sent, every would-be ban is said
daemon_start --dry-run || { not_ok "the daemon starts in dry run ($(cat "$LOG"))"; finish; }
check "the start line says dry run" grep -q 'dry run: nothing is sent' "$LOG"
log_wait "would block B" 5 "^rule flood: would block $B for 5m \(conns 70 > 50"
check "dry run: B would be blocked, with its numbers" \
	grep -Eq "^rule flood: would block $B for 5m \(conns 70 > 50, held 1 refresh\): dry run: would block $B for 5m00s; nothing sent$" "$LOG"
log_wait "A refused" 5 "^rule flood: .*$A.*refused: "
check "... the allow-listed A is refused even in dry run, saying why" \
	grep -Eq "^rule flood: would block $A .*refused: .*allow" "$LOG"
sleep 1
check "... nothing is in the kernel" bash -c "! ip netns exec $S nft list table inet sockwatch 2>/dev/null | grep -q 'elements'"
check "... B still connects" probe "$B"
check_eq "... B is said once, not every refresh" 1 "$(grep -c "would block $B" "$LOG")"
daemon_stop
check "the audit log has the dry run and the refusal" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
dry = [r for r in rows if r["action"] == "block" and r["outcome"] == "dry-run"]
ref = [r for r in rows if r["action"] == "block" and r["outcome"] == "refused"]
sent = [r for r in rows if r["outcome"] == "sent"]
assert [r["target"] for r in dry] == [sys.argv[3]], dry
assert "would block" in dry[0]["detail"] and dry[0]["connections"] == 70, dry
assert [r["target"] for r in ref] == [sys.argv[2]], ref
assert "allow" in ref[0]["detail"], ref
assert not sent, sent
' "$AUDIT" "$A" "$B"

# 2. armed: B is banned, A is still refused (and logged), not banned
: >"$LOG"
: >"$AUDIT"
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "B banned" 5 "^rule flood: block $B .*: blocked $B for 5m00s$"
check "armed: B is banned" set_has "$B"
log_wait "A refused" 5 "$A.*refused"
check "the allow-listed flooder is refused and said" \
	grep -Eq "^rule flood: block $A for 5m \(conns 80 > 50, held 1 refresh\): refused: .*allow" "$LOG"
sleep 1
check "... it is not banned" not_set "$A"
check "... still connects" probe "$A"
check_eq "... and is not asked for again at every refresh" 1 "$(grep -c "block $A" "$LOG")"
check "... the refusal is audited" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert any(r["action"] == "block" and r["target"] == sys.argv[2] and r["outcome"] == "refused" for r in rows)
' "$AUDIT" "$A"
check "... and it is no offence in the history" bash -c "! grep -q '^$A ' '$STATE'"
daemon_stop

# 3. a rule in dry run beside one that bans
sw_s nft flush table inet sockwatch 2>/dev/null
sw_s nft delete table inet sockwatch 2>/dev/null
rm -f "$STATE"
: >"$ALLOW"
: >"$LOG"
cat >"$RULES" <<'R'
[watch-only]
when = conns > 75
dry_run = yes
ban = 1h

[flood]
when = conns > 60
ban = 5m
R
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "the dry rule speaks" 5 "^rule watch-only: would block $A"
log_wait "the other rule bans" 5 "^rule flood: block $B .*blocked $B"
sleep 0.5
check "the dry_run rule only says it would block A" \
	grep -Eq "^rule watch-only: would block $A for 1h \(conns 80 > 75" "$LOG"
check "... the armed rule bans B (70 > 60)" set_has "$B"
check "... and A too (80 > 60), with its own ban" test "$(elem_timeout "$A")" -eq 300
daemon_stop
finish
