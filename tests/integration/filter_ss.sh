#!/bin/bash
# Filters as ss users type them: in a populated server
# namespace, every filter example of the ss(8) man page and of iproute2's
# own filter tests (testsuite/tests/ss/ssfilter.t, its addresses moved to
# ours), plus each operator, alias, host form, state name and group ss
# documents, given to ss and to sockwatch as the same words: sockwatch
# selects exactly the sockets ss selects (protocol, state, both addresses
# and ports). sockwatch's side is tests/tools/filter_socks: one refresh of
# the engine, kernel bytecode and user-space filter, as batch mode runs it;
# and the same through the BPF iterators (--backend bpf: the state masks
# and the pre-filter of ports and addresses in the iterator, then the
# user-space filter), which must select the same sockets.
#
# The population: listeners on 0.0.0.0:22, [2001:db8::1]:22, :80, :443 (v4
# closing at once, v6 keeping), [::]:8443 (dual stack), 127.0.0.1:9000;
# ESTABLISHED from 198.51.100.0/24, 203.0.113.0/24, 2001:db8::2, IPv4-mapped
# peers, the server to itself on port 22 and on loopback; FIN-WAIT-1 on
# 80 and 443 (the client drops the server's FINs); SYN-RECV on 81 (SYN-ACKs
# dropped); TIME-WAIT on 8080; bound and connected UDP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

FSOCKS="$SW_BUILD/tools/filter_socks"
[ -x "$FSOCKS" ] || { not_ok "$FSOCKS is missing: run 'make tools'"; finish; }
SRV=${SW_TAG}srv CLI=${SW_TAG}cli
T=$FARM_TMP
farm_topology "$SRV" "$CLI"
ip -n "$SRV" route add 203.0.113.0/24 via 192.0.2.2
farm_client_addr "$CLI" 198.51.100.10 198.51.100.11 198.51.100.30 198.51.100.40 \
	198.51.100.50 203.0.113.5 203.0.113.6

# The client drops SYN-ACKs from 81 (SYN_RECV stays), the IPv4 server's
# FINs from 80 and 443 (the server stays in FIN-WAIT-1) and SYNs to its
# port 7 (the server's own connections there stay in SYN-SENT).
nft_table_cleanup inet "${SW_TAG}drop" "$CLI"
printf '%s\n' "table inet ${SW_TAG}drop {" " chain in {" "  type filter hook input priority 0;" \
	"  tcp sport 81 tcp flags & (syn|ack) == (syn|ack) drop" \
	"  ip saddr 192.0.2.1 tcp sport { 80, 443 } tcp flags & fin == fin drop" \
	"  tcp dport 7 drop" " }" "}" |
	ip netns exec "$CLI" nft -f - || { not_ok "nft rules in $CLI"; finish; }

for spec in "0.0.0.0 22" "2001:db8::1 22" "192.0.2.1 80 --close" "2001:db8::1 80" \
	"192.0.2.1 443 --close" "2001:db8::1 443" "192.0.2.1 81 --backlog 1024" \
	"192.0.2.1 8080 --close" ":: 8443" "127.0.0.1 9000"; do
	# shellcheck disable=SC2086
	farm "$SRV" serve $spec
	farm_wait_line "listener $spec" 10 || finish
done
farm "$SRV" udp bind 192.0.2.1 53 --count 1
farm_wait_line "udp bind 53" 10 || finish
farm "$SRV" udp bind :: 5353
farm_wait_line "udp bind v6" 10 || finish
farm "$SRV" udp connect 192.0.2.2 53 --count 3
farm_wait_line "udp connect" 10 || finish

farm "$CLI" connect 192.0.2.1 22 --from 198.51.100.10=5,198.51.100.11=2,203.0.113.5=3
farm_wait_line "ssh clients" 30 || finish
farm "$CLI" connect 2001:db8::1 22 --from 2001:db8::2=4
farm_wait_line "ssh clients v6" 30 || finish
farm "$SRV" connect 192.0.2.1 22 --from 192.0.2.1=2
farm_wait_line "the server's own ssh connections" 30 || finish
farm "$CLI" connect 192.0.2.1 80 --from 198.51.100.10=6,203.0.113.6=4
farm_wait_line "http clients" 30 || finish
farm "$CLI" connect 192.0.2.1 443 --from 198.51.100.11=5,203.0.113.5=2
farm_wait_line "https clients" 30 || finish
farm "$CLI" connect 2001:db8::1 80 --from 2001:db8::2=3
farm_wait_line "http clients v6" 30 || finish
farm "$CLI" connect 2001:db8::1 443 --from 2001:db8::2=2
farm_wait_line "https clients v6" 30 || finish
farm "$CLI" connect 192.0.2.1 8443 --from 198.51.100.50=4
farm_wait_line "IPv4-mapped clients" 30 || finish
farm "$SRV" connect 127.0.0.1 9000 --from 127.0.0.2=3
farm_wait_line "loopback clients" 30 || finish
farm "$CLI" synflood 192.0.2.1 81 --from 198.51.100.30=7
farm_wait_line "SYN flood" 30 || finish
farm "$SRV" synflood 192.0.2.2 7 --from 192.0.2.1=3
farm_wait_line "connections that never get an answer" 30 || finish
farm "$CLI" connect 192.0.2.1 8080 --from 198.51.100.40=5
farm_wait_line "connections the server closes" 30 || finish

