#!/bin/bash
# The TUI's never-block list is current. A default gateway, a
# host address and an sshd peer that appear while the TUI runs are refused
# by b, like `sockwatch block` refuses them; nothing is sent for them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

tui_pair 10 11 12 13
A=${SW_TAG}a
nft_table_cleanup inet sockwatch "$SRV"

# a copy called sshd, made before anything runs (a copy being written
# cannot be executed: ETXTBSY)
cp "$FARM" "$TUI_TMP/sshd"
tui_farm "$SRV" serve serve 192.0.2.1 80
tui_farm "$CLI" conn connect 192.0.2.1 80 --from 198.51.100.10=30,198.51.100.11=20,198.51.100.12=10,198.51.100.13=5

AUDIT="$TUI_TMP/audit.log" ALLOW="$TUI_TMP/allow"
: >"$ALLOW"
tui_start 120x40 --netns "$SRV" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_wait "first refresh" 10 '│ +198\.51\.100\.12 +10 ' || { not_ok "the TUI shows the remotes"; finish; }

# while it runs: the default route now goes via .10, and .11 becomes an
# address of the server (its sockets stay listed: established, stalled)
ip -n "$SRV" route add default via 198.51.100.10 dev "$A" onlink
ip -n "$SRV" addr add 198.51.100.11/32 dev lo
# ... and .13 opens an SSH session (a process called sshd)
tui_farm_bin "$SRV" sshd.out "$TUI_TMP/sshd" serve 192.0.2.1 2222
tui_farm "$CLI" ssh connect 192.0.2.1 2222 --count 1 --from 198.51.100.13 --hold 300
check "the CLI refuses the new gateway" bash -c \
	"'$SW_BIN' --netns $SRV --audit-log - --allow-file '$ALLOW' block 198.51.100.10 --dry-run 2>&1 | grep -q 'default gateway'"

# refused TUI-ROW-KEYS ADDR WHY: b, Enter on that row; the refusal in the
# status line; nothing in the set
refused() {
	local keys="$1" addr="$2" why="$3" re
	re=${addr//./\\.}
	tui_keys $keys
	tui_keys b
	if ! tui_wait "confirmation $addr" 5 "Block address $re"; then
		not_ok "b opens the confirmation for $addr"
		tui_keys Escape
		return
	fi
	tui_keys Enter
	if tui_wait "refusal of $addr" 10 "refused.*$re.*$why|$re.*$why"; then
		ok "b on $addr is refused: $(tui_screen | grep -oE "[^│]*$re is [^│(]*" | head -n 1)"
	else
		not_ok "b on $addr (now $why) is refused"
	fi
	check "nothing was sent for $addr" bash -c \
		"! ip netns exec $SRV nft list set inet sockwatch addr4 2>/dev/null | grep -q '$addr'"
}
refused Home 198.51.100.10 "default gateway"
refused "Home Down" 198.51.100.11 "address of this host"
refused End 198.51.100.13 "SSH peer"
check "the audit log has the three refusals" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = {(r["target"], r["outcome"]) for r in rows}
assert {("198.51.100.1%d" % i, "refused") for i in (0, 1, 3)} <= got, rows
assert not any(r["outcome"] == "sent" for r in rows), rows
' "$AUDIT"

# and an ordinary remote is still blocked: .12
tui_keys End Up b
tui_wait "confirmation .12" 5 'Block address 198\.51\.100\.12' || true
tui_keys Enter
tui_wait "blocked .12" 10 'blocked 198\.51\.100\.12' && ok "an ordinary remote is still blocked" \
	|| not_ok "b on 198.51.100.12 blocks it"
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
check_eq "q quits with status 0" "SW-EXIT=0" "$(tui_exited)"
tmx kill-session -t tui

# a block whose audit line cannot be written (a full disk: a tmpfs of its
# own, filled before the start) says so in the status line; q quits at
# once with exit 1 and the loss said again on the terminal
ip netns exec "$SRV" nft flush set inet sockwatch addr4
MNT="$TUI_TMP/mnt"
mkdir "$MNT"
tmpfs_wrap "$TUI_TMP/wrap" "$MNT" 16
tmx new-session -d -s keep "sleep 600"
SW_BIN="$TUI_TMP/wrap" tui_start 160x40 --netns "$SRV" -d 0.5 --audit-log "$MNT/audit" --allow-file "$ALLOW"
tui_wait "refresh" 10 '│ +198\.51\.100\.12 +10 ' || true
tui_keys End Up b
tui_wait "confirmation .12" 5 'Block address 198\.51\.100\.12' || true
tui_keys Enter
if tui_wait "audit failure" 10 'blocked 198\.51\.100\.12 for .*, but writing the audit log'; then
	ok "a block not in the audit log says so in the status line"
else
	not_ok "a block not in the audit log says so in the status line"
fi
tui_quit_lost 1 "writing the audit log .*No space left on device"
finish
