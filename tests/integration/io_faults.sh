#!/bin/bash
# Nothing hangs and nothing is lost silently: --audit-log and
# --record refuse FIFOs and devices at once (no hang), a write that fails
# (a full disk: a tiny tmpfs in a private mount namespace) makes the exit
# status non-zero, and in the TUI the failure shows in the status line
# and q still quits at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

N="${SW_TAG}n"
TMP=$(tmpdir)
ns_add "$N"
ip -n "$N" addr add 192.0.2.1/24 dev lo
nft_table_cleanup inet sockwatch "$N"
sw() { timeout 10 "$SW_BIN" --netns "$N" "$@"; }
mkfifo "$TMP/fifo"

# fails DESC PATTERN CMD...: exit 1 with the message, within the timeout
fails() {
	local d="$1" want="$2" out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 1 ] && grep -qE -- "$want" <<<"$out"; then
		ok "$d: $out"
	else
		not_ok "$d: expected exit 1 and '$want', got rc=$rc '$out'"
	fi
}
fails "--audit-log FIFO is refused, no hang" "audit log $TMP/fifo" \
	sw block 198.51.100.20 --audit-log "$TMP/fifo"
fails "--audit-log /dev/full is refused" "audit log /dev/full is not a regular file" \
	sw block 198.51.100.21 --audit-log /dev/full
check "... and nothing was blocked" bash -c \
	"! ip netns exec $N nft list table inet sockwatch 2>/dev/null | grep -q '198.51.100.2[01]'"
fails "--record FIFO is refused, no hang" "--record $TMP/fifo: not a regular file \(a FIFO\)" \
	sw -b -n 3 -d 0 --record "$TMP/fifo"
fails "--record /dev/full is refused" "--record /dev/full: not a regular file" \
	sw -b -n 1 --record /dev/full

# a disk that fills: a 16 KiB tmpfs, private to the command
MNT="$TMP/mnt"
mkdir "$MNT"
tmpfs_wrap "$TMP/full" "$MNT" 16
tmpfs_wrap "$TMP/empty" "$MNT" 0
out=$(timeout 10 "$TMP/full" --netns "$N" block 198.51.100.22 --audit-log "$MNT/audit" 2>&1); rc=$?
check_eq "a block whose audit line cannot be written exits 1" 1 "$rc"
check "... saying the audit log failed" grep -q "writing the audit log $MNT/audit failed: No space left on device" <<<"$out"
out=$(timeout 20 "$TMP/empty" --netns "$N" -b -n 200 -d 0 --record "$MNT/rec" 2>&1 >/dev/null); rc=$?
check_eq "a recording that fills the disk exits 1" 1 "$rc"
check "... saying so" grep -q -- "--record $MNT/rec: writing failed: No space left on device" <<<"$out"

# the TUI: a recording that fills the disk shows in the status line, q
# quits at once, and the exit status and message say it was cut short
SW_BIN="$TMP/empty" tui_start 120x40 --netns "$N" -d 0.2 --record "$MNT/rec" --audit-log /dev/full
if tui_wait "the record failure" 20 'record .*No space left on device'; then
	ok "the TUI shows the failed recording in the status line"
else
	not_ok "the TUI shows the failed recording in the status line"
fi
# no b: the audit log is only opened by a block
tui_quit_lost 1 "the recording *is cut short"
tmx kill-session -t tui
finish
