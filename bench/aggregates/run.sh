#!/usr/bin/env bash
# bench/aggregates/run.sh - aggregate query latency of ReportService over HTTP at a fixed arrival rate,
# against 1,000,000 stored reports, with the same queries' database-only latency beside it.
# docs/benchmarks.md (section Aggregates) explains the method and records the figures.
#
#   1. Data: a deterministic set of valid format-2021 reports (bench/ReportService.AggregateLoad): 200,000
#      agencies over the real township codes of divisions.tsv.gz, each reporting the five years 2021-2025,
#      stored through POST /v1/reports/batch (the real write path, which also keeps aggregate_rollups).
#      The first BENCH_TRIAL_REPORTS are imported alone and timed; when the whole import would take more
#      than BENCH_IMPORT_BUDGET seconds at that rate, the data set is cut to 500,000 (then 250,000) reports.
#   2. Per query, after a warm-up: GET at a fixed arrival rate for BENCH_DURATION seconds, twice:
#        open-loop.mjs   true open loop (request i due at t0 + i/rate, latency from the due time; exact percentiles)
#        autocannon -R   as asked for; NB its -R is a per-connection quota per second (see the doc), run with
#                        --ignoreCoordinatedOmission because its correction assumes a 1 ms interval here
#      then open-loop.mjs once more at BENCH_LOW_RATE, below saturation.
#   3. Per query, the SQL the service ran (captured with log_min_duration_statement=0, parameters inlined):
#        pgbench -M simple -c 4 -j 2 -T BENCH_PGBENCH_SECONDS -r -l   (closed loop)
#        pgbench -M simple -c 4 -j 2 -R RATE -T BENCH_PGBENCH_SECONDS -l (the same fixed rate)
#      and EXPLAIN (ANALYZE, BUFFERS).
#
# Queries: a  /v1/aggregates?year=2024&groupBy=province
#          b  /v1/aggregates?region=14&fromYear=2021&toYear=2025&groupBy=city,year
#          c  /v1/aggregates?region=141122&year=2024&groupBy=township
#          d  /v1/aggregates/outcomes?region=1411&year=2024
#
# Usage: bench/aggregates/run.sh     (about 45-75 minutes on 2 cores; run as root on Debian 12 with the .NET SDK and node)
#
# Everything is loopback only: a throwaway PostgreSQL cluster (scripts/local-postgres.sh) and the service
# (Release, ASPNETCORE_ENVIRONMENT=Production) on 127.0.0.1. Both are stopped and the cluster destroyed at
# the end, also on failure or Ctrl-C. Every phase is bounded in time and count, and the whole run stops
# itself after BENCH_MAX_SECONDS.
#
# Environment (defaults in brackets):
#   BENCH_AGENCIES [200000]      agencies; each reports 5 years, so 1,000,000 reports
#   BENCH_TRIAL_REPORTS [20000]  imported first, alone, to extrapolate the import time
#   BENCH_IMPORT_BUDGET [1500]   seconds the whole import may take (else fewer reports, see above)
#   BENCH_LINES [10000]          NDJSON lines per batch request (<= 20,000 lines and 64 MiB; 10,000 are ~53 MB)
#   BENCH_PARALLEL [2]           batch requests in flight
#   BENCH_RATE [200]             requests per second of the measured load
#   BENCH_DURATION [40]          seconds of each measured load
#   BENCH_WARMUP [10]            seconds of warm-up load per query (same rate)
#   BENCH_CONNECTIONS [10]       autocannon connections (-c)
#   BENCH_LOW_RATE [20]          a third run per query at this rate, to show latency when the box is not saturated ...
#   BENCH_LOW_DURATION [20]      ... for this many seconds
#   BENCH_PGBENCH_SECONDS [20]
#   BENCH_MAX_LOAD [2.5]         wait until the 1-minute load average is below this before measuring ...
#   BENCH_LOAD_WAIT [600]        ... for at most this many seconds (then measure anyway, and say so)
#   BENCH_IMPORT_LOAD_WAIT [300] the same wait (same threshold) before the trial import, whose rate decides the data size
#   BENCH_MAX_SECONDS [5400]     hard limit for the whole run
#   BENCH_SEED [2021]
#   BENCH_QUERIES ["a b c d"]    which of the four queries to measure (e.g. "c" to re-measure one)
#   BENCH_RESULTS [bench/aggregates/results]  where the summary, plans and SQL are also written (git-ignored)
#   BENCH_KEEP [unset]           a directory (e.g. .local/bench-aggregates) for a cluster that is kept between runs: the
#                                first run imports into it and records what it holds (DIR/bench-data); a later run with
#                                the same BENCH_AGENCIES and BENCH_SEED finds the data there and skips the import (and
#                                its VACUUM). The cluster is stopped, not destroyed, at the end; destroy it with
#                                scripts/local-postgres.sh destroy DIR. Without BENCH_KEEP the cluster is a throwaway.
#   BENCH_STOP_AFTER [unset]     "import": stop after the data phase (with BENCH_KEEP: load now, measure later)
#   BENCH_UNCACHED [1]           1: after the measured runs (answers cached: ADR 8), restart the service with the
#                                answer cache off (Aggregates__AnswerCacheMegabytes=0) and measure every query once
#                                more at BENCH_LOW_RATE and at BENCH_RATE for BENCH_UNCACHED_DURATION [20] seconds:
#                                the cost of a miss (the first question after a write)
#   BENCH_REPLICA [0]            1: a primary with a synchronous standby (scripts/local-replica.sh, ADR 12) instead of
#                                one cluster, and section 6 measured twice: sums read from the primary, then from the
#                                standby (ConnectionStrings__ReportsRead); not with BENCH_KEEP
#
# Authentication (issue 6): when the service has --mint-token, the run gives it a random Auth:SigningKey,
# mints a reports:write token with the published binary and sends it as a bearer token on the imports (in
# the loader's environment, BENCH_TOKEN). The service's per-client rate limits are switched off for the run
# (the load comes from one client on loopback). The aggregate queries are sent without a token.
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"

