#!/bin/bash
# needs: ip nft python3 setpriv ss timeout
# What must never be blocked is refused with a reason, and nothing is
# sent: loopback, the server's own addresses, its default gateways, the
# allow list, the SSH peers (SSH_CONNECTION and sshd's sockets), and any
# prefix containing one of them. Without CAP_NET_ADMIN blocking says why.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

printf '# operators\n203.0.113.0/28   # monitoring\n2001:db8:2::/48\n' >"$ALLOW"
# a process called sshd holding a connection from 198.51.100.30
cp "$FARM" "$TMP/sshd"
spawn sw_s "$TMP/sshd" serve 192.0.2.1 2222 --timeout 120 >/dev/null
wait_for "fake sshd" 5 sh -c "ip netns exec $S ss -Htln | grep -q ':2222'" || exit 1
spawn sw_c "$FARM" connect 192.0.2.1 2222 --count 1 --from 198.51.100.30 \
	--hold 120 --timeout 120 >"$TMP/ssh"
wait_for "ssh session" 5 grep -q connected "$TMP/ssh" || exit 1

# refused TARGET REASON-PATTERN: exit 1, the reason on stderr
refused() {
	local target="$1" want="$2" out rc
	out=$(SSH_CONNECTION="198.51.100.77 50000 192.0.2.1 22" sw block "$target" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q -- "refused: .*$want" <<<"$out"; then
		ok "block $target is refused: ${out#sockwatch: refused: }"
	else
		not_ok "block $target: expected refusal matching '$want', got rc=$rc '$out'"
	fi
}

before=$(sw_s nft list ruleset)
refused 127.0.0.1 "127.0.0.1 is loopback"
refused 127.0.0.0/8 "loopback"
refused ::1 "::1 is loopback"
refused 192.0.2.1 "192.0.2.1 is an address of this host (s0)"
refused 2001:db8::1 "2001:db8::1 is an address of this host"
refused 192.0.2.254 "192.0.2.254 is a default gateway (via s0)"
refused 2001:db8::fe "2001:db8::fe is a default gateway"
refused 203.0.113.5 "203.0.113.5 is on the allow list (203.0.113.0/28, .*allow:2)"
refused 2001:db8:2::10 "on the allow list (2001:db8:2::/48"
refused 198.51.100.77 "198.51.100.77 is an SSH peer of this host (SSH_CONNECTION)"
refused 198.51.100.30 "198.51.100.30 is an SSH peer of this host (sshd)"
refused 192.0.2.0/24 "192.0.2.0/24 contains 192.0.2.1, an address of this host"
refused 192.0.2.128/25 "contains 192.0.2.254, a default gateway"
refused 203.0.113.0/24 "203.0.113.0/24 contains 203.0.113.0/28, on the allow list"
refused 198.51.100.28/30 "198.51.100.28/30 contains 198.51.100.30, an SSH peer"
refused 2001:db8::/48 "contains 2001:db8::1, an address of this host"
refused 0.0.0.0/0 "contains 127.0.0.0/8, loopback"
check_eq "nothing was sent: the ruleset is unchanged" "$before" "$(sw_s nft list ruleset)"
check "the refusals are in the audit log" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 17 and all(r["outcome"] == "refused" and r["action"] == "block" for r in rows), rows
assert rows[0]["target"] == "127.0.0.1" and "loopback" in rows[0]["detail"]
' "$AUDIT"

out=$(sw block 198.51.100.20 --dry-run 2>&1)
check "outside them, 198.51.100.20 can be blocked (dry run)" grep -q "would block 198.51.100.20" <<<"$out"
out=$(sw block 192.0.2.5 --allow-file "$TMP/missing" --dry-run 2>&1); rc=$?
check_eq "a missing --allow-file that was named is an error (exit 1)" 1 "$rc"
check "... saying so" grep -q "cannot read the allow list $TMP/missing" <<<"$out"
printf '192.0.2.0/24\n10.0.0.0/33\n' >"$TMP/bad"
out=$(sw block 198.51.100.20 --allow-file "$TMP/bad" 2>&1); rc=$?
check_eq "a malformed allow list stops blocking (exit 1)" 1 "$rc"
check "... naming the file and line" grep -q "$TMP/bad:2: '10.0.0.0/33': prefix length" <<<"$out"

# no CAP_NET_ADMIN: blocking says why in one line; nothing else breaks
noroot() { sw_s setpriv --reuid=65534 --regid=65534 --clear-groups "$SW_BIN" \
	--audit-log - "$@"; }
out=$(noroot block 198.51.100.20 2>&1); rc=$?
check_eq "without CAP_NET_ADMIN block fails (exit 1)" 1 "$rc"
check_eq "... in one line saying why" \
	"sockwatch: unavailable: no CAP_NET_ADMIN (run as root to block; monitoring works)" "$out"
out=$(noroot blocks 2>&1); rc=$?
check "... and so does blocks" grep -q "unavailable: no CAP_NET_ADMIN" <<<"$out"
out=$(noroot block 198.51.100.20 --dry-run 2>&1); rc=$?
check_eq "a dry run still prints without CAP_NET_ADMIN" 0 "$rc"
check "... the nft commands" grep -q "^add element inet sockwatch addr4 { 198.51.100.20 timeout 600s" <<<"$out"
check_eq "nothing was sent at all" "$before" "$(sw_s nft list ruleset)"
finish
