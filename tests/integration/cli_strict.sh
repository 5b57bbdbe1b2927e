#!/bin/bash
# The command line says exactly what is wrong (exit 2), refuses
# options that mean nothing with a subcommand, and output that does not
# reach stdout is a failure (exit 1). --netns on a file that is no
# namespace never hangs and is not called a permission problem.
. "$(dirname "$0")/lib.sh"

N="${SW_TAG}n"
ns_add "$N"
# usage WANT-PATTERN ARGS...: exit 2 and the message
usage() {
	local want="$1" out rc
	shift
	out=$(timeout 10 "$SW_BIN" "$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 2 ] && grep -qE -- "$want" <<<"$out"; then
		ok "sockwatch $* -> exit 2: $out"
	else
		not_ok "sockwatch $*: expected exit 2 and '$want', got rc=$rc '$out'"
	fi
}
usage "option '--help' takes no value" --help=foo
usage "ambiguous option '--re': could be --record, --replay, --reason" -b --re x
usage "unknown option '--bogus'" -b --bogus=1
usage "--record means nothing with block" --netns "$N" block 198.51.100.7 --record /tmp/never
usage "--json means nothing with block" --netns "$N" block 198.51.100.7 --json --dry-run
usage "-f/--filter means nothing with unblock" --netns "$N" unblock --all -f 'state listen'
usage "--for means nothing with unblock" --netns "$N" unblock --all --for 1h
usage "--dry-run means nothing with blocks" --netns "$N" blocks --dry-run
usage "-d/--delay means nothing with --cleanup" --netns "$N" --cleanup -d 2
usage "-b/--batch means nothing with blocks" --netns "$N" -b blocks
usage "--group: '000000000000002499' is not" -b -g 000000000000002499
test ! -e /tmp/never && ok "the refused --record made no file" || not_ok "the refused --record made /tmp/never"
# -g is read whole: 16 characters that mean 24 are 24, not cut to 2
json=$(timeout 10 "$SW_BIN" --netns "$N" -b --json -g 0000000000000024)
check_eq "-g 0000000000000024 groups by /24" 24 "$(jq -r '.group.v4' <<<"$json")"

# full stdout: exit 1 and a message
full() {
	local out rc
	out=$(timeout 10 "$SW_BIN" "$@" 2>&1 >/dev/full); rc=$?
	if [ "$rc" -eq 1 ] && grep -q "failed" <<<"$out"; then
		ok "sockwatch $* > /dev/full -> exit 1: $out"
	else
		not_ok "sockwatch $* > /dev/full: expected exit 1 with a message, got rc=$rc '$out'"
	fi
}
full --help
full --version
full --netns "$N" blocks
full --netns "$N" -b

# --netns on what is no namespace: said so, never a hang
F="/run/netns/${SW_TAG}file" P="/run/netns/${SW_TAG}fifo"
_sw_tables+=("rm -f $F $P")
: >"$F"
mkfifo "$P"
for ns in "${SW_TAG}file" "${SW_TAG}fifo"; do
	out=$(timeout 10 "$SW_BIN" --netns "$ns" -b 2>&1); rc=$?
	check_eq "--netns $ns (not a namespace) exits 1" 1 "$rc"
	check "... saying it is no network namespace: $out" grep -q "is not a network namespace" <<<"$out"
done
finish
