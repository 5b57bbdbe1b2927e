#!/bin/bash
# needs: ip setpriv timeout
# Bad input: unknown options, bad values, bad filters, a missing
# namespace, unreadable / foreign / truncated replay files, no permission.
# Each must give a clear one-line error on stderr starting with
# "sockwatch: " and the exit status the README promises: 2 for a bad command
# line (options, values, filters), 1 for a failure at run time (namespaces,
# replay files, permissions); never a crash (exit >= 128) or a hang.
#
# A bad filter must point at the offending word: either in the one line
# (the word quoted), or as the filter text and a caret line under the word
# (a three-line message whose first line starts with "sockwatch: ").
. "$(dirname "$0")/lib.sh"

T=$(tmpdir)
chmod 755 "$T"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# run_sw OUTNAME [AS...] -- ARGS: output in $T/OUTNAME.{out,err,rc}
run_sw() {
	local n="$1" as=()
	shift
	while [ "$1" != "--" ]; do as+=("$1"); shift; done
	shift
	timeout -k 2 10 "${as[@]}" "$SW_BIN" "$@" >"$T/$n.out" 2>"$T/$n.err" </dev/null
	echo $? >"$T/$n.rc"
}

# the common verdict on a run: the exit status $WANT (2 bad usage, 1 failed),
# no crash, no hang
WANT=2
exit_ok() { # NAME DESC
	local rc
	rc=$(cat "$T/$1.rc")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		not_ok "$2: does not hang (killed after 10 s)"
	elif [ "$rc" -ge 128 ]; then
		not_ok "$2: does not crash (exit $rc = signal $((rc - 128)); stderr: $(head -c 200 "$T/$1.err"))"
	elif [ "$rc" -ne "$WANT" ]; then
		not_ok "$2: exits $WANT (it exited $rc; stderr: $(head -c 200 "$T/$1.err"))"
	else
		return 0
	fi
	return 1
}

# expect_error DESC [AS...] -- ARGS: exactly one stderr line "sockwatch: ..."
expect_error() {
	local d="$1" n="e$((++_n))"
	shift
	run_sw "$n" "$@"
	exit_ok "$n" "$d" || return
	if [ "$(wc -l <"$T/$n.err")" -ne 1 ] || ! grep -q '^sockwatch: ' "$T/$n.err"; then
		not_ok "$d: one line starting 'sockwatch: ' on stderr, got: $(head -c 300 "$T/$n.err" | sed 's/$/\\n/' | tr -d '\n')"
	else
		ok "$d: $(cat "$T/$n.err")"
	fi
}

# expect_filter_error FILTER WORD: the error points at WORD (its first
# occurrence at or after the byte offset OFFSET, default 0)
expect_filter_error() {
	local f="$1" w="$2" off="${3:-0}" n="f$((++_n))" pos caret line1
	run_sw "$n" -- -b --json -f "$f"
	exit_ok "$n" "bad filter '$f'" || return
	line1=$(head -1 "$T/$n.err")
	pos=$(awk -v t="$f" -v w="$w" -v o="$off" 'BEGIN {i = index(substr(t, o + 1), w); print i ? i - 1 + o : -1}')
	if [[ "$line1" != "sockwatch: "* ]]; then
		not_ok "bad filter '$f': first line starts 'sockwatch: ', got: $line1"
	elif [ "$(wc -l <"$T/$n.err")" -eq 1 ]; then
		if [[ "$line1" == *"'$w'"* || "$line1" == *"\"$w\""* ]]; then
			ok "bad filter '$f' names '$w': $line1"
		else
			not_ok "bad filter '$f': the error names '$w', got: $line1"
		fi
	elif [ "$(wc -l <"$T/$n.err")" -eq 3 ]; then
		# line 2 is the text, line 3 the caret under the word
		caret=$(sed -n 3p "$T/$n.err" | awk '{print index($0, "^")}')
		text_at=$(sed -n 2p "$T/$n.err" | awk -v t="$f" '{print index($0, t)}')
		if [ "$text_at" -gt 0 ] && [ $((caret - text_at)) -eq "$pos" ]; then
			ok "bad filter '$f' points at '$w': $(tr '\n' '|' <"$T/$n.err")"
		else
			not_ok "bad filter '$f': the caret is under '$w' (offset $pos), got: $(tr '\n' '|' <"$T/$n.err")"
		fi
	else
		not_ok "bad filter '$f': a one-line (or text + caret) error, got: $(tr '\n' '|' <"$T/$n.err")"
	fi
}
_n=0

