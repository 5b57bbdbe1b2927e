#!/bin/bash
# needs: ip nft tmux jq ss timeout
# The TUI's blocks pane reads foreign elements back as they are, as
# `sockwatch blocks` does: a range added by hand shows as a range (not the
# prefix at its start), an element without a timeout shows "never", u on
# the range's row removes exactly that range, and a remote inside the
# range is marked B.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/tui_lib.bash"

sw_c ip addr add 192.0.2.15/24 dev c0
sw_c ip addr add 192.0.2.16/24 dev c0
sw block 203.0.113.5 --for 1h >/dev/null 2>&1 || { not_ok "block makes the table"; finish; }
# connections from inside the range, open before the range drops new ones
spawn sw_c "$FARM" connect 192.0.2.1 8080 --from 192.0.2.16=3 --timeout 300 >/dev/null
wait_for "connections from 192.0.2.16" 10 sh -c "ip netns exec $S ss -Htn state established dst 192.0.2.16 | grep -q ." ||
	{ not_ok "connections from 192.0.2.16"; finish; }
nf() { sw_s nft "$@"; }
nf add element inet sockwatch net4 '{ 192.0.2.10-192.0.2.20 timeout 1h comment "by hand" }'
nf add element inet sockwatch addr4 '{ 198.51.100.20 }'
check "the range drops new connections from 192.0.2.15" blocked 192.0.2.15

tui_start 132x40 --netns "$S" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_wait "first refresh" 10 'Remotes' || { not_ok "the TUI starts"; finish; }
tui_keys B
tui_check "B shows the three blocks" 5 'Blocks: 3'
tui_check "the range shows as a range" 5 '192\.0\.2\.10-192\.0\.2\.20 +(59m[0-9]{2}s|1h00m) .*by hand'
check "no /31 stands for the range" bash -c "! tmux -L $TUI_SOCK capture-pane -t tui -p | grep -q '192\.0\.2\.10/31'"
tui_check "an element without a timeout shows never" 5 '198\.51\.100\.20 +never '
tui_keys B
tui_check "a remote inside the range is marked B" 5 '│B +192\.0\.2\.16 +3 '
tui_keys Home u
tui_check "u on it unblocks the range that covers it" 10 'unblocked 192\.0\.2\.10-192\.0\.2\.20'
tui_check "the remote is no longer marked" 10 '│ +192\.0\.2\.16 +3 '
tui_keys B
tui_check "the blocks pane lists two" 10 'Blocks: 2'
check "the kernel's set no longer holds the range" \
	bash -c "! ip netns exec $S nft list set inet sockwatch net4 | grep -q '192.0.2.10-192.0.2.20'"
check "the other blocks are left" bash -c "ip netns exec $S nft list set inet sockwatch addr4 | grep -q 198.51.100.20"
check "192.0.2.15 connects again" probe 192.0.2.15
check "the audit log has the range's unblock" grep -q '"target": *"192.0.2.10-192.0.2.20"' "$AUDIT"
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
finish