AGENCIES=${BENCH_AGENCIES:-200000}
TRIAL=${BENCH_TRIAL_REPORTS:-20000}
IMPORT_BUDGET=${BENCH_IMPORT_BUDGET:-1500}
LINES=${BENCH_LINES:-10000}
PARALLEL=${BENCH_PARALLEL:-2}
RATE=${BENCH_RATE:-200}
DURATION=${BENCH_DURATION:-40}
WARMUP=${BENCH_WARMUP:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-10}
LOW_RATE=${BENCH_LOW_RATE:-20}
LOW_DURATION=${BENCH_LOW_DURATION:-20}
IMPORT_LOAD_WAIT=${BENCH_IMPORT_LOAD_WAIT:-300}
PGBENCH_SECONDS=${BENCH_PGBENCH_SECONDS:-20}
MAX_LOAD=${BENCH_MAX_LOAD:-2.5}
LOAD_WAIT=${BENCH_LOAD_WAIT:-600}
MAX_SECONDS=${BENCH_MAX_SECONDS:-5400}
SEED=${BENCH_SEED:-2021}
RESULTS_DIR=${BENCH_RESULTS:-$root/bench/aggregates/results}
KEEP=${BENCH_KEEP:-}
STOP_AFTER=${BENCH_STOP_AFTER:-}
UNCACHED=${BENCH_UNCACHED:-1}
UNCACHED_DURATION=${BENCH_UNCACHED_DURATION:-20}
REPLICA=${BENCH_REPLICA:-0}
TARGET_P99_MS=20

declare -A QUERY=(
  [a]='/v1/aggregates?year=2024&groupBy=province'
  [b]='/v1/aggregates?region=14&fromYear=2021&toYear=2025&groupBy=city,year'
  [c]='/v1/aggregates?region=141122&year=2024&groupBy=township'
  [d]='/v1/aggregates/outcomes?region=1411&year=2024'
)
QUERIES=${BENCH_QUERIES:-a b c d}

