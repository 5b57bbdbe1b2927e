#!/bin/bash
# needs: ip nft jq ss python3 join
# What the BPF records carry, against netlink's: the timers of the
# sockets (idiag_timer and idiag_expires, the detail view's "timer" line),
# which the BPF iterators fill as inet_diag does, and the inodes (owners). One namespace holds sockets with each kind of timer:
# keepalive (SO_KEEPALIVE, TCP_KEEPIDLE 300 s; IPv4 and IPv6), a
# retransmit timer (data lost on the way in), a persist timer (data that
# cannot leave: dropped on output, so TCP probes the window), a
# SYN_SENT socket and its listener's SYN_RECV request socket (SYN-ACKs
# dropped), TIME_WAIT (the client closed first), and sockets with no timer.
# netlink and bpf must give every socket the same timer kind and, for the
# keepalive and time-wait timers, the same time left within 3 s; both
# must agree with ss -o the same way; every socket has the same inode
# through both, the one ss -e shows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

FSOCKS="$SW_BUILD/tools/filter_socks"
[ -x "$FSOCKS" ] || { not_ok "$FSOCKS is missing: run 'make tools'"; finish; }
N=${SW_TAG}tm
T=$FARM_TMP
ns_add "$N"
farm_freeze "$N"
ns() { ip netns exec "$N" "$@"; }
if ns "$FSOCKS" --backend bpf 'state listen' 2>"$T/probe.err" >/dev/null; [ $? = 3 ] ||
	grep -q "built without" "$T/probe.err"; then
	skip "the BPF backend is unavailable: $(head -c 200 "$T/probe.err")"
	finish
fi

nft_table_cleanup inet "${SW_TAG}tm" "$N"
printf '%s\n' "table inet ${SW_TAG}tm {" " chain out {" "  type filter hook output priority 0;" \
	"  tcp dport 7105 meta length > 100 drop" \
	"  tcp sport 7103 tcp flags & (syn|ack) == (syn|ack) drop" " }" \
	" chain in {" "  type filter hook input priority 0;" \
	"  tcp dport 7102 meta length > 100 drop" " }" "}" |
	ns nft -f - || { not_ok "nft rules in $N"; finish; }

cat >"$T/hold.py" <<'PY'
import socket, sys, time
held = []
def listen(fam, addr, port):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    held.append(s)
    return s
def connect(fam, addr, port, keepalive=False, block=True):
    c = socket.socket(fam, socket.SOCK_STREAM)
    if keepalive:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 300)
    if block:
        c.connect((addr, port))
    else:
        c.setblocking(False)
        c.connect_ex((addr, port))
    held.append(c)
    return c
# keepalive, IPv4 and IPv6; the accepted ends have no timer
l = listen(socket.AF_INET, "127.0.0.1", 7101)
for _ in range(2):
    connect(socket.AF_INET, "127.0.0.1", 7101, keepalive=True)
    held.append(l.accept()[0])
l6 = listen(socket.AF_INET6, "::1", 7111)
connect(socket.AF_INET6, "::1", 7111, keepalive=True)
held.append(l6.accept()[0])
# retransmit: the data is lost on the way in, so it stays unacknowledged;
# persist: it cannot leave (dropped on the way out), so TCP probes
for port in (7102, 7105):
    l = listen(socket.AF_INET, "127.0.0.1", port)
    c = connect(socket.AF_INET, "127.0.0.1", port)
    held.append(l.accept()[0])
    c.send(b"x" * 1000)
# SYN_SENT and SYN_RECV: the SYN-ACKs are dropped
listen(socket.AF_INET, "127.0.0.1", 7103)
connect(socket.AF_INET, "127.0.0.1", 7103, block=False)
# TIME_WAIT on the client side
l = listen(socket.AF_INET, "127.0.0.1", 7104)
for _ in range(3):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.connect(("127.0.0.1", 7104))
    a = l.accept()[0]
    c.close()
    time.sleep(0.05)
    a.close()
print("ready", flush=True)
time.sleep(float(sys.argv[1]))
PY
spawn ip netns exec "$N" python3 "$T/hold.py" 120 >"$T/hold.out" 2>"$T/hold.err"
if ! wait_for "the sockets are in place" 20 grep -q ready "$T/hold.out"; then
	not_ok "the socket holder did not start: $(head -c 300 "$T/hold.err")"
	finish
fi
settled() { [ "$(ns ss -tanH state syn-recv | wc -l)" = 1 ] && [ "$(ns ss -tanH state time-wait | wc -l)" = 3 ]; }
wait_for "SYN_RECV and TIME_WAIT in place" 10 settled || not_ok "population: $(ns ss -tanH | awk '{print $1}' | sort | uniq -c | tr '\n' ' ')"

ns "$FSOCKS" -t -o -i '' 2>"$T/nl.err" | sort >"$T/nl"
ns "$FSOCKS" --backend bpf -t -o -i '' 2>"$T/bpf.err" | sort >"$T/bpf"
ns ss -tanoH >"$T/ss"
ns ss -taneH >"$T/ss_e" 2>/dev/null
check_eq "netlink: no error" "" "$(cat "$T/nl.err")"
check_eq "bpf: no error" "" "$(cat "$T/bpf.err")"

