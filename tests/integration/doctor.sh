#!/bin/bash
# needs: ip ss jq sysctl
# sockwatch doctor in namespaces: one with SYN cookies off and a small
# somaxconn under a listener that asked for a larger backlog names both
# risks with the exact sysctl command (text and JSON, exit status 3), and
# a tcp_tw_recycle line of a test sysctl directory; a normal namespace
# with the same listener reports no risk (exit status 0). The values are
# the namespace's own (they differ between the two).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

BAD=${SW_TAG}bad GOOD=${SW_TAG}good
ns_add "$BAD"
ns_add "$GOOD"
ip netns exec "$BAD" sysctl -qw net.ipv4.tcp_syncookies=0 net.core.somaxconn=16
farm "$BAD" serve 127.0.0.1 8080 --backlog 128
farm_wait_line "listener in $BAD" 10 || finish
farm "$GOOD" serve 127.0.0.1 8080 --backlog 128
farm_wait_line "listener in $GOOD" 10 || finish

# what the kernel made of the backlog: capped by somaxconn in BAD only
check_eq "ss: the listener in $BAD is capped at 16" 16 \
	"$(ip netns exec "$BAD" ss -ltnH 'sport = :8080' | awk '{print $3}')"
check_eq "ss: the listener in $GOOD keeps 128" 128 \
	"$(ip netns exec "$GOOD" ss -ltnH 'sport = :8080' | awk '{print $3}')"

D=$(tmpdir)
mkdir -p "$D/sysctl.d"
printf 'net.ipv4.ip_forward = 0\n' >"$D/sysctl.conf"
printf '# tuning from a web page\n# net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_tw_recycle = 1\n' \
	>"$D/sysctl.d/50-tune.conf"
printf 'net.ipv4.tcp_tw_recycle = 1\n' >"$D/sysctl.d/README.txt" # not a .conf
export SOCKWATCH_SYSCTL_PATHS="$D/sysctl.conf:$D/sysctl.d:$D/missing.conf"

out=$("$SW_BIN" doctor --netns "$BAD"); rc=$?
check_eq "doctor in $BAD: exit status 3 (risks found)" 3 "$rc"
check "text: tcp_syncookies=0 is a critical risk" \
	grep -qx 'RISK crit  net.ipv4.tcp_syncookies = 0' <<<"$out"
check "text: its advice is the exact command, in the namespace" \
	grep -qx "           fix: ip netns exec $BAD sysctl -w net.ipv4.tcp_syncookies=1" <<<"$out"
check "text: somaxconn 16 is a risk" \
	grep -qx 'RISK warn  net.core.somaxconn = 16' <<<"$out"
check "text: it names the capped listener :8080" \
	grep -q 'at the cap of 16 or above (:8080 (sockfarm))' <<<"$out"
check "text: with the advice to raise it" \
	grep -q "fix: ip netns exec $BAD sysctl -w net.core.somaxconn=4096" <<<"$out"
check "text: the tcp_tw_recycle line is found with its file and line" \
	grep -qx "RISK warn  net.ipv4.tcp_tw_recycle = 1  ($D/sysctl.d/50-tune.conf:3)" <<<"$out"
check "text: and says it was removed in Linux 4.12 and broke NAT clients" \
	grep -q 'broke clients behind NAT and was removed in Linux 4.12' <<<"$out"
check_eq "text: 3 risks in the summary" 1 \
	"$(grep -c "namespace $BAD: 1 TCP listener, 0 TIME_WAIT; 3 risks" <<<"$out")"

json=$("$SW_BIN" doctor --json --netns "$BAD"); rc=$?
check_eq "doctor --json in $BAD: exit status 3" 3 "$rc"
check_eq "json: one object" 1 "$(jq -s length <<<"$json")"
sel() { jq -r --arg s "$1" ".settings[] | select(.setting == \$s) | $2" <<<"$json"; }
check_eq "json: tcp_syncookies value" 0 "$(sel net.ipv4.tcp_syncookies .value)"
check_eq "json: tcp_syncookies risk" crit "$(sel net.ipv4.tcp_syncookies .risk)"
check_eq "json: tcp_syncookies advice" \
	"ip netns exec $BAD sysctl -w net.ipv4.tcp_syncookies=1" \
	"$(sel net.ipv4.tcp_syncookies .advice)"