# --- options and values: bad usage, exit 2 ------------------------------------
WANT=2
expect_error "unknown long option" -- -b --bogus
expect_error "unknown short option" -- -b -x
expect_error "option missing its value" -- -b -d
expect_error "stray word" -- -b frobnicate
for v in abc -1 1e999 "" 2x; do expect_error "-d '$v'" -- -b -d "$v"; done
for v in 0 -3 1.5 abc 99999999999999999999; do expect_error "-n '$v'" -- -b -n "$v"; done
for v in -1 abc 1.5; do expect_error "--top '$v'" -- -b --top "$v"; done
for v in 0 33 24,129 24,0 abc 24, 24,64,8; do expect_error "--group '$v'" -- -b --group "$v"; done
expect_error "-n without -b" -- -n 2
expect_error "--record and --replay together" -- -b --record "$T/x" --replay "$T/x"

# --- filters: a bad value of -f, exit 2 -----------------------------------------
expect_filter_error 'frobnicate' frobnicate
expect_filter_error 'state bogus' bogus
expect_filter_error 'tcp and state syn_rcv' syn_rcv
expect_filter_error 'port 99999' 99999
expect_filter_error 'dport htttp' htttp # http is a service name: dport 80
# service names are ports (/etc/services), in batch mode as in the TUI
for f in 'dport http' 'dport = :https' 'sport eq :ssh'; do
	out=$(timeout 20 "$SW_BIN" -b -n 1 -f "$f" 2>&1 >/dev/null); rc=$?
	check_eq "-f '$f' is accepted (exit 0)" "0 " "$rc $out"
done
expect_filter_error 'addr 300.1.1.1/24' 300.1.1.1/24
expect_filter_error 'addr 192.0.2.0/33' 192.0.2.0/33
expect_filter_error 'tcp and and udp' and 8
expect_filter_error 'tcp or (udp and v4' '(' 7

# --- namespaces: a failure at run time, exit 1 -----------------------------------
WANT=1
expect_error "missing namespace" -- -b --netns "${SW_TAG}nosuch"
# ip netns refuses names with a slash ("Invalid netns name"): so must
# sockwatch, and that is a bad command line (no namespace is looked at)
WANT=2 expect_error "namespace name with a slash" -- -b --netns ../../proc/1/ns/net
ns_add "${SW_TAG}perm"
expect_error "--netns as an unprivileged user (no permission)" "${NOBODY[@]}" -- -b --netns "${SW_TAG}perm"

# --- replay files: exit 1 ------------------------------------------------------------
expect_error "replay of a missing file" -- -b --replay "$T/nonexistent"
expect_error "replay of a directory" -- -b --replay "$T"
: >"$T/empty"
expect_error "replay of an empty file" -- -b --replay "$T/empty"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$T/text"
expect_error "replay of a text file" -- -b --replay "$T/text"
head -c 100000 /dev/urandom >"$T/random"
expect_error "replay of random bytes" -- -b --replay "$T/random"
ip netns exec "${SW_TAG}perm" "$SW_BIN" -b -n 2 -d 0 --record "$T/good" >/dev/null 2>&1
if [ -s "$T/good" ]; then
	size=$(stat -c %s "$T/good")
	for cut in 1 8 16 $((size / 2)) $((size - 1)); do
		head -c "$cut" "$T/good" >"$T/cut$cut"
		n="t$cut"
		run_sw "$n" -- -b --json -n 5 --replay "$T/cut$cut"
		exit_ok "$n" "replay truncated to $cut of $size bytes" || continue
		# complete refreshes before the cut may be printed; then one error line
		if [ "$(wc -l <"$T/$n.err")" -eq 1 ] && grep -q '^sockwatch: ' "$T/$n.err"; then
			ok "replay truncated to $cut of $size bytes: $(cat "$T/$n.err")"
		else
			not_ok "replay truncated to $cut of $size bytes: one line 'sockwatch: ...', got: $(head -c 300 "$T/$n.err")"
		fi
	done
	# a corrupted byte in the middle must not crash it either
	cp "$T/good" "$T/flip"
	printf '\377\377\377\377' | dd of="$T/flip" bs=1 seek=$((size / 2)) conv=notrunc status=none
	run_sw flip -- -b --json -n 5 --replay "$T/flip"
	rc=$(cat "$T/flip.rc")
	check "replay of a file with 4 bytes overwritten: no crash, no hang (exit $rc)" \
		test "$rc" -lt 124
	chmod 600 "$T/good"
	expect_error "replay of a file the user may not read" "${NOBODY[@]}" -- -b --replay "$T/good"
	n=good
	run_sw good -- -b --json -n 5 --replay "$T/good"
	check_eq "(control) the intact recording replays with exit 0" 0 "$(cat "$T/good.rc")"
else
	not_ok "recording a file to truncate (sockwatch --record failed)"
fi

echo "# whole test took $SECONDS s"
finish