work=$(mktemp -d /tmp/rs-aggregates.XXXXXX)
chmod 0755 "$work"   # the postgres OS user writes pgbench logs here
cluster="$work/pg"
if [[ -n $KEEP ]]; then mkdir -p "$KEEP" && cluster=$(cd "$KEEP" && pwd -P); fi
service_pgid=''
watchdog=''
summary="$work/summary.txt"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
say() { printf '%s\n' "$*" | tee -a "$summary"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
  if [[ -n $service_pgid ]]; then
    kill -TERM -- "-$service_pgid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 -- "-$service_pgid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$service_pgid" 2>/dev/null || true
  fi
  if [[ $REPLICA == 1 ]]; then
    scripts/local-replica.sh destroy "$work/pair" >/dev/null 2>&1 || log "warning: could not destroy $work/pair"
  elif [[ -n $KEEP ]]; then
    scripts/local-postgres.sh stop "$cluster" >/dev/null 2>&1 || log "warning: could not stop $cluster"
  else
    scripts/local-postgres.sh destroy "$cluster" >/dev/null 2>&1 || log "warning: could not destroy $cluster"
  fi
  if [[ -s $summary ]]; then
    mkdir -p "$RESULTS_DIR/$stamp"
    cp "$summary" "$RESULTS_DIR/$stamp/summary.txt"
    cp "$work"/*.sql "$work"/*.plan "$work"/*.json "$work"/import-*.log "$RESULTS_DIR/$stamp/" 2>/dev/null || true
  fi
  rm -rf -- "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# The whole run stops itself (the watchdog has its own process group, ended in cleanup).
setsid bash -c "sleep $MAX_SECONDS; echo 'run.sh: BENCH_MAX_SECONDS=$MAX_SECONDS exceeded; stopping' >&2; kill -TERM $$" </dev/null &
watchdog=$!

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ------------------------------------------------------------------------------------------------
# Machine, tools, build, cluster, service

say "# ReportService aggregate benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
say "dotnet: SDK $(dotnet --version); node $(node --version); code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src has uncommitted changes)')"
say "load average at the start: $(loadavg)"

if [[ ! -x bench/aggregates/node_modules/.bin/autocannon ]]; then
  log "installing autocannon (npm ci in bench/aggregates)"
  (cd bench/aggregates && timeout 300 npm ci --no-audit --no-fund >/dev/null 2>&1) || die "npm ci in bench/aggregates failed"
fi
autocannon=$root/bench/aggregates/node_modules/.bin/autocannon
say "autocannon: $("$autocannon" --version | head -n 1)"

log "building the service (Release, published to $work/service) and the data tool"
# Published into the run's own directory: a build in the work tree during a long run cannot replace the
# binaries under the running service.
timeout 900 dotnet publish -c Release src/ReportService.Api/ReportService.Api.csproj -o "$work/service" -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "build of the service failed"; }
timeout 600 dotnet build -c Release bench/ReportService.AggregateLoad/ReportService.AggregateLoad.csproj -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "build of the data tool failed"; }
loader=(dotnet "$root/bench/ReportService.AggregateLoad/bin/Release/net10.0/ReportService.AggregateLoad.dll")
divisions=$root/src/ReportService.Api/Features/Regions/divisions.tsv.gz

if [[ $REPLICA == 1 ]]; then
  [[ -z $KEEP ]] || die "BENCH_REPLICA=1 does not keep clusters (unset BENCH_KEEP)"
  log "starting a throwaway primary with a synchronous standby in $work/pair"
  scripts/local-replica.sh start "$work/pair" >/dev/null
  cluster="$work/pair/n1"
  cs=$(scripts/local-postgres.sh status "$cluster" | sed -n 2p)
  standby_cs=$(scripts/local-postgres.sh status "$work/pair/n2" | sed -n 2p)
else
  log "starting a throwaway PostgreSQL cluster in $cluster"
  cs=$(scripts/local-postgres.sh start "$cluster")
fi
pg_port=$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$cs")
pg_data=$(readlink -f "$cluster/data")
postmaster=$(head -n 1 "$pg_data/postmaster.pid")
pg_major=$(cat "$pg_data/PG_VERSION")
pg_bin=/usr/lib/postgresql/$pg_major/bin
if [[ ! -x $pg_bin/pgbench || ! -x $pg_bin/psql ]]; then
  log "pgbench/psql for PostgreSQL $pg_major not found; installing Debian's postgresql-contrib and postgresql-client"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "postgresql-client-$pg_major" "postgresql-contrib-$pg_major" >/dev/null 2>&1 || apt-get install -y -q postgresql-contrib >/dev/null
fi
[[ -x $pg_bin/pgbench ]] || pg_bin=$(dirname "$(command -v pgbench)")
psql_db() { timeout 1200 "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d reports "$@"; }
if [[ $("$pg_bin/psql" -X -At -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'reports'") == 0 ]]; then
  "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'CREATE DATABASE reports'
fi
# A bulk load of ~10 GB of WAL: fewer checkpoints (and full-page images) than with the default 1 GB.
psql_db -c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" -c 'SELECT pg_reload_conf()' >/dev/null
say "postgres: $("$pg_bin/postgres" --version | sed 's/^postgres //'), $(psql_db -At -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'synchronous_standby_names', 'shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'work_mem', 'effective_cache_size', 'jit')")"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=58280
while port_busy "$port"; do ((port < 58380)) || die "no free port in 58280..58380"; port=$((port + 1)); done
url="http://127.0.0.1:$port"
# Command Timeout: a 10,000-line batch request runs statements of 10-40 s on a busy shared machine; the
# default 30 s timeout cancelled one (503) in a run. It changes nothing for the aggregate statements (< 1 s).
# RateLimiting__Enabled=false: the whole load comes from one client on loopback (200/s is over the default
# per-client limit of 50/s). RequestTimeouts__BatchSeconds: batch requests of 10,000 lines take 10-40 s here,
# more on a loaded machine, against a default limit of 300 s.
service_env=(ConnectionStrings__Reports="$cs;Database=reports;Command Timeout=600" ASPNETCORE_ENVIRONMENT=Production
  RateLimiting__Enabled=false RequestTimeouts__BatchSeconds=1800)
export BENCH_TOKEN=''
if grep -rqF --include="*.cs" -e "--mint-token" src/ReportService.Api; then
  signing_key=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48)
  service_env+=(Auth__SigningKey="$signing_key")
  BENCH_TOKEN=$(env Auth__SigningKey="$signing_key" timeout 60 dotnet "$work/service/ReportService.Api.dll" --mint-token \
    --scope "reports:write reports:read" --region "*" </dev/null | tail -n 1) || die "minting a token failed"
  [[ -n $BENCH_TOKEN ]] || die "minting a token printed nothing"
  say "auth: random signing key for this run; imports send a minted bearer token (reports:write reports:read, region *)"
fi
service_env+=(${BENCH_SERVICE_ENV:-})
start_service() { # extra NAME=VALUE settings for this start
  log "starting the service (Release, Production) on $url $*"
  env "${service_env[@]}" "$@" setsid dotnet "$work/service/ReportService.Api.dll" --urls "$url" \
    >>"$work/service.log" 2>&1 </dev/null &
  service_pgid=$!
  # Up to 10 minutes: on a kept cluster the first start of newer code migrates 1,000,000 reports.
  for i in $(seq 1200); do
    curl -sf "$url/health/ready" >/dev/null 2>&1 && break
    kill -0 "$service_pgid" 2>/dev/null || { cat "$work/service.log" >&2; die "the service exited"; }
    ((i < 1200)) || { cat "$work/service.log" >&2; die "the service was not ready within 600 s"; }
    sleep 0.5
  done
  service_pid=$(pgrep -P "$service_pgid" -f ReportService.Api | head -n 1 || true)
  [[ -n $service_pid ]] || service_pid=$service_pgid
  log "service ready (pid $service_pid); schema migrated by the service"
}
stop_service() {
  kill -TERM -- "-$service_pgid" 2>/dev/null || kill -TERM "$service_pgid" 2>/dev/null || true
  for _ in $(seq 40); do kill -0 "$service_pgid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$service_pgid" 2>/dev/null || true
  service_pgid=''
}
start_service

# CPU ticks (USER_HZ) of: the service process, PostgreSQL (postmaster with reaped children + live
# children), and the whole machine busy / total.
cpu_snapshot() {
  local s p c
  s=$(awk '{print $14 + $15}' "/proc/$service_pid/stat")
  p=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
  for c in $(pgrep -P "$postmaster"); do p=$((p + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  read -r _ u n sy id io irq sirq st _ </proc/stat
  echo "$s $p $((u + n + sy + irq + sirq + st)) $((u + n + sy + id + io + irq + sirq + st))"
}
hz=$(getconf CLK_TCK)
# cpu_report BEFORE AFTER UNITS NAME: "service X ms, postgres Y ms per NAME; machine busy Z %"
cpu_report() {
  local -a a b
  read -r -a a <<<"$1"
  read -r -a b <<<"$2"
  awk -v s=$((b[0] - a[0])) -v p=$((b[1] - a[1])) -v busy=$((b[2] - a[2])) -v total=$((b[3] - a[3])) -v n="$3" -v u="$4" -v hz="$hz" \
    'BEGIN { printf "cpu per %s: service %.2f ms, postgres %.2f ms; machine busy %.0f %%", u, s * 1000 / hz / n, p * 1000 / hz / n, 100 * busy / total }'
}

# wait_for_quiet SECONDS: until the 1-minute load average is below MAX_LOAD, at most SECONDS; sets waited.
wait_for_quiet() {
  waited=0
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$MAX_LOAD" 'BEGIN { exit !(l >= m) }'; do
    if ((waited >= $1)); then log "load average still $(loadavg) after $1 s; going on anyway"; break; fi
    ((waited % 60 == 0)) && log "load average $(loadavg); waiting for < $MAX_LOAD (at most $1 s)"
    sleep 10
    waited=$((waited + 10))
  done
}

# ------------------------------------------------------------------------------------------------
# 1. Data: trial import, extrapolation, the rest

say ""
say "## 1. Data"
data_id="agencies=$AGENCIES seed=$SEED"
kept=''
if [[ -n $KEEP && -s $cluster/bench-data ]] && grep -qxF "$data_id" <(head -n 1 "$cluster/bench-data"); then
  total=$(sed -n 's/^reports=//p' "$cluster/bench-data")
  rows=$(psql_db -At -c 'SELECT count(*) FROM reports')
  [[ $rows == "$total" ]] || die "$cluster/bench-data says $total reports but reports holds $rows rows; destroy the cluster and rerun"
  kept=yes
  say "data: kept from an earlier run in $cluster ($(sed -n 2p "$cluster/bench-data")); import skipped"
  say "    $(sed -n '3,$p' "$cluster/bench-data" | tr '\n' ' ')"
fi
if [[ -z $kept ]]; then
if [[ -n $KEEP ]]; then
  rm -f "$cluster/bench-data"
  rows=$(psql_db -At -c 'SELECT count(*) FROM reports')
  ((rows == 0)) || die "$cluster holds $rows reports but no record of a finished import (interrupted?); destroy it: scripts/local-postgres.sh destroy $cluster"
fi
import() { # NAME SKIP COUNT TIMEOUT
  local name=$1 skip=$2 count=$3 limit=$4 before after
  before=$(cpu_snapshot)
  timeout "$limit" "${loader[@]}" import --url "$url" --divisions "$divisions" --agencies "$AGENCIES" --seed "$SEED" \
    --skip "$skip" --count "$count" --lines-per-request "$LINES" --parallel "$PARALLEL" >"$work/import-$name.log" 2>&1 ||
    { tail -n 20 "$work/import-$name.log" >&2; die "import $name failed or timed out (${limit} s)"; }
  after=$(cpu_snapshot)
  grep '^RESULT' "$work/import-$name.log" | cut -d' ' -f3- | sed "s/^/import $name: /" | tee -a "$summary"
  say "    $(cpu_report "$before" "$after" "$count" report); load $(loadavg)"
}
wait_for_quiet "$IMPORT_LOAD_WAIT"
say "load average before the trial import: $(loadavg) (waited ${waited} s for < $MAX_LOAD)"
log "trial import of $TRIAL reports; load $(loadavg)"
import trial 0 "$TRIAL" 900
say "$(grep '^data:' "$work/import-trial.log")"
trial_s=$(sed -nE 's/^RESULT .* seconds=([0-9.]+).*/\1/p' "$work/import-trial.log")
total=$((AGENCIES * 5))
estimate=$(awk -v s="$trial_s" -v t="$TRIAL" -v n="$total" 'BEGIN { printf "%.0f", s / t * n }')
say "extrapolated import of $total reports: ${estimate} s (budget ${IMPORT_BUDGET} s)"
while ((estimate > IMPORT_BUDGET && AGENCIES > 50000)); do
  AGENCIES=$((AGENCIES / 2))
  total=$((AGENCIES * 5))
  estimate=$(awk -v s="$trial_s" -v t="$TRIAL" -v n="$total" 'BEGIN { printf "%.0f", s / t * n }')
  say "REDUCED: over budget, so $total reports ($AGENCIES agencies; the first $TRIAL are the same); extrapolated ${estimate} s"
done
log "importing reports $TRIAL..$total; load $(loadavg)"
t0=$(date +%s)
import rest "$TRIAL" $((total - TRIAL)) $((IMPORT_BUDGET * 2 + 600))
say "import of $total reports in total: $(awk -v a="$trial_s" -v b="$(sed -nE 's/^RESULT .* seconds=([0-9.]+).*/\1/p' "$work/import-rest.log")" -v n="$total" \
  'BEGIN { printf "%.0f s, %.0f reports/s", a + b, n / (a + b) }') (wall $(($(date +%s) - t0 + ${trial_s%.*})) s)"
grep -h '^import: request' "$work"/import-*.log | awk '{ for (i = 1; i <= NF; i++) if ($i == "s,") s = $(i - 1); print s }' |
  sort -n | awk '{a[NR] = $1} END { printf "    batch request seconds: min %.1f, median %.1f, max %.1f over %d requests\n", a[1], a[int((NR + 1) / 2)], a[NR], NR }' | tee -a "$summary"

rows=$(psql_db -At -c 'SELECT count(*) FROM reports')
[[ $rows == "$total" ]] || die "the import answered accepted for $total lines but reports holds $rows rows"
log "VACUUM (ANALYZE) and CHECKPOINT after the load; load $(loadavg)"
t0=$(date +%s)
psql_db -c 'VACUUM (ANALYZE) aggregate_rollups' -c 'VACUUM (ANALYZE) reports' -c 'VACUUM (ANALYZE) report_revisions' -c 'CHECKPOINT' ||
  log "warning: VACUUM did not finish"
say "VACUUM (ANALYZE) of the three tables + CHECKPOINT: $(($(date +%s) - t0)) s"
say "volume: $(psql_db -At -F ', ' -c "SELECT 'reports ' || (SELECT count(*) FROM reports), 'report_revisions ' || (SELECT count(*) FROM report_revisions),
  'aggregate_rollups ' || (SELECT count(*) FROM aggregate_rollups) || ' (' || (SELECT string_agg('grain ' || grain || ': ' || n, ', ' ORDER BY grain) FROM (SELECT grain, count(*) n FROM aggregate_rollups GROUP BY grain) g) || ')'")"
say "sizes: $(psql_db -At -F ', ' -c "SELECT 'database ' || pg_size_pretty(pg_database_size('reports')),
  'reports ' || pg_size_pretty(pg_total_relation_size('reports')), 'report_revisions ' || pg_size_pretty(pg_total_relation_size('report_revisions')) || ' (heap ' || pg_size_pretty(pg_relation_size('report_revisions')) || ')',
  'aggregate_rollups ' || pg_size_pretty(pg_total_relation_size('aggregate_rollups')) || ' (heap ' || pg_size_pretty(pg_relation_size('aggregate_rollups')) || ')'")"
say "reports per year: $(psql_db -At -c "SELECT string_agg(year || ': ' || n, ', ' ORDER BY year) FROM (SELECT year, count(*) n FROM reports GROUP BY year) y")"
say "reports with warnings: $(psql_db -At -c "SELECT count(*) FROM report_revisions WHERE jsonb_array_length(warnings) > 0")"
if [[ -n $KEEP ]]; then
  { echo "$data_id"; echo "reports=$total"; echo "imported $(date -u '+%Y-%m-%d %H:%M UTC') by code $(git rev-parse --short HEAD)"; grep -E '^import of|^import rest' "$summary" || true; } >"$cluster/bench-data"
fi
fi
if [[ $STOP_AFTER == import ]]; then
  log "BENCH_STOP_AFTER=import: stopping after the data phase"
  exit 0
fi

# ------------------------------------------------------------------------------------------------
# 2. The SQL the service runs, per query (parameters inlined), and one answer each

say ""
say "## 2. Queries"
psql_db -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c 'SELECT pg_reload_conf()' >/dev/null
sleep 1
pg_log=$(readlink -f "$cluster/postgres.log")
log_from=$(stat -c %s "$pg_log")
for q in $QUERIES; do
  answer=$(curl -s -o "$work/answer-$q.json" -w '%{http_code} %{size_download} %{time_total}' -H 'Accept: application/json' "$url${QUERY[$q]}")
  [[ ${answer%% *} == 200 ]] || { head -c 2000 "$work/answer-$q.json" >&2; die "query $q answered $answer"; }
  groups=$(node -e 'const a = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(a.groups ? a.groups.length + " groups" : a.rows.length + " rows")' "$work/answer-$q.json")
  say "query $q: GET ${QUERY[$q]} -> $(cut -d' ' -f2 <<<"$answer") bytes, $groups (first answer $(awk '{printf "%.1f", $3 * 1000}' <<<"$answer") ms)"
done
sleep 1
psql_db -c "ALTER SYSTEM RESET log_min_duration_statement" -c 'SELECT pg_reload_conf()' >/dev/null
# "execute <unnamed>: SELECT ... FROM aggregate_rollups ..." then "DETAIL:  parameters: $1 = '2', $2 = 'agency', ..."
tail -c +"$((log_from + 1))" "$pg_log" | perl -ne '
  if (/execute [^:]*: (.*FROM aggregate_rollups.*)$/) { $sql = $1; next }
  if (defined $sql && /DETAIL:\s+parameters: (.*)$/) {
    my %p; my $s = $1;
    while ($s =~ /\$(\d+) = (\x27(?:[^\x27]|\x27\x27)*\x27|NULL)/g) { $p{$1} = $2 }
    $sql =~ s/\$(\d+)\b/$p{$1}/g; print "$sql;\n"; undef $sql }' >"$work/captured.sql"
set -- $QUERIES
n=$(wc -l <"$work/captured.sql")
[[ $n == "$#" ]] || die "captured $n aggregate statements from the PostgreSQL log, expected $#"
i=1
for q in $QUERIES; do
  sed -n "${i}p" "$work/captured.sql" >"$work/query-$q.sql"
  i=$((i + 1))
  psql_db -At -c "EXPLAIN (ANALYZE, BUFFERS) $(sed 's/;$//' "$work/query-$q.sql")" >"$work/query-$q.plan"
  say "query $q SQL: $(cut -c1-200 "$work/query-$q.sql") … ($(wc -c <"$work/query-$q.sql") bytes; WHERE: $(grep -oE 'WHERE .*' "$work/query-$q.sql" | cut -c1-200))"
  say "    plan: $(grep -m1 -oE 'Index Scan.*|Index Only Scan.*|Seq Scan.*|Bitmap Heap Scan.*' "$work/query-$q.plan" | cut -c1-120); $(grep -m1 -E 'Buffers' "$work/query-$q.plan" | sed 's/^ *//'); $(grep -E 'Execution Time' "$work/query-$q.plan"); rows read: $(grep -m1 -oE 'Index Scan.*actual[^)]*rows=[0-9]+' "$work/query-$q.plan" | grep -oE 'rows=[0-9]+$' || echo '?')"
done

# ------------------------------------------------------------------------------------------------
# 3. Wait for a quiet machine, then measure

wait_for_quiet "$LOAD_WAIT"
say ""
say "## 3. Latency at ${RATE} requests/s (${DURATION} s per run, ${WARMUP} s warm-up per query)"
say "load average before measuring: $(loadavg) (waited ${waited} s for < $MAX_LOAD)"
say "uptime: $(uptime)"

pct() { node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
  const l = r.latency; const n = r.requests.total;
  console.log(`p50=${l.p50} p90=${l.p90} p99=${l.p99} max=${l.max} n=${n} rate=${(n / r.duration).toFixed(1)} non2xx=${r.non2xx} errors=${r.errors} timeouts=${r.timeouts}`)' "$1"; }
ol() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
  console.log(`p50=${r.p50} p90=${r.p90} p99=${r.p99} p999=${r.p999} max=${r.max} n=${r.answered} rate=${r.rate} non2xx=${r.non2xx} errors=${r.errors} unfinished=${r.unfinished} maxInFlight=${r.maxInFlight} bytes=${r.bytesPerAnswer}`)' "$1"; }
# open_loop NAME URL RATE SECONDS: one run of open-loop.mjs; its JSON in $work/NAME.json
open_loop() {
  timeout $(($4 + 60)) node bench/aggregates/open-loop.mjs --url "$2" --rate "$3" --seconds "$4" >"$work/$1.json" 2>"$work/$1.err" ||
    [[ -s $work/$1.json ]] || { cat "$work/$1.err" >&2; die "open-loop run $1 failed"; }
}
# wait_idle: an overloaded run leaves requests behind in the service and PostgreSQL; wait (at most 180 s)
# until no statement of the service is running, so that it does not count against the next run.
wait_idle() {
  local i n
  for ((i = 0; i < 180; i++)); do
    n=$(psql_db -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'reports' AND state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
    ((n == 0)) && break
    sleep 1
  done
  ((i == 0)) || say "    (waited ${i} s for the service's statements left from that run to end)"
  sleep 3
}
declare -A OL AC LO PGC PGR
for q in $QUERIES; do
  target="$url${QUERY[$q]}"
  log "query $q: warm-up ${WARMUP} s; load $(loadavg)"
  open_loop "warmup-$q" "$target" "$RATE" "$WARMUP"
  wait_idle
  log "query $q: open loop at $RATE/s, ${DURATION} s; load $(loadavg)"
  before=$(cpu_snapshot)
  open_loop "open-loop-$q" "$target" "$RATE" "$DURATION"
  after=$(cpu_snapshot)
  OL[$q]=$(ol "$work/open-loop-$q.json")
  say "query $q open loop $RATE/s:  ${OL[$q]}"
  say "    $(cpu_report "$before" "$after" "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).answered || 1)' "$work/open-loop-$q.json")" answer); load $(loadavg)"
  wait_idle
  log "query $q: autocannon -R $RATE -c $CONNECTIONS, ${DURATION} s; load $(loadavg)"
  timeout $((DURATION + 60)) "$autocannon" -R "$RATE" -c "$CONNECTIONS" -d "$DURATION" --ignoreCoordinatedOmission -H 'Accept: application/json' \
    --json "$target" >"$work/autocannon-$q.json" 2>"$work/autocannon-$q.err" || { cat "$work/autocannon-$q.err" >&2; die "autocannon on query $q failed"; }
  AC[$q]=$(pct "$work/autocannon-$q.json")
  say "query $q autocannon -R $RATE -c $CONNECTIONS: ${AC[$q]}; load $(loadavg)"
  wait_idle
  log "query $q: open loop at $LOW_RATE/s, ${LOW_DURATION} s; load $(loadavg)"
  before=$(cpu_snapshot)
  open_loop "low-rate-$q" "$target" "$LOW_RATE" "$LOW_DURATION"
  after=$(cpu_snapshot)
  LO[$q]=$(ol "$work/low-rate-$q.json")
  say "query $q open loop $LOW_RATE/s:   ${LO[$q]}"
  say "    $(cpu_report "$before" "$after" "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).answered || 1)' "$work/low-rate-$q.json")" answer); load $(loadavg)"
  sleep 3
