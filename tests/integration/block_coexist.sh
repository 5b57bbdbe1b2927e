#!/bin/bash
# needs: ip nft python3 ss timeout
# sockwatch lives next to the admin's firewall: an `inet filter` table
# with policy drop and an accept for established traffic keeps working
# and unchanged while sockwatch blocks; sockwatch adopts its table
# across runs (no duplicate rules), and recreates it after someone
# else's `nft flush ruleset`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

sw_s nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
		tcp dport 8080 accept
	}
}
NFT
nft_table_cleanup inet filter "$S"
filter_before=$(sw_s nft list table inet filter)

spawn sw_c "$FARM" connect 192.0.2.1 8080 --count 3 --from 198.51.100.20 \
	--hold 120 --timeout 120 >"$TMP/held"
wait_for "held connections" 5 grep -q connected "$TMP/held" || exit 1
check "the admin's filter lets 198.51.100.10 in before any block" probe 198.51.100.10
check "the admin's filter drops port 8081 (policy drop)" \
	bash -c "! ip netns exec $C $FARM connect 192.0.2.1 8081 --count 1 --from 198.51.100.20 --hold 0 --timeout 1 >/dev/null 2>&1"

out=$(sw block 198.51.100.10 2>&1)
check_eq "block next to the admin's table" "blocked 198.51.100.10 for 10m00s" "$out"
out=$(sw block 2001:db8::10 2>&1)
check_eq "block an IPv6 address too" "blocked 2001:db8::10 for 10m00s" "$out"
check "198.51.100.10 is stopped" blocked 198.51.100.10
check "198.51.100.20 still gets in through the admin's filter" probe 198.51.100.20
check "2001:db8::20 still gets in through the admin's filter" probe 2001:db8::20
check_eq "the held connections from 198.51.100.20 are still established" 3 \
	"$(sw_s ss -Htn state established dst 198.51.100.20 '( sport = :8080 )' | wc -l)"
check_eq "the admin's table is unchanged, byte for byte" "$filter_before" \
	"$(sw_s nft list table inet filter)"
check_eq "sockwatch adopted its table: still one rule per set" 4 \
	"$(sw_s nft list chain inet sockwatch prerouting | grep -c 'saddr @')"
check_eq "there are two tables, the admin's and sockwatch's" \
	"table inet filter
table inet sockwatch" "$(sw_s nft list tables)"

# someone else flushes the whole ruleset
sw_s nft flush ruleset
check "after the flush 198.51.100.10 gets in again" probe 198.51.100.10
out=$(sw blocks 2>&1)
check_eq "after the flush nothing is blocked" "nothing is blocked" "$out"
out=$(sw block 198.51.100.10 2>&1)
check_eq "the next block works" "blocked 198.51.100.10 for 10m00s" "$out"
check "sockwatch recreated its table" bash -c "ip netns exec $S nft list table inet sockwatch >/dev/null"
check_eq "with the chain and its four rules" 4 \
	"$(sw_s nft list chain inet sockwatch prerouting | grep -c 'saddr @')"
check "198.51.100.10 is stopped again" blocked 198.51.100.10
check "198.51.100.20 still connects" probe 198.51.100.20
check_eq "the admin's table was not recreated by sockwatch" "table inet sockwatch" \
	"$(sw_s nft list tables)"
finish