# ss -o -> "STATE laddr lport raddr rport KIND MS" (KIND off when no timer)
cat >"$T/ss.py" <<'PY'
import re, sys
names = {"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
         "TIME-WAIT": "TIME_WAIT", "LISTEN": "LISTEN"}
def ms(t):
    total = 0.0
    for v, u in re.findall(r"([0-9.]+)(h|min|sec|ms)", t):
        total += float(v) * {"h": 3600000, "min": 60000, "sec": 1000, "ms": 1}[u]
    return int(total)
def hp(x):
    a, p = x.rsplit(":", 1)
    a = a.strip("[]")
    if a == "*":
        a = "::"
    if a.startswith("::ffff:"):
        a = a[7:]
    return a + " " + (p if p != "*" else "0")
for line in open(sys.argv[1]):
    f = line.split()
    m = re.search(r"timer:\((\w+),([^,]*),", line)
    kind, left = (m.group(1), ms(m.group(2))) if m else ("off", 0)
    print(names.get(f[0], f[0]), hp(f[3]), hp(f[4]), kind, left)
PY
python3 "$T/ss.py" "$T/ss" | sort >"$T/ss.t"
# filter_socks -o -> the same form
fs_t() { awk '{print $2, $3, $4, $5, $6, $8, $9}' "$1" | sort; }
fs_t "$T/nl" >"$T/nl.t"
fs_t "$T/bpf" >"$T/bpf.t"
kinds() { awk '{print $1, $2, $3, $4, $5, $6}' "$1"; }
check_same "bpf gives every socket the timer kind netlink gives it" "$(kinds "$T/nl.t")" "$(kinds "$T/bpf.t")"
check_same "netlink's timer kinds are ss -o's" "$(kinds "$T/ss.t")" "$(kinds "$T/nl.t")"
check_same "bpf's timer kinds are ss -o's" "$(kinds "$T/ss.t")" "$(kinds "$T/bpf.t")"
for k in keepalive timewait on persist; do
	check "some socket has a $k timer (bpf)" grep -q " $k " "$T/bpf.t"
done
check_eq "the two SYN sockets and the retransmitting one have a timer 'on' (bpf)" \
	"ESTABLISHED 7102 SYN_RECV 7103 SYN_SENT 7103" \
	"$(awk '$6 == "on" {print $1, $3 < 8000 ? $3 : $5}' "$T/bpf.t" | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "the socket whose data cannot leave has a persist timer (bpf)" "ESTABLISHED 7105" \
	"$(awk '$6 == "persist" {print $1, $5}' "$T/bpf.t")"
# the time left: keepalive and time-wait within 3 s of each other; a
# retransmit timer may have fired and backed off between the reads (or be
# due, 0 ms, and not yet run: inet_diag says 0 then), so only its range is
# checked
near() { # DESC FILE_A FILE_B
	local bad
	bad=$(join -j1 <(awk '{print $1"|"$2"|"$3"|"$4"|"$5"|"$6, $7}' "$2" | sort) \
		<(awk '{print $1"|"$2"|"$3"|"$4"|"$5"|"$6, $7}' "$3" | sort) |
		awk '{split($1, k, "|"); d = $2 - $3; if (d < 0) d = -d
		      if ((k[6] == "keepalive" || k[6] == "timewait") && d > 3000) print
		      if ((k[6] == "on" || k[6] == "persist") && ($2 < 0 || $3 < 0 || $2 > 130000 || $3 > 130000)) print
		      if (k[6] == "off" && ($2 != 0 || $3 != 0)) print}')
	check_eq "$1" "" "$bad"
}
near "bpf's time left equals netlink's (keepalive, time-wait within 3 s)" "$T/nl.t" "$T/bpf.t"
near "bpf's time left equals ss -o's" "$T/ss.t" "$T/bpf.t"
near "netlink's time left equals ss -o's" "$T/ss.t" "$T/nl.t"
check "a keepalive timer has about 300 s left (bpf)" \
	awk '$6 == "keepalive" && $7 > 290000 && $7 <= 300000 {f = 1} END {exit !f}' "$T/bpf.t"
check "a time-wait timer has at most 60 s left, more than 50 (bpf)" \
	awk '$6 == "timewait" && $7 > 50000 && $7 <= 60000 {f = 1} END {exit !f}' "$T/bpf.t"

# --- inodes -------------------------------------------------------------------
ino() { awk '{print $2, $3, $4, $5, $6, $NF}' "$1" | sort; }
check_same "bpf gives every socket netlink's inode" "$(ino "$T/nl")" "$(ino "$T/bpf")"
check "the sockets held open have inodes (bpf)" \
	awk '$2 == "ESTABLISHED" && $NF != 0 {n++} END {exit !(n >= 10)}' "$T/bpf"
check_eq "time-wait and request sockets have none (bpf)" "0 0 0 0" \
	"$(awk '$2 == "TIME_WAIT" || $2 == "SYN_RECV" {print $NF}' "$T/bpf" | tr '\n' ' ' | sed 's/ $//')"
SS_INO=$(awk '{for (i = 1; i <= NF; i++) if ($i ~ /^ino:/) {sub(/ino:/, "", $i); print $i}}' "$T/ss_e" | grep -v '^0$' | sort -n)
check_same "the inodes are the ones ss -e shows" "$SS_INO" \
	"$(awk '$NF != 0 {print $NF}' "$T/bpf" | sort -n)"
finish
