#!/bin/bash
# Elements added by hand read back as they are: a range that is no CIDR
# block shows as a range (text and JSON) and `unblock` of what is listed
# removes it; an element without a timeout never expires ("never" in
# text, null in JSON).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

sw_c ip addr add 192.0.2.15/24 dev c0
sw_c ip addr add 192.0.2.21/24 dev c0
sw_c ip -6 addr add 2001:db8:1::15/48 dev c0 nodad
sw block 203.0.113.5 --for 1h >/dev/null 2>&1 # makes the table
nf() { sw_s nft "$@"; }
nf add element inet sockwatch net4 '{ 192.0.2.10-192.0.2.20 timeout 1h comment "by hand" }'
nf add element inet sockwatch net4 '{ 198.51.100.30-198.51.100.30 }'
nf add element inet sockwatch net6 '{ 2001:db8:1::5-2001:db8:1::20 }'
nf add element inet sockwatch net4 '{ 203.0.113.128/25 }'
nf add element inet sockwatch addr4 '{ 198.51.100.20 }'
check "the hand-made range drops 192.0.2.15" blocked 192.0.2.15
check "... not 192.0.2.21" probe 192.0.2.21

text=$(sw blocks)
json=$(sw blocks --json)
row() { grep -E "^$1 " <<<"$text"; }
check "text: the range shows as 192.0.2.10-192.0.2.20 ($(row 192.0.2.10-192.0.2.20))" \
	grep -Eq '^192\.0\.2\.10-192\.0\.2\.20 +(59m[0-9]{2}s|1h00m) .* by hand$' <<<"$text"
check "text: a one-address interval shows as a range" \
	grep -q '^198\.51\.100\.30-198\.51\.100\.30 ' <<<"$text"
check "text: an IPv6 range shows as a range" grep -q '^2001:db8:1::5-2001:db8:1::20 ' <<<"$text"
check "text: an exact prefix added by hand shows as a prefix" \
	grep -q '^203\.0\.113\.128/25 ' <<<"$text"
check "text: no timeout shows never ($(row 198.51.100.20))" \
	grep -Eq '^198\.51\.100\.20 +never ' <<<"$text"
check "text: nothing shows as a /31 or a /28" bash -c '! grep -Eq "/(31|28|27|30) " <<<"$1"' _ "$text"
check "json: targets as listed, no timeout is null" python3 -c '
import json, sys
b = {x["target"]: x for x in json.load(sys.stdin)["blocks"]}
assert set(b) == {"203.0.113.5", "192.0.2.10-192.0.2.20", "198.51.100.30-198.51.100.30",
                  "2001:db8:1::5-2001:db8:1::20", "203.0.113.128/25", "198.51.100.20"}, sorted(b)
r = b["192.0.2.10-192.0.2.20"]
assert r["timeout_s"] == 3600 and 3500 < r["expires_s"] <= 3600 and r["comment"] == "by hand", r
for t in ("198.51.100.20", "198.51.100.30-198.51.100.30", "2001:db8:1::5-2001:db8:1::20"):
    assert b[t]["expires_s"] is None and b[t]["timeout_s"] is None, b[t]
' <<<"$json"

for t in 192.0.2.10-192.0.2.20 198.51.100.30-198.51.100.30 2001:db8:1::5-2001:db8:1::20 \
	 203.0.113.128/25 198.51.100.20; do
	out=$(sw unblock "$t" 2>&1); rc=$?
	check_eq "unblock $t as listed" "0 unblocked $t" "$rc $out"
done
check "192.0.2.15 connects again" probe 192.0.2.15
check "2001:db8:1::15 connects again" probe 2001:db8:1::15
check "198.51.100.20 connects again" probe 198.51.100.20
check_eq "only the block made by sockwatch is left" 203.0.113.5 \
	"$(sw blocks --json | jq -r '.blocks[].target')"
out=$(sw unblock 192.0.2.10-192.0.2.20 2>&1); rc=$?
check_eq "unblocking the range again: not blocked" "1 sockwatch: refused: 192.0.2.10-192.0.2.20 is not blocked" "$rc $out"
out=$(sw unblock 192.0.2.20-192.0.2.10 2>&1); rc=$?
check_eq "a range backwards is bad usage" 2 "$rc"
out=$(sw unblock 192.0.2.10-2001:db8::1 2>&1); rc=$?
check_eq "a range across families is bad usage" 2 "$rc"
out=$(sw --dry-run unblock 192.0.2.10-192.0.2.20 2>&1)
check "dry run of a range unblock prints the nft command" \
	grep -qx 'delete element inet sockwatch net4 { 192.0.2.10-192.0.2.20 }' <<<"$out"
finish