ns() { ip netns exec "$SRV" "$@"; }
ss_hist() { ns ss -tanH | awk '{print $1}' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' '; }
WANT="ESTAB=$((10 + 4 + 2 * 2 + 3 + 2 + 4 + 3 * 2)) FIN-WAIT-1=17 LISTEN=10 SYN-RECV=7 SYN-SENT=3 TIME-WAIT=5 "
if ! wait_for "ss shows the population" 30 test "$(ss_hist)" == "$WANT"; then
	not_ok "population never settled: ss shows $(ss_hist), want $WANT"
	finish
fi
ok "ss shows the population: $WANT"

# One client port of an ssh connection from 198.51.100.10 (ssfilter.t's 50312).
CPORT=$(ns ss -tnH state established src 192.0.2.1:22 dst 198.51.100.10 | awk '{n = split($NF, a, ":"); print a[n]; exit}')
[ -n "$CPORT" ] || { not_ok "no ssh client port found"; finish; }

# Each line: the filter as typed on ss's command line (shell words).
FILTERS=(
	# ss(8), USAGE EXAMPLES (193.233.7/24 -> 198.51.100/24, kept abbreviated)
	"state established '( dport = :ssh or sport = :ssh )'"
	"state fin-wait-1 '( sport = :http or sport = :https )' dst 198.51.100/24"
	# iproute2 testsuite/tests/ss/ssfilter.t (10.0.0.1 -> 192.0.2.1,
	# 10.0.0.2 -> 198.51.100.10, 50312 -> a client port)
	"dport = 22" "dport 22" "'( dport = 22 )'" "src = 0.0.0.0" "src 0.0.0.0"
	"src 0.0.0.0 sport = 22" "src 0.0.0.0 and sport = 22"
	"src 192.0.2.1 and sport = 22 and dport = $CPORT"
	"'src 192.0.2.1 and sport = 22 and ( dport = $CPORT )'"
	"'src 192.0.2.1 and ( sport = 22 and dport = $CPORT )'"
	"'( src 192.0.2.1 and sport = 22 ) and dport = $CPORT'"
	"'( src 0.0.0.0 or src 192.0.2.1 ) and dst 198.51.100.10'"
	# the forms operators type most
	"dport = :22" "sport eq :80" "'( dport = :ssh or sport = :ssh )'" "dport '>=' :1024"
	"dst 192.0.2.1:80" "dport != :22"
	# every operator and alias of ss(8)
	"sport == :443" "sport = :https" "sport ne :22" "sport neq 22" "dport '<' :1024"
	"dport lt 1024" "sport '>' :443" "sport gt 443" "sport '<=' :443" "sport le :443"
	"sport leq 443" "sport '>=' :8080" "sport ge :8080" "sport geq 8080" "dport = :domain"
	"dport = '*'" "sport '!=' '*'"
	# HOST forms
	"dst 198.51.100.10" "dst = 198.51.100.0/24" "dst 198.51.100/24" "src 192.0.2.1:22"
	"dst 192.0.2.1:22" "src '*:443'" "src :8443" "dst '*'" "src '[2001:db8::1]:22'"
	"src '[2001:db8::1]'" "dst '[2001:db8::/64]'" "dst '[2001:db8::2]:*'" "src 127.0.0.1:9000"
	"dst 198.51.100.50" "src 192.0.2.1:http dst 203.0.113.0/24" "dst 192.0.2.2:7" "src 192.0.2.1: and dport = :domain"
	# boolean operators
	"'!' dport = :22" "not sport = :ssh and not src 127.0.0.0/8"
	"'sport = :http || sport = :https'" "'dport = :ssh && src 192.0.2.1'"
	"sport = :http '|' sport = :https" "sport = :https '&' dst 203.0.113.5"
	# state names and groups, state and exclude
	"state established" "state syn-sent" "state syn-recv" "state syn-rcv" "state fin-wait-1"
	"state fin-wait-2" "state time-wait" "state closed" "state close" "state unconnected"
	"state close-wait" "state last-ack" "state listening" "state closing" "state all"
	"state connected" "state synchronized" "state bucket" "state big"
	"state established state syn-recv" "exclude established" "excl listening exclude time-wait"
	"state connected exclude established" "exclude big state listening"
	"state listening sport = :22" "state bucket dst 198.51.100/24"
	"state synchronized '( sport = :http or sport = :https )'"
)

