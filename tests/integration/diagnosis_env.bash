# Shared setup of the diagnosis tests (sourced after lib.sh; not a test by
# itself: tests/run only runs *.sh). A server namespace SRV and a client
# namespace CLI joined by a veth pair (farm.bash's farm_topology), with
# the extra routes the attacks need; the load tools of tests/tools.
#
#   SRV 192.0.2.1/24 2001:db8::1/64; routes to 198.51.100.0/24,
#       203.0.113.0/24 via 192.0.2.2 and 2001:db8:1::/64, 2001:db8:100::/40,
#       2001:db8:200::/40 via 2001:db8::2 (replies to spoofed sources leave
#       by the veth, where the client drops them; nothing routes off the
#       machine).
#   CLI 192.0.2.2/24 2001:db8::2/64 (+ addresses from diag_client_addrs)
#
# Helpers:
#   diag_client_addrs ADDR...     add host addresses to CLI (one ip -batch)
#   diag_v4_hosts PREFIX24 A B    "P.A,P.(A+1),...,P.B"
#   diag_drop_synack PORT         CLI drops the server's SYN-ACKs from PORT
#                                 (so no handshake completes)
#   diag_run N [ARGS...]          sockwatch -b --json -n N -d 1 --netns SRV
#                                 into $DIAG_OUT (one frame a line); fails
#                                 the test when it fails; checks each
#                                 frame has a diagnosis array
#   diag_last                     the last frame
#   check_finding DESC KIND JQ    ok when the last frame has a finding of
#                                 KIND for which JQ (over the finding, with
#                                 the DIAG_JQ definitions) holds; else shows
#                                 the diagnosis it had
#   show_diagnosis                the last frame's diagnosis, as comments
#   diag_targets [KIND]           the block targets the last frame proposes
#   v4_in PREFIX ADDR             ADDR lies in PREFIX (IPv4)
#   srv_counter NAME...           sum of the server's TcpExt counters
#   sw_srv / sw_cli CMD...        run CMD in SRV / CLI
#   check_targets KIND ADDR NORMAL   KIND proposes blocking ADDR, nothing
#                                 proposes a normal client
#   check_unnamed NORMAL          no finding names a normal client
#   check_replay REC              the recording replays to the same diagnosis
#   take_block KIND               block what KIND proposes (--kill): BLOCKED
#   check_rate_rose COUNTER       its rate was above 0 in every refresh but
#                                 the first
#   est_from PEER                 the server's ESTABLISHED sockets from PEER
#   load_errors FILE...           the errors webload reported, summed
#   serve_http ADDR PORT [ARGS]   minihttp in SRV, listening
#   clients NAME DST LIST [ARGS]  webload in CLI to DST:80, running
#   SYNRAW SLOWLORIS MINIHTTP WEBLOAD  the tools (SW_FARM: sockfarm)
. "$(dirname "${BASH_SOURCE[0]}")/farm.bash"

SRV=${SW_TAG}srv CLI=${SW_TAG}cli
SYNRAW="$SW_BUILD/tools/synraw"
SLOWLORIS="$SW_BUILD/tools/slowloris"
MINIHTTP="$SW_BUILD/tools/minihttp"
WEBLOAD="$SW_BUILD/tools/webload"
for _t in "$SYNRAW" "$SLOWLORIS" "$MINIHTTP" "$WEBLOAD"; do
	[ -x "$_t" ] || { echo "not ok - $_t missing: run 'make tools'"; exit 1; }
done
DIAG_TMP=$(tmpdir)
DIAG_OUT="$DIAG_TMP/frames.json"

farm_topology "$SRV" "$CLI"
ip -n "$SRV" route add 203.0.113.0/24 via 192.0.2.2
ip -n "$SRV" -6 route add 2001:db8:100::/40 via 2001:db8::2
ip -n "$SRV" -6 route add 2001:db8:200::/40 via 2001:db8::2

sw_srv() { ip netns exec "$SRV" "$@"; }
sw_cli() { ip netns exec "$CLI" "$@"; }

diag_client_addrs() { # ADDR...
	local a
	for a in "$@"; do
		case "$a" in
		*:*) echo "addr add $a/128 dev ${SW_TAG}c nodad" ;;
		*) echo "addr add $a/32 dev ${SW_TAG}c" ;;
		esac
	done | ip -n "$CLI" -batch - || { not_ok "adding client addresses"; finish; }
}

diag_v4_hosts() { # PREFIX24 FIRST LAST
	local i out=""
	for ((i = $2; i <= $3; i++)); do out+="${out:+,}$1.$i"; done
	echo "$out"
}

