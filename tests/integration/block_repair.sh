#!/bin/bash
# Blocking never lies about a broken table: whatever was done to table
# inet sockwatch by hand (flushed, chain deleted or moved, one rule
# deleted or bypassed, a set recreated without its timeout flag or with
# another type, the table made dormant), the next `sockwatch block X`
# repairs it in the same batch as the element, says so, and X's new
# connections really fail. A changed set that holds elements is not
# emptied: the block fails loudly instead.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

X=198.51.100.10 X6=2001:db8::10
# a dropped SYN is seen in well under half a second on the veth
blocked() {
	local dst=192.0.2.1
	case "$1" in *:*) dst=2001:db8::1 ;; esac
	! sw_c "$FARM" connect "$dst" 8080 --count 1 --from "$1" --hold 0 \
		--timeout 0.5 >/dev/null 2>&1
}
nf() { sw_s nft "$@"; }
handle_of() { # the handle of the rule that mentions @SET
	nf -a list chain inet sockwatch prerouting | awk -v s="@$1" '$0 ~ s {print $NF}'
}

# The fault, then a block of X: exit 0, a repair named on stderr, and X
# dropped (IPv4 and IPv6 when asked); then unblock X for the next case.
case_ok() { # NAME FAULT-COMMAND... (run in the server namespace)
	local name="$1" out err rc; shift
	# a working table with one block to start from
	sw block 203.0.113.0/24 --for 1h >/dev/null 2>&1
	sw_s "$@" || { not_ok "$name: the fault could not be made"; return; }
	out=$(sw block "$X" --for 10m 2>"$TMP/err"); rc=$?; err=$(cat "$TMP/err")
	check_eq "$name: block exits 0 and says blocked" "0 blocked $X for 10m00s" "$rc $out"
	check "$name: the repair is named on stderr ($err)" \
		grep -q '^sockwatch: repaired table inet sockwatch: ' "$TMP/err"
	check "$name: a new connection from $X fails" blocked "$X"
	check "$name: the earlier block of 203.0.113.0/24 drops again" blocked 203.0.113.5
	check "$name: 198.51.100.20 still connects" probe 198.51.100.20
	sw unblock "$X" >/dev/null 2>&1
	sw unblock 203.0.113.0/24 >/dev/null 2>&1
	check "$name: after unblock $X connects again" probe "$X"
}

check "before any block $X connects" probe "$X"
case_ok "flushed table" nft flush table inet sockwatch
case_ok "deleted chain" nft -f - <<<"flush chain inet sockwatch prerouting
delete chain inet sockwatch prerouting"
case_ok "deleted rule for @addr4" sh -c \
	"nft delete rule inet sockwatch prerouting handle $(handle_of addr4)"
case_ok "accept rule inserted before the drops" \
	nft insert rule inet sockwatch prerouting accept
case_ok "chain moved to hook input priority filter" nft -f - <<<"flush chain inet sockwatch prerouting
delete chain inet sockwatch prerouting
add chain inet sockwatch prerouting { type filter hook input priority filter; policy accept; }"
case_ok "set addr4 recreated without the timeout flag" sh -c "
nft delete rule inet sockwatch prerouting handle $(handle_of addr4) &&
nft delete set inet sockwatch addr4 &&
nft add set inet sockwatch addr4 '{ type ipv4_addr; }'"
case_ok "set addr4 recreated with another type" sh -c "
nft delete rule inet sockwatch prerouting handle $(handle_of addr4) &&
nft delete set inet sockwatch addr4 &&
nft add set inet sockwatch addr4 '{ type inet_service; flags timeout; }'"
case_ok "table made dormant" nft add table inet sockwatch '{ flags dormant; }'
case_ok "dormant table without its chain" nft -f - <<<"add table inet sockwatch { flags dormant; }
flush chain inet sockwatch prerouting
delete chain inet sockwatch prerouting"

# IPv6 too, after the table was flushed
sw_s nft flush table inet sockwatch
out=$(sw block "$X6" 2>/dev/null); rc=$?
check_eq "flushed table, IPv6: block exits 0" "0 blocked $X6 for 10m00s" "$rc $out"
check "flushed table, IPv6: a new connection from $X6 fails" blocked "$X6"
sw unblock "$X6" >/dev/null 2>&1

# Unblocking repairs too: the other blocks drop again.
sw block 203.0.113.5 --for 1h >/dev/null 2>&1
sw block "$X" --for 1h >/dev/null 2>&1
sw_s nft flush table inet sockwatch
check "flushed: 203.0.113.5 connects, though listed" probe 203.0.113.5
sw blocks >/dev/null 2>"$TMP/err"
check "blocks warns that the table is damaged ($(cat "$TMP/err"))" grep -q \
	'^sockwatch: warning: table inet sockwatch is damaged (the drop rules were changed): these blocks may drop nothing' "$TMP/err"
out=$(sw unblock "$X" 2>"$TMP/err"); rc=$?
check_eq "unblock after a flush exits 0" "0 unblocked $X" "$rc $out"
check "... names the repair" grep -q '^sockwatch: repaired table' "$TMP/err"
check "... and 203.0.113.5 is dropped again" blocked 203.0.113.5
check "... $X connects" probe "$X"
sw blocks >/dev/null 2>"$TMP/err"
check "blocks warns no more once repaired" test ! -s "$TMP/err"

# A changed set that holds elements is not emptied: block fails loudly.
h=$(handle_of addr4)
sw_s nft -f - <<EOT
delete rule inet sockwatch prerouting handle $h
delete set inet sockwatch addr4
add set inet sockwatch addr4 { type ipv4_addr; }
add element inet sockwatch addr4 { 203.0.113.10 }
EOT
out=$(sw block "$X" 2>&1); rc=$?
check_eq "a changed set holding an element: block exits 1" 1 "$rc"
check "... saying which set, what is wrong and what to do ($out)" grep -q \
	"set addr4 of table inet sockwatch was changed (no timeout flag) and holds 1 element: not touching it" <<<"$out"
check "... the element is still there" sh -c \
	"ip netns exec $S nft list set inet sockwatch addr4 | grep -q 203.0.113.10"
check "the audit log records every repair" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rep = [r for r in rows if r["action"] == "repair"]
assert len(rep) >= 10, rep
assert all(r["outcome"] == "sent" and r["detail"] for r in rep), rep
' "$AUDIT"
finish
