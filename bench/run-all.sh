#!/usr/bin/env bash
# Every benchmark of the platform side by side with its baseline, as one Markdown table (issue 21).
#
#   bench/run-all.sh [--quick] [--only KEY[,KEY...]] [--no-build] [--offline] [--timeout SECONDS]
#
# Not part of ./mvnw verify: the benches are tests named *Bench, which the build excludes by name; this script runs
# each with -Dtest=<Bench> in its module (after one ./mvnw install -DskipTests), picks the one machine-readable line
# each prints per figure,
#
#   BENCH|<name>|<figure>|<unit>|<baseline>|<ratio>|<what the baseline is, other figures>
#
# and prints them as one table, with the machine it ran on. Two figures come from this script itself: footprint and
# start per service (./platform up, a little traffic, then each service JVM's resident memory, heap, metaspace,
# threads and Quarkus's "started in"; then each service started alone by ./platform restart, five times, the median
# "started in" and the time from its JVM's start to /q/health/ready answering), and the workspace start beside
# JupyterHub (bench/workspace_start.py: N starts
# one after the other and 10 at once, on ./platform up's local runtime, then on Debian's jupyterhub with its local
# process spawner, which this script installs with apt-get when it is missing and it runs as root).
# Nothing asserts a time; a bench that fails gives a row that says so and the rest go on.
#
# Keys (all by default, in this order):
#   ingest          billing-service IngestBench: lifecycle events into the ledger vs a bare consumer
#   accrual         billing-service AccrualBench: one accrual pass vs a bare set-based UPDATE
#   storage-ingest  storage-service IngestBench: usage events vs a bare consumer
#   start           execution-service ExecutionLatencyBench: POST to pod created vs a bare fabric8 create
#   dispatch        execution-service DispatchLatencyBench: the queue (no bare peer)
#   upload          warehouse-service UploadBench: one file uploaded vs cp of the same bytes
#   footprint       ./platform up: resident memory, heap, threads and start of each service, together and alone
#   workspace       workspace start on the local runtime vs JupyterHub's local process spawner (100 starts, --quick
#                   20, then 10 at once; needs bubblewrap and jupyter-notebook, and root for JupyterHub's users)
#
# --quick uses smaller sizes: every key but workspace took 5.5 minutes on 2 cores (4 December 2026), after the
# build, and workspace 3.5 minutes (its own ./platform up and down included). At full sizes (5 December 2026): the
# six Maven benches 10 minutes after the build, workspace 8, footprint 6.
# Environment: MAVEN_ARGS (read by Maven itself, e.g. -Dmaven.repo.local=...); BENCH_LOCK=FILE takes
# `flock FILE` around each heavy step (the build, each bench, the platform) so that a shared machine runs one at a
# time; BENCH_OUT (default target/bench) receives each step's log and the table (table.md); BENCH_RESTARTS (default 5)
# is how many times footprint restarts each service alone.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${BENCH_OUT:-$ROOT/target/bench}"
ALL_KEYS=(ingest accrual storage-ingest start dispatch upload footprint workspace)
SERVICES=(gear execution warehouse storage billing)
# how many times each service is restarted alone (BENCH_RESTARTS); the table gives the median
RESTARTS="${BENCH_RESTARTS:-5}"

