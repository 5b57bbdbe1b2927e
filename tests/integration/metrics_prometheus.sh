#!/bin/bash
# needs: ip nft jq ss curl prometheus promtool python3 timeout
# A real Prometheus server (its own config and data in a temporary
# directory, on loopback, scrape interval 1 s) scrapes sockwatch, which
# watches a populated namespace with --metrics; the numbers Prometheus's
# HTTP API gives back equal what ss shows for that namespace: the TCP
# state counts and a listener's accept queue and backlog. promtool check
# metrics is clean on the real exposition, in both formats sockwatch
# serves.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/farm.bash"

SRV=${SW_TAG}srv CLI=${SW_TAG}cli
T=$(tmpdir)
farm_topology "$SRV" "$CLI"
farm_client_addr "$CLI" 198.51.100.10 198.51.100.20

# port 80 never accepts: its 25 connections wait in the accept queue
farm "$SRV" serve 0.0.0.0 80 --no-accept --backlog 64
farm_wait_line "listener :80" 10 || finish
farm "$SRV" serve 0.0.0.0 443
farm_wait_line "listener :443" 10 || finish
farm "$CLI" connect 192.0.2.1 80 --from 198.51.100.10=25
farm_wait_line "connections to :80" 30 || finish
farm "$CLI" connect 192.0.2.1 443 --from 198.51.100.20=40
farm_wait_line "connections to :443" 30 || finish

ns() { ip netns exec "$SRV" "$@"; }
# "state count" of ss, in sockwatch's state names (lower case), sorted
ss_states() {
	ns ss -tanH | awk '{print $1}' | ss_state_name | tr 'A-Z' 'a-z' | sort | uniq -c |
		awk '{print $2, $1}' | sort
}
settled() { [ "$(ns ss -tanH state established | wc -l)" -eq $((25 + 40)) ]; }
wait_for "the population" 30 settled || { not_ok "population never settled"; finish; }

SWPORT=$(free_port)
PPORT=$(free_port)
spawn "$SW_BIN" -b -n 100000 -d 0.5 --netns "$SRV" --metrics "127.0.0.1:$SWPORT" >/dev/null 2>"$T/sw.err"
SW_PID=$SPAWNED
wait_for "sockwatch's endpoint" 10 curl -sf -o /dev/null "http://127.0.0.1:$SWPORT/metrics" ||
	{ not_ok "sockwatch never served /metrics: $(head -c 300 "$T/sw.err")"; finish; }
ok "sockwatch serves /metrics on 127.0.0.1:$SWPORT while it watches namespace $SRV"

# promtool on the real exposition, text format; OpenMetrics is what
# Prometheus asks for (below)
curl -sf "http://127.0.0.1:$SWPORT/metrics" >"$T/text.prom"
if promtool check metrics <"$T/text.prom" >"$T/lint" 2>&1; then
	ok "promtool check metrics: the text exposition is clean"
else
	not_ok "promtool check metrics: $(head -5 "$T/lint" | tr '\n' ' ')"
fi
check_eq "text format content type" "text/plain; version=0.0.4; charset=utf-8" \
	"$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$SWPORT/metrics")"
