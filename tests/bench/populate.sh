# populate.sh - shared by the benchmark scripts: fill a network namespace
# with real TCP sockets using tests/tools/sockfarm. Source it after
# tests/integration/lib.sh (its trap kills what is spawned here and
# deletes the namespace).
#   bench_ns NAME                       namespace with its own TCP/UDP hash
#                                       tables, lo up, sysctls raised
#   bench_established NS PAIRS PORT0    PAIRS loopback connections = 2*PAIRS
#                                       ESTABLISHED sockets, held until exit
#   bench_time_wait NS N PORT           N client sockets left in TIME_WAIT
#   bench_time_wait_keep NS PORT        in the background, re-make them
#                                       before they expire (keeps them)
#   bench_sockstat NS FIELD             from /proc/net/sockstat: inuse, tw, ...
#   bench_median                        median of the numbers on stdin
#   bench_need SCRIPT FILE...           root, and every FILE executable
# Every step is bounded: BENCH_STEP_S seconds (default 240) per wait.
# BENCH_DIR: a scratch directory, removed on exit.
FARM="${FARM:-$ROOT/build/tools/sockfarm}"
BENCH_DIR=$(tmpdir) || exit 1
BENCH_STEP_S="${BENCH_STEP_S:-240}"
# A process here may hold ~20,000 descriptors: one pair of processes
# (server + client) per BENCH_PER_PROC connections.
BENCH_PER_PROC="${BENCH_PER_PROC:-10000}"
# Source addresses per client process (127.x are all local on lo).
BENCH_FROM_PER_PROC=250

bench_need() {
	local who=$1 f
	shift
	[ "$(id -u)" -eq 0 ] || { echo "$who: needs root (network namespaces)" >&2; exit 1; }
	for f in "$@"; do
		[ -x "$f" ] || { echo "$who: $f missing: run 'make bench' (and scripts/install-deps --test)" >&2; exit 1; }
	done
}

# The namespace gets hash tables of its own, as large as the host's: by
# default a child namespace shares the host's TCP ehash, and every dump
# then also walks (and skips) the sockets of every other namespace on the
# machine, which is not the cost being measured. The child sizes are read
# at namespace creation only, so the host's settings are restored at once.
bench_ns() {
	local tcp_old udp_old
	tcp_old=$(sysctl -n net.ipv4.tcp_child_ehash_entries)
	udp_old=$(sysctl -n net.ipv4.udp_child_hash_entries)
	sysctl -qw net.ipv4.tcp_child_ehash_entries="$(sysctl -n net.ipv4.tcp_ehash_entries | tr -d -)" \
		net.ipv4.udp_child_hash_entries="$(sysctl -n net.ipv4.udp_hash_entries | tr -d -)"
	ns_add "$1"
	sysctl -qw net.ipv4.tcp_child_ehash_entries="$tcp_old" net.ipv4.udp_child_hash_entries="$udp_old"
	[ "$(ip netns exec "$1" sysctl -n net.ipv4.tcp_ehash_entries)" -gt 0 ] ||
		echo "# warning: $1 shares the host's TCP hash: other namespaces' sockets add to every dump"
	ip netns exec "$1" sysctl -qw net.ipv4.tcp_max_tw_buckets=1048576 \
		net.ipv4.ip_local_port_range="1024 65535" net.core.somaxconn=65535 \
		net.ipv4.tcp_max_syn_backlog=65535 net.ipv4.tcp_rfc1337=1 >/dev/null ||
		{ echo "bench: cannot set sysctls in namespace $1" >&2; exit 1; }
}

bench_sockstat() { # NS FIELD: the TCP line's FIELD of /proc/net/sockstat
	ip netns exec "$1" awk -v f="$2" '$1 == "TCP:" { for (i = 2; i < NF; i += 2) if ($i == f) print $(i + 1) }' \
		/proc/net/sockstat
}

