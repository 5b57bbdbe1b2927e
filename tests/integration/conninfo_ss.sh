#!/bin/bash
# needs: ip ss jq timeout python3
# Per-connection truth: in a namespace, four clients (198.51.100.2-.5)
# connect to a listener at 198.51.100.1:8080 and send known byte counts
# (the server answers with known counts too), then sit idle; a fifth
# connection is left in CLOSE_WAIT. The engine's info set (tcp_info of
# inbound ESTABLISHED sockets, shown by tests/tools/conninfo_socks) must
# hold exactly the four server-side sockets, with bytes_received equal to
# what each client sent and to ss -tin's, bytes_acked equal to ss's;
# the client sides (not on a listened port) and the CLOSE_WAIT socket are
# not in it. A user filter narrows it, also one that hides the listeners
# ('state established'). Then a sixth client streams about 1 MB/s: JSON
# gives its remote rx_bytes_per_s near that, an idle remote 0, a remote
# measured once null.
. "$(dirname "$0")/lib.sh"

NS=${SW_TAG}ci
T=$(tmpdir)
TOOL="$SW_BUILD/tools/conninfo_socks"
[ -x "$TOOL" ] || { not_ok "$TOOL is missing: run 'make tools'"; finish; }
ns_add "$NS"
for a in 1 2 3 4 5 6 7; do ip -n "$NS" addr add 198.51.100.$a/32 dev lo; done

cat >"$T/pop.py" <<'PY'
import socket, sys, time, threading
SENT = {"198.51.100.2": 1000, "198.51.100.3": 25000, "198.51.100.4": 400000,
        "198.51.100.5": 7}
BACK = {"198.51.100.2": 300, "198.51.100.3": 7000, "198.51.100.4": 120000,
        "198.51.100.5": 1}
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("198.51.100.1", 8080)); l.listen(64)
keep = []
def serve(a, want, back):
    got = 0
    while got < want:
        b = a.recv(65536)
        if not b: break
        got += len(b)
    a.sendall(b"y" * back)
ths = []
for src, n in SENT.items():
    c = socket.socket(); c.bind((src, 0)); c.connect(("198.51.100.1", 8080))
    a, peer = l.accept()
    t = threading.Thread(target=serve, args=(a, n, BACK[src])); t.start(); ths.append(t)
    c.sendall(b"x" * n)
    got = 0
    while got < BACK[src]:
        got += len(c.recv(65536))
    keep += [c, a]
for t in ths: t.join()
# CLOSE_WAIT on the server side: the client closes, the server does not
c = socket.socket(); c.bind(("198.51.100.6", 0)); c.connect(("198.51.100.1", 8080))
a, _ = l.accept(); c.close(); keep.append(a)
print("ready", flush=True)
if len(sys.argv) > 1:
    # the streamer: about 1 MB/s from 198.51.100.7 for 15 s
    s = socket.socket(); s.bind(("198.51.100.7", 0)); s.connect(("198.51.100.1", 8080))
    a, _ = l.accept(); keep += [s, a]
    threading.Thread(target=lambda: [a.recv(1 << 20) for _ in iter(int, 1)], daemon=True).start()
    print("streaming", flush=True)
    t0 = time.time()
    while time.time() - t0 < 15:
        s.sendall(b"z" * 20000); time.sleep(0.02)
time.sleep(600)
PY
spawn ip netns exec "$NS" python3 "$T/pop.py" >"$T/pop.out" 2>&1
wait_for "the population" 20 grep -q ready "$T/pop.out" || { not_ok "population (log: $(head -c 300 "$T/pop.out"))"; finish; }

# --- the info set against ss ---------------------------------------------
ip netns exec "$NS" "$TOOL" >"$T/ci" 2>"$T/ci.err" || not_ok "conninfo_socks ran ($(cat "$T/ci.err"))"
ip netns exec "$NS" ss -tinH state established '( sport = :8080 )' >"$T/ss"
check_eq "the info set: the 4 inbound ESTABLISHED sockets" "refresh 1 info 4" "$(head -n 1 "$T/ci")"
check_eq "ss agrees there are 4" 4 "$(grep -c '198\.51\.100\.1:8080' "$T/ss")"
# ss -tin prints the socket line, then its tcp_info line
ss_field() { # REMOTE FIELD
	awk -v r="$1:" -v f="$2" '
		index($0, "198.51.100.1:8080") { on = index($0, " " r) > 0; next }
		on { for (i = 1; i <= NF; i++) if (index($i, f ":") == 1) { sub(f ":", "", $i); print $i } on = 0 }' "$T/ss"
}
ci_field() { # REMOTE FIELD
	awk -v r="$1" -v f="$2" '$1 == "198.51.100.1" && $2 == 8080 && $3 == r {
		for (i = 5; i < NF; i++) if ($i == f) print $(i + 1) }' "$T/ci"
}
declare -A SENT=([198.51.100.2]=1000 [198.51.100.3]=25000 [198.51.100.4]=400000 [198.51.100.5]=7)
declare -A BACK=([198.51.100.2]=300 [198.51.100.3]=7000 [198.51.100.4]=120000 [198.51.100.5]=1)
for r in 198.51.100.2 198.51.100.3 198.51.100.4 198.51.100.5; do
	check_eq "$r: bytes received = what it sent" "${SENT[$r]}" "$(ci_field "$r" rx)"
	check_eq "$r: bytes received = ss's" "$(ss_field "$r" bytes_received)" "$(ci_field "$r" rx)"
	check_eq "$r: bytes acked = ss's" "$(ss_field "$r" bytes_acked)" "$(ci_field "$r" acked)"
	check_eq "$r: bytes acked = the answer it was sent" "${BACK[$r]}" "$(ci_field "$r" acked)"
	check_eq "$r: no retransmits" 0 "$(ci_field "$r" retrans)"
	lr=$(ci_field "$r" lastrecv) sl=$(ss_field "$r" lastrcv)
	check "$r: idle receiving ($lr ms) within 2 s of ss's ($sl ms)" \
		test "${lr:-x}" -ge 0 -a "$((${lr:-0} - ${sl:-999999}))" -le 2000 -a "$((${sl:-0} - ${lr:-999999}))" -le 2000
	check_eq "$r: rate unknown after one dump" "-" "$(ci_field "$r" rate)"
