#!/bin/bash
# needs: ip nft python3 ss curl promtool timeout
# `sockwatch daemon --metrics`: the daemon serves the metrics of the
# namespace it guards, from the host's loopback; a rule's ban shows as
# sockwatch_rule_bans_total{rule=...} and in the addr4 set's targets, both
# equal to what nft lists; the exposition is clean.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

F=198.51.100.10
cat >"$RULES" <<'R'
[flood]
when = conns > 50
ban = 2m
R
flood "$F" 80 || exit 1
flood 198.51.100.20 5 || exit 1
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/metrics"
daemon_start --metrics "127.0.0.1:$PORT" || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
check "it says where the metrics are" grep -q "^metrics on 127.0.0.1:$PORT (port $PORT)" "$LOG"
log_wait "the ban" 10 "blocked $F" || { not_ok "no ban: $(tail -3 "$LOG")"; finish; }
metric() { curl -sf "$URL" | awk -v m="$1" '$1 == m {print $2}'; }
banned() { [ "$(metric 'sockwatch_rule_bans_total{rule="flood"}')" == 1 ]; }
wait_for "the ban in the metrics" 5 banned
check_eq "sockwatch_rule_bans_total counts the rule's ban" 1 "$(metric 'sockwatch_rule_bans_total{rule="flood"}')"
check "nft has the element" set_has "$F"
check_eq "the addr4 set holds one target" 1 "$(metric 'sockwatch_block_targets{set="addr4"}')"
check_eq "... as nft lists" \
	"$(sw_s nft -j list set inet sockwatch addr4 | python3 -c 'import json,sys; print(sum(1 for x in json.load(sys.stdin)["nftables"] if "set" in x for e in x["set"].get("elem", [])))')" \
	"$(metric 'sockwatch_block_targets{set="addr4"}')"
check "the states are the namespace's (80 + 5 established at least)" \
	[ "$(metric 'sockwatch_tcp_sockets{state="established"}')" -ge 85 ]
check "the daemon's exposition passes promtool" sh -c "curl -sf '$URL' | promtool check metrics"
daemon_stop
check_eq "it stops cleanly" 0 "$DRC"
check "and the endpoint is gone" sh -c "! curl -sf -o /dev/null '$URL'"
finish
