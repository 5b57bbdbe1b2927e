#!/bin/bash
# needs: ip nft python3 ss timeout
# block / unblock one address (IPv4 and IPv6) in a server namespace:
# new connections from it fail, its element's counter rises, everyone
# else still connects; blocks (text and --json) and the audit log agree.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

check "client 198.51.100.10 connects before any block" probe 198.51.100.10
check "client 2001:db8::10 connects before any block" probe 2001:db8::10

out=$(sw block 198.51.100.10 --for 5m --reason "unit flood" 2>&1)
check_eq "block 198.51.100.10 says so" "blocked 198.51.100.10 for 5m00s" "$out"
check "new connections from 198.51.100.10 fail" blocked 198.51.100.10
check "198.51.100.20 still connects" probe 198.51.100.20
check "203.0.113.10 still connects" probe 203.0.113.10
p=$(elem_packets 198.51.100.10)
check "the element's counter rose (packets=$p)" test "$p" -gt 0
before=$p
blocked 198.51.100.10
p=$(elem_packets 198.51.100.10)
check "the counter rises with every attempt ($before -> $p)" test "$p" -gt "$before"

out=$(sw block 2001:db8::10 2>&1)
check_eq "block 2001:db8::10 says so" "blocked 2001:db8::10 for 10m00s" "$out"
check "new connections from 2001:db8::10 fail" blocked 2001:db8::10
check "2001:db8::20 still connects" probe 2001:db8::20
p=$(elem_packets 2001:db8::10)
check "the IPv6 element's counter rose (packets=$p)" test "$p" -gt 0

# the kernel's view, as nft shows it
set4=$(sw_s nft list set inet sockwatch addr4)
check "nft shows 198.51.100.10 with its comment" \
	grep -q '198.51.100.10 counter packets [1-9][0-9]* bytes [0-9]* timeout 5m expires .* comment "by root .*, 0 conns: unit flood"' <<<"$set4"
check "the chain hooks prerouting at priority raw" \
	grep -q 'type filter hook prerouting priority raw; policy accept;' \
	<<<"$(sw_s nft list chain inet sockwatch prerouting)"

text=$(sw blocks)
check "blocks lists 198.51.100.10" grep -q '^198\.51\.100\.10 .* unit flood$' <<<"$text"
check "blocks lists 2001:db8::10" grep -q '^2001:db8::10 ' <<<"$text"
json=$(sw blocks --json)
check_eq "blocks --json has both entries" 2 \
	"$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["blocks"]))' <<<"$json")"
check "blocks --json: time left is within the 5m timeout" python3 -c '
import json, sys
b = [x for x in json.load(sys.stdin)["blocks"] if x["target"] == "198.51.100.10"][0]
assert b["timeout_s"] == 300 and 200 < b["expires_s"] <= 300, b' <<<"$json"

sleep 1.1
out=$(sw block 198.51.100.10 --for 1h 2>&1); rc=$?
check_eq "blocking it again renews it (exit 0)" "0 renewed 198.51.100.10 for 1h00m" "$rc $out"
check "the renewal set the new timeout and a fresh expiry, keeping the counter" python3 -c '
import json, sys
b = [x for x in json.load(sys.stdin)["blocks"] if x["target"] == "198.51.100.10"][0]
assert b["timeout_s"] == 3600 and b["expires_s"] > 3590 and b["packets"] >= int(sys.argv[1]), b
' "$p" <<<"$(sw blocks --json)"
sleep 1.1
out=$(sw block 198.51.100.10 --for 1h 2>&1)
check "renewing with the same timeout restarts the clock too" python3 -c '
import json, sys
b = [x for x in json.load(sys.stdin)["blocks"] if x["target"] == "198.51.100.10"][0]
assert b["expires_s"] > 3598.5, b' <<<"$(sw blocks --json)"

out=$(sw unblock 198.51.100.10 2>&1)
check_eq "unblock says so" "unblocked 198.51.100.10" "$out"
check "198.51.100.10 connects again" probe 198.51.100.10
check "2001:db8::10 is still blocked" blocked 2001:db8::10
out=$(sw unblock 198.51.100.10 2>&1); rc=$?
check_eq "unblocking what is not blocked exits 1" 1 "$rc"
check "... saying it is not blocked" grep -q "198.51.100.10 is not blocked" <<<"$out"
out=$(sw unblock --all 2>&1)
check_eq "unblock --all empties the sets" "removed 1 block" "$out"
check "2001:db8::10 connects again" probe 2001:db8::10

# the audit log: one JSON object a line with the agreed fields
check "the audit log is JSON lines with time/action/target/timeout/connections/reason/user/outcome" \
	python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = {"time", "action", "target", "timeout", "connections", "reason", "user", "outcome"}
assert all(keys <= set(r) for r in rows), rows
seq = [(r["action"], r["target"], r["outcome"]) for r in rows]
want = [("block", "198.51.100.10", "sent"), ("block", "2001:db8::10", "sent"),
        ("block", "198.51.100.10", "renewed"), ("block", "198.51.100.10", "renewed"),
        ("unblock", "198.51.100.10", "sent"),
        ("unblock", "198.51.100.10", "refused"), ("unblock-all", "all", "sent")]
assert seq == want, seq
assert rows[0]["reason"] == "unit flood" and rows[0]["timeout"] == 300
' "$AUDIT"

out=$(sw --cleanup 2>&1)
check_eq "--cleanup removes the table" "removed table inet sockwatch and its 0 blocks" "$out"
check "the table is gone" bash -c "! ip netns exec $S nft list table inet sockwatch 2>/dev/null"
finish
