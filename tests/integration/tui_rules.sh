#!/bin/bash
# needs: ip nft tmux jq ss timeout
# The TUI with --rules: it starts disarmed and the header says so; the
# remote over the rule's threshold is marked with the rule and its
# countdown ("bans in N refreshes"), a normal one is not; nothing is
# banned while disarmed; A arms: the remote is banned by the rule, shown
# B in the remotes pane and in the blocks pane with the rule's name; A
# disarms again. A rule matching every client trips its circuit breaker
# once armed, and the header says so. A bad rules file is refused before
# the screen opens.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

tui_pair 10 11
nft_table_cleanup inet sockwatch "$SRV"
tui_farm "$SRV" serve serve 192.0.2.1 80
tui_farm "$CLI" conn connect 192.0.2.1 80 --from 198.51.100.10=60,198.51.100.11=5

AUDIT="$TUI_TMP/audit.log" RULES="$TUI_TMP/rules" ALLOW="$TUI_TMP/allow"
: >"$ALLOW"
printf '[bad]\nwhen = conns >\n' >"$RULES"
out=$("$SW_BIN" --rules "$RULES" 2>&1 </dev/null); rc=$?
check_eq "a broken rules file is refused before the screen opens (exit 2)" 2 "$rc"
check "... with its line" grep -q "^sockwatch: --rules: $RULES:2: " <<<"$out"

cat >"$RULES" <<'R'
[flood]
when = conns > 50
for = 4
ban = 7m
R
tui_start 160x40 --netns "$SRV" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW" --rules "$RULES"
tui_wait "first refresh" 10 '198\.51\.100\.10 +60 ' || { not_ok "the TUI shows the remotes"; finish; }
tui_check "the header says the rules are disarmed, and how to arm them" 5 'rules disarmed \(A arms\)'
tui_check "the flooder is marked with the rule and a countdown" 5 \
	'198\.51\.100\.10 +60 .*\[flood: disarmed: bans in [0-9]+ refreshe?s?\]'
if tui_screen | grep -qE '198\.51\.100\.11 .*\[flood'; then
	not_ok "the normal client is not marked"
else
	ok "the normal client is not marked"
fi
sleep 3
check "nothing is banned while disarmed" \
	bash -c "! ip netns exec $SRV nft list table inet sockwatch 2>/dev/null | grep -q 198.51.100.10"

tui_keys A
tui_check "A arms: said in the header" 5 'rules armed \(A disarms\)'
tui_check "... and the rule bans the flooder: B in the remotes pane, its mark says so" 10 \
	'│B +198\.51\.100\.10 .*\[flood: banned\]'
check "the kernel's set holds it, for the rule's 7m" \
	bash -c "ip netns exec $SRV nft list set inet sockwatch addr4 | grep -Eq '198.51.100.10 .*timeout 7m'"
tui_keys B
tui_check "the blocks pane lists it with the rule's name" 5 '198\.51\.100\.10 .*rule flood'
check "the normal client is not banned" \
	bash -c "! ip netns exec $SRV nft list set inet sockwatch addr4 | grep -q 198.51.100.11"
check "the audit log has the rule's block" grep -q '"reason":"rule flood: conns 60 > 50"' "$AUDIT"
tui_keys A
tui_check "A again disarms" 5 'rules disarmed \(A arms\)'
tui_keys q
tui_wait "the TUI quits" 5 'SW-EXIT=' || true
tmx kill-session -t tui

# a rule that would ban every client: armed, its breaker trips
ip netns exec "$SRV" nft delete table inet sockwatch
cat >"$RULES" <<'R'
[everyone]
when = conns > 0
ban = 1m
breaker = 1
R
tui_start 160x40 --netns "$SRV" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW" --rules "$RULES"
tui_wait "first refresh" 10 '198\.51\.100\.10 +60 ' || { not_ok "the TUI shows the remotes"; finish; }
tui_check "disarmed, the breaker is closed" 5 'rules disarmed \(A arms\)'
tui_keys A
tui_check "armed, the breaker trips and the header says which rule" 5 \
	'rules armed, breaker tripped: everyone'
check "... nothing was banned" \
	bash -c "! ip netns exec $SRV nft list table inet sockwatch 2>/dev/null | grep -q '198.51.100'"
tui_keys q
finish
