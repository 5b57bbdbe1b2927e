#!/bin/bash
# needs: ip nft tmux jq ss timeout
# Blocking from the TUI: select the top remote, b, Enter: the address is
# blocked in the namespace's `inet sockwatch` table, marked B in the
# remotes pane, listed in the blocks pane (B); u unblocks it; an
# allow-listed address is refused with the reason in the status line;
# "end its connections" ends them; --dry-run shows the nft commands and
# changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

tui_pair 10 11 12
nft_table_cleanup inet sockwatch "$SRV"
tui_farm "$SRV" serve serve 192.0.2.1 80
tui_farm "$CLI" conn connect 192.0.2.1 80 --from 198.51.100.10=30,198.51.100.11=20,198.51.100.12=10

AUDIT="$TUI_TMP/audit.log" ALLOW="$TUI_TMP/allow"
echo "198.51.100.11  # a partner" >"$ALLOW"
tui_start 120x40 --netns "$SRV" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_wait "first refresh" 10 '│ +198\.51\.100\.10 +30 ' || { not_ok "the TUI shows the remotes"; finish; }

# --- b on the top remote: the confirmation --------------------------------
tui_keys Home b
tui_check "b opens the confirmation for the selected address" 5 'Block address 198\.51\.100\.10'
check "it shows its connections and states" grep -q 'connections now: 30  (EST 30)' <(tui_screen)
check "it shows the duration, editable" grep -qE 'block for: +10m' <(tui_screen)
check "it asks whether to end its connections" grep -q 'end its open connections (k): *\[no\]' <(tui_screen)
tui_keys Escape
tui_check_gone "Esc closes the confirmation" 5 'Block address 198\.51\.100\.10'
check "Esc cancels: nothing sent" bash -c "! ip netns exec $SRV nft list table inet sockwatch 2>/dev/null | grep -q 198.51.100.10"

tui_keys b BSpace BSpace BSpace
tui_type "5m"
tui_keys Enter
tui_check "Enter blocks and says so" 10 'blocked 198\.51\.100\.10'
check "the kernel's set holds it" bash -c "ip netns exec $SRV nft list set inet sockwatch addr4 | grep -q 198.51.100.10"
tui_check "the remotes pane marks it B" 10 '│B +198\.51\.100\.10 '
check "the audit log has the block" grep -q '"block"' "$AUDIT"
check "... and names the namespace" grep -q "\"netns\":\"$SRV\"" "$AUDIT"

# --- the blocks pane --------------------------------------------------------
tui_keys B
tui_check "B shows the blocks pane" 5 '^ Blocks: 1'
check "it lists the target with its expiry" grep -qE '^B +198\.51\.100\.10 +[45]m[0-9]{2}s ' <(tui_screen)
check "the listeners pane stays on the screen" grep -q '^ Listeners: 1' <(tui_screen)
# u on the selected block unblocks it
tui_keys u
tui_check "u on the block unblocks it" 10 'unblocked 198\.51\.100\.10'
tui_check "the blocks pane refreshes" 10 '^ Blocks: 0'
check "the set is empty" bash -c "! ip netns exec $SRV nft list set inet sockwatch addr4 | grep -q 198.51.100.10"
tui_keys B

# --- refusal: the allow-listed address ----------------------------------------
tui_keys Home Down
tui_keys b
tui_check "b on the allow-listed address opens its confirmation" 5 'Block address 198\.51\.100\.11'
tui_keys Enter
tui_check_gone "Enter closes it" 5 'Block address 198\.51\.100\.11'
tui_check "an allow-listed address is refused, the reason in the status line" 10 '198\.51\.100\.11.*on the allow list'
check "nothing was sent for it" bash -c "! ip netns exec $SRV nft list set inet sockwatch addr4 | grep -q 198.51.100.11"

# --- block and end its connections -------------------------------------------
before=$(ip netns exec "$SRV" ss -Htn state established dst 198.51.100.12 | wc -l)
tui_keys End b
tui_check "b on .12 opens its confirmation" 5 'Block address 198\.51\.100\.12'
tui_keys Tab Space
tui_check "Space toggles 'end its connections'" 5 'end its open connections \(k\): *\[yes\]'
tui_keys Enter
tui_check "it reports the $before connections it ended" 10 "ended $before connection"
check_eq "no established sockets from 198.51.100.12 remain" 0 \
	"$(ip netns exec "$SRV" ss -Htn state established dst 198.51.100.12 | wc -l)"
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
tmx kill-session -t tui

# --- dry run ------------------------------------------------------------------
# from an empty ruleset (element timers would tick in a listing)
ip netns exec "$SRV" nft delete table inet sockwatch
ruleset=$(ip netns exec "$SRV" nft list ruleset)
tui_start 120x40 --netns "$SRV" -d 0.5 --dry-run --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_wait "first refresh" 10 '│ +198\.51\.100\.10 +30 ' || true
tui_keys Home b
tui_check "the confirmation says dry run" 5 'Block address 198\.51\.100\.10 \(dry run\)'
tui_keys Enter
tui_check "--dry-run shows what would be sent" 10 'dry run: nothing was sent'
# (the remotes pane always shows the address: look for the nft command)
check "the nft commands add the address to the set" \
	grep -qE 'add element inet sockwatch addr4 \{ 198\.51\.100\.10 timeout 600s' <(tui_screen)
check_same_ruleset() { [ "$ruleset" == "$(ip netns exec "$SRV" nft list ruleset)" ]; }
check "the ruleset is unchanged" check_same_ruleset
tui_keys x q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits" "SW-EXIT=0" "$(tui_exited)"
finish