usage() {
  sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

# Runs a heavy command, under `flock $BENCH_LOCK` when that is set.
heavy() {
  if [ -n "${BENCH_LOCK:-}" ]; then
    flock "$BENCH_LOCK" "$@"
  else
    "$@"
  fi
}

# ---------------------------------------------------------------- the benches run by Maven

# Sets module, test and props (the full or the --quick sizes) of a bench run by Maven.
bench_of() {
  local full quick
  argline=""
  case "$1" in
    ingest)         module=billing-service; test=IngestBench; full="-Dbench.runs=4000"; quick="-Dbench.runs=1000" ;;
    accrual)        module=billing-service; test=AccrualBench
                    full="-Dbench.sizes=1000,10000,100000"; quick="-Dbench.sizes=10000" ;;
    storage-ingest) module=storage-service; test=IngestBench
                    full="-Dbench.objects=8000"; quick="-Dbench.objects=2000" ;;
    start)          module=execution-service; test=ExecutionLatencyBench
                    # the service's own intervals; the stand-ins answer as the services would, without Nagle's
                    # delay (the JDK's HttpServer keeps it by default: 40 ms a round trip to a delayed-ACK client)
                    local as_run="-Dbench.platform-timings=true -Dsun.net.httpserver.nodelay=true"
                    full="-Dbench.executions=200 $as_run"; quick="-Dbench.executions=50 $as_run"
                    # the bench's JVM also holds the API server mock, the fake kubelet, the watches and the client;
                    # at G1's default goal (200 ms) its young pauses (22-44 ms) were the slowest starts. At 10 ms they
                    # come nearer the service's own JVM's (SerialGC: young pauses median 2.7 ms, max 9 ms; and a full
                    # collection of 66 ms in a minute of load: docs/benchmarks.md, "The start's tail")
                    argline="-XX:MaxGCPauseMillis=10" ;;
    dispatch)       module=execution-service; test=DispatchLatencyBench
                    full="-Dbench.queued=1000 -Dbench.rounds=50"; quick="-Dbench.queued=200 -Dbench.rounds=20" ;;
    upload)         module=warehouse-service; test=UploadBench
                    full="-Dbench.megabytes=1024"; quick="-Dbench.megabytes=256"
                    # the service's own JVM options as ./platform up runs it (ServiceEnv.WAREHOUSE_JAVA_OPTS), not
                    # the test JVM's defaults (G1 and a quarter of the machine's memory)
                    argline="-XX:+UseSerialGC -Xms32m -Xmx512m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40"
                    argline+=" -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000"
                    argline+=" -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000" ;;
    *) return 1 ;;
  esac
  props="$full"
  if [ "$QUICK" = yes ]; then
    props="$quick"
  fi
}

run_maven_bench() {
  local key="$1" module test props argline log rc
  bench_of "$key"
  log="$OUT/$key.log"
  echo "== $key: $module $test $props (log: $log)" >&2
  local start=$SECONDS
  # shellcheck disable=SC2086 # the properties are separate words
  (cd "$ROOT" && heavy timeout -k 30 "$TIMEOUT" ./mvnw -B $OFFLINE test -pl "$module" -Dtest="$test" \
    -Dsurefire.failIfNoSpecifiedTests=false $props ${argline:+"-DargLine=$argline"}) >"$log" 2>&1
  rc=$?
  echo "   $key: exit $rc after $((SECONDS - start)) s" >&2
  local lines
  lines=$(grep -a -o 'BENCH|.*' "$log" || true)
  if [ -n "$lines" ]; then
    echo "$lines"
  fi
  if [ "$rc" -ne 0 ] || [ -z "$lines" ]; then
    echo "BENCH|$key ($test)|failed|-|-|-|exit $rc, no figure; see $log"
  fi
}

# ---------------------------------------------------------------- footprint and start per service

port_of() {
  local var="HYPERAI_${1^^}_PORT" default
  case "$1" in gear) default=8101 ;; execution) default=8102 ;; warehouse) default=8103 ;;
    storage) default=8104 ;; billing) default=8105 ;; keycloak) default=8180 ;; esac
  echo "${!var:-$default}"
}

# GETs a user sends to each service
paths_of() {
  case "$1" in
    gear) echo "/api/v1/compute-specs /api/v1/gears /api/v1/images" ;;
    execution) echo "/api/v1/executions /api/v1/queue" ;;
    warehouse) echo "/api/v1/datasets /api/v1/models" ;;
    storage) echo "/api/v1/storage/me" ;;
    billing) echo "/api/v1/billing/me /api/v1/billing/me/charges /api/v1/billing/prices" ;;
  esac
}

# Kilobytes from `jcmd <pid> GC.heap_info`: "used committed" of the heap (every generation) and of the metaspace.
heap_info() {
  jcmd "$1" GC.heap_info 2>/dev/null | awk '
    /(generation|heap) +total [0-9]+K, used [0-9]+K/ {
      for (i = 1; i <= NF; i++) {
        if ($i == "total") { v = $(i + 1); sub(/K,?/, "", v); hc += v }
        if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); hu += v }
      }
    }
    /^ *Metaspace +used/ {
      for (i = 1; i <= NF; i++) {
        if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); mu = v }
        if ($i == "committed") { v = $(i + 1); sub(/K,?/, "", v); mc = v }
      }
    }
    END { printf "%d %d %d %d\n", hu, hc, mu, mc }'
}

