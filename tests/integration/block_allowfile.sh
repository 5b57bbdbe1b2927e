#!/bin/bash
# An allow file the operator named must be there and be a
# regular file of at most 1 MiB; it is read without blocking (a FIFO never
# hangs, /dev/zero never grows). Only the default path may be absent.
. "$(dirname "$0")/lib.sh"

N="${SW_TAG}n"
TMP=$(tmpdir)
ns_add "$N"
ip -n "$N" addr add 192.0.2.1/24 dev lo
# dry runs: the policy is read, nothing is sent
sw() { timeout 10 "$SW_BIN" --netns "$N" --audit-log - block 198.51.100.20 --dry-run "$@" 2>&1; }

# fails WHAT PATTERN ARGS...: exit 1 with the message, in time
fails() {
	local what="$1" want="$2" out rc
	shift 2
	out=$(sw "$@"); rc=$?
	if [ "$rc" -eq 1 ] && grep -qE -- "$want" <<<"$out"; then
		ok "$what is an error: $out"
	else
		not_ok "$what: expected exit 1 and '$want', got rc=$rc '$out'"
	fi
}
fails "a missing --allow-file" "cannot read the allow list $TMP/none: No such file" \
	--allow-file "$TMP/none"
mkdir "$TMP/dir"
fails "a directory as --allow-file" "allow list $TMP/dir is a directory" --allow-file "$TMP/dir"
mkfifo "$TMP/fifo"
fails "a FIFO as --allow-file (no hang)" "allow list $TMP/fifo is a FIFO" --allow-file "$TMP/fifo"
fails "/dev/zero as --allow-file (no growth)" "allow list /dev/zero is a device" --allow-file /dev/zero
python3 -c 'import sys; sys.stdout.write("# x\n" * (1024 * 256) + "#")' >"$TMP/big"
fails "an allow file over 1 MiB" "allow list $TMP/big is larger than 1048576 bytes" \
	--allow-file "$TMP/big"
printf '198.51.100.20\n' >"$TMP/unreadable"
chmod 000 "$TMP/unreadable"
out=$(ip netns exec "$N" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$SW_BIN" --audit-log - block 198.51.100.20 --dry-run --allow-file "$TMP/unreadable" 2>&1); rc=$?
check_eq "an unreadable --allow-file is an error (exit 1)" 1 "$rc"
check "... saying why" grep -q "cannot read the allow list $TMP/unreadable: Permission denied" <<<"$out"

# a file of exactly 1 MiB is read, and what it lists is refused
python3 -c '
import sys
t = "198.51.100.20\n" + "# padding\n" * 104856
sys.stdout.write(t + "#" * (1024 * 1024 - len(t) - 1) + "\n")' >"$TMP/max"
check_eq "(the file is 1 MiB)" 1048576 "$(stat -c %s "$TMP/max")"
out=$(sw --allow-file "$TMP/max"); rc=$?
check_eq "a 1 MiB allow file is read (its entry refused, exit 1)" 1 "$rc"
check "... on the allow list" grep -q "198.51.100.20 is on the allow list" <<<"$out"
# the default path may be absent (it is on this machine: checked first)
if [ -e /etc/sockwatch/allow ]; then
	echo "# /etc/sockwatch/allow exists here: the default-path check is skipped"
else
	out=$(sw); rc=$?
	check_eq "without --allow-file an absent default list is empty (exit 0)" 0 "$rc"
	check "... and the block goes ahead" grep -q "would block 198.51.100.20" <<<"$out"
fi
check "--help says the default may be absent" bash -c "'$SW_BIN' --help | grep -A1 -- --allow-file | grep -q 'may be absent'"
finish