diag_drop_synack() { # PORT
	nft_table_cleanup inet "${SW_TAG}drop" "$CLI"
	printf 'table inet %s {\n chain pre {\n  type filter hook prerouting priority -300;\n  tcp sport %s tcp flags & (syn|ack) == (syn|ack) drop\n }\n}\n' \
		"${SW_TAG}drop" "$1" | sw_cli nft -f - || { not_ok "nft rule in $CLI"; finish; }
}

diag_run() { # N [ARGS...]
	local n=$1
	shift
	if ! timeout $((n * 3 + 30)) "$SW_BIN" -b --json -n "$n" -d 1 --netns "$SRV" "$@" \
		>"$DIAG_OUT" 2>"$DIAG_TMP/sw.err"; then
		not_ok "sockwatch -b --json -n $n: $(head -c 300 "$DIAG_TMP/sw.err")"
		finish
	fi
	if ! jq -e 'select((.diagnosis | type) != "array")' "$DIAG_OUT" >/dev/null 2>&1 &&
		[ "$(wc -l <"$DIAG_OUT")" -eq "$n" ]; then
		ok "$n frames, each with a diagnosis array"
	else
		not_ok "$n frames, each with a diagnosis array (got $(wc -l <"$DIAG_OUT") frames; first: $(head -c 200 "$DIAG_OUT"))"
	fi
}
diag_last() { tail -n 1 "$DIAG_OUT"; }

show_diagnosis() {
	diag_last | jq -c '.diagnosis' | head -c 2000 | sed 's/^/#   /'
	echo
}

check_finding() { # DESC KIND JQ
	if diag_last | jq -e --arg k "$2" "$DIAG_JQ[.diagnosis[]? | select(.kind == \$k) | select($3)] | length > 0" \
		>/dev/null 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		show_diagnosis
	fi
}

# jq definitions the checks share: how a finding names its port, its
# remote subject and its block target (one place to follow the JSON).
#   subj_port(P)    the subject is local port P
#   subj_remote     the subject's remote address or prefix ("A" or "A/L"), or null
#   target          the block target the action proposes ("A" or "A/L"), or null
#   says(RE)        its text or advice matches RE (case-insensitive)
#   ev(K)           its evidence number K; ev_values: all of them
#   process         the process its subject names ("" when none)
DIAG_JQ='
def subj_port($p): (.subject | if type == "object" then (.port == $p)
	else (tostring | test(":\($p)([^0-9]|$)")) end);
