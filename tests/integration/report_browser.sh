#!/bin/bash
# needs: ip nft jq python3 chromium timeout
# `sockwatch report` of real recorded floods: a SYN flood on :80 with its
# /24 blocked part way, and a connection flood ended with block --kill.
# The JSON summary's numbers equal a replay's (sockwatch -b --replay), the
# audit log's block is on it; the HTML page opens in a real headless
# browser (Debian's chromium): the summary and every chart are in its DOM,
# there are no scripts and the console is clean, an operator's reason with
# HTML in it stays text; the browser takes a screenshot of each page. A
# truncated recording gives the report of what was readable and a note;
# a file that is no recording is a clear error.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flood_rec.bash"

[ -x "$FARM" ] || { not_ok "$FARM is missing: run 'make tools'"; finish; }
T=$(tmpdir)
SHOTS=${SW_REPORT_SHOTS:-$T}
flood_setup

jqe() { jq -e "$@" >/dev/null; }
# replay_max REC JQ: the highest value of JQ over the batch replay's frames
replay_max() { "$SW_BIN" -b --replay "$1" --json --top 0 | jq -s "[.[] | $2] | max"; }

# browse HTML PNG: chromium's DOM of the page into HTML.dom, its log into
# HTML.log, a screenshot into PNG
browse() {
	local home
	home=$(tmpdir)
	HOME="$home" timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$home/profile" --enable-logging=stderr --v=0 \
		--dump-dom "file://$1" >"$1.dom" 2>"$1.log"
	HOME="$home" timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$home/profile2" --hide-scrollbars --window-size=1100,2300 \
		--screenshot="$2" "file://$1" >/dev/null 2>>"$1.log"
}

page_checks() { # NAME HTML PNG SUMMARY-REGEX
	local name="$1" html="$2" png="$3" re="$4" id
	browse "$html" "$png"
	check "$name: the browser rendered the page" test -s "$html.dom"
	check "$name: the summary is in the DOM" grep -qE "<p id=\"summary\"[^>]*>$re" "$html.dom"
	for id in chart-states chart-counters chart-sources chart-listeners; do
		check "$name: chart $id is an <svg> in the DOM" grep -q "<svg id=\"$id\"" "$html.dom"
	done
	check "$name: the charts have lines" test "$(grep -c '<polyline' "$html.dom")" -ge 4
	check "$name: no script in the page" bash -c '! grep -qi "<script" "$1"' _ "$html.dom"
	check "$name: nothing external (src=, href=, url(, @import)" \
		bash -c '! grep -qiE "(src|href)=|url\(|@import" "$1"' _ "$html"
	check "$name: the console is clean (no CONSOLE or Uncaught in the log)" \
		bash -c '! grep -qiE "CONSOLE|Uncaught|SyntaxError" "$1"' _ "$html.log"
	check "$name: a screenshot ($(stat -c %s "$png" 2>/dev/null) bytes)" \
		bash -c 'test "$(stat -c %s "$1")" -gt 20000' _ "$png"
}

# --- 1. the SYN flood ----------------------------------------------------------
flood_record_syn "$T/syn.rec" "$T/syn.audit"
flood_sw "$T/syn.audit" report "$T/syn.rec" --audit "$T/syn.audit" -g 24 --json >"$T/syn.json"
check "report --json of the SYN flood is JSON" jqe -r .summary "$T/syn.json"
check_eq "its refreshes = the replay's" "$("$SW_BIN" -b --replay "$T/syn.rec" --json | wc -l)" \
	"$(jq .refreshes "$T/syn.json")"
sr=$(replay_max "$T/syn.rec" '.states[] | select(.state == "SYN_RECV") | .count')
check "the flood made SYN_RECV pile up ($sr)" test "$sr" -ge 100
check_eq "peak SYN_RECV = the replay's highest" "$sr" "$(jq .peaks.SYN_RECV "$T/syn.json")"
lsr=$(replay_max "$T/syn.rec" '.listeners[] | select(.port == 80) | .syn_recv')
check_eq "port 80's peak SYN_RECV = the replay's" "$lsr" \
	"$(jq '.listeners[] | select(.port == 80) | .peak_syn_recv' "$T/syn.json")"
