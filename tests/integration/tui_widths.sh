#!/bin/bash
# needs: ip tmux jq ss timeout
# No number may lie, on a real screen: at 80x24 and 200x50 the remotes
# and listeners panes show full IPv6 addresses (a remote, a listener)
# either whole or shortened in the middle with "…" (keeping the last
# group, the :port), never cut at the end; CONN, TW and the queues equal
# the batch JSON of the same namespace.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"
. "$(dirname "$0")/tui_lib.bash"

SRV=${SW_TAG}srv CLI=${SW_TAG}cli
farm_topology "$SRV" "$CLI"
LADDR=2001:db8::aaaa:bbbb:cccc:1 RADDR=2001:db8:1:0:aaaa:bbbb:cccc:dddd
ip -n "$SRV" addr add "$LADDR/128" dev "${SW_TAG}s" nodad
farm_client_addr "$CLI" 198.51.100.10 "$RADDR"
farm "$SRV" serve "$LADDR" 8443
farm_wait_line "listener [$LADDR]:8443" 10 || finish
farm "$SRV" serve 192.0.2.1 80
farm_wait_line "listener 192.0.2.1:80" 10 || finish
farm "$CLI" connect "$LADDR" 8443 --from "$RADDR=12"
farm_wait_line "IPv6 connections" 30 || finish
farm "$CLI" connect 192.0.2.1 80 --from 198.51.100.10=7
farm_wait_line "IPv4 connections" 30 || finish

J="$FARM_TMP/j.json"
json_last --netns "$SRV" >"$J"
# "ADDR CONN TW" of JSON, and "LOCAL ACCEPTQ" of its TCP listeners
JR=$(jq -r '.remotes[] | "\(.addr) \(.count) \(.time_wait)"' "$J" | sort)
JL=$(jq -r '.listeners[] | select(.proto == "tcp") | "\(if (.addr | test(":")) then "[\(.addr)]" else .addr end):\(.port) \(.accept_queue)/\(.backlog)"' "$J" | sort)

# A shown address equals a JSON one, or is HEAD…TAIL of exactly one
# JSON address with HEAD ending and TAIL starting at a group boundary.
# Prints the JSON address it stands for, or "CUT:<shown>".
resolve() { # SHOWN JSON-ADDRESSES...
	local shown="$1" a head tail
	shift
	for a in "$@"; do [ "$a" == "$shown" ] && { echo "$a"; return; }; done
	case "$shown" in
	*…*)
		head=${shown%%…*} tail=${shown#*…}
		for a in "$@"; do
			case "$head" in "" | *[:.[]) ;; *) continue ;; esac
			case "$tail" in "" | [:\]/]*) ;; *) continue ;; esac
			[[ "$a" == "$head"* && "$a" == *"$tail" ]] && { echo "$a"; return; }
		done ;;
	esac
	echo "CUT:$shown"
}

for size in 80x24 200x50; do
	tui_start "$size" --netns "$SRV" -d 0.5
	tui_wait "the remotes at $size" 10 '198\.51\.100\.10 +7 ' ||
		{ not_ok "the TUI at $size shows the remotes"; tmx kill-session -t tui; continue; }
	mapfile -t jaddr < <(jq -r '.remotes[].addr' "$J")
	SR=$(tui_pane_right | awk '$2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ && $1 ~ /[.:]/ {print $1, $2, $3}' |
		while read -r a c t; do echo "$(resolve "$a" "${jaddr[@]}") $c $t"; done | sort)
	check_same "remotes at $size: addresses whole or shortened in the middle, CONN and TW equal JSON" "$JR" "$SR"
	mapfile -t jloc < <(echo "$JL" | awk '{print $1}')
	SL=$(tui_pane_bottom Listeners | awk '$1 == "tcp" {print $2, $4}' |
		while read -r l q; do echo "$(resolve "$l" "${jloc[@]}") $q"; done | sort)
	check_same "listeners at $size: LOCAL keeps its port, ACCEPTQ equals JSON" "$JL" "$SL"
	if [ "$size" == 80x24 ]; then
		check "at 80 columns the long IPv6 remote is shortened with …" grep -q "…:dddd" <<<"$(tui_pane_right)"
	fi
	tmx kill-session -t tui 2>/dev/null
done
finish