mb() {
  awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'
}

# Stops what platform_up started and says whether anything of it is left.
platform_down() {
  ./platform down >>"$OUT/$UP_KEY-down.log" 2>&1
  wait "$UP_PID" 2>/dev/null
  ./platform status >>"$OUT/$UP_KEY-down.log" 2>&1
  if [ $? -ne 3 ]; then
    echo "bench/run-all.sh: the platform still runs after ./platform down; see $OUT/$UP_KEY-down.log" >&2
  fi
}

# `./platform up` on its defaults for bench $1, its output in $OUT/$1-up.log, stopped when the step exits; 0 once
# it is up, else a BENCH line that says why and 1.
platform_up() {
  local key="$1" log="$OUT/$1-up.log"
  cd "$ROOT" || return 1
  ./platform status >/dev/null 2>&1
  local rc=$?
  if [ "$rc" -ne 3 ]; then
    echo "BENCH|$key|not measured|-|-|-|a platform already runs from $ROOT (./platform status: exit $rc)"
    return 1
  fi
  echo "== $key: ./platform up (log: $log)" >&2
  ./platform up >"$log" 2>&1 &
  UP_PID=$!
  UP_KEY="$key"
  trap platform_down EXIT
  local deadline=$((SECONDS + ${FOOTPRINT_TIMEOUT:-600}))
  until grep -q "HyperAI platform is up" "$log"; do
    if ! kill -0 "$UP_PID" 2>/dev/null || grep -q "^FAILED" "$log" || [ $SECONDS -gt $deadline ]; then
      echo "BENCH|$key|failed|-|-|-|./platform up did not get ready; see $log"
      return 1
    fi
    sleep 2
  done
}

# Runs as one heavy step: up, a little traffic, measure, down. Prints BENCH lines.
footprint_step() {
  local log="$OUT/footprint-up.log" state="$ROOT/.platform/run/platform.properties"
  platform_up footprint || return 0
  local platform_up
  platform_up=$(sed -nE 's/.*HyperAI platform is up \(([0-9]+) s\).*/\1/p' "$log")

  local token
  token=$(curl -s -d grant_type=password -d client_id=hyperai-cli -d username=alice -d password=alice \
    "http://localhost:$(port_of keycloak)/realms/hyperai/protocol/openid-connect/token" \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  declare -A requests failures
  local s p i code
  for s in "${SERVICES[@]}"; do
    requests[$s]=0
    failures[$s]=0
    for i in $(seq 1 10); do
      for p in $(paths_of "$s"); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
          "http://localhost:$(port_of "$s")$p")
        requests[$s]=$((requests[$s] + 1))
        [[ "$code" == 2* ]] || failures[$s]=$((failures[$s] + 1))
      done
    done
  done
  sleep 2 # let what the requests started settle

  local total_rss=0 pid rss threads heap_used heap_committed meta_used meta_committed started ready note writes
  for s in "${SERVICES[@]}"; do
    pid=$(sed -n "s/^pid\.$s=//p" "$state" 2>/dev/null | head -1)
    if [ -z "$pid" ] || ! grep -qa -- "$ROOT/$s-service" "/proc/$pid/cmdline" 2>/dev/null; then
      echo "BENCH|$s-service: resident memory|not measured|-|-|-|no running JVM of this checkout found (pid '$pid')"
      continue
    fi
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
    read -r heap_used heap_committed meta_used meta_committed <<<"$(heap_info "$pid")"
    total_rss=$((total_rss + rss))
    started=$(grep -a -o 'started in [0-9.]*s' "$ROOT/.platform/logs/$s-service.log" 2>/dev/null | tail -1 \
      | sed -E 's/started in ([0-9.]+)s/\1/')
    ready=$(sed -nE "s/^ +$s +ready on [^ ]+ \(([0-9.]+) s.*/\1/p" "$log" | tail -1)
    note="heap used $(mb "$heap_used") MB of $(mb "$heap_committed") MB committed, metaspace $(mb "$meta_used") MB"
    note="$note used ($(mb "$meta_committed") MB committed), $threads threads; after ${requests[$s]} GETs"
    [ "${failures[$s]}" -gt 0 ] && note="$note (${failures[$s]} not 2xx)"
    # the first start of a new build has no class data archive to map and writes one (more metaspace, slower start)
    writes=""
    grep -qa -- "-XX:ArchiveClassesAtExit" "/proc/$pid/cmdline" && writes="; this JVM writes a new class data archive"
    note="$note$writes"
    echo "BENCH|$s-service: resident memory after start and a little traffic|$(mb "$rss")|MB|-|-|$note"
    echo "BENCH|$s-service: start, Quarkus \"started in\"|${started:-?}|s|-|-|ready ${ready:-?} s after the five services were launched together by ./platform up$writes"
  done
  echo "BENCH|all five services: resident memory|$(mb "$total_rss")|MB|-|-|sum of the five JVMs' VmRSS"
  echo "BENCH|./platform up: everything ready|${platform_up:-?}|s|-|-|PostgreSQL, Kafka, Keycloak, Kubernetes mock, then the five services"
  for s in "${SERVICES[@]}"; do
    start_alone "$s"
  done
  return 0
}

