#!/bin/bash
# Regenerate screenshots/*.png: the real sockwatch TUI in a real xterm
# (under Xvfb, captured with ImageMagick's import) while network
# namespaces made here go through a simulated SYN flood and a connection
# flood; then the incident reports of recorded floods in headless chromium
# (tests/integration/report_browser.sh). Needs root (namespaces), `make` and `make tools` (sockfarm), and
# the packages in scripts/install-deps (xvfb, xterm, imagemagick,
# x11-utils, xdotool, fonts-dejavu-core). Everything it makes is removed on exit.
#   scripts/screenshots.sh [OUTDIR]        (default: screenshots/)
set -u
cd "$(dirname "$0")/.."
OUT=${1:-screenshots}
export SW_BIN=${SW_BIN:-$PWD/sockwatch}
. tests/integration/lib.sh
FARM=${SW_FARM:-$SW_BUILD/tools/sockfarm}
for t in Xvfb xterm import xwininfo xdotool "$SW_BIN" "$FARM"; do
	command -v "$t" >/dev/null || { echo "screenshots: $t is missing (make; make tools; scripts/install-deps --screenshots)" >&2; exit 1; }
done
mkdir -p "$OUT"
TMP=$(tmpdir)

# --- an X server of our own ----------------------------------------------
for d in $(seq 90 120); do [ -e "/tmp/.X$d-lock" ] || break; done
spawn Xvfb ":$d" -screen 0 1400x900x24 -nolisten tcp
export DISPLAY=":$d"
wait_for "Xvfb" 10 xwininfo -root >/dev/null 2>&1 || { echo "screenshots: Xvfb did not start" >&2; exit 1; }

# --- two namespaces joined by a veth: the server and "the internet" ------
SRV=${SW_TAG}srv CLI=${SW_TAG}net
ns_add "$SRV"
ns_add "$CLI"
veth_pair "${SW_TAG}a" "$SRV" 192.0.2.1/24 "${SW_TAG}b" "$CLI" 192.0.2.2/24
ip -n "$SRV" route add 198.51.100.0/24 via 192.0.2.2
ip -n "$SRV" route add 203.0.113.0/24 via 192.0.2.2
for a in $(seq 10 49); do ip -n "$CLI" addr add "198.51.100.$a/32" dev "${SW_TAG}b"; done
for a in 5 6 7 9 66 67 68; do ip -n "$CLI" addr add "203.0.113.$a/32" dev "${SW_TAG}b"; done
ip netns exec "$SRV" sysctl -qw net.ipv4.tcp_max_syn_backlog=512 net.ipv4.tcp_synack_retries=5 \
	net.ipv4.tcp_syncookies=1
nft_table_cleanup inet sockwatch "$SRV"
nft_table_cleanup inet "${SW_TAG}drop" "$CLI"
# the flood's sources never answer: drop SYN-ACKs from port 80 on their side
printf 'table inet %s {\n chain in {\n  type filter hook input priority 0;\n  tcp sport 80 tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
	"${SW_TAG}drop" | ip netns exec "$CLI" nft -f -

farm() { # NS ARGS...
	local ns="$1"
	shift
	spawn ip netns exec "$ns" "$FARM" "$@"
}
sources() { # FIRST LAST: 198.51.100.FIRST..LAST joined by commas
	seq -s, -f "198.51.100.%g" "$1" "$2"
}

# shot NAME: wait for the screen to settle, capture the xterm window
shot() {
	local id
	id=$(xwininfo -root -tree | awk '/"sockwatch-shot"/ { print $1; exit }')
	[ -n "$id" ] || { echo "screenshots: no xterm window" >&2; return 1; }
	import -window "$id" "$OUT/$1.png" && echo "screenshots: wrote $OUT/$1.png"
}

# term ARGS...: sockwatch in a 120x40 xterm; XPID its pid
term() {
	spawn xterm -T sockwatch-shot -geometry 120x40+0+0 -fa 'DejaVu Sans Mono' -fs 11 \
		-bg black -fg grey90 -e env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \
		"$SW_BIN" "$@"
	XPID=$SPAWNED
}

