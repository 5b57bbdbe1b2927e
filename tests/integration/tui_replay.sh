#!/bin/bash
# needs: ip tmux jq
# The TUI on a --replay of a recorded fixture, so every screen is
# deterministic. The panes must show the numbers batch JSON gives for the
# same recording; sorting, grouping, detail, help, resize, the too-small
# message and quit must behave as the key table says.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

REC="$TESTS_DIR/fixtures/diag.rec"
[ -r "$REC" ] || { not_ok "fixture $REC is missing"; finish; }
J="$TUI_TMP/last.json"
json_last --replay "$REC" >"$J"
[ -s "$J" ] || { not_ok "batch JSON of the replay"; finish; }

tui_start 120x40 --replay "$REC" -d 0.2
# END shows once the recording has no more refreshes
tui_wait "end of the replay" 10 ' END *$' || { not_ok "the replay reached its end"; finish; }
ok "the replay ran to its end and stays on screen"

check_same() { # DESC EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then ok "$1"; else
		not_ok "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20 | sed 's/^/#   /'
	fi
}

check_same "states pane = batch JSON" "$(json_states <"$J" | sort)" "$(tui_states | sort)"
check_same "remotes pane = batch JSON" "$(json_remotes <"$J" | sort)" "$(tui_remotes | sort)"
check_same "listeners pane = batch JSON" "$(json_listeners <"$J" | sort)" "$(tui_listeners | sort)"
total=$(jq .sockets.total <"$J")
check "header shows the socket total ($total)" grep -qE "Sockets $total( |$)" <(tui_screen)

# --- sorting: remotes by CONN descending first, ties on the address ------
first() { tui_remotes | head -n 1 | cut -d' ' -f1; }
check_eq "remotes sorted by connections" "$(json_remotes <"$J" | sort -k2,2nr -k1,1 | head -n 1 | cut -d' ' -f1)" "$(first)"
tui_keys r
sleep 0.3
check_eq "r reverses the order" "$(json_remotes <"$J" | sort -k2,2n | head -n 1 | cut -d' ' -f1)" "$(first)"
tui_keys '<'
tui_check "< sorts by the previous column (REMOTE, ascending)" 5 'REMOTE▴'
check_eq "by address: 127.0.0.1 before ::1" "127.0.0.1" "$(first)"
tui_keys '>'

# --- grouping: g re-aggregates the frame at once ---------------------------
tui_keys g
tui_check "g groups remotes by /24" 5 '127\.0\.0\.0/24'
check "GROUP indicator" grep -q 'GROUP /24 /64' <(tui_screen)
check_eq "the /24 holds the address's connections" \
	"$(jq -r '.remotes[] | select(.addr == "127.0.0.1") | .count' <"$J")" \
	"$(tui_remotes | awk '$1 == "127.0.0.0/24" { print $2 }')"
tui_keys g g
tui_check "g cycles back to single addresses" 5 '^.*│[ B*][ >~]127\.0\.0\.1 '

# --- detail: Tab to listeners, Enter on 8080 ------------------------------
# listeners sort by pressure: [::]:8443 (3/10), then 127.0.0.1:8080 (5/50)
tui_keys Tab Home Down
tui_keys Enter
tui_check "Enter opens the sockets of the listener" 5 'Sockets of tcp 127\.0\.0\.1:8080'
# the listener plus the established sockets it owns
want=$(jq '[.listeners[] | select(.port == 8080)][0] | 1 + .established' <"$J")
check "detail lists $want sockets" grep -qE "Sockets of tcp 127\.0\.0\.1:8080: $want " <(tui_screen)
check_eq "detail rows" "$want" "$(tui_screen | grep -cE '^tcp +127\.0\.0\.1:8080 ')"
tui_keys Escape
tui_check "Esc returns to the panes" 5 '^ Listeners: '

# --- help -------------------------------------------------------------------
tui_keys '?'
tui_check "? shows the help" 5 'sockwatch keys'
for k in 'Tab S-Tab' '< > r' 'Home f' '/' 'Space' 'b' '? F1  q F10'; do
	check "help lists '$k'" grep -qF "│ $k " <(tui_screen)
done
for k in 'SR SYN_RECV' 'TW TIME_WAIT' 'CW CLOSE_WAIT' 'NEW/S new/s'; do
	check "help explains '$k'" grep -qF "$k" <(tui_screen)
done
tui_keys x
tui_check_gone "any key closes the help" 5 'sockwatch keys'

# --- resize ----------------------------------------------------------------
tui_resize 80 24
sleep 0.5
check "80x24: every line fits" [ "$(tui_width)" -le 80 ]
check "80x24: all states shown" grep -q '^CLOSING ' <(tui_screen)
check "80x24: listeners shown" grep -q '^ Listeners: ' <(tui_screen)
check "80x24: the bottom line (keys or status) is the last line" grep -qE "F1Help|end of the recording" <(tui_screen | tail -n 1)
check_same "80x24: states still = JSON" "$(json_states <"$J" | sort)" "$(tui_states | sort)"
tui_resize 70 20
tui_check "below 80x24: one line saying so" 5 '^terminal too small: 70x20, need 80x24'
check_eq "nothing else on a too-small screen" 1 "$(tui_screen | grep -c .)"
tui_resize 120 40
tui_check "growing again redraws the panes" 5 '^ Listeners: '

# --- quit -------------------------------------------------------------------
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
check_eq "the terminal left the alternate screen" 0 "$(tmx display -p -t tui '#{alternate_on}')"
tmx kill-session -t tui

# --- NO_COLOR and a non-UTF-8 locale -----------------------------------------
TUI_ENV="NO_COLOR=1 LANG=C LC_ALL=C" tui_start 120x40 --replay "$REC" -d 0.2
tui_wait "monochrome replay" 10 ' END *$' || true
esc=$(tmx capture-pane -t tui -p -e)
check "NO_COLOR: no color escapes" bash -c '! grep -qE $'"'"'\e\[(3|4)[0-7]m'"'"' <<<"$1"' _ "$esc"
check "NO_COLOR: the selection is still visible (reverse video)" grep -qF $'\e[7m' <<<"$esc"
check "C locale: ASCII bars" grep -qE '^ESTABLISHED +[0-9]+ .* #+' <(tui_screen)
check "C locale: no UTF-8 drawing" bash -c '! LC_ALL=C.UTF-8 grep -q "[█│▾▴]" <<<"$1"' _ "$(tui_screen)"
check_same "C locale: states still = JSON" "$(json_states <"$J" | sort)" "$(tui_states_ascii | sort)"
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
tmx kill-session -t tui

# --- -g off the cycle, and Ctrl-C --------------------------------------------
tui_start 120x40 --replay "$REC" -d 0.2 -g 20,56
tui_check "-g 20 groups from the start" 10 '127\.0\.0\.0/20'
check "the header says which grouping" grep -q 'GROUP /20 /56' <(tui_screen)
tui_keys C-c
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "Ctrl-C quits cleanly" "SW-EXIT=0" "$(tui_exited)"
check_eq "and restores the terminal" 0 "$(tmx display -p -t tui '#{alternate_on}')"
finish