src=$("$SW_BIN" -b --replay "$T/syn.rec" -g 24 --json --top 0 |
	jq -s '[.[] | .remotes[] | select(.addr == "198.51.100.0") | .count] | max')
check_eq "grouped by /24 (-g 24), the flood's /24 is the top source with the replay's peak" \
	"198.51.100.0/24 $src" "$(jq -r '.top_sources[0] | "\(.remote) \(.peak_connections)"' "$T/syn.json")"
check "an episode on :80 from the numbers or the diagnosis" \
	jqe '[.episodes[] | select(.subject == ":80")] | length > 0' "$T/syn.json"
check "the block of 198.51.100.0/24 is an action" \
	jqe '[.actions[] | select(.action == "block" and .target == "198.51.100.0/24")] | length == 1' "$T/syn.json"
check "the summary names the flood on :80 and the block ($(jq -r .summary "$T/syn.json"))" \
	jqe '.summary | test("on :80 [^;]*from [0-9:]+ (to|,).*peak [0-9,]+ half-open.*198\\.51\\.100\\.0/24 blocked at [0-9:]+")' "$T/syn.json"
flood_sw "$T/syn.audit" report "$T/syn.rec" --audit "$T/syn.audit" -g 24 -o "$T/syn.html"
page_checks "SYN flood page" "$T/syn.html" "$SHOTS/report-synflood.png" '[^<]*on :80'
check "the page marks the block on the charts" grep -q '<title>[0-9:]* block 198.51.100.0/24' "$T/syn.html.dom"

# --- 2. the connection flood ---------------------------------------------------
flood_record_conn "$T/conn.rec" "$T/conn.audit"
flood_sw "$T/conn.audit" report "$T/conn.rec" --audit "$T/conn.audit" --json >"$T/conn.json"
pk=$(replay_max "$T/conn.rec" '.remotes[] | select(.addr == "203.0.113.66") | .count')
check "the flood held many connections ($pk)" test "$pk" -ge 200
check_eq "the top source is 203.0.113.66 with the replay's peak" "203.0.113.66 $pk" \
	"$(jq -r '.top_sources[0] | "\(.remote) \(.peak_connections)"' "$T/conn.json")"
check "the summary names it and its block ($(jq -r .summary "$T/conn.json"))" \
	jqe '.summary | test("203\\.0\\.113\\.66.*203\\.0\\.113\\.66 blocked at")' "$T/conn.json"
check "the block's reason is kept whole" \
	jqe '[.actions[] | select(.reason == "connection flood <script>x</script>")] | length == 1' "$T/conn.json"
flood_sw "$T/conn.audit" report "$T/conn.rec" --audit "$T/conn.audit" -o "$T/conn.html"
page_checks "connection flood page" "$T/conn.html" "$SHOTS/report-connflood.png" '[^<]*203\.0\.113\.66'
check "the reason with HTML in it stays text" grep -qF '&lt;script&gt;x&lt;/script&gt;' "$T/conn.html.dom"

# --- 3. damage: what was readable, and a note ---------------------------------
size=$(stat -c %s "$T/syn.rec")
head -c $((size / 2)) "$T/syn.rec" >"$T/cut.rec"
flood_sw "$T/syn.audit" report "$T/cut.rec" --json >"$T/cut.json" 2>"$T/cut.err"
check_eq "a truncated recording still gives a report (status 0)" 0 $?
check "... of fewer refreshes" test "$(jq .refreshes "$T/cut.json")" -lt "$(jq .refreshes "$T/syn.json")"
check "... marked incomplete, the note saying where" \
	jqe '.complete == false and (.note | test("truncated|corrupt"))' "$T/cut.json"
check "... and said on stderr" grep -q "the report covers the" "$T/cut.err"
flood_sw "$T/syn.audit" report "$T/cut.rec" -o "$T/cut.html" 2>/dev/null
check "the page says it covers what was readable" grep -q '<p id="note"' "$T/cut.html"
printf 'this is not a recording\n' >"$T/junk.rec"
flood_sw "$T/syn.audit" report "$T/junk.rec" >/dev/null 2>"$T/junk.err"
check_eq "a file that is no recording: status 1" 1 $?
check "... and a message naming it ($(cat "$T/junk.err"))" grep -q 'junk.rec' "$T/junk.err"
finish
