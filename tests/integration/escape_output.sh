#!/bin/bash
# Text from outside reaches the terminal escaped: a process name
# with an escape sequence (batch listeners), a filter word echoed in an
# error, an nft comment added by hand (blocks). No raw ESC byte is printed.
. "$(dirname "$0")/lib.sh"

N="${SW_TAG}n"
TMP=$(tmpdir)
ns_add "$N"
nft_table_cleanup inet sockwatch "$N"
ip -n "$N" addr add 192.0.2.1/24 dev lo
sw() { timeout 10 "$SW_BIN" --netns "$N" --audit-log - "$@"; }
has_esc() { grep -q $'\x1b' "$1"; }

# a listener whose process renamed itself "\e[31mevil"
spawn ip netns exec "$N" python3 -c '
import ctypes, socket, time
ctypes.CDLL(None).prctl(15, b"\x1b[31mevil", 0, 0, 0)
s = socket.socket(); s.bind(("192.0.2.1", 7777)); s.listen(); time.sleep(120)'
wait_for "the listener" 5 sh -c "ip netns exec $N ss -Htln | grep -q ':7777'" || exit 1
sw -b >"$TMP/batch" 2>&1
check "the batch listeners name the process" grep -q 'evil/' "$TMP/batch"
check "... with its ESC escaped (\\x1b[31mevil)" grep -qF '\x1b[31mevil/' "$TMP/batch"
check "... and no raw ESC in the output" bash -c "! grep -q \$'\\x1b' '$TMP/batch'"

sw -b -f $'port \e[2Jx' >"$TMP/ferr" 2>&1
check "a bad filter word is echoed escaped" grep -qF "bad port '\\x1b[2Jx'" "$TMP/ferr"
check "... and no raw ESC in the message" bash -c "! grep -q \$'\\x1b' '$TMP/ferr'"
sw -b --top $'\e[2J' >"$TMP/cerr" 2>&1
check "a bad option value is echoed escaped" grep -qF "'\\x1b[2J' is not a number" "$TMP/cerr"

# an element added by hand with an escape in its comment
sw block 198.51.100.6 >/dev/null 2>&1 || { not_ok "a block creates the table"; finish; }
ip netns exec "$N" nft add element inet sockwatch addr4 "{ 198.51.100.7 timeout 1h comment \"$(printf '\e')[5mhi\" }" ||
	{ not_ok "nft takes the comment"; finish; }
sw blocks >"$TMP/blocks" 2>&1
check "blocks lists the hand-made element" grep -q '198.51.100.7' "$TMP/blocks"
check "... its comment escaped" grep -qF '\x1b[5mhi' "$TMP/blocks"
check "... and no raw ESC in the listing" bash -c "! grep -q \$'\\x1b' '$TMP/blocks'"

# a non-ASCII reason: kept in the audit log, spaces in the comment (said)
AUD="$TMP/audit"
timeout 10 "$SW_BIN" --netns "$N" --audit-log "$AUD" block 198.51.100.8 --reason "Überlast ✓" >/dev/null 2>&1
check "the audit log keeps a non-ASCII reason" grep -q '"reason":"Überlast ✓"' "$AUD"
check "the nft comment has spaces for it" bash -c \
	"ip netns exec $N nft list set inet sockwatch addr4 | grep '198.51.100.8' | grep -q ':   berlast    \"'"
check "--help says so" bash -c "'$SW_BIN' --help | grep -q 'characters other than printable ASCII are spaces'"
# the replayed JSON has the live JSON's keys, netns among them
check "replayed JSON has the netns key" bash -c \
	"'$SW_BIN' -b --json --replay '$TESTS_DIR/fixtures/diag.rec' -n 1 | jq -e 'has(\"netns\")' >/dev/null"
finish