def subj_remote: (.subject | if type == "object" then
		(if .kind == "remote" and .addr and .prefix then "\(.addr)/\(.prefix)"
		 elif .kind == "remote" then (.remote // .addr // null) else null end)
	else (tostring | capture("(?<a>[0-9a-f.:]+(/[0-9]+)?)").a? // null) end);
def target: (.action | if type == "object" then (.target // .block // null)
	elif type == "string" then (capture("^block (?<t>.*)$").t? // null) else null end);
def says($re): (((.text // "") + " " + (.advice // "")) | test($re; "i"));
def ev($k): (.evidence | if type == "object" then .[$k]
	elif type == "array" then (map(select(.key == $k))[0].value // null) else null end);
def ev_values: (.evidence | if type == "object" then [.[]]
	elif type == "array" then map(.value) else [] end);
def process: (if (.subject | type) == "object" then (.subject.process // "") else "" end);
'

# v4_in PREFIX ADDR: ADDR (IPv4) lies in PREFIX ("A.B.C.D" or "A.B.C.D/L")
v4_in() {
	local p=${1%/*} l=32 a=$2 x y m
	[[ $1 == */* ]] && l=${1#*/}
	[[ $p == *.*.*.* && $a == *.*.*.* ]] || return 1
	IFS=. read -r p1 p2 p3 p4 <<<"$p"
	IFS=. read -r a1 a2 a3 a4 <<<"$a"
	x=$(((p1 << 24) | (p2 << 16) | (p3 << 8) | p4))
	y=$(((a1 << 24) | (a2 << 16) | (a3 << 8) | a4))
	m=$(((0xffffffff << (32 - l)) & 0xffffffff))
	[ $((x & m)) -eq $((y & m)) ]
}

# the block targets the last frame's findings propose (of KIND, or all)
diag_targets() { # [KIND]
	diag_last | jq -r --arg k "${1:-}" "$DIAG_JQ"' .diagnosis[]? |
		select($k == "" or .kind == $k) | target | select(. != null)'
}

# srv_counter NAME...: the sum of the server's TcpExt counters NAME...
# (from /proc/net/netstat, as sockwatch reads them)
srv_counter() {
	sw_srv awk -v want=" $* " '
		$1 == "TcpExt:" && !h { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
		$1 == "TcpExt:" { for (i = 2; i <= NF; i++) if (index(want, " " k[i] " ")) s += $i }
		END { print s + 0 }' /proc/net/netstat
}

# check_targets KIND ADDR NORMAL-LIST: a block target of KIND holds ADDR,
# and no proposed target holds an address of NORMAL-LIST (comma-separated)
# or the server or client end of the link
check_targets() {
	local t a hit=0 bad=""
	for t in $(diag_targets "$1"); do
		v4_in "$t" "$2" && hit=1
	done
	for t in $(diag_targets); do
		for a in ${3//,/ } 192.0.2.1 192.0.2.2; do v4_in "$t" "$a" && bad+=" $t(holds $a)"; done
	done
	check_eq "a proposed target holds $2" 1 "$hit"
	check_eq "no proposed target holds a normal client or the server" "" "$bad"
}

# check_unnamed NORMAL-LIST: no finding's subject holds an address of the list
check_unnamed() {
	local s a bad=""
	for s in $(diag_last | jq -r "$DIAG_JQ"' .diagnosis[]? | subj_remote // empty'); do
		for a in ${1//,/ }; do v4_in "$s" "$a" && bad+=" $s"; done
	done
	check_eq "no finding names a normal client" "" "$bad"
}

# check_replay REC [DESC]: the recording REC replays to the diagnosis of
# $DIAG_OUT, frame by frame
check_replay() {
	local live
	live=$(jq -c '[.seq, .diagnosis]' "$DIAG_OUT")
	"$SW_BIN" -b --json --replay "$1" >"$DIAG_TMP/replay.json" 2>"$DIAG_TMP/replay.err" ||
		not_ok "replay: $(head -c 300 "$DIAG_TMP/replay.err")"
	check_same "${2:-the replay gives the same diagnosis in every frame}" "$live" \
		"$(jq -c '[.seq, .diagnosis]' "$DIAG_TMP/replay.json")"
}

# take_block KIND: block the first target a finding of KIND proposes, as
# proposed, with --kill (the server's nft table is removed on exit);
# BLOCKED is the target
take_block() {
	nft_table_cleanup inet sockwatch "$SRV"
	BLOCKED=$(diag_targets "$1" | head -1)
	[ -n "$BLOCKED" ] || { not_ok "no target to block"; finish; }
	: >"$DIAG_TMP/allow"
	local out
	out=$("$SW_BIN" --netns "$SRV" --audit-log "$DIAG_TMP/audit.log" --allow-file "$DIAG_TMP/allow" \
		block "$BLOCKED" --for 60s --kill 2>&1) || not_ok "sockwatch block $BLOCKED --kill: $out"
}

# check_rate_rose COUNTER: the counter's per_s was above 0 in every frame
# but the first
check_rate_rose() {
	check "$1 rose in every refresh but the first" \
		[ "$(jq -r --arg c "$1" 'select(.seq > 1) | .counters[$c].per_s // 0' "$DIAG_OUT" |
			awk '$1 <= 0 { n++ } END { print n + 0 }')" -eq 0 ]
}

# est_from ADDR|PREFIX: the server's ESTABLISHED sockets with that peer
est_from() { sw_srv ss -tanH state established "( dst $1 )" | wc -l; }

# load_errors FILE...: the errors webload reported last, summed over files
load_errors() {
	awk '/^(stats|done)/ { e[FILENAME] = $NF } END { s = 0; for (f in e) s += e[f]; print s }' "$@"
}

# serve_http ADDR PORT [ARGS...]: minihttp in SRV (--timeout 200 unless
# ARGS say), once it listens; its output in $DIAG_TMP/http-ADDR-PORT.out
serve_http() {
	local out="$DIAG_TMP/http-${1//[:.]/_}-$2.out"
	spawn sw_srv "$MINIHTTP" "$1" "$2" --timeout 200 "${@:3}" >"$out" 2>&1
	wait_for "minihttp :$2" 5 grep -q listening "$out" || { not_ok "minihttp: $(cat "$out")"; finish; }
}

# clients NAME DST LIST [ARGS...]: webload from CLI to DST:80 from the
# addresses of LIST (--duration 120 unless ARGS say), once every
# connection has been up; its output in $DIAG_TMP/NAME.out
clients() {
	local name=$1 dst=$2 from=$3 out="$DIAG_TMP/$1.out"
	shift 3
	spawn sw_cli "$WEBLOAD" "$dst" 80 --from "$from" --duration 120 "$@" >"$out" 2>&1
	wait_for "webload $name" 60 grep -q running "$out" || { not_ok "webload $name: $(cat "$out")"; finish; }
}
