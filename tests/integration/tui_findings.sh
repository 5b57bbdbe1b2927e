#!/bin/bash
# needs: ip nft tmux jq ss timeout
# The findings band during a connection flood: one client address holds
# 400 connections beside four normal clients with 5 each. From launch,
# with no other key, b then Enter blocks the flooder: the server
# namespace's nft set holds it and none of the normal clients, which still
# connect. The band names the kind, the subject and the advice; Enter on
# the finding selects the flooder in the remotes pane; the band is not
# there while nothing is wrong (normal clients only). Then a CLOSE_WAIT
# pile-up on a second listener: listed after the crit flood, b on it says
# it proposes no block, Enter on it selects the listener.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"
. "$(dirname "$0")/block_env.bash"

FLOOD=203.0.113.10
spawn sw_c "$FARM" connect 192.0.2.1 8080 --from 198.51.100.10=5,198.51.100.20=5,198.51.100.30=5,203.0.113.5=5 \
	--timeout 120 >"$TMP/normal.out" 2>&1
wait_for "normal clients" 20 grep -q . "$TMP/normal.out" || { not_ok "normal clients: $(cat "$TMP/normal.out")"; finish; }

# nothing wrong yet: no band (the diagnosis needs two refreshes to say
# anything, so wait for a few)
tui_start 160x45 --netns "$S" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_wait "first refresh" 10 ' 198\.51\.100\.10 +5 ' || { not_ok "the TUI shows the remotes"; finish; }
sleep 2
check "no findings band while all is well" bash -c '! grep -q "^ Findings:" <<<"$1"' _ "$(tui_screen)"
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
tmx kill-session -t tui

spawn sw_c "$FARM" connect 192.0.2.1 8080 --from "$FLOOD=400" --timeout 120 >"$TMP/flood.out" 2>&1
wait_for "the flood" 30 grep -q . "$TMP/flood.out" || { not_ok "flood: $(cat "$TMP/flood.out")"; finish; }
check_eq "ss: the flooder holds 400 connections" 400 \
	"$(sw_s ss -Htn state established dst "$FLOOD" | wc -l)"

# --- from launch: b, Enter -------------------------------------------------
tui_start 160x45 --netns "$S" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_check "the findings band names the connection flood and its source" 15 \
	"^ +crit +connection_flood +${FLOOD//./\\.} "
check "the band has its title, worst first" grep -q '^ Findings: 1, worst first' <(tui_screen)
tmx capture-pane -t tui -p -e >"$TMP/colors"
check "crit is drawn in red" grep -qaP '\e\[31m(\e\[[0-9;]*m)*crit' "$TMP/colors"
check "the finding's advice is to block it" grep -qE "connection_flood .* block ${FLOOD//./\\.}" <(tui_screen)
check "the bottom line says what Enter and b do, and the whole advice" \
	grep -qE "^EnterSubject bBlock TabPane connection_flood: block ${FLOOD//./\\.} " <(tui_screen)
tui_keys b
tui_check "b opens the confirmation for the flooder" 5 "Block address ${FLOOD//./\\.}"
tui_keys Enter
tui_check "Enter blocks it and says so" 10 "blocked ${FLOOD//./\\.}"
check "the server's nft set holds the flooder" \
	bash -c "ip netns exec $S nft list set inet sockwatch addr4 | grep -q '${FLOOD}'"
for a in 198.51.100.10 198.51.100.20 198.51.100.30 203.0.113.5; do
	check "... and not the normal client $a" \
		bash -c "! ip netns exec $S nft list set inet sockwatch addr4 | grep -qw '$a'"
done
check "a normal client still connects" probe 198.51.100.20
check "the flooder cannot connect" blocked "$FLOOD"
check "the audit log has the block" grep -q "\"target\":\"$FLOOD\"" "$AUDIT"
tui_check "the finding is marked B (its target is blocked)" 10 \
	"^B +crit +connection_flood +${FLOOD//./\\.} "

# --- Enter on the finding: its subject in the remotes pane --------------------
tui_keys Enter
tui_check "Enter on the finding selects the flooder in the remotes pane" 5 \
	"Remotes: [0-9]+, following ${FLOOD//./\\.}"

# --- the same without colors: still readable ----------------------------------
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
tmx kill-session -t tui
tui_start 160x45 --netns "$S" -d 0.5 --no-color --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_check "--no-color: the band is there in plain text" 15 \
	"^B +crit +connection_flood +${FLOOD//./\\.} "
tmx capture-pane -t tui -p -e >"$TMP/escapes"
check "--no-color: no color escapes on the screen" bash -c "! grep -qP '\\e\\[[0-9;]*3[0-7]m' '$TMP/escapes'"
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
tmx kill-session -t tui

# --- a finding on a listener, with no block to propose ------------------------
# an application that never accepts nor closes: the clients' FINs leave 150
# sockets in CLOSE_WAIT on its port
spawn sw_s "$FARM" serve 192.0.2.1 9090 --no-accept --backlog 512 --timeout 120 >"$TMP/cw.out" 2>&1
wait_for "the listener :9090" 10 grep -q . "$TMP/cw.out" || { not_ok "serve :9090: $(cat "$TMP/cw.out")"; finish; }
spawn sw_c "$FARM" connect 192.0.2.1 9090 --from 198.51.100.30=150 --close-first --timeout 120 \
	>"$TMP/cwc.out" 2>&1
cw150() { [ "$(sw_s ss -Htn state close-wait '( sport = :9090 )' | wc -l)" -eq 150 ]; }
wait_for "150 CLOSE_WAIT on :9090" 20 cw150 || { not_ok "ss: 150 CLOSE_WAIT on :9090"; finish; }
tui_start 160x45 --netns "$S" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_check "the band lists the CLOSE_WAIT pile-up on the listener" 20 \
	'^ +[a-z]+ +close_wait_pileup +(tcp )?:9090|^ +[a-z]+ +close_wait_pileup +192\.0\.2\.1:9090'
check "the connection flood stays first (crit, b acts on it)" \
	grep -qE "^ Findings: 2, worst first" <(tui_screen)
# to the pile-up's row: the second
tui_keys Down
tui_keys b
tui_check "b on it says it proposes no block, with its advice" 5 'close_wait_pileup proposes no block: '
check "no confirmation opened" bash -c '! grep -q "Block address" <<<"$1"' _ "$(tui_screen)"
tui_keys Enter
tui_check "Enter selects the listener in the listeners pane" 5 \
	'Listeners: [0-9]+, following .*9090'
tui_keys q
finish