done

# ------------------------------------------------------------------------------------------------
# 4. Database only: the same statements through pgbench

say ""
say "## 4. Database only (pgbench -M simple, the captured statements, ${PGBENCH_SECONDS} s each)"
# pgbench_percentiles: p50/p90/p99 (ms) of latency (+ schedule lag with -R) from pgbench -l logs.
pgbench_percentiles() {
  cat "$work"/pgbench_log.* | awk '{ print $3 + ($7 == "" ? 0 : $7) }' | sort -n | awk '{a[NR] = $1} END {
    printf "p50=%.2f p90=%.2f p99=%.2f max=%.2f n=%d", a[int(NR * 0.50 + 0.999999)] / 1000, a[int(NR * 0.90 + 0.999999)] / 1000, a[int(NR * 0.99 + 0.999999)] / 1000, a[NR] / 1000, NR }'; }
for q in $QUERIES; do
  rm -f "$work"/pgbench_log.*
  log "query $q: pgbench -c 4 (closed loop); load $(loadavg)"
  (cd "$work" && timeout $((PGBENCH_SECONDS + 60)) "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M simple -c 4 -j 2 \
    -T "$PGBENCH_SECONDS" -r -l -f "$work/query-$q.sql" reports >"$work/pgbench-c4-$q.log" 2>&1) || { cat "$work/pgbench-c4-$q.log" >&2; die "pgbench failed"; }
  PGC[$q]="$(pgbench_percentiles) tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$work/pgbench-c4-$q.log")"
  say "query $q pgbench -c 4:       ${PGC[$q]}; load $(loadavg)"
  rm -f "$work"/pgbench_log.*
  log "query $q: pgbench -c 4 -R $RATE; load $(loadavg)"
  (cd "$work" && timeout $((PGBENCH_SECONDS + 60)) "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M simple -c 4 -j 2 \
    -R "$RATE" -T "$PGBENCH_SECONDS" -l -f "$work/query-$q.sql" reports >"$work/pgbench-r-$q.log" 2>&1) || { cat "$work/pgbench-r-$q.log" >&2; die "pgbench failed"; }
  PGR[$q]="$(pgbench_percentiles) tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$work/pgbench-r-$q.log")"
  say "query $q pgbench -c 4 -R $RATE: ${PGR[$q]}; load $(loadavg)"
  rm -f "$work"/pgbench_log.*
  log "query $q: pgbench -M prepared -c 4 (planned once: execution only); load $(loadavg)"
  (cd "$work" && timeout $((PGBENCH_SECONDS + 60)) "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c 4 -j 2 \
    -T "$PGBENCH_SECONDS" -l -f "$work/query-$q.sql" reports >"$work/pgbench-p-$q.log" 2>&1) || { cat "$work/pgbench-p-$q.log" >&2; die "pgbench failed"; }
  say "query $q pgbench -M prepared -c 4: $(pgbench_percentiles) tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$work/pgbench-p-$q.log"); load $(loadavg)"