# key KEYS...: type into the xterm (XTEST, to the focused window)
key() {
	local id
	id=$(xdotool search --name sockwatch-shot | head -n 1)
	xdotool windowfocus --sync "$id" key --delay 150 "$@"
}

# --- 1. SYN flood on port 80 ---------------------------------------------
farm "$SRV" serve 192.0.2.1 80 --backlog 128 --timeout 120
farm "$SRV" serve 192.0.2.1 443 --backlog 511 --timeout 120
farm "$SRV" serve 192.0.2.1 22 --timeout 120
sleep 0.5
farm "$CLI" connect 192.0.2.1 443 --from 203.0.113.5=40,203.0.113.6=25,203.0.113.7=12 --timeout 120
farm "$CLI" connect 192.0.2.1 22 --from 203.0.113.9=1 --timeout 120
# waves of SYNs from 40 sources, bounded: 30 waves over 15 s
(
	for i in $(seq 30); do
		ip netns exec "$CLI" "$FARM" synflood 192.0.2.1 80 --count 240 \
			--from "$(sources 10 49)" --hold 4 --timeout 6 >/dev/null 2>&1 &
		sleep 0.5
	done
	wait
) &
_sw_pids+=($!)
sleep 3
term --netns "$SRV" -d 1 --warn-syn-recv 100 --audit-log "$TMP/audit.log"
sleep 6
shot synflood
key g
sleep 2.5
shot synflood-grouped
kill "$XPID" 2>/dev/null
sleep 8 # the waves end, request sockets time out
for p in $(ip netns pids "$CLI"); do kill "$p" 2>/dev/null; done
for p in $(ip netns pids "$SRV"); do kill "$p" 2>/dev/null; done
sleep 1

# --- 2. connection flood: one client holds 600 connections ---------------
ip netns exec "$CLI" nft delete table inet "${SW_TAG}drop"
farm "$SRV" serve 192.0.2.1 80 --timeout 120
farm "$SRV" serve 192.0.2.1 8080 --backlog 64 --no-accept --timeout 120
farm "$SRV" serve 192.0.2.1 82 --close --timeout 120
sleep 0.5
: >"$TMP/allow" # an empty allow list (a regular file: /dev/null is refused)
# the screen first, so its history sees the flood come
term --netns "$SRV" -d 1 --audit-log "$TMP/audit.log" --allow-file "$TMP/allow"
sleep 2
farm "$CLI" connect 192.0.2.1 80 --from 203.0.113.67=150,203.0.113.5=40,203.0.113.6=22 --timeout 120
farm "$CLI" connect 192.0.2.1 8080 --from 203.0.113.66=64 --timeout 120
# the flood: 600 connections from 203.0.113.66 in six waves a second apart
for i in $(seq 6); do
	farm "$CLI" connect 192.0.2.1 80 --from 203.0.113.66=100 --timeout 120
	sleep 1
done
# churn: short connections the server closes (TIME_WAIT on the server)
(
	for i in $(seq 20); do
		ip netns exec "$CLI" "$FARM" connect 192.0.2.1 82 --from 203.0.113.68=12 --hold 1 \
			--timeout 3 >/dev/null 2>&1 &
		sleep 0.5
	done
	wait
) &
_sw_pids+=($!)
sleep 4
shot connflood
# the top remote's graph over the history, above its sockets
key Home Return
sleep 2.5
shot detail-trend
key Escape
sleep 1
key Home b
sleep 1
shot block-confirm
key Return
sleep 2
key B
sleep 2
shot blocks
kill "$XPID" 2>/dev/null

# --- 3. incident reports of recorded floods, in headless chromium ---------
# report_browser.sh records a SYN flood and a connection flood in
# namespaces of its own, reports them and screenshots the pages
SW_REPORT_SHOTS="$(cd "$OUT" && pwd)" bash tests/integration/report_browser.sh |
	grep -v '^ok' || true
ls "$OUT"/report-*.png
exit 0
