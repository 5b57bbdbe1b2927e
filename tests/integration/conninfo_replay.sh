#!/bin/bash
# needs: ip jq timeout python3
# A recording holds the info dumps (INFO items) where the live run made
# them, and a replay has the very same per-connection info at every
# refresh: entries, bytes, rates and ages (tests/tools/conninfo_socks
# prints them), and the same rx_bytes_per_s per remote in JSON. Refreshes
# between info dumps keep the set before. Recordings without INFO items
# (older ones: tests/fixtures/diag.rec) still replay, with no info.
. "$(dirname "$0")/lib.sh"

NS=${SW_TAG}cr
T=$(tmpdir)
TOOL="$SW_BUILD/tools/conninfo_socks"
[ -x "$TOOL" ] || { not_ok "$TOOL is missing: run 'make tools'"; finish; }
ns_add "$NS"
for a in 1 2 3; do ip -n "$NS" addr add 198.51.100.$a/32 dev lo; done
cat >"$T/pop.py" <<'PY'
import socket, time, threading
l = socket.socket(); l.bind(("198.51.100.1", 8080)); l.listen(16)
keep = []
def drain(a):
    while a.recv(1 << 20): pass
for src in ("198.51.100.2", "198.51.100.3"):
    c = socket.socket(); c.bind((src, 0)); c.connect(("198.51.100.1", 8080))
    a, _ = l.accept(); keep += [c, a]
    threading.Thread(target=drain, args=(a,), daemon=True).start()
keep[0].sendall(b"i" * 5000)          # .2 sends once, then idles
print("ready", flush=True)
t0 = time.time()
while time.time() - t0 < 60:          # .3 streams about 500 kB/s
    keep[2].sendall(b"s" * 10000); time.sleep(0.02)
PY
spawn ip netns exec "$NS" python3 "$T/pop.py" >"$T/pop.out" 2>&1
wait_for "the population" 20 grep -q ready "$T/pop.out" || { not_ok "population (log: $(head -c 300 "$T/pop.out"))"; finish; }

# refreshes every second, an info dump every 2: at refreshes 1, 3 and 5
ip netns exec "$NS" "$TOOL" -n 5 -d 1 -e 2 --record "$T/r.rec" >"$T/live" 2>"$T/live.err" ||
	not_ok "the live run ($(cat "$T/live.err"))"
"$TOOL" --replay "$T/r.rec" >"$T/replay" 2>"$T/replay.err" || not_ok "the replay ($(cat "$T/replay.err"))"
check_eq "5 refreshes replayed" 5 "$(grep -c '^refresh' "$T/replay")"
check "the replay's info equals the live run's at every refresh" cmp -s "$T/live" "$T/replay"
[ -s "$T/live" ] && diff "$T/live" "$T/replay" | head -n 10 | sed 's/^/#   /'
check_eq "2 sockets in every set" "2 2 2 2 2" "$(awk '/^refresh/ { printf "%s%s", s, $4; s = " " }' "$T/live")"
check "rates are known from the second dump on (refresh 3)" \
	bash -c "awk '/^refresh 3/ { on = 1; next } /^refresh/ { on = 0 } on && / rate - / { exit 1 }' '$T/live'"

# the INFO items are in the refreshes that made a dump, and only there
cat >"$T/items.py" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:14] == b"SOCKWATCH-REC\n"
off, refresh, out = 18, 0, []
while off + 8 <= len(d):
    t, n = struct.unpack_from("<II", d, off)
    if t == 1: refresh += 1; info = 0
    if t == 7: info += 1
    if t == 6: out.append("%d:%s" % (refresh, "info" if info else "-"))
    off += 8 + n
print(" ".join(out))
PY
check_eq "INFO items at refreshes 1, 3 and 5" "1:info 2:- 3:info 4:- 5:info" "$(python3 "$T/items.py" "$T/r.rec")"
# between dumps the set is kept: refresh 2 lists refresh 1's bytes
check_eq "refresh 2 keeps refresh 1's set" \
	"$(awk '/^refresh 1/ { on = 1; next } /^refresh/ { on = 0 } on { print $6 }' "$T/live")" \
	"$(awk '/^refresh 2/ { on = 1; next } /^refresh/ { on = 0 } on { print $6 }' "$T/live")"

# --- a second run appended: its first dump starts over on replay ------------
ip netns exec "$NS" "$TOOL" -n 2 -d 1 --record "$T/r.rec" >"$T/live2" 2>"$T/live2.err" ||
	not_ok "the appended run ($(cat "$T/live2.err"))"
"$TOOL" --replay "$T/r.rec" >"$T/replay2"
strip() { sed -E 's/^refresh [0-9]+ /refresh /' "$@"; }
check_eq "the recording now replays 5 + 2 refreshes" 7 "$(grep -c '^refresh' "$T/replay2")"
check "the appended run replays as it was live (rates unknown at its first dump, seen at start)" \
	cmp -s <(strip "$T/live2") <(awk '/^refresh 6 /{ on = 1 } on' "$T/replay2" | strip)
check "... where the live run had no rate yet" grep -q ' rate - .* start 1$' "$T/live2"

# --- sockwatch itself: rx_bytes_per_s live and replayed ----------------------
ip netns exec "$NS" timeout 30 "$SW_BIN" -b --json -n 4 -d 1 --info-every 1 --top 0 \
	--record "$T/s.rec" >"$T/sl" 2>"$T/sl.err" || not_ok "sockwatch live ($(cat "$T/sl.err"))"
timeout 30 "$SW_BIN" -b --json --top 0 --replay "$T/s.rec" >"$T/sr" 2>"$T/sr.err" ||
	not_ok "sockwatch replay ($(cat "$T/sr.err"))"
rxs() { jq -c '[.remotes[] | [.addr, .rx_bytes_per_s]]' "$1"; }
check "JSON: the replay's rx_bytes_per_s equal the live run's" cmp -s <(rxs "$T/sl") <(rxs "$T/sr")
check "... and they were measured (the streamer's is a number)" \
	bash -c "tail -n 1 '$T/sl' | jq -e '.remotes[] | select(.addr == \"198.51.100.3\") | .rx_bytes_per_s > 100000' >/dev/null"

# --- an old recording without INFO items ------------------------------------
FIX="$TESTS_DIR/fixtures/diag.rec"
"$TOOL" --replay "$FIX" >"$T/old" 2>"$T/old.err"
check_eq "an old recording replays: no info at any refresh" "refresh 1 info none|refresh 2 info none" \
	"$(paste -sd'|' "$T/old")"
check_eq "... and sockwatch's JSON has rx_bytes_per_s null" "null" \
	"$("$SW_BIN" -b --json --replay "$FIX" | tail -n 1 | jq -r '[.remotes[].rx_bytes_per_s] | unique | map(tostring) | join(",")')"
finish
