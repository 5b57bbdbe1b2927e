#!/bin/bash
# needs: timeout mkfifo man
# sockwatch rules check [FILE]: every example in contrib/rules is valid
# and said in words; a bad file is refused whole with one "FILE:LINE:"
# line per error and a summary (exit 1, nothing on stdout); files that
# cannot be read (missing, a directory, a FIFO, too large, binary) give
# one "sockwatch: " line and exit 1 without hanging; a bad command line
# exits 2.
. "$(dirname "$0")/lib.sh"

T=$(tmpdir)
ROOT="$TESTS_DIR/.."

# run NAME ARGS...: $T/NAME.{out,err,rc}
run() {
	local n="$1"
	shift
	timeout -k 2 10 "$SW_BIN" "$@" >"$T/$n.out" 2>"$T/$n.err" </dev/null
	echo $? >"$T/$n.rc"
}

n=0
for f in "$ROOT"/contrib/rules/*.rules; do
	b=$(basename "$f")
	run "ex$n" rules check "$f"
	check_eq "$b: valid (exit 0)" 0 "$(cat "$T/ex$n.rc")"
	rules=$(grep -c '^\[' "$f")
	dflt=$(grep -c '^\[defaults\]' "$f")
	check_eq "$b: one line in words per rule" "$((rules - dflt))" \
		"$(grep -c '^\[[^]]*\] (line [0-9]*) .*ban for ' "$T/ex$n.out")"
	check "$b: nothing on stderr" test ! -s "$T/ex$n.err"
	n=$((n + 1))
done
check "contrib/rules has the four examples the README names" \
	test -f "$ROOT/contrib/rules/ddos-deflate.rules" -a \
	-f "$ROOT/contrib/rules/syn-flood.rules" -a \
	-f "$ROOT/contrib/rules/port-connections.rules" -a \
	-f "$ROOT/contrib/rules/slowloris.rules"

run dd rules check "$ROOT/contrib/rules/ddos-deflate.rules"
check "ddos-deflate.rules says DDoS-Deflate's defaults" grep -q \
	"^\[ddos-deflate\] (line [0-9]*) ban for 10m any address holding more than 150 connections in any state but LISTEN, after 1 refresh" \
	"$T/dd.out"

# the README shows this output: it must be what sockwatch prints
readme=$(grep -m1 '^\[ddos-deflate\] (line' "$ROOT/README.md")
check_eq "README's rules check example is the real output" "$readme" \
	"$(grep '^\[ddos-deflate\]' "$T/dd.out")"
# the man page's example, copied from the rendered page
ex=$(LC_ALL=C MANWIDTH=200 man -l "$ROOT/man/sockwatch.8" 2>/dev/null |
	grep -m1 -E '^ *sockwatch rules check [a-z]' | sed 's/^ *//')
check "the man page has a rules check example" test -n "$ex"
(cd "$ROOT" && bash -c "${ex/sockwatch/$(printf '%q' "$SW_BIN")}" >"$T/man.out" 2>&1)
check_eq "... which runs" 0 "$?"

cat >"$T/bad.rules" <<'RULES'
# line 1
[flood]
when = conns >> 150
ban = 10x
bann = 1h

[flood]
when = conns > 1
[syn]
match = tcp and sport 8o
when = finding syn_flod
RULES
run bad rules check "$T/bad.rules"
check_eq "a bad file: exit 1" 1 "$(cat "$T/bad.rc")"
check "... nothing on stdout (no rule is said valid)" test ! -s "$T/bad.out"
for want in \
	"$T/bad.rules:3: when: '>' after conns > is not a number" \
	"$T/bad.rules:4: ban '10x' is not a duration" \
	"$T/bad.rules:5: unknown key 'bann'; keys: match" \
	"$T/bad.rules:7: rule 'flood' is defined twice (first on line 2)" \
	"$T/bad.rules:10: match: bad port '8o'" \
	"$T/bad.rules:11: when: unknown finding kind 'syn_flod'"; do
	check "... says '${want#"$T"/}'" grep -qF -- "$want" "$T/bad.err"
done
check_eq "... one line per error and the summary" 7 "$(wc -l <"$T/bad.err")"
check "... the summary says it is refused whole" grep -q \
	"^sockwatch: rules check: $T/bad.rules is refused whole (6 errors); fix them and check again$" \
	"$T/bad.err"

# one "sockwatch: " line and exit 1
fails() { # DESC WANT ARGS...
	local d="$1" want="$2" rc
	shift 2
	run f rules check "$@"
	rc=$(cat "$T/f.rc")
	if [ "$rc" -ne 1 ]; then
		not_ok "$d: exit 1 (got $rc: $(head -c 200 "$T/f.err"))"
	elif [ "$(wc -l <"$T/f.err")" -ne 1 ] || ! grep -q "^sockwatch: .*$want" "$T/f.err"; then
		not_ok "$d: one line 'sockwatch: ...$want', got: $(head -c 300 "$T/f.err")"
	else
		ok "$d: $(cat "$T/f.err")"
	fi
}
fails "a missing file" "cannot read the rules file $T/missing: No such file or directory" "$T/missing"
mkdir "$T/dir"
fails "a directory" "the rules file $T/dir is a directory, not a regular file" "$T/dir"
mkfifo "$T/fifo"
fails "a FIFO (no hang)" "the rules file $T/fifo is a FIFO" "$T/fifo"
head -c 1048577 /dev/zero | tr '\0' '#' >"$T/big"
fails "a file over 1 MiB" "is larger than 1048576 bytes" "$T/big"
printf '[r]\nwhen = conns > 1\0\n' >"$T/nul"
fails "a NUL byte" "a NUL byte at offset 20; the rules file is text" "$T/nul"

: >"$T/empty.rules"
run empty rules check "$T/empty.rules"
check_eq "an empty file is valid" 0 "$(cat "$T/empty.rc")"
check "... and says nothing will be banned" grep -q "no rules (valid, but nothing will be banned)" "$T/empty.out"

usage() { # DESC WANT ARGS...
	local d="$1" want="$2"
	shift 2
	timeout -k 2 10 "$SW_BIN" "$@" >"$T/u.out" 2>"$T/u.err" </dev/null
	check_eq "$d: exit 2" 2 "$?"
	check "$d: says '$want'" grep -q "^sockwatch: .*$want" "$T/u.err"
}
usage "rules without an action" "rules needs what to do" rules
usage "an unknown action" "unknown action 'frob'; expected check" rules frob
usage "two files" "unexpected argument" rules check a b
check "--help lists rules check" sh -c "'$SW_BIN' --help | grep -q 'sockwatch rules check \[FILE\]'"
finish