done
check "the client sides are not in it" bash -c "! grep -qE ' 8080 rx' '$T/ci'"
check "the CLOSE_WAIT socket is not in it" bash -c "! grep -q '198\.51\.100\.6' '$T/ci'"
check "every socket seen at start" bash -c "awk 'NR > 1 && \$NF != 1 { exit 1 }' '$T/ci'"

# --- the user's filter narrows it ------------------------------------------
ip netns exec "$NS" "$TOOL" -f 'dst 198.51.100.3' >"$T/cf"
check_eq "-f 'dst 198.51.100.3': its socket alone" "refresh 1 info 1|198.51.100.3" \
	"$(head -n 1 "$T/cf")|$(awk 'NR == 2 { print $3 }' "$T/cf")"
ip netns exec "$NS" "$TOOL" -f 'state established' >"$T/cs"
check_eq "-f 'state established' (no listener passes it): all 4" "refresh 1 info 4" "$(head -n 1 "$T/cs")"
ip netns exec "$NS" "$TOOL" -f 'state time-wait' >"$T/ct"
check_eq "-f 'state time-wait': no info dump at all" "refresh 1 info none" "$(head -n 1 "$T/ct")"

# --- the second dump: rates; first seen carried by cookie --------------------
ip netns exec "$NS" "$TOOL" -n 2 -d 1 >"$T/c2"
check_eq "two dumps" "refresh 2 info 4" "$(grep '^refresh 2' "$T/c2")"
check_eq "idle sockets: rate 0 in the second" "0.000 0.000 0.000 0.000" \
	"$(awk '/^refresh 2/ { on = 1; next } on { for (i = 1; i < NF; i++) if ($i == "rate") printf "%s%s", sep, $(i + 1); sep = " " }' "$T/c2")"
check "first seen is kept: ages grow by the interval" bash -c "
	a1=\$(awk '/^refresh 1/ { on = 1; next } /^refresh/ { on = 0 } on && \$3 == \"198.51.100.2\" { for (i = 1; i < NF; i++) if (\$i == \"age_ns\") print \$(i + 1) }' '$T/c2')
	a2=\$(awk '/^refresh 2/ { on = 1; next } on && \$3 == \"198.51.100.2\" { for (i = 1; i < NF; i++) if (\$i == \"age_ns\") print \$(i + 1) }' '$T/c2')
	[ \"\$a1\" = 0 ] && [ \"\$a2\" -ge 900000000 ] && [ \"\$a2\" -le 3000000000 ]"

# --- a streaming client: rx_bytes_per_s per remote ---------------------------
kill "$SPAWNED"; wait "$SPAWNED" 2>/dev/null
spawn ip netns exec "$NS" python3 "$T/pop.py" stream >"$T/pop2.out" 2>&1
wait_for "the streamer" 20 grep -q streaming "$T/pop2.out" || { not_ok "streamer (log: $(head -c 300 "$T/pop2.out"))"; finish; }
ip netns exec "$NS" timeout 30 "$SW_BIN" -b --json -n 4 -d 1 --info-every 1 --top 0 >"$T/j" 2>"$T/j.err"
check_eq "4 JSON refreshes" 4 "$(wc -l <"$T/j")"
rx() { sed -n "${1}p" "$T/j" | jq -r --arg a "$2" '.remotes[] | select(.addr == $a) | .rx_bytes_per_s'; }
check_eq "the first refresh: rates unknown (null)" "null null" "$(rx 1 198.51.100.7) $(rx 1 198.51.100.2)"
for k in 3 4; do
	v=$(rx $k 198.51.100.7)
	check "refresh $k: the streamer's RX ($v B/s) is about 1 MB/s" \
		awk -v v="$v" 'BEGIN { exit !(v != "null" && v > 400000 && v < 1500000) }'
	check_eq "refresh $k: an idle client receives 0 B/s" 0 "$(rx $k 198.51.100.2)"
	check_eq "refresh $k: the server's address, an outbound peer here, null" null "$(rx $k 198.51.100.1)"
done
ip netns exec "$NS" timeout 30 "$SW_BIN" -b --json -n 3 -d 1 --info-every 0 >"$T/j0"
check_eq "--info-every 0: no rates" "null" "$(tail -n 1 "$T/j0" | jq -r '[.remotes[].rx_bytes_per_s | select(. != null)] | if length == 0 then "null" else "some" end')"
finish
