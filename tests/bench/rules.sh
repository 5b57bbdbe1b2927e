#!/bin/bash
# Rules evaluation per refresh against the refresh itself: 20 rules over
# a replayed recording of 250,000 sockets from about 20,000 remotes
# (build/bench/gen_dump; no root needed). Prints build/bench/rules'
# figures. Benchmarks assert nothing about time.
#   make bench && tests/bench/rules.sh [SOCKETS] [REMOTE_POOL] [REFRESHES]
set -eu
cd "$(dirname "$0")/../.."
socks=${1:-250000} pool=${2:-40000} n=${3:-6}
tmp=$(mktemp -d /tmp/sockwatch-bench-rules.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
build/bench/gen_dump -o "$tmp/dump.rec" -s "$socks" -r "$((n + 1))" --remotes "$pool"
build/bench/rules --replay "$tmp/dump.rec" -n "$n"
