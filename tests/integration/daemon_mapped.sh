#!/bin/bash
# needs: ip nft python3 ss timeout
# The DDoS-Deflate bug: an IPv4 flood arriving at a dual-stack listener
# (bound to ::) shows up as IPv4-mapped IPv6 peers (::ffff:198.51.100.10);
# the daemon counts it as the IPv4 address, bans it in the IPv4 set (not
# as a v6 address that never matches), and the ban really drops its
# packets: new connections fail and the element's counter counts them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

F=198.51.100.10
spawn sw_s "$FARM" serve :: 8081 --backlog 1024 --timeout 300 >/dev/null
wait_for "the dual-stack listener" 5 sh -c "ip netns exec $S ss -Htln | grep -q ':8081'" || exit 1
cat >"$RULES" <<'R'
[flood]
match = sport 8081
when = conns > 100
ban = 5m
R
flood "$F" 150 8081 || exit 1
flood 198.51.100.20 5 8081 || exit 1
mapped=$(sw_s ss -Htn state established "( sport = :8081 )" | grep -c "::ffff:$F")
check "the server sees the flood as mapped IPv6 peers ($mapped of 150)" test "$mapped" -eq 150

daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "the ban" 5 "blocked $F for 5m00s"
check "it is counted and banned as the IPv4 address" \
	grep -Eq "^rule flood: block $F for 5m \(conns 150 > 100, held 1 refresh\): blocked $F for 5m00s$" "$LOG"
check "... in the IPv4 set" set_has "$F"
check "... not as ::ffff:$F anywhere" bash -c "! ip netns exec $S nft list table inet sockwatch | grep -q ffff"
check "... and not in the history as v6" grep -q "^$F 1 " "$STATE"
p0=$(elem_packets "$F")
check "a new IPv4 connection from it to the dual-stack port is dropped" \
	bash -c "! ip netns exec $C $FARM connect 192.0.2.1 8081 --count 1 --from $F --hold 0 --timeout 1.5 >/dev/null 2>&1"
p1=$(elem_packets "$F")
check "... its packets are counted on the element ($p0 -> $p1)" test "$p1" -gt "$p0"
probe8081() {
	sw_c "$FARM" connect 192.0.2.1 8081 --count 1 --from "$1" --hold 0 \
		--timeout 1.5 >/dev/null 2>&1
}
check "the normal client still connects to the dual-stack port" probe8081 198.51.100.20
daemon_stop
finish