done

# ------------------------------------------------------------------------------------------------
# 5. Diagnostics (not the service's SQL): where the database time goes

say ""
say "## 5. Diagnostics: EXPLAIN (ANALYZE, BUFFERS) of the captured statement vs the same with the year range as = ANY(ARRAY[...])"
for q in $QUERIES; do
  sql=$(sed 's/;$//' "$work/query-$q.sql")
  rewritten=$(perl -pe 's/r\.year >= \x27(\d+)\x27 AND r\.year <= \x27(\d+)\x27/"r.year = ANY (ARRAY[" . join(", ", $1 .. $2) . "])"/e' <<<"$sql")
  for variant in captured rewritten; do
    text=$sql
    [[ $variant == rewritten ]] && text=$rewritten
    for _ in 1 2 3; do psql_db -At -c "EXPLAIN (ANALYZE, BUFFERS, SUMMARY) $text" >"$work/query-$q-$variant.plan"; done
    say "query $q $variant: $(grep -m1 -oE 'Index Cond: .*' "$work/query-$q-$variant.plan" | grep -oE 'year[^)]*\)' | head -n 1); index scan $(grep -m1 -oE 'Index Scan.*\(actual[^)]*\)' "$work/query-$q-$variant.plan" | grep -oE 'actual.*'); $(grep -m1 -E 'Buffers' "$work/query-$q-$variant.plan" | sed 's/^ *//'); $(grep -E 'Planning Time' "$work/query-$q-$variant.plan"); $(grep -E 'Execution Time' "$work/query-$q-$variant.plan")"
  done
