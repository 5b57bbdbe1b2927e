#!/bin/bash
# needs: ip nft python3 ss timeout
# SIGHUP reloads the rules all or nothing: a broken file is said with its
# line numbers, audited as refused, and the old rules stay in force (they
# ban a flooder afterwards); a good file replaces them (the new rule
# bans, under its own name). Errors at start are clear and exit 2: no
# rules file, a broken one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

# errors at start
rm -f "$RULES"
out=$(timeout 10 "$SW_BIN" --netns "$S" --audit-log "$AUDIT" daemon --rules "$RULES" 2>&1); rc=$?
check_eq "no rules file: exit 2" 2 "$rc"
check_eq "... said plainly, with what to do" "sockwatch daemon: cannot start: cannot read the rules file $RULES: No such file or directory
write the rules there, or name a file with --rules FILE (examples: contrib/rules, sockwatch(8))" "$out"
printf '[a]\nwhen = conns > 10\n\n[b]\nwhen = bogus > 3\nban = forever\n' >"$RULES"
out=$(timeout 10 "$SW_BIN" --netns "$S" --audit-log "$AUDIT" daemon --rules "$RULES" 2>&1); rc=$?
check_eq "a broken rules file: exit 2" 2 "$rc"
check "... each error with its line" bash -c "grep -q '$RULES:5: ' <<<'$out' && grep -q '$RULES:6: ' <<<'$out'"
check "... nothing ran: no audit line" test ! -s "$AUDIT"

cat >"$RULES" <<'R'
[old]
when = conns > 100
ban = 5m
R
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
cp "$RULES" "$TMP/rules.good"
printf '[new]\nwhen = conns > 10\nfor = often\n' >"$RULES"
kill -HUP "$DPID"
log_wait "the refusal" 5 "^reload refused, the old rules stay"
check "a broken file on SIGHUP is refused, with its line" \
	grep -Eq "^reload refused, the old rules stay: $RULES:3: " "$LOG"
check "... the daemon runs on" kill -0 "$DPID"
flood 198.51.100.20 50 || exit 1
flood 198.51.100.10 120 || exit 1
log_wait "the old rule bans" 5 "^rule old: block 198.51.100.10"
check "... the old rule is in force: it bans the flooder (120 > 100)" set_has 198.51.100.10
check "... and the broken file's rule did not ban the 50 (50 > 10)" not_set 198.51.100.20
check "... the refusal is audited" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert any(r["action"] == "reload" and r["outcome"] == "refused" for r in rows)
' "$AUDIT"

printf '[new]\nwhen = conns > 40\nban = 1m\n' >"$RULES"
kill -HUP "$DPID"
log_wait "the reload" 5 "^reloaded $RULES: 1 rule$"
check "a good file is taken, and its rule said" grep -q '^rule new: ban for 1m ' "$LOG"
log_wait "the new rule bans" 5 "^rule new: block 198.51.100.20 for 1m"
check "... the new rule bans the 50 under its name" set_has 198.51.100.20
check_eq "... for its own time" 60 "$(elem_timeout 198.51.100.20)"
daemon_stop
check_eq "then SIGTERM: exit 0" 0 "$DRC"
finish
