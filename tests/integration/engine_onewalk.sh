#!/bin/bash
# needs: ip jq ss
# TCP of both families comes from one kernel walk (the compat request)
# when the filter's bytecode is the same for both; the recording then holds
# one TCP dump per refresh with family 0. Replaying it with -4 or -6 keeps
# that family's sockets only, exactly as a live -4 / -6 run sees them; an
# address filter (bytecode per family) falls back to a dump per family.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

NS=${SW_TAG}ow
T=$FARM_TMP
ns_add "$NS"
farm_freeze "$NS"
farm "$NS" serve 127.0.0.1 80
farm_wait_line "listener" 10 || finish
farm "$NS" serve ::1 81
farm_wait_line "listener" 10 || finish
farm "$NS" connect 127.0.0.1 80 --from 127.0.0.2=30
farm_wait_line "first connections" 10 || finish
farm "$NS" connect ::1 81 --from ::1=12
farm_wait_line "first connections" 10 || finish

# count of TCP sockets per family as ss sees them (no header, both ends of
# each connection are in the namespace)
ss4=$(ip netns exec "$NS" ss -tanH -4 | wc -l)
ss6=$(ip netns exec "$NS" ss -tanH -6 | wc -l)
check "the namespace has TCP sockets of both families ($ss4 IPv4, $ss6 IPv6)" \
	test "$ss4" -gt 0 -a "$ss6" -gt 0

tcp_total() { jq -r '[.states[].count] | add' "$@"; }

REC=$T/both.swrec
ip netns exec "$NS" "$SW_BIN" -b --json -n 1 --top 0 --record "$REC" >"$T/live.json" 2>"$T/live.err"
check_eq "one-walk run counts the TCP sockets of both families as ss" \
	$((ss4 + ss6)) "$(tcp_total "$T/live.json")"
# the recording's NLBUF items: u32 type 2, u32 len, u8 proto, u8 family
fams=$(python3 - "$REC" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off, seen = 18, []
while off + 8 <= len(d):
    t, n = struct.unpack_from('<II', d, off)
    if t == 2:
        seen.append('%d/%d' % (d[off + 8], d[off + 9]))
    off += 8 + n
print(' '.join(sorted(set(seen))))
PY
)
check_eq "the recording holds TCP as one walk (family 0) and UDP per family" \
	"0/0 1/4 1/6" "$fams"
for f in 4 6; do
	eval "want=\$ss$f"
	check_eq "--replay -$f keeps the IPv$f sockets of the one-walk dump only" \
		"$want" "$("$SW_BIN" -b --json -n 1 --top 0 -$f --replay "$REC" | tcp_total)"
	check_eq "a live -$f run (a dump of that family) agrees" \
		"$want" "$(ip netns exec "$NS" "$SW_BIN" -b --json -n 1 --top 0 -$f | tcp_total)"
done
check_same "the replayed one-walk refresh equals the live one (cost keys aside)" \
	"$(jq -cS 'del(.refresh_ms, .cpu_ms)' "$T/live.json")" \
	"$("$SW_BIN" -b --json -n 1 --top 0 --replay "$REC" | jq -cS 'del(.refresh_ms, .cpu_ms)')"

# an address filter: bytecode differs per family, so a dump per family
REC2=$T/addr.swrec
ip netns exec "$NS" "$SW_BIN" -b --json -n 1 --top 0 --record "$REC2" -f 'dst 127.0.0.2 or dst [::1]' >"$T/addr.json" 2>&1
fams2=$(python3 - "$REC2" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off, seen = 18, []
while off + 8 <= len(d):
    t, n = struct.unpack_from('<II', d, off)
    if t == 2 and d[off + 8] == 0:
        seen.append(str(d[off + 9]))
    off += 8 + n
print(' '.join(sorted(set(seen))))
PY
)
check_eq "with an address filter TCP is dumped per family" "4 6" "$fams2"
check_eq "and counts what ss counts for that filter" \
	"$(ip netns exec "$NS" ss -tanH 'dst 127.0.0.2 or dst [::1]' | wc -l)" "$(tcp_total "$T/addr.json")"
finish