# The pid ./platform up recorded for service $1.
pid_of() {
  sed -n "s/^pid\.$1=//p" "$ROOT/.platform/run/platform.properties" 2>/dev/null | head -1
}

# Seconds since boot, and since boot when process $1 started (field 22 of /proc/<pid>/stat, in clock ticks).
uptime_s() {
  awk '{ print $1 }' /proc/uptime
}
process_start_s() {
  stat_seconds "$1" 20
}

# Fields of /proc/<pid $1>/stat numbered after the command name (proc(5)'s number minus 2), summed, in seconds.
stat_seconds() {
  local pid="$1"
  shift
  awk -v hz="$(getconf CLK_TCK)" -v fields="$*" '{ sub(/^.*\) /, ""); n = split(fields, f, " "); t = 0
    for (i = 1; i <= n; i++) t += $f[i]; printf "%.2f", t / hz }' "/proc/$pid/stat" 2>/dev/null
}

# Service $1 started alone (./platform restart while the rest runs), $RESTARTS times (one start alone moves by half a
# second run to run): the median of Quarkus's "started in" with the range, and of the time from its new JVM's start to
# /q/health/ready answering 200; whether the JVMs mapped a class data archive of the launcher's. Beside them, the
# medians of the JVM's CPU until ready and of the machine's steal time meanwhile: on a shared machine a start's wall
# time moved by more than twice within a quarter of an hour (docs/benchmarks.md, 6 December), its CPU much less.
start_alone() {
  local s="$1" n started=() ready=() cpu=() steal=() archive="the launcher's class data archive mapped" one f
  for n in $(seq 1 "$RESTARTS"); do
    one=$(restart_once "$s")
    read -r -a f <<<"$one"
    started+=("${f[0]}")
    ready+=("${f[1]}")
    [ "${f[2]:-}" = no ] && archive="no class data archive mapped in some"
    cpu+=("${f[3]:-?}")
    steal+=("${f[4]:-?}")
  done
  local sorted_started
  sorted_started=$(sorted "${started[@]}")
  echo "BENCH|$s-service: start alone (./platform restart), Quarkus \"started in\", median of $RESTARTS|$(median \
    "$sorted_started")|s|-|-|$(echo "$sorted_started" | head -1)-$(echo "$sorted_started" | tail -1) s; ready $(median \
    "$(sorted "${ready[@]}")") s (median) after its JVM started, its CPU until then $(median "$(sorted "${cpu[@]}")") s, \
the machine's steal time $(median "$(sorted "${steal[@]}")") %; $archive"
}

# The machine's CPU time counters (user to steal of /proc/stat's "cpu" line, summed; guest time is in user) and steal alone.
cpu_counters() {
  awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9 }' /proc/stat
}

# The arguments, one a line, in numeric order.
sorted() {
  printf '%s\n' "$@" | sort -n
}

# The middle line of sorted lines $1 (the lower middle of an even count).
median() {
  local count
  count=$(echo "$1" | wc -l)
  echo "$1" | sed -n "$(((count + 1) / 2))p"
}