done

# ------------------------------------------------------------------------------------------------
# 6. The same queries with the answer cache off: what a miss costs

declare -A UL UH SL SH
# measure_uncached LOW_ARRAY HIGH_ARRAY LABEL: every query at LOW_RATE and RATE with the service as started.
measure_uncached() {
  local -n low=$1 high=$2
  local label=$3 q target before after
  wait_for_quiet 120
  say "load average: $(loadavg) (waited ${waited} s for < $MAX_LOAD)"
  for q in $QUERIES; do
    target="$url${QUERY[$q]}"
    open_loop "$label-warmup-$q" "$target" "$LOW_RATE" 5
    wait_idle
    log "query $q $label: open loop at $LOW_RATE/s; load $(loadavg)"
    before=$(cpu_snapshot)
    open_loop "$label-low-$q" "$target" "$LOW_RATE" "$UNCACHED_DURATION"
    after=$(cpu_snapshot)
    low[$q]=$(ol "$work/$label-low-$q.json")
    say "query $q $label open loop $LOW_RATE/s:  ${low[$q]}"
    say "    $(cpu_report "$before" "$after" "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).answered || 1)' "$work/$label-low-$q.json")" answer); load $(loadavg)"
    wait_idle
    log "query $q $label: open loop at $RATE/s; load $(loadavg)"
    before=$(cpu_snapshot)
    open_loop "$label-high-$q" "$target" "$RATE" "$UNCACHED_DURATION"
    after=$(cpu_snapshot)
    high[$q]=$(ol "$work/$label-high-$q.json")
    say "query $q $label open loop $RATE/s: ${high[$q]}"
    say "    $(cpu_report "$before" "$after" "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).answered || 1)' "$work/$label-high-$q.json")" answer); load $(loadavg)"
    wait_idle
  done
}
if [[ $UNCACHED == 1 ]]; then
  say ""
  say "## 6. Answer cache off (Aggregates__AnswerCacheMegabytes=0): every request runs the sums (${UNCACHED_DURATION} s per run)"
  stop_service
  start_service Aggregates__AnswerCacheMegabytes=0
  measure_uncached UL UH uncached
  if [[ $REPLICA == 1 ]]; then
    say ""
    say "## 6b. The same, the sums read from the synchronous standby (ConnectionStrings__ReportsRead; CPU: the primary's PostgreSQL only)"
    stop_service
    start_service Aggregates__AnswerCacheMegabytes=0 "ConnectionStrings__ReportsRead=$standby_cs;Database=reports"
    measure_uncached SL SH standby
  fi