OMTYPE=$(curl -s -o "$T/om.prom" -w '%{content_type}' \
	-H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' \
	"http://127.0.0.1:$SWPORT/metrics")
check_eq "OpenMetrics when asked for" "application/openmetrics-text; version=1.0.0; charset=utf-8" "$OMTYPE"
check_eq "OpenMetrics ends in # EOF" "# EOF" "$(tail -1 "$T/om.prom")"
# the OpenMetrics reference parser (strict: families, suffixes, EOF), in
# Debian's python3 where python3-prometheus-client puts it
if /usr/bin/python3 - "$T/om.prom" >"$T/om.check" 2>&1 <<'PY'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
fams = list(text_string_to_metric_families(open(sys.argv[1]).read()))
c = [f for f in fams if f.name == "sockwatch_refreshes"]
assert c and c[0].type == "counter" and c[0].samples[0].name == "sockwatch_refreshes_total", c
print(len(fams))
PY
then
	ok "the OpenMetrics parser of prometheus_client takes it ($(cat "$T/om.check") families)"
else
	not_ok "OpenMetrics parser: $(tail -2 "$T/om.check" | tr '\n' ' ')"
fi

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/contrib/prometheus/sockwatch.rules.yml
scrape_configs:
  - job_name: sockwatch
    static_configs:
      - targets: ['127.0.0.1:$SWPORT']
EOF
spawn prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
	--web.listen-address="127.0.0.1:$PPORT" --log.level=warn >"$T/prom.log" 2>&1
api() { # PROMQL: the first value of an instant query ("" when none)
	curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}
scraped() { [ "$(api 'up{job="sockwatch"}')" == 1 ]; }
if ! wait_for "Prometheus scrapes sockwatch" 40 scraped; then
	not_ok "Prometheus never scraped sockwatch: $(tail -5 "$T/prom.log" | tr '\n' ' ')"
	finish
fi
ok "Prometheus (port $PPORT) scrapes sockwatch: up == 1"
# Prometheus's scrapes ask for OpenMetrics first: up == 1 means it parsed
# that; the endpoint counts what it answered
check "the endpoint counted its 200s, as Prometheus stored them" \
	[ "$(api 'sockwatch_http_requests_total{code="200"}')" -gt 0 ]

# the states, as Prometheus stored them, against ss
PSTATES=$(curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" \
	--data-urlencode 'query=sockwatch_tcp_sockets > 0' |
	jq -r '.data.result[] | "\(.metric.state) \(.value[1])"' | sort)
check_same "TCP state counts in Prometheus equal ss's for the namespace" "$(ss_states)" "$PSTATES"
check_eq "among them the 65 established and 2 listening" "established 65 listen 2" \
	"$(echo "$PSTATES" | grep -E '^(established|listen) ' | tr '\n' ' ' | sed 's/ $//')"

SS_Q=$(ns ss -ltnH 'sport = :80' | awk '{print $2, $3}')
P_Q="$(api 'sockwatch_listener_accept_queue{port="80"}') $(api 'sockwatch_listener_backlog{port="80"}')"
check_eq "listener :80's accept queue and backlog in Prometheus equal ss's Recv-Q Send-Q" "$SS_Q" "$P_Q"
check_eq "and its fill ratio is queue/backlog" "$(awk -v a="${SS_Q% *}" -v b="${SS_Q#* }" 'BEGIN {printf "%.4f", a / b}')" \
	"$(printf '%.4f' "$(api 'sockwatch_listener_accept_queue_fill_ratio{port="80"}')")"
check_eq "the top remote holds :443's 40 connections" "40" \
	"$(api 'sockwatch_remote_connections{prefix="198.51.100.20/32"}')"

# contrib/ in a real server: the rules load and evaluate, and every
# dashboard query is PromQL it accepts
sleep 2
check_eq "Prometheus loaded the alerting rules, all healthy" "6 ok" \
	"$(curl -sf "http://127.0.0.1:$PPORT/api/v1/rules" | jq -r '[.data.groups[].rules[]] | "\(length) \(map(.health) | unique | join(","))"')"
bad=0
while IFS= read -r q; do
	q=${q//\$instance/.*}
	st=$(curl -s --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$q" | jq -r .status)
	[ "$st" == success ] || { bad=$((bad + 1)); echo "# rejected: $q"; }
done < <(jq -r '.panels[].targets[].expr' "$ROOT/contrib/grafana/sockwatch.json")
check_eq "Prometheus accepts every dashboard query" 0 "$bad"
check "the fleet panel finds this host's namespace" \
	[ -n "$(api 'topk(10, sum by (instance) (sockwatch_tcp_sockets{state="established"}))')" ]

# the refresh goes on: Prometheus sees the counter grow
R1=$(api 'sockwatch_refreshes_total')
sleep 3
R2=$(api 'sockwatch_refreshes_total')
check "refreshes go on between scrapes ($R1 -> $R2)" [ "${R2:-0}" -gt "${R1:-0}" ]
check "sockwatch still runs" kill -0 "$SW_PID"
finish