# One ./platform restart of service $1: prints "started-in ready-seconds yes|no cpu-seconds steal-percent" (the
# archive mapped or not; the new JVM's CPU until ready; the machine's steal share from the restart to ready).
restart_once() {
  local s="$1" old pid ready_at started archive=no deadline cpu before after
  before=$(cpu_counters)
  old=$(pid_of "$s")
  ./platform restart "$s" >>"$OUT/footprint-restart.log" 2>&1 &
  local restart=$!
  deadline=$((SECONDS + 300))
  pid=$old
  while { [ -z "$pid" ] || [ "$pid" = "$old" ]; } && [ $SECONDS -lt $deadline ]; do
    sleep 0.05
    pid=$(pid_of "$s")
  done
  until curl -fs -o /dev/null "http://localhost:$(port_of "$s")/q/health/ready" || [ $SECONDS -gt $deadline ]; do
    sleep 0.05
  done
  ready_at=$(uptime_s)
  after=$(cpu_counters)
  cpu=$(stat_seconds "$pid" 12 13) # utime and stime
  wait "$restart"
  started=$(grep -a -o 'started in [0-9.]*s' "$ROOT/.platform/logs/$s-service.log" 2>/dev/null | tail -1 \
    | sed -E 's/started in ([0-9.]+)s/\1/')
  grep -q '/cache/appcds/.*\.jsa' "/proc/$pid/maps" 2>/dev/null && archive=yes
  echo "${started:-?} $(awk -v r="$ready_at" -v p="$(process_start_s "$pid")" 'BEGIN { printf "%.1f", r - p }') $archive" \
    "${cpu:-?} $(echo "$before $after" | awk '{ d = $3 - $1; printf "%.0f", (d > 0 ? 100 * ($4 - $2) / d : 0) }')"
}

# ---------------------------------------------------------------- workspace start beside JupyterHub

# Runs as one heavy step: ./platform up, the platform's starts, down; then JupyterHub's (Debian's package,
# installed here when missing), each side by bench/workspace_start.py. Leaves one WS line per side in $OUT/workspace.ws.
workspace_step() {
  local runs=100 together=10 ws="$OUT/workspace.ws"
  [ "$QUICK" = yes ] && runs=20
  : >"$ws"
  local missing=""
  command -v bwrap >/dev/null 2>&1 || missing="bubblewrap"
  command -v jupyter-notebook >/dev/null 2>&1 || missing="$missing jupyter-notebook"
  if [ -n "$missing" ]; then
    echo "WS|platform|0|-|-|-|$together|-|1|not measured: the local runtime needs$missing (sudo apt-get install bubblewrap jupyter-notebook)" >>"$ws"
  else
    # one slot per workspace at once: the local runtime's default (four per core, at most one per GiB) is 8 on two
    # cores, and the ninth and tenth would wait for a slot instead of starting
    export HYPERAI_EXECUTION_QUEUE_LOCAL_SLOTS="${HYPERAI_EXECUTION_QUEUE_LOCAL_SLOTS:-$((together + 2))}"
    if platform_up workspace >>"$OUT/workspace.bench-lines"; then
      echo "== workspace: the platform, $runs starts then $together at once (log: $OUT/workspace-platform.log)" >&2
      timeout -k 30 "$TIMEOUT" python3 "$ROOT/bench/workspace_start.py" platform --runs "$runs" --together "$together" \
        --keycloak "http://localhost:$(port_of keycloak)" --gear "http://localhost:$(port_of gear)" \
        --execution "http://localhost:$(port_of execution)" --billing "http://localhost:$(port_of billing)" \
        >>"$ws" 2>"$OUT/workspace-platform.log"
      platform_down
      trap - EXIT
    fi
  fi
  if ! command -v jupyterhub >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      echo "== workspace: apt-get install jupyterhub (log: $OUT/workspace-apt.log)" >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jupyterhub) \
        >"$OUT/workspace-apt.log" 2>&1
    fi
  fi
  if ! command -v jupyterhub >/dev/null 2>&1; then
    echo "WS|jupyterhub|0|-|-|-|$together|-|1|not measured: no jupyterhub (as root this script installs Debian's: apt-get install jupyterhub; see $OUT/workspace-apt.log)" >>"$ws"
  elif [ "$(id -u)" != 0 ]; then
    echo "WS|jupyterhub|0|-|-|-|$together|-|1|not measured: its local process spawner runs each server as a system user, which this script adds and removes as root" >>"$ws"
  else
    echo "== workspace: JupyterHub, $runs starts then $together at once (log: $OUT/workspace-jupyterhub.log)" >&2
    timeout -k 30 "$TIMEOUT" python3 "$ROOT/bench/workspace_start.py" jupyterhub --runs "$runs" --together "$together" \
      --log-dir "$OUT" >>"$ws" 2>"$OUT/workspace-jupyterhub.log"
  fi
}

