# Helpers for the engine tests, sourced after lib.sh (not a test: tests/run
# runs only *.sh). Needs build/tools/sockfarm (make tools).
#   farm_topology SRV CLI   two namespaces joined by a veth pair:
#       SRV 192.0.2.1/24 2001:db8::1/64; CLI 192.0.2.2/24 2001:db8::2/64,
#       plus 198.51.100.0/24 and 2001:db8:1::/64 host addresses on CLI
#       (added with farm_client_addr) routed from SRV over the veth.
#   farm NS ARGS...         spawn sockfarm in NS; FARM_PID, FARM_OUT (stdout file)
#   farm_wait_line DESC S   wait until FARM_OUT has a status line
#   check_same DESC A B     ok when the two texts are equal; a diff otherwise
#   ss_norm_peer            stdin "addr:port" -> addr (ss and netstat -W forms)
SW_FARM="${SW_FARM:-$SW_BUILD/tools/sockfarm}"
if [ ! -x "$SW_FARM" ]; then
	echo "not ok - $SW_FARM is missing: run 'make tools' first"
	exit 1
fi
if [ ! -x "$SW_BIN" ]; then
	echo "not ok - the binary under test $SW_BIN is missing: run 'make' first"
	exit 1
fi
command -v jq >/dev/null || { echo "not ok - jq is missing (scripts/install-deps --test)"; exit 1; }
FARM_TMP=$(tmpdir)
_farm_n=0

# sysctls that freeze the population (see tests/tools/sockfarm.c)
farm_freeze() { # NS
	ip netns exec "$1" sysctl -qw net.ipv4.tcp_rfc1337=1 \
		net.ipv4.tcp_synack_retries=12 net.ipv4.tcp_syn_retries=12
}

farm_topology() { # SRV CLI
	ns_add "$1"
	ns_add "$2"
	veth_pair "${SW_TAG}s" "$1" 192.0.2.1/24 "${SW_TAG}c" "$2" 192.0.2.2/24
	ip -n "$1" addr add 2001:db8::1/64 dev "${SW_TAG}s" nodad
	ip -n "$2" addr add 2001:db8::2/64 dev "${SW_TAG}c" nodad
	ip -n "$1" route add 198.51.100.0/24 via 192.0.2.2
	ip -n "$1" -6 route add 2001:db8:1::/64 via 2001:db8::2
	farm_freeze "$1"
	farm_freeze "$2"
}

farm_client_addr() { # CLI ADDR...
	local ns="$1" a
	shift
	for a in "$@"; do
		case "$a" in
		*:*) ip -n "$ns" addr add "$a/128" dev "${SW_TAG}c" nodad ;;
		*) ip -n "$ns" addr add "$a/32" dev "${SW_TAG}c" ;;
		esac
	done
}

farm() { # NS ARGS...
	local ns="$1"
	shift
	_farm_n=$((_farm_n + 1))
	FARM_OUT="$FARM_TMP/farm$_farm_n.out"
	spawn ip netns exec "$ns" "$SW_FARM" "$@" --timeout 300 >"$FARM_OUT" 2>"$FARM_OUT.err"
	FARM_PID=$SPAWNED
}

# farm_wait_line DESC SECONDS: wait for a status line of the last farm.
farm_wait_line() {
	local out="$FARM_OUT"
	if ! wait_for "$1" "$2" grep -q . "$out"; then
		not_ok "$1: sockfarm said: $(cat "$out.err")"
		return 1
	fi
}

check_same() { # DESC A B
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20 | sed 's/^/#   /'
	fi
}

# "198.51.100.7:80", "[2001:db8::2]:41234", "[::ffff:192.0.2.9]:5", "::ffff:192.0.2.9:5"
# -> the address, IPv4-mapped written as IPv4.
ss_norm_peer() {
	sed -E 's/:[0-9*]+$//; s/^\[//; s/\]$//; s/^::ffff:([0-9.]+)$/\1/'
}

# ss lines (State ... Local Peer) -> "peer STATE" with netstat's state names
ss_peer_state() {
	awk '{
		p = $5; sub(/:[0-9*]+$/, "", p); sub(/^\[/, "", p); sub(/\]$/, "", p);
		if (p ~ /^::ffff:[0-9.]+$/) sub(/^::ffff:/, "", p);
		s = $1;
		if (s == "ESTAB") s = "ESTABLISHED"; else if (s == "UNCONN") s = "CLOSE";
		else if (s ~ /^FIN-WAIT-/) { sub(/-WAIT-/, "_WAIT", s) }
		gsub(/-/, "_", s);
		print p, s
	}'
}

# ss state names -> netstat's
ss_state_name() {
	sed -E 's/^ESTAB$/ESTABLISHED/; s/^UNCONN$/CLOSE/; s/^FIN-WAIT-([12])$/FIN_WAIT\1/; s/-/_/g'
}

# Expand an IPv6 address to 8 groups of 4 hex digits (for prefix maths).
v6_expand() {
	awk '{
		a = $0; n = split(a, h, "::");
		if (n == 2) {
			l = (h[1] == "") ? 0 : split(h[1], x, ":");
			r = (h[2] == "") ? 0 : split(h[2], y, ":");
			m = ""; for (i = 0; i < 8 - l - r; i++) m = m "0:";
			a = (h[1] == "" ? "" : h[1] ":") m (h[2] == "" ? "" : h[2]);
			sub(/:$/, "", a);
		}
		k = split(a, g, ":"); out = "";
		for (i = 1; i <= k; i++) out = out sprintf("%s%04s", i > 1 ? ":" : "", g[i]);
		gsub(/ /, "0", out); print out
	}'
}