check_eq "json: somaxconn risk" warn "$(sel net.core.somaxconn .risk)"
check_eq "json: somaxconn value as the namespace has it" \
	"$(ip netns exec "$BAD" cat /proc/sys/net/core/somaxconn)" "$(sel net.core.somaxconn .value)"
check_eq "json: risks" 3 "$(jq .risks <<<"$json")"
check_eq "json: the tcp_tw_recycle line (comments and non-.conf files skipped)" \
	"$D/sysctl.d/50-tune.conf:3" "$(jq -r '[.config[].where] | join(",")' <<<"$json")"
check_eq "json: tcp listeners" 1 "$(jq .tcp_listeners <<<"$json")"
check_eq "json: the listener with the backlog ss shows, capped" "127.0.0.1 8080 16 true sockfarm" \
	"$(jq -r '.listeners[] | "\(.addr) \(.port) \(.backlog) \(.capped) \(.process)"' <<<"$json")"

# the normal namespace: same listener, default settings, no config lines
export SOCKWATCH_SYSCTL_PATHS="$D/missing.conf"
json=$("$SW_BIN" doctor --json --netns "$GOOD"); rc=$?
check_eq "doctor in $GOOD: exit status 0" 0 "$rc"
check_eq "json: no risk in $GOOD" 0 "$(jq .risks <<<"$json")"
check_eq "json: tcp_syncookies in $GOOD is its own (not $BAD's 0)" \
	"$(ip netns exec "$GOOD" cat /proc/sys/net/ipv4/tcp_syncookies)" \
	"$(sel net.ipv4.tcp_syncookies .value)"
check "json: tcp_syncookies is on in $GOOD" test "$(sel net.ipv4.tcp_syncookies .value)" != 0
check_eq "json: tcp_syncookies no risk in $GOOD" null "$(sel net.ipv4.tcp_syncookies .risk)"
check_eq "json: somaxconn no risk in $GOOD" null "$(sel net.core.somaxconn .risk)"
check_eq "json: no config lines" 0 "$(jq '.config | length' <<<"$json")"
check_eq "json: the listener in $GOOD keeps its 128, not capped" "8080 128 false" \
	"$(jq -r '.listeners[] | "\(.port) \(.backlog) \(.capped)"' <<<"$json")"
out=$("$SW_BIN" doctor --netns "$GOOD")
check "text: $GOOD says 0 risks" grep -q "namespace $GOOD: 1 TCP listener, 0 TIME_WAIT; 0 risks" <<<"$out"
check "text: no RISK line in $GOOD" bash -c '! grep -q "^RISK" <<<"$1"' _ "$out"

# the monitor reads the namespace's own settings too (the live source runs
# inside it), and records them
"$SW_BIN" -b --netns "$BAD" -n 1 --record "$D/bad.rec" >/dev/null
"$SW_BIN" -b --netns "$GOOD" -n 1 --record "$D/good.rec" >/dev/null
check "a recording in $BAD holds its tcp_syncookies 0 and somaxconn 16" \
	bash -c "grep -qa 'net.ipv4.tcp_syncookies 0' '$D/bad.rec' && grep -qa 'net.core.somaxconn 16' '$D/bad.rec'"
check "a recording in $GOOD holds its own (syncookies on)" \
	bash -c "grep -qaE 'net.ipv4.tcp_syncookies [12]' '$D/good.rec' && ! grep -qa 'net.core.somaxconn 16' '$D/good.rec'"
check "its replay reads it (a HOST item is a known item)" \
	bash -c "'$SW_BIN' -b --replay '$D/bad.rec' >/dev/null"

# a bad command line: status 2, one line naming the option
err=$("$SW_BIN" doctor --top 3 2>&1); rc=$?
check_eq "doctor --top: exit status 2" 2 "$rc"
check_eq "doctor --top: the message" \
	"sockwatch: --top means nothing with doctor: it belongs to batch mode" "$err"
err=$("$SW_BIN" doctor --netns "${SW_TAG}none" 2>&1); rc=$?
check_eq "doctor --netns missing: exit status 1" 1 "$rc"
check "doctor --netns missing: says so" grep -q "no such network namespace" <<<"$err"
finish
