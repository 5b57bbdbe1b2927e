#!/bin/bash
# needs: ip tmux jq ss timeout python3
# The detail view (Enter on a remote) lists its sockets with what tcp_info
# says and the process that holds each: a server process (its name set to
# swsrv) holds the server sides of three connections from 198.51.100.2,
# each of which sent a known number of bytes; a client process (swcli)
# holds the client sides. Enter on 198.51.100.2 shows the three sockets
# with RECV equal to the bytes sent, an age that is "at least" (open before
# sockwatch looked), and PROCESS swsrv/PID; Esc, then the server's
# address: the client sides, owned by swcli/PID, with "-" for the tcp_info
# columns (outbound sockets are not measured). The remotes pane has RX/S.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

NS=${SW_TAG}td
ns_add "$NS"
for a in 1 2; do ip -n "$NS" addr add 198.51.100.$a/32 dev lo; done
cat >"$TUI_TMP/pop.py" <<'PY'
import ctypes, os, socket, sys, time
libc = ctypes.CDLL(None)
def name(n): libc.prctl(15, n.encode(), 0, 0, 0)
l = socket.socket(); l.bind(("198.51.100.1", 8080)); l.listen(16)
r, w = os.pipe()
if os.fork() == 0:            # the client: three connections, then idle
    name("swcli")
    keep = []
    for n in (1111, 22222, 333333):
        c = socket.socket(); c.bind(("198.51.100.2", 0)); c.connect(("198.51.100.1", 8080))
        c.sendall(b"x" * n); keep.append(c)
    os.write(w, b"1")
    time.sleep(600)
name("swsrv")
keep = []
for n in (1111, 22222, 333333):
    a, _ = l.accept(); got = 0
    while got < n: got += len(a.recv(1 << 20))
    keep.append(a)
os.read(r, 1)
print("ready", os.getpid(), flush=True)
time.sleep(600)
PY
spawn ip netns exec "$NS" python3 "$TUI_TMP/pop.py" >"$TUI_TMP/pop.out" 2>&1
wait_for "the population" 20 grep -q ready "$TUI_TMP/pop.out" || { not_ok "population (log: $(head -c 300 "$TUI_TMP/pop.out"))"; finish; }
SRVPID=$(awk '/ready/ { print $2 }' "$TUI_TMP/pop.out")
CLIPID=$(pgrep -P "$SRVPID" -x swcli | head -n 1)
check "the client process is there ($CLIPID)" test -n "$CLIPID"

tui_start 200x40 --netns "$NS" -d 0.5 --info-every 1
tui_check "the remotes pane has RX/S" 10 'RX/S'
tui_check "the server's address (outbound here) is the top remote" 10 '│ >198\.51\.100\.1 +3 '
tui_check "the client's RX/S is measured: 0 (idle) after two info dumps" 10 '│  198\.51\.100\.2 +3 +0 +0 +0 '
check "the outbound remote's RX/S is not known: -" grep -qE '│ >198\.51\.100\.1 +3 +0 +0 +- ' <(tui_screen)
tui_keys Enter
tui_check "Enter on the server's address: its detail" 10 'Sockets of 198\.51\.100\.1: 3 '
tui_check "the detail has the tcp_info and process columns" 5 'AGE +RECV +ACKED +IDLE-R +IDLE-S +RTT +RETR +PROCESS'
tui_check "the client sides: no tcp_info (outbound), owned by swcli/$CLIPID" 10 \
	"198\.51\.100\.2:[0-9]+ +198\.51\.100\.1:8080 +ESTABLISHED +- +- +- +- +- +- +- +swcli/$CLIPID "
check_eq "... all three" 3 "$(tui_screen | grep -cE "ESTABLISHED +- +- +- +- +- +- +- +swcli/$CLIPID ")"
tui_keys Escape
tui_check "Esc: back to the remotes" 5 '│  198\.51\.100\.2 +3 '
tui_keys Down
tui_keys Enter
tui_check "Enter on 198.51.100.2: its detail" 10 'Sockets of 198\.51\.100\.2: 3 '
for n in 1111 22222 333k; do
	tui_check "a socket that received $n, open before sockwatch looked, owned by swsrv/$SRVPID" 10 \
		"198\.51\.100\.1:8080 +198\.51\.100\.2:[0-9]+ +ESTABLISHED +[0-9hms]+\+ +$n +0 +[0-9hms]+ +[0-9hms]+ +[0-9.]+(us|ms) +0 +swsrv/$SRVPID "
done
check_eq "every row names its process" 3 "$(tui_screen | grep -cE "ESTABLISHED .* swsrv/$SRVPID ")"
tui_quit_lost 0 'SW-EXIT=0'
finish
