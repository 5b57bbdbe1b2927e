#!/bin/bash
# needs: ip nft python3 ss timeout
# K banned addresses inside one /24 ban the /24 (prefix_after = 3): three
# flooders of 198.51.100.0/24 are banned one by one, then the prefix is,
# and a fourth address of it that never flooded is dropped too; an
# address of another /24 is not. The /24 takes over the three bans inside
# it (the blocker refuses a prefix over blocked addresses). The policy
# still applies: with an allow-listed address inside the /24 the prefix
# is refused and the three bans stay; a rule asking for a /8 is refused
# by the floor.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

cat >"$RULES" <<'R'
[flood]
when = conns > 40
ban = 5m
prefix_after = 3
R
# a fourth address in the /24 that only probes
sw_c ip addr add 198.51.100.40/24 dev c0
for a in 198.51.100.10 198.51.100.20 198.51.100.30; do
	flood "$a" 50 || exit 1
done
flood 203.0.113.5 50 || exit 1
flood 203.0.113.10 5 || exit 1

daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "the prefix ban" 6 "block 198.51.100.0/24"
sleep 0.5
for a in 198.51.100.10 198.51.100.20 198.51.100.30; do
	check "$a was banned" grep -q "blocked $a for 5m00s" "$LOG"
done
check "then the /24: said with its reason" \
	grep -Eq "^rule flood: block 198.51.100.0/24 for 5m .*3 .*: .*198.51.100.0/24" "$LOG"
check "the /24 is in the prefix set" set_has 198.51.100.0/24
check "... an address of it that never flooded is dropped" blocked 198.51.100.40
check "203.0.113.5 (one flooder in its /24) is banned alone" set_has 203.0.113.5
check "... its /24 is not" not_set 203.0.113.0/24
check "... so its neighbour still connects" probe 203.0.113.10
check "the history holds the prefix" grep -q '^198.51.100.0/24 ' "$STATE"
check_eq "the /24 took over the three addresses' bans, said for each" 3 \
	"$(grep -Ec '^rule flood: block 198.51.100.0/24 .*: takes over the ban of 198.51.100.[123]0: unblocked 198.51.100.[123]0$' "$LOG")"
check "... which are no longer elements of their own" \
	bash -c "! ip netns exec $S nft list set inet sockwatch addr4 | grep -q '198.51.100.[123]0'"
daemon_stop

# an allow-listed address inside the /24: the prefix is refused, the
# three bans stay
sw_s nft delete table inet sockwatch
rm -f "$STATE"
: >"$LOG"
echo 198.51.100.40 >"$ALLOW"
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "the prefix refused" 6 "block 198.51.100.0/24.*refused"
check "the /24 holding an allow-listed address is refused, said" \
	grep -Eq "^rule flood: block 198.51.100.0/24 .*: refused: .*allow" "$LOG"
check "... it is not banned" not_set 198.51.100.0/24
for a in 198.51.100.10 198.51.100.20 198.51.100.30; do
	check "... $a stays banned" set_has "$a"
done
check "... and nothing was taken over" bash -c "! grep -q 'takes over' '$LOG'"
check "... the allow-listed address still connects" probe 198.51.100.40
daemon_stop
: >"$ALLOW"

# floors: a /8 is refused by the blocker, whatever the rule says
sw_s nft delete table inet sockwatch
rm -f "$STATE"
: >"$LOG"
cat >"$RULES" <<'R'
[wide]
when = conns > 40
group = /8
ban = 5m
R
daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "the /8 refused" 5 "block 198.0.0.0/8.*refused"
check "a /8 group is refused by the floor, and said" \
	grep -Eq "^rule wide: block 198.0.0.0/8 .*refused: .*(/16|floor|force)" "$LOG"
check "... nothing is banned" not_set 198.0.0.0/8
daemon_stop
finish