# The BENCH lines of the workspace start from $OUT/workspace.ws: the platform's figure beside JupyterHub's.
workspace_rows() {
  local ws="$OUT/workspace.ws" p h
  [ -s "$OUT/workspace.bench-lines" ] && cat "$OUT/workspace.bench-lines"
  p=$(grep -a '^WS|platform|' "$ws" 2>/dev/null | tail -1)
  h=$(grep -a '^WS|jupyterhub|' "$ws" 2>/dev/null | tail -1)
  local pn pp50 pp99 pmax ptog pwall pfail pnote hn hp50 hp99 hmax htog hwall hfail hnote
  IFS='|' read -r _ _ pn pp50 pp99 pmax ptog pwall pfail pnote <<<"${p:-WS|platform|0|-|-|-|-|-|1|no figure; see $OUT/workspace-platform.log}"
  IFS='|' read -r _ _ hn hp50 hp99 hmax htog hwall hfail hnote <<<"${h:-WS|jupyterhub|0|-|-|-|-|-|1|no figure; see $OUT/workspace-jupyterhub.log}"
  local what="workspace start (local runtime), POST to the workspace answering"
  local peer="JupyterHub's LocalProcessSpawner (Debian's jupyterhub), same poll"
  ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'
  }
  ms() { [[ "$1" =~ ^[0-9]+$ ]] && echo "$1" || echo "${2:-failed}"; }
  [[ "$ptog" =~ ^[0-9]+$ ]] || ptog="$htog"
  unit() { [[ "$1" =~ ^[0-9]+$ ]] && echo ms || echo -; }
  local fails=""
  [ "$pfail" != 0 ] && fails="; platform: $pfail failed ($pnote)"
  [ "$hfail" != 0 ] && fails="$fails; JupyterHub: $hfail failed ($hnote)"
  echo "BENCH|$what, p50 ($pn runs; JupyterHub $hn)|$(ms "$pp50")|$(unit "$pp50")|$(ms "$hp50")|$(ratio "$pp50" "$hp50")|$peer; one after the other, each stopped before the next$fails"
  echo "BENCH|$what, p99 ($pn runs; JupyterHub $hn)|$(ms "$pp99")|$(unit "$pp99")|$(ms "$hp99")|$(ratio "$pp99" "$hp99")|goal: under 1500 ms; $(echo "$pnote" | grep -o '[0-9]* of [0-9]* over 1.5 s' || { [ "$pn" != 0 ] && echo "none over 1.5 s"; })"
  echo "BENCH|$what, max ($pn runs; JupyterHub $hn)|$(ms "$pmax")|$(unit "$pmax")|$(ms "$hmax")|$(ratio "$pmax" "$hmax")|$peer"
  echo "BENCH|$what, $ptog at once, until the last answers|$(ms "$pwall")|$(unit "$pwall")|$(ms "$hwall")|$(ratio "$pwall" "$hwall")|goal: under 5000 ms; the platform: one user's $ptog workspaces, local slots ${HYPERAI_EXECUTION_QUEUE_LOCAL_SLOTS:-12}; JupyterHub: $htog users' servers"
}

# ---------------------------------------------------------------- the table

machine() {
  local cpu mem
  cpu=$(lscpu 2>/dev/null | sed -nE 's/^Model name: +//p' | head -1)
  mem=$(awk '/^MemTotal:/ { printf "%.0f GB", $2 / 1024 / 1024 }' /proc/meminfo)
  echo "Machine: $(nproc) CPUs (${cpu:-unknown}), $mem RAM, $(java -version 2>&1 | head -1)."
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)," \
    "${QUICK_TEXT}."
}

