#!/usr/bin/env bash
# Regenerates deploy-tests/src/test/resources/exported-metrics.txt: the metric names the five services export at
# /q/metrics, which DashboardMetricsTest checks every Grafana query against. A snapshot: run this after a service
# adds, renames or removes a metric, and commit the result.
#
#   deploy-tests/scripts/regenerate-exported-metrics.sh [DATA_DIR]     (default /tmp/deploy-metrics)
#
# It starts the platform (./platform up, about 60 s; the services must be built), runs a small workload so that
# labelled series exist (HTTP requests, a top-up, two script executions, and one synthetic late execution end on
# execution-events so billing-service exports its refund counter), waits for one accrual (60 s), scrapes each
# service and stops the platform. Uses the default ports (8101-8105, 8180, 15432, 19092, 18443).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${1:-/tmp/deploy-metrics}"
OUT="$ROOT/deploy-tests/src/test/resources/exported-metrics.txt"
SCRAPES="$(mktemp -d)"
KC=http://localhost:8180/realms/hyperai/protocol/openid-connect/token

cd "$ROOT"
mkdir -p "$DATA"
./platform up --data "$DATA" > "$DATA/up.log" 2>&1 &
trap './platform down --data "$DATA" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 300); do
  grep -q "HyperAI platform is up" "$DATA/up.log" 2>/dev/null && break
  sleep 1
done
grep -q "HyperAI platform is up" "$DATA/up.log" || { echo "platform did not start: $DATA/up.log" >&2; exit 1; }

token() { curl -sf -d grant_type=password -d client_id=hyperai-cli -d username="$1" -d password="$1" "$KC" \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/'; }
json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
ALICE=$(token alice); ADMIN=$(token admin)
SUB=$(echo "$ALICE" | cut -d. -f2 | tr '_-' '/+' | { b=$(cat); while [ $(( ${#b} % 4 )) -ne 0 ]; do b="$b="; done; echo "$b"; } \
  | base64 -d | json "['sub']")
auth=(-H "Authorization: Bearer $ALICE" -H 'Content-Type: application/json')

curl -sf -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d "{\"amountMinor\":100000,\"reference\":\"metrics-$(date +%s)\"}" \
  "http://localhost:8105/api/v1/billing/accounts/$SUB/top-ups" >/dev/null
for spec in cpu-1c2g cpu-16c64g; do
  GEAR=$(curl -sf "${auth[@]}" -d "{\"name\":\"metrics-$spec\",\"computeSpecId\":\"$spec\",\"imageId\":\"pytorch-2.4-cpu\",\"bindings\":[]}" \
    http://localhost:8101/api/v1/gears | json "['id']")
  curl -sf "${auth[@]}" -d '{"mode":"script","entryCommand":"sleep 240"}' \
    "http://localhost:8102/api/v1/gears/$GEAR/executions" >/dev/null
done

# a late end: started 5 minutes ago, ended 4 minutes ago, known to billing only after it charged the intervals
CP=$(tr ':' '\n' < platform-kafka-broker/target/classes/META-INF/hyperai/kafka-broker.classpath \
  | grep -E "kafka-clients|slf4j-api|lz4|snappy|zstd" | paste -sd:)
send() { java -cp "$CP" "$ROOT/deploy-tests/scripts/SendEvent.java" localhost:19092 execution-events "$1" "$2" 2>/dev/null; }
NOW=$(date -u +%s); EID="metrics-late-end-$NOW"
START=$(date -u -d "@$((NOW - 300))" +%Y-%m-%dT%H:%M:%SZ); END=$(date -u -d "@$((NOW - 240))" +%Y-%m-%dT%H:%M:%SZ)
envelope() { echo "{\"specversion\":\"1.0\",\"id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"source\":\"/regenerate-exported-metrics\",\"type\":\"$1\",\"subject\":\"$EID\",\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"datacontenttype\":\"application/json\",\"data\":$2}"; }
send "$EID" "$(envelope execution.started "{\"executionId\":\"$EID\",\"gearId\":\"gear-$EID\",\"ownerId\":\"$SUB\",\"mode\":\"script\",\"computeSpecId\":\"cpu-16c64g\",\"pricePerHourMinor\":1200,\"currency\":\"CNY\",\"startedAt\":\"$START\"}")"

echo "waiting 75 s for an accrual ..."
sleep 75
send "$EID" "$(envelope execution.stopped "{\"executionId\":\"$EID\",\"gearId\":\"gear-$EID\",\"ownerId\":\"$SUB\",\"startedAt\":\"$START\",\"endedAt\":\"$END\",\"exitCode\":null,\"reason\":\"USER_STOPPED\"}")"
sleep 5
# some reads and a 404, so that HTTP series exist on every service
for url in 8101/api/v1/gears 8102/api/v1/executions 8103/api/v1/datasets/none 8104/api/v1/storage/me 8105/api/v1/billing/me; do
  curl -s -o /dev/null -H "Authorization: Bearer $ALICE" "http://localhost:$url"
done

for s in gear:8101 execution:8102 warehouse:8103 storage:8104 billing:8105; do
  curl -sf "http://localhost:${s##*:}/q/metrics" > "$SCRAPES/${s%%:*}-service.txt"
done
python3 "$ROOT/deploy-tests/scripts/metric-names.py" "$SCRAPES" > "$OUT"
echo "wrote $OUT ($(grep -vc '^#' "$OUT") metric names)"
