#!/usr/bin/env bash
# Requests/s of single API instances (docs/scale.md): drives representative read and write endpoints of each
# service of a running `./platform up` with wrk on loopback, ~15 s per endpoint and connection count, and prints
# requests/s, latency percentiles and how much CPU the service's process used per request.
#
#   bench/api-throughput.sh [--duration SECONDS] [--connections "1 8 32"]
#
# Uses the platform of this checkout if it runs (`./platform status`); otherwise starts `./platform up` in the
# background (services with the full JIT: HYPERAI_SERVICE_JAVA_OPTS, see below) and stops it again at the end.
# Needs wrk (`apt-get install -y wrk`), curl and python3. Run it under the machine's CPU lock:
#   flock /tmp/cpu.lock bench/api-throughput.sh
# The service, the load generator, PostgreSQL, Kafka and Keycloak share the machine's cores: the requests/s are a
# lower bound of what one instance does on a core of its own; "cpu ms/req" is the service process's own CPU time
# per request (user + system, from /proc), which does not depend on the sharing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=15
CONNECTIONS="1 8 32"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
KEYCLOAK=http://localhost:8180/realms/hyperai/protocol/openid-connect/token
LUA="$ROOT/bench/wrk-endpoint.lua"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

started=no
stop_platform() {
  if [ "$started" = yes ]; then
    echo "stopping the platform this script started ..."
    (cd "$ROOT" && ./platform down >/dev/null 2>&1) || true
    wait "$platform_pid" 2>/dev/null || true
  fi
}
trap stop_platform EXIT

if (cd "$ROOT" && ./platform status >/dev/null 2>&1); then
  echo "using the platform that runs from $ROOT"
else
  for port in 8101 8102 8103 8104 8105 8180 15432 19092; do
    if ss -ltn "sport = :$port" | grep -q LISTEN; then
      echo "port $port is taken by something that is not this checkout's platform; stop it first" >&2
      exit 1
    fi
  done
  # the launcher's default (-XX:TieredStopAtLevel=1, C1 only) starts fast but understates throughput
  export HYPERAI_SERVICE_JAVA_OPTS="${HYPERAI_SERVICE_JAVA_OPTS:--XX:+UseSerialGC -Xmx512m -XX:+ExitOnOutOfMemoryError}"
  echo "starting ./platform up (services: $HYPERAI_SERVICE_JAVA_OPTS), log in $ROOT/.platform/bench-up.log ..."
  mkdir -p "$ROOT/.platform"
  (cd "$ROOT" && exec ./platform up >"$ROOT/.platform/bench-up.log" 2>&1) &
  platform_pid=$!
  started=yes
  for _ in $(seq 1 180); do
    sleep 5
    (cd "$ROOT" && ./platform status >/dev/null 2>&1) && break
    kill -0 "$platform_pid" 2>/dev/null || { echo "./platform up exited; see .platform/bench-up.log" >&2; exit 1; }
  done
  (cd "$ROOT" && ./platform status >/dev/null 2>&1) || { echo "the platform did not get ready in 15 min" >&2; exit 1; }
fi

token() {
  curl -sf -d grant_type=password -d client_id=hyperai-cli -d username="$1" -d password="$1" "$KEYCLOAK" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# the pid of the process listening on a port (the service itself with one instance)
listener() {
  ss -ltnpH "sport = :$1" | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -1
}

cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

ALICE=$(token alice)
# a CPU compute spec and an image built for it, for the gear-creation write
read -r SPEC IMAGE < <(curl -sf -H "Authorization: Bearer $ALICE" http://localhost:8101/api/v1/compute-specs \
  | python3 -c '
import json, sys, urllib.request
specs = json.load(sys.stdin)
specs = specs.get("items", specs) if isinstance(specs, dict) else specs
spec = next(s for s in specs if s.get("kind") == "CPU" and not s.get("retired"))
req = urllib.request.Request("http://localhost:8101/api/v1/images", headers={"Authorization": "Bearer " + sys.argv[1]})
images = json.load(urllib.request.urlopen(req))
images = images.get("items", images) if isinstance(images, dict) else images
image = next(i for i in images if i.get("build") == "CPU" and not i.get("retired"))
print(spec["id"], image["id"])' "$ALICE")

TICK=$(getconf CLK_TCK)
echo
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(date -u +%FT%TZ)"
echo "wrk: 1 thread, ${DURATION}s per run, connections: $CONNECTIONS; reads as alice, writes as bob (new rows)"
printf '%-44s %5s %9s %8s %8s %8s %7s %11s\n' endpoint conns req/s p50_ms p90_ms p99_ms non2xx "cpu ms/req"

# name, port, user, method, path, body ("%n" = a unique name)
run() {
  local name=$1 port=$2 user=$3 method=$4 path=$5 body=${6:-}
  local pid; pid=$(listener "$port")
  for c in $CONNECTIONS; do
    local tok; tok=$(token "$user") # a fresh token per run: they live 15 min
    local before; before=$(cpu_ticks "$pid")
    local out
    out=$(BENCH_TOKEN=$tok BENCH_METHOD=$method BENCH_BODY=$body \
      wrk -t1 -c"$c" -d"${DURATION}s" --timeout 10s -s "$LUA" "http://127.0.0.1:$port$path" | grep '^RESULT')
    local after; after=$(cpu_ticks "$pid")
    python3 - "$name" "$c" "$out" "$before" "$after" "$TICK" <<'PY'
import sys
name, conns, line, before, after, tick = sys.argv[1:7]
f = dict(kv.split("=") for kv in line.split()[1:])
requests = int(f["requests"])
cpu_ms = (int(after) - int(before)) * 1000 / int(tick)
non2xx = int(f["non2xx"]) + int(f["errors"])
print(f'{name:<44} {conns:>5} {float(f["rps"]):>9.0f} {float(f["p50_ms"]):>8.1f} {float(f["p90_ms"]):>8.1f} '
      f'{float(f["p99_ms"]):>8.1f} {non2xx:>7} {cpu_ms / max(requests, 1):>11.2f}')
PY
  done
}

run "gear      GET  /api/v1/gears" 8101 alice GET /api/v1/gears
run "gear      POST /api/v1/gears" 8101 bob POST /api/v1/gears \
  "{\"name\":\"%n\",\"computeSpecId\":\"$SPEC\",\"imageId\":\"$IMAGE\"}"
run "execution GET  /api/v1/executions" 8102 alice GET /api/v1/executions
run "warehouse GET  /api/v1/datasets" 8103 alice GET /api/v1/datasets
run "warehouse POST /api/v1/datasets" 8103 bob POST /api/v1/datasets "{\"name\":\"%n\"}"
run "storage   GET  /api/v1/storage/me" 8104 alice GET /api/v1/storage/me
run "billing   GET  /api/v1/billing/me" 8105 alice GET /api/v1/billing/me
run "billing   GET  /api/v1/billing/me/charges" 8105 alice GET /api/v1/billing/me/charges
