#!/bin/bash
# needs: ip nft python3 ss timeout
# A long-running blocker (as in the TUI) sees its block expire: the list
# read back loses it, is_blocked turns false, and the audit log gets one
# "expire" line for it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

WATCH="$SW_BUILD/tools/block_watch"
[ -x "$WATCH" ] || { echo "not ok - $WATCH missing: run 'make tools'"; exit 1; }
out=$(sw_s timeout 20 "$WATCH" "$AUDIT" 198.51.100.0/24 2 4)
check_eq "the watcher blocks for 2s" "blocked 198.51.100.0/24 for 2s" "$(head -1 <<<"$out")"
check "at first it is listed and blocked" grep -q "^t=0.0 listed 1 blocked yes$" <<<"$out"
check "at the end it is gone and not blocked" grep -q "^t=4.0 listed 0 blocked no$" <<<"$out"
check "the audit log has block then expire for it" python3 -c '
import json, sys
rows = [(r["action"], r["target"], r["outcome"]) for r in map(json.loads, open(sys.argv[1]))]
assert rows == [("block", "198.51.100.0/24", "sent"), ("expire", "198.51.100.0/24", "seen")], rows
' "$AUDIT"
finish
