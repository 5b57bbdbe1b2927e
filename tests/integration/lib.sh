# Shared helpers for integration tests. Source it, then use:
#   ns_add NAME         create a network namespace (deleted on exit)
#   veth_pair A NSA ADDRA B NSB ADDRB   veth between two namespaces
#   spawn CMD...        run in background; pid killed on exit (by pid)
#   nft_table_cleanup FAMILY NAME [NS]  delete an nft table on exit
#   free_port           a TCP port free on 127.0.0.1 now (for a server a test starts)
#   ok COND-DESCRIPTION / not_ok / check "desc" CMD... / check_eq "desc" A B
#   skip "desc: reason"  a check that could not run here (tests/run counts it;
#                        with CI=true it is a failure)
# A script's "# needs: TOOL..." line names the commands it runs; tests/run
# skips it, saying so, when one is missing.
# Every namespace, table and process made here is removed by the EXIT trap,
# even when the test fails.
set -u
SW_BIN="${SW_BIN:-$PWD/sockwatch}"
TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Test tools (sockfarm, ...) are always the normal build's, also when SW_BIN
# is the ASan binary.
SW_BUILD="${SW_BUILD:-$(cd "$TESTS_DIR/.." && pwd)/build}"
_sw_ns=() _sw_pids=() _sw_tables=()
# Every temporary directory lives under this one, made here in the main
# shell, so `d=$(tmpdir)` (a subshell) still gets cleaned up.
_sw_tmproot=$(mktemp -d /tmp/sockwatch-test.XXXXXX)
_sw_fail=0
# unique suffix so parallel or leftover runs never collide
SW_TAG="sw$$"

_sw_cleanup() {
	local p n t
	for p in "${_sw_pids[@]+"${_sw_pids[@]}"}"; do kill "$p" 2>/dev/null; done
	sleep 0.1
	for p in "${_sw_pids[@]+"${_sw_pids[@]}"}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for t in "${_sw_tables[@]+"${_sw_tables[@]}"}"; do eval "$t" 2>/dev/null; done
	for n in "${_sw_ns[@]+"${_sw_ns[@]}"}"; do
		# kill anything still running inside namespaces we made
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$_sw_tmproot"
}
trap _sw_cleanup EXIT
trap 'exit 130' INT TERM

ns_add() {
	ip netns add "$1" || { echo "not ok - cannot create namespace $1"; exit 1; }
	_sw_ns+=("$1")
	ip -n "$1" link set lo up
}

# veth_pair IFA NSA CIDR_A IFB NSB CIDR_B
veth_pair() {
	ip link add "$1" netns "$2" type veth peer name "$4" netns "$5" || exit 1
	ip -n "$2" addr add "$3" dev "$1"
	ip -n "$5" addr add "$6" dev "$4"
	ip -n "$2" link set "$1" up
	ip -n "$5" link set "$4" up
}

spawn() {
	"$@" &
	_sw_pids+=($!)
	SPAWNED=$!
}

nft_table_cleanup() { # FAMILY NAME [NS]
	if [ -n "${3:-}" ]; then
		_sw_tables+=("ip netns exec $3 nft delete table $1 $2")
	else
		_sw_tables+=("nft delete table $1 $2")
	fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

tmpdir() {
	mktemp -d "$_sw_tmproot/d.XXXXXX"
}

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; _sw_fail=1; }
skip() { echo "skip - $*"; }

# check "description" command args...: ok when the command succeeds
check() {
	local d="$1"; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# check_eq "description" expected actual
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi
}

# wait_for "description" SECONDS command...: poll until it succeeds
wait_for() {
	local d="$1" t="$2" i; shift 2
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	echo "# timed out waiting for: $d"
	return 1
}

finish() { exit "$_sw_fail"; }
