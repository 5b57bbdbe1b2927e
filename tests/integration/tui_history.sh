#!/bin/bash
# needs: ip nft tmux jq python3 timeout
# Trends on a real screen: a flood of connections from 198.51.100.10 that
# keeps renewing itself rises, and the sparklines of its remote and of
# ESTABLISHED rise with it; after `sockwatch block --kill` it falls, and the
# detail view's graph of the remote shows the rise, the fall and a B mark
# at the block. A pause freezes the trends; a replay graphs its recorded
# refreshes; in the C locale and under --no-color the trends are ASCII.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"
. "$(dirname "$0")/flood_rec.bash" # flood_waves

tui_pair 10 11
nft_table_cleanup inet sockwatch "$SRV"
tui_farm "$SRV" serve serve 192.0.2.1 80 --backlog 1024
# a steady client, so ESTABLISHED never drops to nothing
tui_farm "$CLI" steady connect 192.0.2.1 80 --from 198.51.100.11=10
AUDIT="$TUI_TMP/audit.log" ALLOW="$TUI_TMP/allow" REC="$TUI_TMP/flood.rec"
: >"$ALLOW"

# The trend of a row as levels 0-8 (one digit a cell, the newest last):
# "remote ADDR" reads the remotes pane's TREND column, "state NAME" the
# end of the states pane, "graph" the detail graph (its rows, marks).
cat >"$TUI_TMP/trend.py" <<'PY'
import sys
G, A = " \u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588", " .:-=+*%#"
def lv(s):
    return "".join(str(G.index(c)) if c in G else str(A.index(c)) if c in A else "?" for c in s)
# capture-pane leaves out trailing blanks: put them back (160 columns)
lines = [l.ljust(160) for l in sys.stdin.read().split("\n")]
kind = sys.argv[1]
if kind == "remote":
    hdr = next(l for l in lines if "TREND" in l and "REMOTE" in l)
    x = hdr.index("TREND")
    row = next(l for l in lines if " %s " % sys.argv[2] in l.split("\u2502")[-1])
    print(lv(row[x:x + 16]))
elif kind == "state":
    row = next(l for l in lines if l.startswith(sys.argv[2] + " "))
    print(lv(row.split("\u2502")[0][31:]))
elif kind == "graph":
    i = next(i for i, l in enumerate(lines) if l.startswith(" Trend: "))
    part = sys.argv[2]
    if part == "top":
        print(lv(lines[i + 1][7:-1]))
    elif part == "bottom":
        print(lv(lines[i + 6][7:-1]))
    elif part == "marks":
        print(lines[i + 7][7:].rstrip())
    else:
        print(lines[i + 8].strip())
