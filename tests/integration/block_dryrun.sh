#!/bin/bash
# needs: ip nft python3 ss timeout jq
# --dry-run prints nft syntax and sends nothing: `nft list ruleset` stays
# byte-for-byte the same, and the printed commands, fed to nft, build
# the same table sockwatch builds itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"

# an admin's table is there too: it must not move either
sw_s nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 9999 drop
	}
}
NFT
nft_table_cleanup inet filter "$S"

before=$(sw_s nft list ruleset)
out=$(sw block 198.51.100.10 --for 90s --reason "dry" --dry-run --kill)
check_eq "dry-run block leaves the ruleset byte-for-byte unchanged" \
	"$before" "$(sw_s nft list ruleset)"
check "dry run says nothing was sent" grep -q "^# dry run: would block 198.51.100.10 for 1m30s; nothing sent$" <<<"$out"
check "it would create the table first" grep -q "^add table inet sockwatch$" <<<"$out"
check "it would add the element with timeout and comment" \
	grep -q '^add element inet sockwatch addr4 { 198.51.100.10 timeout 90s comment "by root .*, 0 conns: dry" }$' <<<"$out"
check "the printed commands are valid nft (nft -c)" sw_s nft -c -f - <<<"$out"
check "198.51.100.10 still connects" probe 198.51.100.10
# what each dry run must print: its "# dry run" line, then the nft commands
declare -A want=(
	["unblock 198.51.100.10"]=$'# dry run: would unblock 198.51.100.10; nothing sent\ndelete element inet sockwatch addr4 { 198.51.100.10 }'
	["unblock --all"]=$'# dry run: nothing sent\nflush set inet sockwatch addr4\nflush set inet sockwatch addr6\nflush set inet sockwatch net4\nflush set inet sockwatch net6'
	["--cleanup"]=$'# dry run: nothing sent\ndelete table inet sockwatch'
)
for cmd in "unblock 198.51.100.10" "unblock --all" "--cleanup" "block 2001:db8:1::/48"; do
	# shellcheck disable=SC2086
	out=$(sw $cmd --dry-run 2>&1)
	rc=$?
	check_eq "dry-run $cmd exits 0" 0 "$rc"
	check_eq "dry-run $cmd leaves the ruleset unchanged" "$before" "$(sw_s nft list ruleset)"
	if [ -n "${want[$cmd]:-}" ]; then
		check_eq "dry-run $cmd prints what it would send" "${want[$cmd]}" "$out"
	else
		check "dry-run $cmd prints the element it would add" \
			grep -q '^add element inet sockwatch net6 { 2001:db8:1::/48 timeout 600s ' <<<"$out"
	fi
done
check "dry-run audits nothing" test ! -s "$AUDIT"

# with a table in place: only the element, and still nothing sent
sw block 198.51.100.20 >/dev/null
before=$(ruleset)
out=$(sw block 2001:db8:1::/48 --dry-run --reason x)
check_eq "dry run with the table present sends nothing" "$before" "$(ruleset)"
check_eq "with the table present only the element is printed" \
	'add element inet sockwatch net6 { 2001:db8:1::/48 timeout 600s comment "by root' \
	"$(grep -v '^#' <<<"$out" | cut -c1-79)"
check "2001:db8:1::10 still connects" probe 2001:db8:1::10

# the printed unblock, unblock --all and --cleanup, fed to nft, do what the
# real commands do; the dry runs themselves change nothing
sw block 198.51.100.30 >/dev/null
before=$(ruleset)
out=$(sw unblock 198.51.100.20 --dry-run)
check_eq "dry-run unblock with the table present sends nothing" "$before" "$(ruleset)"
check "its printed command removes the element (nft -f)" sw_s nft -f - <<<"$out"
check "198.51.100.20 is unblocked by it" bash -c "! ip netns exec $S nft list set inet sockwatch addr4 | grep -q '198.51.100.20 '"
check "198.51.100.30 stays blocked" bash -c "ip netns exec $S nft list set inet sockwatch addr4 | grep -q '198.51.100.30 '"
before=$(ruleset)
out=$(sw unblock --all --dry-run)
check_eq "dry-run unblock --all with blocks in place sends nothing" "$before" "$(ruleset)"
sw_s nft -f - <<<"$out"
check_eq "its printed commands empty every set" 0 \
	"$(sw_s nft -j list table inet sockwatch | jq '[.nftables[] | select(.set) | .set.elem // [] | length] | add')"
check "the table stays" bash -c "ip netns exec $S nft list table inet sockwatch >/dev/null"
before=$(ruleset)
out=$(sw --cleanup --dry-run)
check_eq "dry-run --cleanup with the table present sends nothing" "$before" "$(ruleset)"
sw_s nft -f - <<<"$out"
check "its printed command removes the table" bash -c "! ip netns exec $S nft list table inet sockwatch 2>/dev/null"

# what a dry run prints is what a real run builds
sw --cleanup >/dev/null
out=$(sw block 2001:db8:1::/48 --for 1h --reason same --dry-run)
sw_s nft -f - <<<"$out"
printed=$(sw_s nft list table inet sockwatch | sed -E 's/ expires [0-9a-z]+//; s/comment "[^"]*"/comment C/')
sw_s nft delete table inet sockwatch
sw block 2001:db8:1::/48 --for 1h --reason same >/dev/null
real=$(sw_s nft list table inet sockwatch | sed -E 's/ expires [0-9a-z]+//; s/comment "[^"]*"/comment C/')
check_eq "the dry run's commands build the same table as sockwatch" "$printed" "$real"
finish
