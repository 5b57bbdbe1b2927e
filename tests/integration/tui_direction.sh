#!/bin/bash
# needs: ip nft tmux jq ss timeout
# The host's own outbound peers are not attackers: a server that holds 60
# connections to its database at 192.0.2.58:5432 shows that database as
# the top remote, marked '>' (outbound), and b warns "outbound: this host
# connects to it (port 5432); blocking it cuts your own service" before
# Enter; i (and --inbound in batch mode) leave outbound sockets out; JSON
# has each remote's inbound / outbound counts. --kill and --reason set the
# confirmation's defaults, and the audit log records the connections
# the block actually ended.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

FARM="${SW_FARM:-$SW_BUILD/tools/sockfarm}"
[ -x "$FARM" ] || { not_ok "$FARM is missing: run 'make tools'"; finish; }
SRV=${SW_TAG}s CLI=${SW_TAG}c
ns_add "$SRV"
ns_add "$CLI"
veth_pair "${SW_TAG}a" "$SRV" 192.0.2.1/24 "${SW_TAG}b" "$CLI" 192.0.2.2/24
ip -n "$CLI" addr add 192.0.2.58/32 dev "${SW_TAG}b"
ip -n "$CLI" addr add 198.51.100.10/32 dev "${SW_TAG}b"
ip -n "$SRV" route add 198.51.100.0/24 via 192.0.2.2
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
farm "$SRV" serve 192.0.2.1 80
farm "$CLI" serve 192.0.2.58 5432
farm "$SRV" connect 192.0.2.58 5432 --from 192.0.2.1=60
farm "$CLI" connect 192.0.2.1 80 --from 198.51.100.10=5

# --- batch: direction counts, --inbound --------------------------------------
J="$TUI_TMP/j"
json_last --netns "$SRV" >"$J"
check_eq "JSON: the database's 60 sockets are outbound" "60 0" \
	"$(jq -r '.remotes[] | select(.addr == "192.0.2.58") | "\(.outbound) \(.inbound)"' "$J")"
check_eq "JSON: the client's 5 are inbound" "0 5" \
	"$(jq -r '.remotes[] | select(.addr == "198.51.100.10") | "\(.outbound) \(.inbound)"' "$J")"
json_last --netns "$SRV" --inbound >"$J"
check_eq "--inbound leaves the database out" "198.51.100.10" "$(jq -r '[.remotes[].addr] | join(" ")' "$J")"
check "the text report marks it outbound" grep -qE '^192\.0\.2\.58 .* \(outbound\)$' \
	<("$SW_BIN" -b --netns "$SRV")

# --- the TUI: mark, warning, i ------------------------------------------------
AUDIT="$TUI_TMP/audit.log"
tui_start 120x40 --netns "$SRV" -d 0.5 --audit-log "$AUDIT" --kill --reason "incident 42"
tui_check "the database is the top remote, marked outbound" 10 '│ >192\.0\.2\.58 +60 '
check "the client has no mark" grep -qE '│  198\.51\.100\.10 +5 ' <(tui_screen)
tui_keys b
tui_check "b on it opens the confirmation" 5 'Block address 192\.0\.2\.58'
check "... which warns before Enter" bash -c "tmux -L $TUI_SOCK capture-pane -t tui -p | tr -s ' │\n' ' ' | grep -q 'outbound: this host connects to it (port 5432); blocking it cuts your own service'"
check "--kill: 'end its connections' is yes" grep -qE 'end its open connections \(k\): *\[yes\]' <(tui_screen)
check "--reason fills the reason" grep -qE 'reason: +incident 42' <(tui_screen)
tui_keys Escape
tui_check_gone "Esc: nothing blocked" 5 'Block address'
tui_keys i
tui_check "i: inbound only, in the title" 10 'Remotes: 1, inbound only'
tui_check_gone "... the database is gone" 10 '192\.0\.2\.58 +60'

# --- b Enter on the client: killed with the defaults; the audit line ------------
before=$(ip netns exec "$SRV" ss -Htn state established dst 198.51.100.10 | wc -l)
tui_keys b
tui_check "b on the client" 5 'Block address 198\.51\.100\.10'
check "... no warning for an inbound client" bash -c "! tmux -L $TUI_SOCK capture-pane -t tui -p | grep -q 'this host connects to it'"
tui_keys Enter
tui_check "Enter blocks and ends its $before connections" 10 "ended $before connection"
blk=$(grep '"action":"block"' "$AUDIT" | tail -n 1)
check_eq "the audit line has the reason typed in" "incident 42" "$(jq -r .reason <<<"$blk")"
check_eq "... the connections it held when blocked" "$before" "$(jq -r .connections <<<"$blk")"
check_eq "... and how many the block ended" "$before" "$(jq -r .count <<<"$blk")"
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
finish
