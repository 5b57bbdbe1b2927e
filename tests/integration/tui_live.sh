#!/bin/bash
# needs: ip nft tmux jq ss timeout
# The TUI against real sockets in a namespace. A server namespace
# holds connections from several client addresses and a SYN flood; the
# panes must show what batch JSON reports for the same namespace; filter,
# pause, grouping and a selection that follows its address across re-sorts
# must work on live data; a bad --netns leaves the terminal clean.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

tui_pair 10 11 12 13 20
# a frozen population: request sockets and TIME_WAIT live through the test
ip netns exec "$SRV" sysctl -qw net.ipv4.tcp_synack_retries=12 net.ipv4.tcp_rfc1337=1
ip netns exec "$CLI" sysctl -qw net.ipv4.tcp_syn_retries=12
# the client drops SYN-ACKs from port 81: the server keeps SYN_RECV
nft_table_cleanup inet "${SW_TAG}drop" "$CLI"
printf 'table inet %s {\n chain in {\n  type filter hook input priority 0;\n  tcp sport 81 tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
	"${SW_TAG}drop" | ip netns exec "$CLI" nft -f - || { not_ok "nft rule in the client namespace"; finish; }

tui_farm "$SRV" serve80 serve 192.0.2.1 80
tui_farm "$SRV" serve81 serve 192.0.2.1 81 --backlog 1024
tui_farm "$CLI" conn connect 192.0.2.1 80 --from 198.51.100.10=30,198.51.100.11=20,198.51.100.12=10
tui_farm "$CLI" flood synflood 192.0.2.1 81 --from 198.51.100.20=40
wait_for "SYN_RECV on the server" 10 bash -c "[ \$(ip netns exec $SRV ss -Htn state syn-recv | wc -l) -ge 40 ]"

tui_start 120x40 --netns "$SRV" -d 0.5 --warn-syn-recv 10
tui_wait "first refresh" 10 '198\.51\.100\.20 +40 ' || { not_ok "the TUI shows the flood's source"; finish; }
ok "the TUI runs on the namespace"

check_same() { # DESC EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then ok "$1"; else
		not_ok "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20 | sed 's/^/#   /'
	fi
}

# compare a pane with JSON after a refresh (the namespace does not change)
J="$TUI_TMP/j.json"
json_last --netns "$SRV" >"$J"
sleep 1.2
check_same "states pane = batch JSON" "$(json_states <"$J" | sort)" "$(tui_states | sort)"
check_same "remotes pane = batch JSON" "$(json_remotes <"$J" | sort)" "$(tui_remotes | sort)"
check_same "listeners pane = batch JSON" "$(json_listeners <"$J" | sort)" "$(tui_listeners | sort)"
# and once against ss itself, not sockwatch's own JSON
ss_states() { # "STATE COUNT" of every TCP and UDP socket, netstat's names
	ip netns exec "$SRV" ss -Htuan | awk '{ s = $2; if (s == "ESTAB") s = "ESTABLISHED"; else if (s == "UNCONN") s = "CLOSE";
		else if (s ~ /^FIN-WAIT-/) sub(/-WAIT-/, "_WAIT", s); gsub(/-/, "_", s); n[s]++ }
		END { for (k in n) print k, n[k] }'
}
ss_remotes() { # "PEER COUNT" of every socket with a peer
	ip netns exec "$SRV" ss -Htuan | awk '$2 != "LISTEN" && $2 != "UNCONN" { p = $6; sub(/:[0-9]+$/, "", p); n[p]++ }
		END { for (k in n) print k, n[k] }'
}
check_same "ss sees the population (60 ESTABLISHED, 40 SYN_RECV, 2 LISTEN)" "ESTABLISHED 60
LISTEN 2
SYN_RECV 40" "$(ss_states | sort)"
check_same "states pane = ss (non-zero states)" "$(ss_states | sort)" "$(tui_states | awk '$2 > 0' | sort)"
check_same "remotes pane = ss (peers)" "$(ss_remotes | sort)" "$(tui_remotes | sort)"

