# Shared setup of the daemon tests (sourced after lib.sh and
# block_env.bash; not a test by itself). The daemon watches the server S
# from the host (--netns), with its rules, state, log and audit log in
# $TMP; clients in C open real connections to S.
#
#   daemon_start [ARGS...]  start `sockwatch daemon` (pid in $DPID), wait
#                           until it runs its first refresh; 1 when it
#                           exited instead ($DRC its exit status)
#   daemon_stop [SIG]       send SIG (TERM) and wait; $DRC its exit status
#   log_wait DESC SECS ERE  wait for a line of the daemon's log
#   flood FROM COUNT [PORT] [DST]  COUNT connections from FROM held open
#   set_has TARGET          TARGET is an element of inet sockwatch (nft)
#   elem_timeout TARGET     its timeout in seconds as nft lists it
RULES="$TMP/rules" STATE="$TMP/state" LOG="$TMP/daemon.log"
: >"$LOG"
DPID="" DRC=""
_flood_n=0

daemon_start() {
	local before
	before=$(wc -l <"$LOG")
	spawn "$SW_BIN" --netns "$S" --audit-log "$AUDIT" --allow-file "$ALLOW" \
		daemon --rules "$RULES" --state "$STATE" -d 0.3 "$@" 2>>"$LOG"
	DPID=$SPAWNED
	local i
	for ((i = 0; i < 100; i++)); do
		# the offender history is read just before the loop starts
		if tail -n +"$((before + 1))" "$LOG" | grep -q '^offender history'; then
			sleep 0.2
			return 0
		fi
		if ! kill -0 "$DPID" 2>/dev/null; then
			wait "$DPID"
			DRC=$?
			return 1
		fi
		sleep 0.1
	done
	echo "# the daemon did not start in 10 s"
	return 1
}

daemon_stop() {
	local i
	kill -"${1:-TERM}" "$DPID" 2>/dev/null
	# bounded: a daemon that does not stop in 10 s is killed, and fails
	for ((i = 0; i < 100; i++)); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$DPID" 2>/dev/null && kill -9 "$DPID"
	wait "$DPID"
	DRC=$?
}

not_set() { ! set_has "$@"; }

log_wait() { # DESC SECS ERE
	wait_for "$1" "$2" grep -Eq -- "$3" "$LOG"
}

flood() { # FROM COUNT [PORT] [DST]
	local out="$TMP/flood.$((++_flood_n))"
	spawn sw_c "$FARM" connect "${4:-192.0.2.1}" "${3:-8080}" --count "$2" \
		--from "$1" --hold 300 --timeout 300 >"$out" 2>&1
	wait_for "$2 connections from $1" 15 grep -q '^connected' "$out"
}

set_has() {
	local set=addr4
	case "$1" in */*) set=net4 ;; esac
	case "$1" in *:*) set=${set/4/6} ;; esac
	sw_s nft list set inet sockwatch "$set" 2>/dev/null | grep -Eq "(^|[ {,])$1([ ,}]|$)"
}

elem_timeout() {
	sw blocks --json | python3 -c '
import json, sys
for b in json.load(sys.stdin)["blocks"]:
    if b["target"] == sys.argv[1]:
        print(int(round(b["timeout_s"]))); break
else:
    print(-1)' "$1"
}