fi

# ------------------------------------------------------------------------------------------------
# Summary table

field() { sed -nE "s/.*\\b$2=([^ ]+).*/\\1/p" <<<"$1"; }
say ""
say "## Summary: $total reports; ${RATE} requests/s for ${DURATION} s; latency in ms; target p99 <= ${TARGET_P99_MS} ms over HTTP"
say ""
say "| query | HTTP open loop ${RATE}/s p50 / p90 / p99 (max) | answered/s, failed | autocannon -R ${RATE} p50 / p90 / p99 (req/s) | HTTP open loop ${LOW_RATE}/s p50 / p90 / p99 | DB pgbench -c 4 p50 / p99 (tps) | DB pgbench -R ${RATE} p50 / p99 | target |"
say "|---|---|---|---|---|---|---|---|"
for q in $QUERIES; do
  p99=$(field "${OL[$q]}" p99)
  failed=$(($(field "${OL[$q]}" errors) + $(field "${OL[$q]}" unfinished) + $(field "${OL[$q]}" non2xx)))
  verdict=$(awk -v p="$p99" -v t="$TARGET_P99_MS" -v f="$failed" -v r="$(field "${OL[$q]}" rate)" -v want="$RATE" \
    'BEGIN { print (p <= t && f == 0 && r >= 0.95 * want ? "met" : "MISSED") }')
  say "| $q \`${QUERY[$q]}\` | $(field "${OL[$q]}" p50) / $(field "${OL[$q]}" p90) / **${p99}** ($(field "${OL[$q]}" max)) | $(field "${OL[$q]}" rate), $failed | $(field "${AC[$q]}" p50) / $(field "${AC[$q]}" p90) / $(field "${AC[$q]}" p99) ($(field "${AC[$q]}" rate)) | $(field "${LO[$q]}" p50) / $(field "${LO[$q]}" p90) / $(field "${LO[$q]}" p99) | $(field "${PGC[$q]}" p50) / $(field "${PGC[$q]}" p99) ($(field "${PGC[$q]}" tps)) | $(field "${PGR[$q]}" p50) / $(field "${PGR[$q]}" p99) | $verdict |"
