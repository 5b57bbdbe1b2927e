#!/bin/bash
# needs: ip nft jq timeout
# `sockwatch blocks` reads the kernel's sets back exactly, also right after
# tens of thousands of elements were added: then the kernel is still
# resizing the set's hash table, and a plain set dump repeats some
# elements and misses others (seen with 100,000: 94,587 distinct of
# 100,001). sockwatch notices the repeats and reads again.
. "$(dirname "$0")/lib.sh"

NS="${SW_TAG}rb"
T=$(tmpdir)
N=100000
ns_add "$NS"
nft_table_cleanup inet sockwatch "$NS"

"$SW_BIN" --netns "$NS" --audit-log - block 2001:db8:0:2::1 --for 1h >/dev/null
check "the table exists after the first block" \
	sh -c "ip netns exec $NS nft list set inet sockwatch addr6 >/dev/null"

# N more addresses in one go, as an operator's script with nft -f would
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) {
		if (i % 10000 == 0)
			printf "%sadd element inet sockwatch addr6 { ", i ? " }\n" : ""
		printf "%s2001:db8:0:1::%x:%x timeout 1h", i % 10000 ? ", " : "",
			int(i / 65536), i % 65536
	}
	print " }"
}' >"$T/fill.nft"
check "nft -f adds $N elements" ip netns exec "$NS" nft -f "$T/fill.nft"

# at once, while the kernel may still be growing the set's table
"$SW_BIN" --netns "$NS" blocks --json >"$T/b1.json"
# and again a moment later, when it has settled
sleep 2
"$SW_BIN" --netns "$NS" blocks --json >"$T/b2.json"
for f in b1 b2; do
	total=$(jq '.blocks | length' "$T/$f.json")
	distinct=$(jq -r '.blocks[].target' "$T/$f.json" | sort -u | wc -l)
	check_eq "$f: every element read back once" "$((N + 1))" "$total"
	check_eq "$f: no element read back twice" "$((N + 1))" "$distinct"
done
check "the first block is among them" \
	grep -q '"target":"2001:db8:0:2::1"' "$T/b1.json"
finish