# ss -tuanH lines -> "proto STATE laddr lport raddr rport". ss leaves the
# State column out when the filter allows one state only: that socket's
# state is then read from the full listing ($1, taken just before).
canon() { # FULL_LISTING
	awk 'function addr(x,  i, a, p) {
		i = match(x, /:[^:]*$/); a = substr(x, 1, i - 1); p = substr(x, i + 1)
		gsub(/^\[|\]$/, "", a); if (a == "*") a = "::"
		sub(/^::ffff:/, "", a); if (p == "*") p = 0
		return a " " p
	}
	function state(s) {
		if (s == "ESTAB") s = "ESTABLISHED"; else if (s == "UNCONN") s = "CLOSE"
		else if (s ~ /^FIN-WAIT-/) { sub(/-WAIT-/, "_WAIT", s) }
		gsub(/-/, "_", s)
		return s
	}
	FNR == NR { st[$1 " " addr($5) " " addr($6)] = state($2); next }
	{
		k = $1 " " addr($(NF - 1)) " " addr($NF)
		s = NF >= 6 ? state($2) : st[k]
		print $1, s, addr($(NF - 1)), addr($NF)
	}' "$1" -
}

BPF=1
ns "$FSOCKS" --backend bpf 'state listen' >/dev/null 2>"$T/bpf_probe.err" || BPF=0
ns ss -tuanH | sort >"$T/ss_all.0"
for i in "${!FILTERS[@]}"; do
	eval "set -- ${FILTERS[$i]}"
	ns ss -tuanH "$@" 2>"$T/ss$i.err" | canon "$T/ss_all.0" | sort >"$T/ss$i"
	ns "$FSOCKS" "$*" 2>"$T/sw$i.err" | sort >"$T/sw$i"
	[ "$BPF" = 1 ] && ns "$FSOCKS" --backend bpf "$*" 2>"$T/bpf$i.err" | sort >"$T/bpf$i"
	echo "$*" >"$T/words$i"
done
ns ss -tuanH | sort >"$T/ss_all.1"
check_same "population unchanged while the filters ran" "$(cat "$T/ss_all.0")" "$(cat "$T/ss_all.1")"

nonempty=0
for i in "${!FILTERS[@]}"; do
	w=$(cat "$T/words$i")
	if [ -s "$T/ss$i.err" ]; then
		not_ok "ss refused '$w': $(head -c 200 "$T/ss$i.err")"
		continue
	fi
	if [ -s "$T/sw$i.err" ]; then
		not_ok "sockwatch refused '$w': $(head -c 300 "$T/sw$i.err")"
		continue
	fi
	n=$(wc -l <"$T/ss$i")
	[ "$n" -gt 0 ] && nonempty=$((nonempty + 1))
	check_same "'$w' selects what ss selects ($n sockets)" "$(cat "$T/ss$i")" "$(cat "$T/sw$i")"
	[ "$BPF" = 1 ] || continue
	if [ -s "$T/bpf$i.err" ]; then
		not_ok "bpf: '$w' failed: $(head -c 300 "$T/bpf$i.err")"
		continue
	fi
	check_same "bpf: '$w' selects what ss selects ($n sockets)" "$(cat "$T/ss$i")" "$(cat "$T/bpf$i")"
done
[ "$BPF" = 1 ] || skip "--backend bpf: unavailable here ($(head -c 200 "$T/bpf_probe.err"))"
# A comparison of empty sets proves little: most filters must select some.
[ "$nonempty" -ge $((${#FILTERS[@]} - 8)) ] &&
	ok "$nonempty of ${#FILTERS[@]} filters select sockets" ||
	not_ok "only $nonempty of ${#FILTERS[@]} filters select sockets"

# Bad and ambiguous words are refused, the word marked under the text.
for bad in "dport = :nosuchservice|:nosuchservice" "src 2001:db8::1:22|2001:db8::1:22" \
	"state listen-ing|listen-ing" "dst 192.0.2.1:99999|:99999"; do
	f=${bad%%|*} word=${bad#*|}
	out=$("$SW_BIN" -b --netns "$SRV" -f "$f" 2>&1)
	rc=$?
	caret=$(printf '%s\n' "$out" | sed -n 3p)
	want=$(printf '%*s' $((${#f} - ${#word} + 2)) '' | tr ' ' ' ')^$(printf '%*s' $((${#word} - 1)) '' | tr ' ' '~')
	if [ "$rc" -ne 0 ] && [ "$caret" == "$want" ]; then
		ok "'$f' is refused with the word marked: $(printf '%s\n' "$out" | head -1)"
	else
		not_ok "'$f': status $rc, caret '$caret', want '$want': $out"
	fi
done
finish