_bench_from() { # PREFIX COUNT: "PREFIX.1,PREFIX.2,...,PREFIX.COUNT"
	local i out=""
	for ((i = 1; i <= $2; i++)); do out+="${out:+,}$1.$i"; done
	echo "$out"
}

# _bench_wait_line FILE REGEX PID: until FILE has a line matching REGEX;
# fails early when PID has exited (its error is on FILE.err).
_bench_wait_line() {
	local i
	for ((i = 0; i < BENCH_STEP_S * 20; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		if ! kill -0 "$3" 2>/dev/null; then
			grep -qE "$2" "$1" 2>/dev/null && return 0
			echo "bench: sockfarm exited early: $(tail -1 "$1.err" 2>/dev/null)" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "bench: timed out after ${BENCH_STEP_S}s waiting for '$2' in $1" >&2
	return 1
}

# bench_established NS PAIRS PORT0: servers on 127.0.0.1:PORT0.. and
# clients from 127.1.P.1..250, all started at once, held until exit.
bench_established() {
	local ns=$1 port0=$3 p n left=$2 procs=() outs=() dir="$BENCH_DIR/est$3"
	mkdir -p "$dir"
	for ((p = 0; left > 0; p++)); do
		n=$((left < BENCH_PER_PROC ? left : BENCH_PER_PROC))
		left=$((left - n))
		spawn ip netns exec "$ns" "$FARM" serve 127.0.0.1 $((port0 + p)) --backlog 65535 \
			--timeout 3600 >"$dir/s$p" 2>"$dir/s$p.err"
		_bench_wait_line "$dir/s$p" '^listening' "$SPAWNED" || return 1
		spawn ip netns exec "$ns" "$FARM" connect 127.0.0.1 $((port0 + p)) --count "$n" \
			--from "$(_bench_from "127.1.$p" "$BENCH_FROM_PER_PROC")" --timeout 3600 \
			>"$dir/c$p" 2>"$dir/c$p.err"
		procs+=("$SPAWNED") outs+=("$dir/c$p")
	done
	for ((p = 0; p < ${#procs[@]}; p++)); do
		_bench_wait_line "${outs[$p]}" '^connected' "${procs[$p]}" || return 1
	done
}

# bench_time_wait NS N PORT: one server; clients of BENCH_PER_PROC
# connections each, one after another, connect then close first, so each
# client socket ends in TIME_WAIT (60 s: measure right after).
bench_time_wait() {
	local ns=$1 left=$2 port=$3 p n dir="$BENCH_DIR/tw$3" tw0
	mkdir -p "$dir"
	tw0=$(bench_sockstat "$ns" tw)
	spawn ip netns exec "$ns" "$FARM" serve 127.0.0.1 "$port" --backlog 65535 --timeout 3600 \
		>"$dir/s" 2>"$dir/s.err"
	_bench_wait_line "$dir/s" '^listening' "$SPAWNED" || return 1
	for ((p = 0; left > 0; p++)); do
		n=$((left < BENCH_PER_PROC ? left : BENCH_PER_PROC))
		left=$((left - n))
		echo "$(_bench_us) $n 127.2.$p" >>"$BENCH_DIR/twgen.$port" # for bench_time_wait_keep
		if ! timeout "$BENCH_STEP_S" ip netns exec "$ns" "$FARM" connect 127.0.0.1 "$port" \
			--count "$n" --close-first --timeout "$BENCH_STEP_S" \
			--from "$(_bench_from "127.2.$p" "$BENCH_FROM_PER_PROC")" >"$dir/c$p" 2>"$dir/c$p.err"; then
			echo "bench: TIME_WAIT client $p failed: $(tail -1 "$dir/c$p.err")" >&2
			return 1
		fi
	done
	# the server closes its side when it reads EOF; the clients then enter TIME_WAIT
	for ((p = 0; p < BENCH_STEP_S * 20; p++)); do
		[ "$(bench_sockstat "$ns" tw)" -ge $((tw0 + $2)) ] && return 0
		sleep 0.05
	done
	echo "bench: only $(bench_sockstat "$ns" tw) sockets in TIME_WAIT, wanted $((tw0 + $2))" >&2
	return 1
}

# bench_time_wait_keep NS PORT: keep the TIME_WAIT sockets bench_time_wait
# made on PORT for as long as the run lasts. TIME_WAIT lives 60 s; a run
# longer than that (a round at 1,000,000 sockets takes over a minute)
# would measure a population that shrinks. Neither refilling after they
# expire nor re-making them just before works: sockets made together
# expire together, within a few seconds after 60 s (the timer wheel's
# granularity), so the count would dip to nothing or double. A background
# loop (spawned: killed on exit by pid; its sockfarm clients die with the
# namespace) renews each batch when it is BENCH_TW_RENEW_S (35) seconds
# old: it makes as many, the way bench_time_wait did (connect to PORT's
# server, close first), from a source /24 of its own (127.3-10.P.1-250),
# then destroys the old batch's TIME_WAIT sockets (ss -K, its source /24):
# about N/35 a second, and the count stays at N, N plus one batch while a
# batch is renewed. The 25 s before the first expire are the slack for a
# keeper that renews slower than bench_time_wait made them: at 1,000,000
# sockets on a loaded machine a renewal took about 3 s against 1 s for
# the batch, and with 10 s of slack the last batches of 100,000 expired
# first (the count fell to 50,000 for a while). Bounded: at most BENCH_KEEP_S seconds (default 3600),
# one batch of BENCH_PER_PROC at most per renewal; it stops when the
# calling script is gone. Each renewal is logged to $BENCH_DIR/twkeep.PORT
# ("renewal tw_before tw_after_making tw_after_destroying").
BENCH_KEEP_S="${BENCH_KEEP_S:-3600}"
BENCH_TW_RENEW_S="${BENCH_TW_RENEW_S:-35}"
bench_time_wait_keep() {
	spawn _bench_tw_keeper "$1" "$2" "$$"
	BENCH_KEEPER=$SPAWNED
}

_bench_us() { echo "${EPOCHREALTIME/./}"; } # now in microseconds

_bench_tw_keeper() { # NS PORT PARENT_PID
	local ns=$1 port=$2 parent=$3 q=0 c=0 due t0 net n b a end=$((SECONDS + BENCH_KEEP_S))
	local log="$BENCH_DIR/twkeep.$2" at=() cnt=() nets=()
	# the batches bench_time_wait made: start (us), count, source /24
	while read -r t0 n net; do at+=("$t0") cnt+=("$n") nets+=("$net"); done <"$BENCH_DIR/twgen.$2"
	while [ "$q" -lt "${#at[@]}" ] && [ "$SECONDS" -lt "$end" ]; do
		due=$((at[q] + BENCH_TW_RENEW_S * 1000000))
		while [ "$(_bench_us)" -lt "$due" ]; do
			kill -0 "$parent" 2>/dev/null || return 0
			sleep 0.1
		done
		kill -0 "$parent" 2>/dev/null || return 0
		net="127.$((3 + c / 250 % 8)).$((c % 250))"
		b=$(bench_sockstat "$ns" tw)
		t0=$(_bench_us)
		timeout 60 ip netns exec "$ns" "$FARM" connect 127.0.0.1 "$port" --count "${cnt[q]}" \
			--close-first --timeout 50 --from "$(_bench_from "$net" "$BENCH_FROM_PER_PROC")" \
			>/dev/null 2>>"$log.err" || echo "renewal $c: sockfarm failed" >>"$log.err"
		at+=("$t0") cnt+=("${cnt[q]}") nets+=("$net")
		a=$(bench_sockstat "$ns" tw)
		ip netns exec "$ns" ss -K -4 -tanH state time-wait src "${nets[q]}.0/24" >/dev/null 2>>"$log.err" ||
			echo "renewal $c: ss -K failed" >>"$log.err"
		echo "$c $b $a $(bench_sockstat "$ns" tw)" >>"$log"
		c=$((c + 1)) q=$((q + 1))
	done
}

bench_median() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
