#!/bin/bash
# Rules evaluation per refresh against the refresh itself, on a replayed
# recording of 250,000 sockets from about 20,000 remote addresses (a pool
# of 12,000 plus gen_dump's SYN sources and IPv6 ones: the rows are
# printed; build/bench/gen_dump; no root needed):
# the built-in 20 rules (half with a match), then 20 that count every
# socket (tests/bench/rules_all.rules). Prints build/bench/rules'
# figures. Benchmarks assert nothing about time.
#   make bench && tests/bench/rules.sh [SOCKETS] [REMOTE_POOL] [REFRESHES]
set -eu
cd "$(dirname "$0")/../.."
socks=${1:-250000} pool=${2:-12000} n=${3:-6}
tmp=$(mktemp -d /tmp/sockwatch-bench-rules.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
build/bench/gen_dump -o "$tmp/dump.rec" -s "$socks" -r "$((n + 1))" --remotes "$pool"
echo "== 20 rules, half with a match (built in)"
build/bench/rules --replay "$tmp/dump.rec" -n "$n"
echo "== 20 rules counting every socket (tests/bench/rules_all.rules)"
build/bench/rules --replay "$tmp/dump.rec" -n "$n" --rules tests/bench/rules_all.rules