# Thousands separated by a space for numbers of four digits or more, as docs/benchmarks.md writes them.
number() {
  if [[ "$1" =~ ^[0-9]{4,}$ ]]; then
    echo "$1" | rev | sed -E 's/([0-9]{3})/\1 /g' | rev | sed 's/^ //'
  else
    echo "$1"
  fi
}

table() {
  echo "| benchmark | figure | baseline | ratio | baseline and notes |"
  echo "|---|---|---|---|---|"
  local name figure unit baseline ratio note f b
  while IFS='|' read -r _ name figure unit baseline ratio note; do
    f=$(number "$figure")
    [ "$unit" != "-" ] && f="$f $unit"
    b=$(number "$baseline")
    [ "$baseline" != "-" ] && [ "$unit" != "-" ] && [[ "$baseline" =~ ^[0-9] ]] && b="$b $unit"
    echo "| $name | $f | $b | $ratio | $note |"
  done
  echo
  echo "Ratio: figure ÷ baseline. For events/s and MB/s the share of the baseline's throughput (1 = as fast);"
  echo "for ms how many times the baseline's time."
}

# ---------------------------------------------------------------- main

if [ "${1:-}" = "__footprint" ]; then # one heavy step, run under the lock by the main script
  OUT="$2"
  footprint_step
  exit 0
fi
if [ "${1:-}" = "__workspace" ]; then # the same for the workspace start
  OUT="$2" QUICK="$3" TIMEOUT="$4"
  workspace_step
  exit 0
fi

QUICK=no
ONLY=""
BUILD=yes
OFFLINE=""
TIMEOUT=1200
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=yes ;;
    --only) ONLY="$2"; shift ;;
    --only=*) ONLY="${1#--only=}" ;;
    --no-build) BUILD=no ;;
    --offline) OFFLINE="-o" ;;
    --timeout) TIMEOUT="$2"; shift ;;
    -h|--help|help) usage; exit 0 ;;
    *) echo "bench/run-all.sh: unknown option $1 (--help lists them)" >&2; exit 64 ;;
  esac
  shift
done
QUICK_TEXT="full sizes"
[ "$QUICK" = yes ] && QUICK_TEXT="--quick (smaller sizes)"

keys=()
if [ -z "$ONLY" ]; then
  keys=("${ALL_KEYS[@]}")
else
  IFS=',' read -r -a only <<<"$ONLY"
  for k in "${only[@]}"; do
    if ! [[ " ${ALL_KEYS[*]} " == *" $k "* ]]; then
      echo "bench/run-all.sh: no bench '$k' (keys: ${ALL_KEYS[*]})" >&2
      exit 64
    fi
  done
  for k in "${ALL_KEYS[@]}"; do # the table's order, whatever the order of --only
    if [[ " ${only[*]} " == *" $k "* ]]; then
      keys+=("$k")
    fi
  done
fi

mkdir -p "$OUT"
lines="$OUT/lines.txt"
: >"$lines"
needs_build=no
for k in "${keys[@]}"; do
  [ "$k" != workspace ] && needs_build=yes
done
if [ "$BUILD" = yes ] && [ "$needs_build" = yes ]; then
  echo "== ./mvnw install -DskipTests (log: $OUT/install.log)" >&2
  if ! (cd "$ROOT" && heavy ./mvnw -B $OFFLINE -q install -DskipTests) >"$OUT/install.log" 2>&1; then
    echo "bench/run-all.sh: the build failed; see $OUT/install.log" >&2
    exit 1
  fi
fi
for k in "${keys[@]}"; do
  case "$k" in
    footprint) heavy "${BASH_SOURCE[0]}" __footprint "$OUT" >>"$lines" ;;
    workspace) rm -f "$OUT/workspace.bench-lines"
               heavy "${BASH_SOURCE[0]}" __workspace "$OUT" "$QUICK" "$TIMEOUT"
               workspace_rows >>"$lines" ;;
    *) run_maven_bench "$k" >>"$lines" ;;
  esac
done

{
  machine
  echo
  table <"$lines"
} | tee "$OUT/table.md"