PY
trend() { tui_screen | python3 "$TUI_TMP/trend.py" "$@" 2>/dev/null; }
# rising LEVELS: its non-zero part never goes down, starts below 8, ends at 8
rising() { python3 -c '
import sys
s = [int(c) for c in sys.argv[1].lstrip("0")]
sys.exit(0 if s and s[-1] == 8 and s[0] < 8 and all(a <= b for a, b in zip(s, s[1:])) else 1)' "$1"; }
# fell LEVELS: it reached 8 and its newest cell is lower
fell() { python3 -c '
import sys
s = sys.argv[1]
sys.exit(0 if "8" in s and int(s[-1]) < 8 else 1)' "$1"; }

tui_start 160x40 --netns "$SRV" -d 0.5 --audit-log "$AUDIT" --allow-file "$ALLOW"
tui_wait "the steady client" 10 ' 198\.51\.100\.11 +10 ' || { not_ok "the TUI shows the remotes"; finish; }
sleep 2

# --- a rising flood: waves of 20 connections that each live 4 s ------------
flood_waves 40 0.5 ip netns exec "$CLI" "$FARM" connect 192.0.2.1 80 \
	--from 198.51.100.10=20 --hold 4 --timeout 8
# the batch mode records the same flood for the replay below
spawn "$SW_BIN" -b --netns "$SRV" -n 8 -d 0.5 --record "$REC" >/dev/null
sleep 2.6
r=$(trend remote 198.51.100.10) e=$(trend state ESTABLISHED)
check "the remote's sparkline rises with the flood ($r)" rising "$r"
check "ESTABLISHED's sparkline rises with it ($e)" rising "$e"
sleep 1
r2=$(trend remote 198.51.100.10)
check "... and moves on each refresh ($r -> $r2)" test "$r" != "$r2"

# --- the detail graph, then a block: the flood falls ------------------------
tui_keys Home Enter
tui_check "Enter on the remote: its graph above its sockets" 5 '^ Trend: connections of 198\.51\.100\.10, [0-9]+ refreshes'
"$SW_BIN" --netns "$SRV" --audit-log "$AUDIT" --allow-file "$ALLOW" block 198.51.100.10 \
	--for 5m --kill --reason "history test" >/dev/null
check "the block is in the kernel" bash -c "ip netns exec $SRV nft list table inet sockwatch | grep -q 198.51.100.10"
sleep 2 # killed: its sockets are gone; no new one gets through
check "the graph marks the block (B)" grep -q B <<<"$(trend graph marks)"
top=$(trend graph top) bottom=$(trend graph bottom)
check "the graph reached its top during the flood" grep -q 8 <<<"$top"
check "... and its newest column is at zero after the block (${bottom: -12})" \
	bash -c '[[ "$1" =~ [1-8] && "${1: -1}" == 0 ]]' _ "$bottom"
check "the time axis ends at now" grep -qE '^-[0-9]+s .*now$' <<<"$(trend graph axis)"
tui_keys Escape
tui_wait "the panes" 5 '^ States' || true
e=$(trend state ESTABLISHED)
check "ESTABLISHED's sparkline fell after the block ($e)" fell "$e"

# --- pause: the trends stand still -------------------------------------------
tui_keys Space
tui_wait "paused" 5 'PAUSED' || true
sleep 0.6
p1=$(trend state ESTABLISHED)
sleep 1.5
check "paused, the sparklines stand still ($p1)" test "$p1" == "$(trend state ESTABLISHED)"
tui_keys Space
tmx kill-session -t tui

# --- a replay graphs its recorded refreshes --------------------------------
tui_start 160x40 --replay "$REC" -d 0.2
tui_wait "the replay" 10 '198\.51\.100\.1[01] ' || true
tui_keys Home Enter
tui_check "the replay's graph holds its 8 recorded refreshes" 10 '^ Trend: connections of 198\.51\.100\.1[01], 8 refreshes'
# recorded 0.5 s apart (3.5 s), replayed 0.2 s apart (1.4 s): the axis is the recording's
check "the replay's time axis spans the recorded times ($(trend graph axis | cut -c1-12))" \
	grep -qE '^-[34]s ' <<<"$(trend graph axis)"
tmx kill-session -t tui

# --- ASCII: the C locale, and --no-color --------------------------------------
glyphs='[▁▂▃▄▅▆▇█]'
TUI_ENV="LANG=C LC_ALL=C" tui_start 160x40 --netns "$SRV" -d 0.5
tui_wait "C locale" 10 '198\.51\.100\.11 +10 ' || true
sleep 1.5
check "C locale: no Unicode blocks" bash -c '! LC_ALL=C.UTF-8 grep -q "$1" <<<"$2"' _ "$glyphs" "$(tui_screen)"
check "C locale: ASCII sparklines (#)" grep -qE '^ESTABLISHED +[0-9]+ .*#' <(tui_screen)
tmx kill-session -t tui
tui_start 160x40 --netns "$SRV" -d 0.5 --no-color
tui_wait "--no-color" 10 '198\.51\.100\.11 +10 ' || true
sleep 1.5
check "--no-color: no Unicode blocks" bash -c '! LC_ALL=C.UTF-8 grep -q "$1" <<<"$2"' _ "$glyphs" "$(tui_screen)"
e=$(trend state ESTABLISHED)
check "--no-color: ESTABLISHED's sparkline in ASCII levels ($e)" bash -c '[[ "$1" =~ ^[0-8]+$ && "$1" == *8 ]]' _ "$e"
tmx kill-session -t tui
finish
