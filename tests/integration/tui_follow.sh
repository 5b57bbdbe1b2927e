#!/bin/bash
# needs: ip nft tmux jq ss timeout
# The selection that b acts on is the row the operator sees. The TUI is
# started while normal clients are connected, then a flood comes from one
# address: it becomes row 1, the selection (never moved) follows it, and
# b Enter blocks the flooder, not the client selected before. Once moved,
# the selection stays on its address and the title says so; Home goes
# back to following the top. With more remotes than fit, Enter then Esc
# on row 5 keeps row 1 in view.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

FARM="${SW_FARM:-$SW_BUILD/tools/sockfarm}"
[ -x "$FARM" ] || { not_ok "$FARM is missing: run 'make tools'"; finish; }
SRV=${SW_TAG}s CLI=${SW_TAG}c
ns_add "$SRV"
ns_add "$CLI"
veth_pair "${SW_TAG}a" "$SRV" 192.0.2.1/24 "${SW_TAG}b" "$CLI" 192.0.2.2/24
many=""
for a in 10 11; do ip -n "$CLI" addr add "198.51.100.$a/32" dev "${SW_TAG}b"; done
for a in $(seq 100 139); do
	ip -n "$CLI" addr add "198.51.100.$a/32" dev "${SW_TAG}b"
	many="$many${many:+,}198.51.100.$a=1"
done
ip -n "$CLI" addr add 203.0.113.103/32 dev "${SW_TAG}b"
ip -n "$SRV" route add 198.51.100.0/24 via 192.0.2.2
ip -n "$SRV" route add 203.0.113.0/24 via 192.0.2.2
nft_table_cleanup inet sockwatch "$SRV"

n_farm=0
farm() { # NS ARGS...
	local ns="$1" out
	shift
	n_farm=$((n_farm + 1))
	out="$TUI_TMP/farm$n_farm"
	spawn ip netns exec "$ns" "$FARM" "$@" --timeout 300 >"$out" 2>"$out.err"
	wait_for "sockfarm $*" 30 grep -q . "$out" || { not_ok "sockfarm $*: $(cat "$out.err")"; finish; }
}
row1() { tui_remotes | head -n 1 | cut -d' ' -f1; }

farm "$SRV" serve 192.0.2.1 80
farm "$CLI" connect 192.0.2.1 80 --from 198.51.100.10=4,198.51.100.11=3
tui_start 120x40 --netns "$SRV" -d 0.5 --audit-log "$TUI_TMP/audit.log"
tui_wait "first refresh" 10 '│ +198\.51\.100\.10 +4 ' || { not_ok "the TUI shows the remotes"; finish; }
check "the header names the namespace" grep -q "  netns $SRV  " <(tui_screen)
check "... and how long it has been watching" grep -qE '  watching [0-9]+s  ' <(tui_screen)
check "... and says nothing of 'shows' when nothing is left out" bash -c "! tmux -L $TUI_SOCK capture-pane -t tui -p | grep -q '  shows '"

# --- the flood comes after the TUI started -----------------------------------
farm "$CLI" connect 192.0.2.1 80 --from 203.0.113.103=60
tui_check "the flooder becomes row 1" 10 '│ +203\.0\.113\.103 +60 '
check_eq "... the first row of the remotes pane" 203.0.113.103 "$(row1)"
check "the title does not say the selection is held" bash -c "! tmux -L $TUI_SOCK capture-pane -t tui -p | grep -q following"
tui_keys b
tui_check "b without moving offers the flooder" 5 'Block address 203\.0\.113\.103'
tui_keys Enter
tui_check "Enter blocks it" 10 'blocked 203\.0\.113\.103'
check "the kernel's set holds the flooder" bash -c "ip netns exec $SRV nft list set inet sockwatch addr4 | grep -q 203.0.113.103"
check "... and not the client that was row 1 before" bash -c "! ip netns exec $SRV nft list set inet sockwatch addr4 | grep -q 198.51.100.10"

# --- moved: it stays, and the title says so -------------------------------------
tui_keys Down
tui_check "moved, the title says which row it holds" 5 'Remotes: [0-9]+, following 198\.51\.100\.10'
farm "$CLI" connect 192.0.2.1 80 --from 198.51.100.11=80
tui_check "a new top remote" 10 '│B? +198\.51\.100\.11 +83 '
tui_keys b
tui_check "b acts on the held row, not the new top" 5 'Block address 198\.51\.100\.10'
tui_keys Escape
tui_keys Home
tui_check_gone "Home: following the top again" 5 'following'
tui_keys b
tui_check "b acts on row 1 again" 5 'Block address 198\.51\.100\.11'
tui_keys Escape

# --- scrolling: Enter then Esc on row 5 keeps row 1 in view ----------------------
farm "$CLI" connect 192.0.2.1 80 --from "$many"
tui_check "more remotes than fit" 10 'Remotes: 43.* 1-[0-9]+ *$'
tui_keys Down Down Down Down Enter
tui_check "Enter opens the sockets of row 5" 5 '^ Sockets of '
tui_keys Escape
tui_check "Esc comes back with row 1 in view" 5 'Remotes: 43.* 1-[0-9]+ *$'
check_eq "... the top remote still the first row" 198.51.100.11 "$(row1)"

tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
tmx kill-session -t tui

# --- -t -4: the header says what is left out -----------------------------------
tui_start 120x40 --netns "$SRV" -d 0.5 -t -4
tui_check "-t -4: the header says 'shows tcp v4'" 10 '  shows tcp v4( |$)'
tui_keys q
finish
