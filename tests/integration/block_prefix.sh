#!/bin/bash
# needs: ip nft python3 ss timeout
# Prefix blocks: a /24 stops all of it and nothing outside; a /48 the
# same for IPv6; overlaps and too-wide prefixes are refused; a 2 s
# timeout expires by itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

out=$(sw block 198.51.100.0/24 2>&1)
check_eq "block a /24" "blocked 198.51.100.0/24 for 10m00s" "$out"
check "198.51.100.10 is stopped" blocked 198.51.100.10
check "198.51.100.20 is stopped" blocked 198.51.100.20
check "203.0.113.10 (outside) still connects" probe 203.0.113.10
check "192.0.2.2 (outside) still connects" probe 192.0.2.2
p=$(elem_packets 198.51.100.0/24)
check "the prefix element's counter rose (packets=$p)" test "$p" -gt 0
# the interval is sent as an explicit start and end: nft shows the /24
check "nft shows exactly 198.51.100.0/24 in net4" \
	grep -q 'elements = { 198.51.100.0/24 counter' <<<"$(sw_s nft list set inet sockwatch net4)"

out=$(sw block 2001:db8:1::/48 2>&1)
check_eq "block a /48" "blocked 2001:db8:1::/48 for 10m00s" "$out"
check "2001:db8:1::10 is stopped" blocked 2001:db8:1::10
check "2001:db8:2::10 (outside) still connects" probe 2001:db8:2::10
check "2001:db8::20 (outside) still connects" probe 2001:db8::20

before=$(ruleset)
out=$(sw block 198.51.100.128/25 2>&1); rc=$?
check_eq "a prefix inside a blocked one is refused (exit 1)" 1 "$rc"
check "... naming the blocked prefix" grep -q "already blocked by 198.51.100.0/24" <<<"$out"
out=$(sw block 198.51.0.0/16 2>&1); rc=$?
check_eq "a prefix containing a blocked one is refused (exit 1)" 1 "$rc"
check "... saying it overlaps" grep -q "198.51.0.0/16 overlaps 198.51.100.0/24" <<<"$out"
out=$(sw block 198.51.100.20 2>&1); rc=$?
check_eq "an address inside a blocked prefix is refused (exit 1)" 1 "$rc"
check "... naming the prefix" grep -q "198.51.100.20 is already blocked by 198.51.100.0/24" <<<"$out"
out=$(sw block 198.0.0.0/8 2>&1); rc=$?
check_eq "a /8 is refused without --force (exit 1)" 1 "$rc"
check "... naming the /16 floor" grep -q "wider than the /16 floor for IPv4; add --force" <<<"$out"
out=$(sw block 2001:db8:8000::/33 2>&1); rc=$?
check_eq "an IPv6 /33 is refused without --force (exit 1)" 1 "$rc"
check "... naming the /48 floor" grep -q "/48 floor for IPv6" <<<"$out"
check_eq "refusals sent nothing" "$before" "$(ruleset)"
out=$(sw block 198.51.100.0/24 --for 20m 2>&1); rc=$?
check_eq "the same prefix again renews it" "0 renewed 198.51.100.0/24 for 20m00s" "$rc $out"
check "... with its new timeout" grep -q "198.51.100.0/24 counter packets [0-9]* bytes [0-9]* timeout 20m" \
	<<<"$(sw_s nft list set inet sockwatch net4)"

out=$(sw block 2001:db8:8000::/33 --force 2>&1)
check_eq "with --force the /33 is blocked" "blocked 2001:db8:8000::/33 for 10m00s" "$out"
out=$(sw unblock 198.51.100.0/24 2>&1)
check_eq "unblock the /24" "unblocked 198.51.100.0/24" "$out"
check "198.51.100.10 connects again" probe 198.51.100.10

# a prefix over a blocked address: refused, as over a blocked prefix
sw block 198.51.100.77 >/dev/null 2>&1
before=$(ruleset)
out=$(sw block 198.51.100.0/24 2>&1); rc=$?
check_eq "a /24 over a blocked /32 is refused (exit 1)" 1 "$rc"
check "... saying it overlaps the address" grep -q "198.51.100.0/24 overlaps 198.51.100.77, already blocked" <<<"$out"
check_eq "... and sends nothing" "$before" "$(ruleset)"
sw unblock 198.51.100.77 >/dev/null 2>&1

# a short timeout runs out by itself
out=$(sw block 203.0.113.10 --for 2s 2>&1)
check_eq "block for 2s" "blocked 203.0.113.10 for 2s" "$out"
check "203.0.113.10 is stopped" blocked 203.0.113.10
sleep 2.5
check "after 2 s 203.0.113.10 connects again" probe 203.0.113.10
check "after 2 s blocks no longer lists it" \
	bash -c "! $(printf %q "$SW_BIN") --netns $S blocks | grep -q '^203.0.113.10 '"
out=$(sw block 203.0.113.0/24 --for 2s 2>&1)
check_eq "block a /24 for 2s" "blocked 203.0.113.0/24 for 2s" "$out"
check "203.0.113.5 is stopped" blocked 203.0.113.5
sleep 2.5
check "after 2 s the /24 has expired too" probe 203.0.113.5
finish