done
if [[ $UNCACHED == 1 ]]; then
  say ""
  say "Answer cache off (every request a miss): | query | open loop ${LOW_RATE}/s p50 / p90 / p99 | open loop ${RATE}/s p50 / p99, answered/s |"
  say "|---|---|---|"
  for q in $QUERIES; do
    say "| $q | $(field "${UL[$q]}" p50) / $(field "${UL[$q]}" p90) / $(field "${UL[$q]}" p99) | $(field "${UH[$q]}" p50) / $(field "${UH[$q]}" p99), $(field "${UH[$q]}" rate) |"
  done
  if [[ $REPLICA == 1 ]]; then
    say ""
    say "Answer cache off, sums from the standby: | query | open loop ${LOW_RATE}/s p50 / p90 / p99 | open loop ${RATE}/s p50 / p99, answered/s |"
    say "|---|---|---|"
    for q in $QUERIES; do
      say "| $q | $(field "${SL[$q]}" p50) / $(field "${SL[$q]}" p90) / $(field "${SL[$q]}" p99) | $(field "${SH[$q]}" p50) / $(field "${SH[$q]}" p99), $(field "${SH[$q]}" rate) |"
    done
  fi
fi
say ""
say "load average at the end: $(loadavg)"
log "done; summary, SQL and plans also in $RESULTS_DIR/$stamp"