# SYN_RECV (40) is over --warn-syn-recv 10: drawn in the warning color
# the same screen line with its escapes
line_e() { # REGEX: first plain line that matches, as captured with -e
	local n
	n=$(tui_screen | grep -nE "$1" | head -n 1 | cut -d: -f1)
	[ -n "$n" ] && tmx capture-pane -t tui -p -e | sed -n "${n}p"
}
sr_line=$(line_e '^SYN_RECV ')
red=$'\e[31m'
check "SYN_RECV over its threshold is highlighted (red)" grep -qF "$red" <<<"$sr_line"
es_line=$(line_e '^ESTABLISHED ')
check "ESTABLISHED (no threshold) is not" bash -c '! grep -qF "$1" <<<"$2"' _ "$red" "$es_line"

# --- filter --------------------------------------------------------------
tui_keys /
tui_type "port 81"
tui_keys Enter
tui_check "/ port 81 leaves only the flood's source" 10 'Remotes: 1'
check "FILTER indicator" grep -q 'FILTER port 81' <(tui_screen)
json_last --netns "$SRV" -f "port 81" >"$J"
check_same "filtered remotes = batch JSON -f" "$(json_remotes <"$J" | sort)" "$(tui_remotes | sort)"
tui_keys /
tui_type " and nonsense"
tui_check "a bad filter is explained inline" 5 "^Filter: port 81 and nonsense .*'nonsense'"
tui_keys Escape
tui_check_gone "Esc closes the prompt" 5 '^Filter: '
check "... and the filter stays in force" grep -q 'FILTER port 81' <(tui_screen)
check "... its remotes too" grep -q 'Remotes: 1' <(tui_screen)
tui_keys /
tui_check "/ again edits the filter in force" 5 '^Filter: port 81 *$'
tui_keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace Enter
tui_check "an empty Enter clears the filter" 10 'Remotes: 4'
check "... and its indicator" bash -c "! tmux -L $TUI_SOCK capture-pane -t tui -p | grep -q 'FILTER port'"

# --- pause ----------------------------------------------------------------
tui_keys Space
tui_check "Space pauses" 5 'PAUSED'
body1=$(tui_screen | tail -n +2)
tui_farm "$CLI" conn connect 192.0.2.1 80 --from 198.51.100.13=15
sleep 1.5
body2=$(tui_screen | tail -n +2)
check_same "paused data does not move" "$body1" "$body2"
tui_keys Space
tui_check "Space resumes and the new address appears" 10 '198\.51\.100\.13 +15 '

# --- the selection follows its address across re-sorts ---------------------
# .12 has the fewest connections: End selects it; then it gets the most
tui_keys End
tui_farm "$CLI" conn connect 192.0.2.1 80 --from 198.51.100.12=60
tui_wait "re-sorted" 10 '│ +198\.51\.100\.12 +70 ' || true
check_eq "198.51.100.12 is now the top remote" "198.51.100.12" "$(tui_remotes | head -n 1 | cut -d' ' -f1)"
tui_keys Enter
tui_wait "detail" 5 'Sockets of ' || true
check "Enter opens the address that was selected before the re-sort" grep -q 'Sockets of 198.51.100.12: 70 ' <(tui_screen)
tui_keys Escape

# --- grouping ---------------------------------------------------------------
tui_keys g
tui_check "g groups by /24" 5 '198\.51\.100\.0/24'
json_last --netns "$SRV" -g 24,64 >"$J"
check_same "grouped remotes = batch JSON -g 24" "$(json_remotes <"$J" | sort)" "$(tui_remotes | sort)"

# --- interval ---------------------------------------------------------------
tui_keys +
tui_check "+ lengthens the refresh interval" 5 'every 1s'

tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
check_eq "the terminal is restored" 0 "$(tmx display -p -t tui '#{alternate_on}')"
tmx kill-session -t tui

# --- an error leaves the terminal clean and says what to do ----------------
tui_start 100x30 --netns "${SW_TAG}nosuch"
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "a missing namespace exits 1" "SW-EXIT=1" "$(tui_exited)"
check "it says what failed" grep -q "${SW_TAG}nosuch" <(tui_screen)
check_eq "the terminal is not left in the TUI" 0 "$(tmx display -p -t tui '#{alternate_on}')"
finish
