#!/bin/bash
# needs: promtool jq curl tmux python3 ip
# contrib/: the alerting rules pass promtool check rules and their unit
# tests (promtool test rules), and those tests catch a broken rule; the
# Grafana dashboard is valid JSON whose every panel queries metrics that
# sockwatch really exports (read from a live scrape of the TUI, which has
# a blocker and so the block metrics too), as do the rules.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RULES="$ROOT/contrib/prometheus/sockwatch.rules.yml"
DASH="$ROOT/contrib/grafana/sockwatch.json"
T=$(tmpdir)

check "promtool check rules" sh -c "promtool check rules '$RULES' >/dev/null 2>&1"
if (cd "$ROOT/contrib/prometheus" && promtool test rules sockwatch.rules.test.yml) >"$T/rt" 2>&1; then
	ok "promtool test rules: the alerts fire when they should and not on the healthy host"
else
	not_ok "promtool test rules: $(tr '\n' ' ' <"$T/rt" | head -c 400)"
fi
# the tests must be able to fail: a SYN flood rule that never fires
mkdir "$T/broken"
sed 's/state="syn_recv"}) > 500/state="syn_recv"}) > 5000000/' "$RULES" >"$T/broken/sockwatch.rules.yml"
cp "$ROOT/contrib/prometheus/sockwatch.rules.test.yml" "$T/broken/"
check "the rule tests catch a SYN flood rule that no longer fires" \
	sh -c "! (cd '$T/broken' && promtool test rules sockwatch.rules.test.yml >/dev/null 2>&1)"

check "the dashboard is valid JSON" sh -c "jq -e . '$DASH' >/dev/null"
check_eq "every panel has an id of its own" \
	"$(jq '.panels | length' "$DASH")" "$(jq '[.panels[].id] | unique | length' "$DASH")"
check_eq "every panel queries something" 0 \
	"$(jq '[.panels[] | select((.targets // []) | map(.expr // "") | map(select(length > 0)) | length == 0)] | length' "$DASH")"

# the families sockwatch exports, from a live scrape of the TUI
NS=${SW_TAG}m
ns_add "$NS"
PORT=$(free_port)
# with --rules: the rules' metrics are there too (a rule that never holds)
printf '[quiet]\nwhen = conns > 100000\nban = 1m\n' >"$T/rules"
tui_start 120x40 --netns "$NS" --metrics "127.0.0.1:$PORT" --audit-log - --rules "$T/rules" --dry-run
wait_for "the TUI's endpoint" 15 curl -sf -o "$T/live.prom" "http://127.0.0.1:$PORT/metrics" ||
	{ not_ok "the TUI never served /metrics"; tui_screen | sed 's/^/#   /'; finish; }
tui_check "the TUI's header says where the metrics are" 5 "metrics :$PORT"
# a second scrape: the first may come before the blocker's sets are read
sleep 1.5
curl -sf -o "$T/live.prom" "http://127.0.0.1:$PORT/metrics"
awk '$1 == "#" && $2 == "TYPE" {print $3}' "$T/live.prom" | sort -u >"$T/families"
check "the live scrape has the block metrics (the TUI's blocker)" grep -qx sockwatch_block_targets "$T/families"
check "... and the rules' (--rules)" grep -qx sockwatch_rule_bans_total "$T/families"

unknown() { # FILE-OF-NAMES: those sockwatch does not export (up is Prometheus's)
	sort -u "$1" | grep -vx up | comm -23 - "$T/families"
}
jq -r '.panels[].targets[].expr' "$DASH" | grep -oE '\b(sockwatch_[a-z0-9_]+|up)\b' >"$T/dash.names"
check "the dashboard names metrics (it is not empty)" [ "$(sort -u "$T/dash.names" | wc -l)" -ge 10 ]
check_eq "every metric a dashboard panel queries is exported" "" "$(unknown "$T/dash.names" | tr '\n' ' ')"
# names in the rules' expressions (the descriptions mention some too:
# those must exist as well)
grep -oE '\bsockwatch_[a-z0-9_]+\b' "$RULES" >"$T/rule.names"
check_eq "every metric the alerting rules name is exported" "" "$(unknown "$T/rule.names" | tr '\n' ' ')"
finish
