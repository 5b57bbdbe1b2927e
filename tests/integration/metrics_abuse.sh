#!/bin/bash
# needs: curl python3 promtool timeout
# Bad and hostile requests to --metrics get an HTTP error (or a closed
# connection) and nothing else happens: a wrong method (405 with Allow),
# a huge header (431), a path that is not there (404), a scraper outside
# --metrics-allow (403), slow clients holding connections (bounded per
# address, closed after the timeout, while others are still served), and
# 1,000 parallel scrapes (bounded; answered from the last refresh). All
# the while the refresh keeps its pace and sockwatch its memory: the
# refresh count and VmRSS are measured before and after.
. "$(dirname "$0")/lib.sh"

T=$(tmpdir)
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
# 127.0.0.1 and 127.0.0.3 may scrape; 127.0.0.2 may not. (Under ASan,
# freed memory waits in a quarantine of 256 MB: VmRSS would grow by what
# was freed; a small quarantine keeps the measure meaningful.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" spawn "$SW_BIN" -b -n 1000000 -d 0.2 --metrics "127.0.0.1:$PORT" \
	--metrics-allow 127.0.0.1,127.0.0.3/32 >/dev/null 2>"$T/sw.err"
SW_PID=$SPAWNED
wait_for "the endpoint" 10 curl -sf -o /dev/null "$URL/metrics" ||
	{ not_ok "sockwatch never served /metrics: $(head -c 300 "$T/sw.err")"; finish; }

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
seq_now() { curl -sf "$URL/metrics" | awk '$1 == "sockwatch_refreshes_total" {print $2}'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SW_PID/status"; }

# a baseline after the first few refreshes have grown the buffers
sleep 1
SEQ0=$(seq_now) RSS0=$(rss_kb) T0=$(date +%s.%N)

check_eq "GET / is the landing page" 200 "$(code "$URL/")"
check_eq "HEAD /metrics" 200 "$(code -I "$URL/metrics")"
for m in POST PUT DELETE PATCH OPTIONS; do
	check_eq "$m /metrics is refused: 405" 405 "$(code -X "$m" "$URL/metrics")"
done
check "405 says what is allowed" sh -c "curl -s -i -X POST '$URL/metrics' | grep -qi '^Allow: GET, HEAD'"
check_eq "a path that is not there: 404" 404 "$(code "$URL/etc/passwd")"
check_eq "a 20 KB header: 431" 431 "$(code -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$URL/metrics")"
check_eq "a scraper outside --metrics-allow (127.0.0.2): 403" 403 \
	"$(code --interface 127.0.0.2 "$URL/metrics")"
check_eq "inside it (127.0.0.3): 200" 200 "$(code --interface 127.0.0.3 "$URL/metrics")"
curl -s --interface 127.0.0.2 "$URL/metrics" >"$T/403.body"
check "the 403 gives away no metrics" sh -c "! grep -q '^sockwatch_' '$T/403.body'"
# bytes that are not HTTP: an error, and the server goes on
printf 'GARBAGE\r\n\r\n' >"$T/garbage"
python3 - "$PORT" >"$T/garbage.out" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n")
try:
    print(s.recv(100).split(b"\r\n")[0].decode(errors="replace"))
except Exception as e:
    print("closed", e)
EOF
check "non-HTTP bytes get a 400 or a closed connection" grep -qE '^(HTTP/1.[01] 400|closed|$)' "$T/garbage.out"

# slow clients: 40 connections from 127.0.0.2 that send half a request
# and wait; at most 8 are taken from one address, and those are closed
# after the 5 s timeout. Meanwhile a scraper elsewhere is served.
python3 - "$PORT" >"$T/slow.out" <<'EOF' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(40):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # never finished
        held.append(s)
    except OSError:
        pass
def still_open():
    n = 0
    for s in held:
        s.settimeout(0.02)
        try:
            if s.recv(1) != b"":
                n += 1  # an answer: not what a half request gets
        except socket.timeout:
            n += 1
        except OSError:
            pass
    return n
time.sleep(1)
print("open", still_open())
time.sleep(7)  # past the 5 s timeout
print("alive_after", still_open())
EOF
SLOW=$!
sleep 2
check_eq "a scraper is served while slow clients hold their connections" 200 \
	"$(code -m 3 --interface 127.0.0.3 "$URL/metrics")"
wait "$SLOW"
echo "# slow clients: $(tr '\n' ' ' <"$T/slow.out")"
read -r _ OPEN <"$T/slow.out"
check "slow clients from one address: at most 8 held ($OPEN)" [ "${OPEN:-99}" -le 8 ]
check "the held ones are closed by the timeout" grep -qx 'alive_after 0' "$T/slow.out"

# 1,000 parallel scrapes (100 threads x 10), bounded in time
python3 - "$PORT" >"$T/storm.out" <<'EOF'
import socket, sys, threading, collections
port = int(sys.argv[1])
codes = collections.Counter()
lock = threading.Lock()
def one():
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
        c = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "closed"
    except OSError:
        c = "refused"
    with lock:
        codes[c] += 1
def worker():
    for _ in range(10):
        one()
ts = [threading.Thread(target=worker) for _ in range(100)]
for t in ts: t.start()
for t in ts: t.join(timeout=60)
print(" ".join("%s=%d" % kv for kv in sorted(codes.items())))
print("total", sum(codes.values()))
EOF
echo "# storm: $(head -1 "$T/storm.out")"
check "1,000 parallel scrapes all ended (served or turned away)" grep -q '^total 1000$' "$T/storm.out"
check "some of them were served" grep -qE '(^| )200=[1-9]' "$T/storm.out"
check "none got a server error" sh -c "! grep -qE '(^| )5[0-9][0-9]=' '$T/storm.out'"

# the refresh kept its pace and sockwatch its memory
SEQ1=$(seq_now) RSS1=$(rss_kb) T1=$(date +%s.%N)
EXPECT=$(awk -v a="$T0" -v b="$T1" 'BEGIN {printf "%d", (b - a) / 0.2}')
echo "# refreshes $SEQ0 -> $SEQ1 in $(awk -v a="$T0" -v b="$T1" 'BEGIN {printf "%.1f", b - a}') s (one per 0.2 s: $EXPECT); VmRSS $RSS0 -> $RSS1 kB"
check "refreshes kept their pace (at least 80% of one per 0.2 s)" \
	[ $((SEQ1 - SEQ0)) -ge $((EXPECT * 8 / 10)) ]
check "memory stayed (VmRSS grew less than 8 MB)" [ $((RSS1 - RSS0)) -lt 8192 ]
check "the exposition after all that is still clean" sh -c "curl -sf '$URL/metrics' | promtool check metrics"
check "sockwatch still runs" kill -0 "$SW_PID"
finish
