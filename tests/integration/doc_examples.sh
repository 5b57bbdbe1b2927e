#!/bin/bash
# needs: man jq
# The man page's EXAMPLES work when copied from the rendered page: the
# jq one keeps its double quotes and prints the state histogram that the
# JSON holds (run on a recorded fixture, so it needs no namespace).
. "$(dirname "$0")/lib.sh"

REC="$TESTS_DIR/fixtures/diag.rec"
page=$(LC_ALL=C MANWIDTH=200 man -l "$TESTS_DIR/../man/sockwatch.8" 2>/dev/null)
ex=$(grep -m1 -E '^ *sockwatch -b --json \| jq ' <<<"$page" | sed 's/^ *//')
check "the rendered man page has the jq example" test -n "$ex"
check "... with its double quotes" grep -q '"' <<<"$ex"
# the copied line, on the fixture's last refresh
cmd="${ex/sockwatch -b --json/$(printf '%q' "$SW_BIN") -b --json --replay $(printf '%q' "$REC") | tail -n 1}"
got=$(bash -c "$cmd" 2>&1)
check "the copied command runs" test $? -eq 0
want=$("$SW_BIN" -b --json --replay "$REC" | tail -n 1 | jq -r '.states[] | "\(.state) \(.count)"')
check_eq "it prints the state histogram" "$want" "$got"
check "... one 'STATE COUNT' line per state" bash -c '[ "$(grep -cE "^[A-Z_0-9]+ [0-9]+$" <<<"$1")" -gt 5 ]' _ "$got"
finish
