#!/usr/bin/env bash
# bench/ingestion/run.sh - persistence benchmarks of ReportService, each as a ratio to a PostgreSQL
# baseline measured in the same run, on the same machine, against the same cluster and schema.
# docs/benchmarks.md (section Persistence) explains the method and records the figures.
#
#   1. Durable single-report ingestion: POST /v1/reports from 16 and 32 concurrent clients
#      (bench/ReportService.LoadClient), against pgbench inserting the equivalent rows (one `reports` row
#      + one `report_revisions` row with the same body jsonb and cell values, one commit per report,
#      synchronous_commit=on) with -c 16 / -c 32 -j 2.   ratio = service reports/s / pgbench tps
#   2. Bulk import: 100,000 reports through POST /v1/reports/batch (NDJSON), against psql \copy of the
#      same rows (exported with COPY ... TO) into the same, truncated tables.
#                                                          ratio = copy seconds / import seconds
#   3. Diagnostics (not targets): where PostgreSQL spends its time per statement (pg_stat_statements, with
#      planning time) at 16 clients.
#
# The load client spreads the reports over BENCH_TOWNSHIPS real townships of the division reference (as real
# traffic is); the pgbench baseline's rows are the same whichever township a report is from. When the
# service has authentication (--mint-token), it is started with a random Auth__SigningKey and the client
# sends a token minted by the same binary on every request; the per-client rate limit (50 requests/s for
# one token) is off (RateLimiting__Enabled=false, "off only for benchmarks and load tests").
#
# Usage: bench/ingestion/run.sh          (about 10-13 minutes, as root on Debian 12 with the .NET 10 SDK,
#                                        plus up to BENCH_LOAD_WAIT waiting for a quiet machine)
#
# What is measured is the committed HEAD (git archive into a temporary directory, published in Release), so
# that builds and edits in the working tree during the run cannot change the binaries under test;
# BENCH_SOURCE=worktree measures the working tree instead. The service runs as
# `dotnet ReportService.Api.dll --urls http://127.0.0.1:PORT` from that Release publish output with
# ASPNETCORE_ENVIRONMENT=Production: the same as `dotnet run -c Release --project src/ReportService.Api
# --no-launch-profile -- --urls ...`, without `dotnet run`'s parent process and build step.
#
# Everything is loopback only: a throwaway PostgreSQL cluster (scripts/local-postgres.sh) and the service on
# 127.0.0.1. Both are stopped and the cluster destroyed at the end, also on failure or Ctrl-C. Every phase is
# bounded in time and count, and the whole run stops itself after BENCH_MAX_SECONDS.
#
# Environment (defaults in brackets):
#   BENCH_SOURCE [head]       head: the committed HEAD; worktree: the working tree as it is; a commit: that
#                             commit's service (src/) with HEAD's load client (bench/ab/run.sh)
#   BENCH_SECONDS [20]        length of each measured single-report phase (service and pgbench alike)
#   BENCH_ROUNDS [2]          rounds per concurrency; odd rounds run the service first, even rounds pgbench
#                             first; the ratio is over the sums of all rounds
#   BENCH_CONCURRENCY ["16 32"]
#   BENCH_BULK_COUNT [100000] reports in the bulk import
#   BENCH_BULK_LINES [10000]  NDJSON lines per request (the endpoint takes <= 20,000 lines and <= 64 MiB;
#                             10,000 generated reports are about 53 MB, 20,000 would be over 64 MiB)
#   BENCH_BULK_PARALLEL [1]   batch requests in flight at once
#   BENCH_TOWNSHIPS [2000]    townships the reports are spread over (1: all in one, as before)
#   BENCH_DIAGNOSE [1]        0 skips part 3
#   BENCH_MAX_LOAD [1.5]      wait until the 1-minute load average is below this before measuring ...
#   BENCH_LOAD_WAIT [600]     ... for at most this many seconds (then measure anyway, and say so)
#   BENCH_MAX_SECONDS [1800]  hard limit for the whole run
#   BENCH_RESULTS [bench/ingestion/results]  where the summary is also written (git-ignored)
#   BENCH_REPLICA [0]         1: a primary with a synchronous standby (scripts/local-replica.sh: remote_apply, ADR 12)
#                             instead of one cluster; the service and pgbench both write to the primary, so the
#                             ratios are to pgbench against the same pair (CPU figures are the primary's only)
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"

SOURCE=${BENCH_SOURCE:-head}
SECONDS_PER_PHASE=${BENCH_SECONDS:-20}
ROUNDS=${BENCH_ROUNDS:-2}
CONCURRENCY=${BENCH_CONCURRENCY:-16 32}
BULK_COUNT=${BENCH_BULK_COUNT:-100000}
BULK_LINES=${BENCH_BULK_LINES:-10000}
BULK_PARALLEL=${BENCH_BULK_PARALLEL:-1}
DIAGNOSE=${BENCH_DIAGNOSE:-1}
TOWNSHIPS=${BENCH_TOWNSHIPS:-2000}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
LOAD_WAIT=${BENCH_LOAD_WAIT:-600}
MAX_SECONDS=${BENCH_MAX_SECONDS:-1800}
RESULTS_DIR=${BENCH_RESULTS:-$root/bench/ingestion/results}
REPLICA=${BENCH_REPLICA:-0}
YEAR=2024

work=$(mktemp -d /tmp/rs-ingestion.XXXXXX)
cluster="$work/pg"
service_pid=''
watchdog=''
summary="$work/summary.txt"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
say() { printf '%s\n' "$*" | tee -a "$summary"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

stop_service() {
  [[ -n $service_pid ]] || return 0
  kill -TERM -- "-$service_pid" 2>/dev/null || true
  for _ in $(seq 40); do kill -0 -- "-$service_pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL -- "-$service_pid" 2>/dev/null || true
  service_pid=''
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
  stop_service
  if [[ $REPLICA == 1 ]]; then
    scripts/local-replica.sh destroy "$work/pair" >/dev/null 2>&1 || log "warning: could not destroy the pair in $work/pair"
  else
    scripts/local-postgres.sh destroy "$cluster" >/dev/null 2>&1 || log "warning: could not destroy the cluster in $cluster"
  fi
  if [[ -s $summary ]]; then
    mkdir -p "$RESULTS_DIR"
    cp "$summary" "$RESULTS_DIR/$(date -u +%Y%m%dT%H%M%SZ).txt"
  fi
  rm -rf -- "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# The whole run stops itself (the watchdog has its own process group, ended in cleanup).
setsid bash -c "sleep $MAX_SECONDS; echo 'run.sh: BENCH_MAX_SECONDS=$MAX_SECONDS exceeded; stopping' >&2; kill -TERM $$" </dev/null &
watchdog=$!

# ------------------------------------------------------------------------------------------------
# Machine and build

say "# ReportService persistence benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"

src="$work/src"
if [[ $SOURCE == head ]]; then
  mkdir -p "$src"
  git archive HEAD | tar -x -C "$src"
  say "code: HEAD $(git rev-parse --short HEAD) (\"$(git log -1 --format=%s | cut -c1-80)\"), from git archive"
elif [[ $SOURCE == worktree ]]; then
  src=$root
  say "code: working tree on $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ', with uncommitted changes in src/ or bench/')"
elif git rev-parse --verify -q "$SOURCE^{commit}" >/dev/null; then
  # Another commit's service (an A/B, bench/ab/run.sh); the load client and scripts are HEAD's.
  mkdir -p "$src"
  git archive HEAD | tar -x -C "$src"
  rm -rf "$src/src"
  git archive "$SOURCE" src | tar -x -C "$src"
  say "code: service of $(git rev-parse --short "$SOURCE") (\"$(git log -1 --format=%s "$SOURCE" | cut -c1-80)\"), load client of HEAD, from git archive"
else
  die "BENCH_SOURCE must be head, worktree or a commit"
fi
log "publishing the service and the load client (Release) from $src"
timeout 900 dotnet publish -c Release -o "$work/service" "$src/src/ReportService.Api/ReportService.Api.csproj" -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "publish of the service failed"; }
timeout 900 dotnet publish -c Release -o "$work/client" "$src/bench/ReportService.LoadClient/ReportService.LoadClient.csproj" -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "publish of the load client failed"; }
say "dotnet: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | sed -n 's/^Microsoft.AspNetCore.App \([^ ]*\).*/\1/p' | tail -n 1) (ASP.NET Core)"
client=(dotnet "$work/client/ReportService.LoadClient.dll")
say "load: reports spread over $TOWNSHIPS township(s) of the division reference"

# Authentication (issue 6): a random signing key for this run only, and a token minted by the same binary.
auth_key=''
if grep -rqs -- '--mint-token' "$src/src/ReportService.Api"; then
  auth_key=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-48)
  REPORTS_TOKEN=$(cd "$work/service" && Auth__SigningKey="$auth_key" timeout 120 dotnet ReportService.Api.dll --mint-token --scope "reports:write reports:read" --region "*" </dev/null 2>"$work/mint.log" | tail -n 1) ||
    { cat "$work/mint.log" >&2; die "could not mint a token"; }
  [[ $REPORTS_TOKEN == *.*.* ]] || { cat "$work/mint.log" >&2; die "the minted token does not look like a JWT: '$REPORTS_TOKEN'"; }
  export REPORTS_TOKEN
  say "auth: service started with a random Auth__SigningKey; the client sends a minted bearer token (scope reports:write reports:read, region *)"
else
  say "auth: this build has no authentication (no --mint-token); no token sent"
fi

# ------------------------------------------------------------------------------------------------
# PostgreSQL

if [[ $REPLICA == 1 ]]; then
  log "starting a throwaway primary with a synchronous standby in $work/pair"
  scripts/local-replica.sh start "$work/pair" >/dev/null
  cluster="$work/pair/n1"
  cs=$(scripts/local-postgres.sh status "$cluster" | sed -n 2p)
else
  log "starting a throwaway PostgreSQL cluster in $cluster"
  cs=$(scripts/local-postgres.sh start "$cluster")
fi
pg_port=$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$cs")
pg_data=$(readlink -f "$cluster/data")
pg_major=$(cat "$pg_data/PG_VERSION")
pg_bin=/usr/lib/postgresql/$pg_major/bin
if [[ ! -x $pg_bin/pgbench || ! -x $pg_bin/psql ]]; then
  log "pgbench/psql for PostgreSQL $pg_major not found; installing them from Debian"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "postgresql-client-$pg_major" "postgresql-$pg_major" >/dev/null
fi
psql_as() { local db=$1; shift; timeout 300 "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" "$@"; }
psql_db() { psql_as reports "$@"; }
# pg_stat_statements (PostgreSQL's contrib, in Debian's postgresql package) for the per-statement figures:
# loaded for every phase, service and pgbench alike; planning times are tracked only in part 3.
psql_as postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
scripts/local-postgres.sh stop "$cluster" >/dev/null 2>&1
scripts/local-postgres.sh start "$cluster" >/dev/null
postmaster=$(head -n 1 "$pg_data/postmaster.pid")
psql_as postgres -c 'CREATE DATABASE reports'
psql_db -c 'CREATE EXTENSION pg_stat_statements'
say "postgres: $("$pg_bin/postgres" --version | sed 's/^postgres //'); $(psql_db -At -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'synchronous_standby_names', 'wal_sync_method', 'shared_buffers', 'max_wal_size', 'full_page_writes', 'wal_level', 'commit_delay', 'shared_preload_libraries')")"
say "pgbench: $("$pg_bin/pgbench" --version)"

# ------------------------------------------------------------------------------------------------
# The service

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=58080
while port_busy "$port"; do ((port < 58180)) || die "no free port in 58080..58180"; port=$((port + 1)); done
url="http://127.0.0.1:$port"

start_service() { # EXTRA_CONNECTION_STRING_OPTIONS [EXTRA_ENVIRONMENT...]
  local extra=$1
  shift
  log "starting the service (Release, Production) on $url${extra:+ with '$extra'}${1:+ and $*}"
  (cd "$work/service" && { (($# == 0)) || export "$@"; } && ConnectionStrings__Reports="$cs;Database=reports$extra" ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey="$auth_key" RateLimiting__Enabled=false \
    exec setsid dotnet ReportService.Api.dll --urls "$url" >>"$work/service.log" 2>&1 </dev/null) &
  service_pid=$!
  for i in $(seq 240); do
    curl -sf "$url/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log" >&2; die "the service exited"; }
    ((i < 240)) || { cat "$work/service.log" >&2; die "the service was not ready within 60 s"; }
    sleep 0.25
  done
}
start_service ''
log "service ready (pid $service_pid); it migrated the schema"

# The tables the service writes; regions (seeded reference data) and the migration history stay.
written_tables=$(psql_db -At -c "SELECT string_agg(quote_ident(relname), ', ') FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname IN ('reports', 'report_revisions', 'idempotency_keys', 'aggregate_rollups', 'audit_events', 'report_reviews', 'aggregate_changes')")
truncate_all() { psql_db -c "TRUNCATE $written_tables" -c 'CHECKPOINT' -c 'SELECT pg_stat_statements_reset()' >/dev/null; }
count_rows() { psql_db -At -F ' ' -c 'SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_revisions)'; }
say "truncated between phases: $written_tables"

# top_statements N: PostgreSQL's busiest statements since the last reset, per call.
top_statements() {
  psql_db -At -F '|' -c "
    SELECT calls, round((total_exec_time / calls)::numeric, 2), round((total_plan_time / calls)::numeric, 2),
           round((100 * (total_exec_time + total_plan_time) / sum(total_exec_time + total_plan_time) OVER ())::numeric, 0),
           left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
    FROM pg_stat_statements WHERE calls > 0 AND dbid = (SELECT oid FROM pg_database WHERE datname = 'reports')
    ORDER BY total_exec_time + total_plan_time DESC LIMIT $1" |
    awk -F'|' '{ printf "      %7d calls, %7.2f ms exec + %6.2f ms plan per call, %3d %% of the time: %s\n", $1, $2, $3, $4, $5 }'
}

# CPU ticks (USER_HZ) of: the service process, PostgreSQL (postmaster with its reaped children + live
# children), and the whole machine busy / total; for the pgbench and \copy phases.
cpu_snapshot() {
  local s p c
  s=$(awk '{print $14 + $15}' "/proc/$service_pid/stat")
  p=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
  for c in $(pgrep -P "$postmaster"); do p=$((p + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  read -r _ u n sy id io irq sirq st _ </proc/stat
  echo "$s $p $((u + n + sy + irq + sirq + st)) $((u + n + sy + id + io + irq + sirq + st))"
}
# The load client measures the same over exactly its measured window (its RESULT line).
cpu_words() {
  sed -nE 's/.* service_cpu_ms_per_report=([0-9.]+) postgres_cpu_ms_per_report=([0-9.]+) machine_busy_pct=([0-9]+).*/cpu per report: service \1 ms, postgres \2 ms; whole machine busy \3 %/p' <<<"$1"
}
hz=$(getconf CLK_TCK)
cpu_report() { # BEFORE AFTER REPORTS
  local -a a b
  read -r -a a <<<"$1"
  read -r -a b <<<"$2"
  awk -v s=$((b[0] - a[0])) -v p=$((b[1] - a[1])) -v busy=$((b[2] - a[2])) -v total=$((b[3] - a[3])) -v n="$3" -v hz="$hz" \
    'BEGIN { printf "cpu per report: postgres %.2f ms; whole machine busy %.0f %%", p * 1000 / hz / n, 100 * busy / total }'
}

# ------------------------------------------------------------------------------------------------
# Wait for a quiet machine

waited=0
while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$MAX_LOAD" 'BEGIN { exit !(l >= m) }'; do
  if ((waited >= LOAD_WAIT)); then log "load average still $(loadavg) after ${LOAD_WAIT} s; measuring anyway"; break; fi
  ((waited % 60 == 0)) && log "load average $(loadavg); waiting for < $MAX_LOAD (at most ${LOAD_WAIT} s)"
  sleep 10
  waited=$((waited + 10))
done
say "load average before measuring: $(loadavg) (waited ${waited} s for < $MAX_LOAD)"

# ------------------------------------------------------------------------------------------------
# 1. Single-report ingestion

say ""
say "## 1. Durable single-report ingestion (${SECONDS_PER_PHASE} s per phase, ${ROUNDS} round(s) per concurrency)"

warm_up() {
  log "warming the service up (16 clients, 20 s of POST /v1/reports)"
  timeout 300 "${client[@]}" submit --url "$url" --concurrency 16 --seconds 20 --bodies 35000 --first-code "$1" --year "$YEAR" --townships "$TOWNSHIPS" >"$work/warmup.log" ||
    { cat "$work/warmup.log" >&2; die "warm-up failed"; }
  say "warm-up: $(grep '^RESULT' "$work/warmup.log" | cut -d' ' -f3-6)"
}
warm_up 90000000

# The pgbench script is made from a row the service stored: same body, warnings and cell values.
psql_db -At -f "$root/bench/ingestion/pgbench-script.sql" >"$work/insert-report.sql"
[[ -s $work/insert-report.sql ]] || die "could not make the pgbench script"
psql_db -c 'CREATE SEQUENCE IF NOT EXISTS pgbench_report_seq'
say "pgbench script: bench/ingestion/pgbench-script.sql over a stored report ($(wc -c <"$work/insert-report.sql") bytes): BEGIN; INSERT reports; INSERT report_revisions; COMMIT in one round trip (-M simple)"

bodies=$((SECONDS_PER_PHASE * 1500 + 5000)) # more than the service takes in the time
code=10000000
declare -A svc_n svc_s pgb_n pgb_s
run_service() { # CONCURRENCY LABEL -> sets last_rps
  local c=$1 label=$2 res n rows
  truncate_all
  log "service: $c clients, ${SECONDS_PER_PHASE} s ($label); load $(loadavg)"
  timeout $((SECONDS_PER_PHASE + 300)) "${client[@]}" submit --url "$url" --concurrency "$c" --seconds "$SECONDS_PER_PHASE" \
    --bodies "$bodies" --first-code "$code" --year "$YEAR" --townships "$TOWNSHIPS" --warmup-seconds 3 --cpu-service "$service_pid" --cpu-postgres "$postmaster" \
    >"$work/submit.log" || { cat "$work/submit.log" >&2; die "the load client failed (a non-201 answer?)"; }
  code=$((code + bodies * 11 / 10 + 1000))
  res=$(grep '^RESULT' "$work/submit.log")
  n=$(sed -nE 's/.* requests=([0-9]+).*/\1/p' <<<"$res")
  last_s=$(sed -nE 's/.* seconds=([0-9.]+).*/\1/p' <<<"$res")
  last_n=$n
  rows=$(count_rows)
  [[ $rows == "$n $n" ]] || die "the service answered 201 to $n requests but the tables hold $rows rows"
  say "service  c=$c $label: $(cut -d' ' -f3- <<<"$res" | sed -E 's/ non201=0//; s/ (service_cpu|postgres_cpu|machine_busy).*//')"
  say "    every answer 201; rows stored = answers ($rows); $(cpu_words "$res"); load $(loadavg)"
  top_statements 4 | tee -a "$summary"
}
run_pgbench() { # CONCURRENCY LABEL
  local c=$1 label=$2 before after out n tps lat t
  truncate_all
  rm -f "$work"/pgbench_log.*
  log "pgbench: -c $c -j 2, ${SECONDS_PER_PHASE} s ($label); load $(loadavg)"
  before=$(cpu_snapshot)
  t=$( { TIMEFORMAT='%U %S'; time (cd "$work" && timeout $((SECONDS_PER_PHASE + 60)) "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres \
      -n -M simple -c "$c" -j 2 -T "$SECONDS_PER_PHASE" -l -f "$work/insert-report.sql" reports >"$work/pgbench.log" 2>&1); } 2>&1 ) ||
    { cat "$work/pgbench.log" >&2; die "pgbench failed"; }
  after=$(cpu_snapshot)
  out="$work/pgbench.log"
  grep -q 'number of failed transactions: 0 ' "$out" || { cat "$out" >&2; die "pgbench had failed transactions"; }
  n=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$out")
  tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$out")
  # Per-transaction latencies (column 3, microseconds) from pgbench -l.
  lat=$(cat "$work"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR] = $1} END {
        printf "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f", a[int(NR * 0.50 + 0.999999)] / 1000, a[int(NR * 0.99 + 0.999999)] / 1000, a[NR] / 1000 }')
  [[ $(count_rows) == "$n $n" ]] || die "pgbench reported $n transactions but the tables hold $(count_rows) rows"
  pgb_n[$c]=$((${pgb_n[$c]:-0} + n))
  pgb_s[$c]=$(awk -v a="${pgb_s[$c]:-0}" -v tps="$tps" -v n="$n" 'BEGIN { print a + n / tps }')
  say "pgbench  c=$c $label: transactions=$n tps=$tps $lat pgbench_cpu_s=$(awk '{print $1 + $2}' <<<"$t")"
  say "    rows = transactions; $(cpu_report "$before" "$after" "$n"); load $(loadavg)"
  top_statements 3 | tee -a "$summary"
}
service_round() { # CONCURRENCY LABEL
  run_service "$1" "$2"
  svc_n[$1]=$((${svc_n[$1]:-0} + last_n))
  svc_s[$1]=$(awk -v a="${svc_s[$1]:-0}" -v b="$last_s" 'BEGIN { print a + b }')
}
for c in $CONCURRENCY; do
  for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2 == 1)); then service_round "$c" "round $r"; run_pgbench "$c" "round $r"; else run_pgbench "$c" "round $r"; service_round "$c" "round $r"; fi
  done
done

say ""
for c in $CONCURRENCY; do
  awk -v c="$c" -v sn="${svc_n[$c]}" -v ss="${svc_s[$c]}" -v pn="${pgb_n[$c]}" -v ps="${pgb_s[$c]}" 'BEGIN {
    s = sn / ss; p = pn / ps; r = s / p;
    printf "RESULT ingestion c=%d: service %.1f reports/s, pgbench %.1f tps, ratio %.3f (target >= 0.5: %s)\n", c, s, p, r, (r >= 0.5 ? "met" : "MISSED") }' | tee -a "$summary"
done

# ------------------------------------------------------------------------------------------------
# 2. Bulk import against psql \copy

say ""
say "## 2. Bulk import of $BULK_COUNT reports ($BULK_LINES lines per request, $BULK_PARALLEL at a time)"
run_import() { # FIRST_CODE -> sets import_s
  truncate_all
  # Every statement the service runs during the import is logged with its duration, to see where the time goes.
  psql_db -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c 'SELECT pg_reload_conf()' >/dev/null
  local pg_log log_from res rows
  pg_log=$(readlink -f "$cluster/postgres.log")
  log_from=$(stat -c %s "$pg_log")
  log "bulk import: $BULK_COUNT reports; load $(loadavg)"
  timeout 1200 "${client[@]}" batch --url "$url" --count "$BULK_COUNT" --lines-per-request "$BULK_LINES" --parallel "$BULK_PARALLEL" \
    --first-code "$1" --year "$YEAR" --townships "$TOWNSHIPS" --cpu-service "$service_pid" --cpu-postgres "$postmaster" >"$work/batch.log" ||
    { cat "$work/batch.log" >&2; die "the bulk import failed"; }
  psql_db -c "ALTER SYSTEM RESET log_min_duration_statement" -c 'SELECT pg_reload_conf()' >/dev/null
  res=$(grep '^RESULT' "$work/batch.log")
  import_s=$(sed -nE 's/.* seconds=([0-9.]+).*/\1/p' <<<"$res")
  rows=$(count_rows)
  [[ $rows == "$BULK_COUNT $BULK_COUNT" ]] || die "the import answered accepted for every line but the tables hold $rows rows"
  say "import: $(grep '^generated' "$work/batch.log")"
  say "import: $(cut -d' ' -f3- <<<"$res" | sed -E 's/ (service_cpu|postgres_cpu|machine_busy).*//'); every line accepted; rows stored: $rows"
  say "    $(cpu_words "$res"); load $(loadavg)"
  sed -n 's/^batch: request/    request/p' "$work/batch.log" | tee -a "$summary"
  say "    PostgreSQL time of the service's statements during the import (its log; extended protocol: parse + bind + execute;"
  say "    a COPY ... FROM STDIN lasts until the service has sent its last row, so it includes the service encoding the rows):"
  tail -c +"$((log_from + 1))" "$pg_log" | awk -v total="$import_s" '
    /duration: [0-9.]+ ms/ {
      match($0, /duration: [0-9.]+ ms/); d = substr($0, RSTART + 10, RLENGTH - 13) + 0
      k = "other statements"
      if ($0 ~ /COPY batch_reports/) k = "COPY batch_reports (binary, into the staging table)"
      else if ($0 ~ /COPY batch_revisions/) k = "COPY batch_revisions (binary, into the staging table)"
      else if ($0 ~ /COPY report_revisions/) k = "COPY report_revisions (binary, straight into the table)"
      else if ($0 ~ /INSERT INTO reports SELECT/) k = "INSERT ... SELECT from staging into reports"
      else if ($0 ~ /COPY batch_rollups/) k = "COPY batch_rollups (the summed rollup deltas)"
      else if ($0 ~ /WITH inserted AS/) k = "INSERT ... SELECT from staging into reports + report_revisions"
      else if ($0 ~ /INSERT INTO aggregate_rollups/) k = "INSERT ... ON CONFLICT into aggregate_rollups (sums of the batch)"
      else if ($0 ~ /CREATE TEMP TABLE/) k = "CREATE TEMP TABLE (staging)"
      else if ($0 ~ /SELECT r.credit_code/) k = "identity look-ups (previous year, existing)"
      else if ($0 ~ /statement: COMMIT/) k = "COMMIT"
      t[k] += d; all += d }
    END { for (k in t) printf "      %6.1f s (%4.1f %% of the import) %s\n", t[k] / 1000, 100 * t[k] / 1000 / total, k
          printf "      %6.1f s (%4.1f %% of the import) in the service alone (read, parse, validate, respond)\n", total - all / 1000, 100 * (total - all / 1000) / total }' |
    sort -k1,1nr | tee -a "$summary"
}
run_import 20000000

log "exporting what the service stored (COPY ... TO) and timing psql \\copy of it into the truncated tables"
copy_tables="reports report_revisions"
if [[ $written_tables == *aggregate_rollups* ]]; then copy_tables="$copy_tables aggregate_rollups"; fi
export_args=(-c 'CHECKPOINT')
import_args=()
for t in $copy_tables; do
  export_args+=(-c "\\copy $t TO '$work/$t.copy'")
  import_args+=(-c "\\copy $t FROM '$work/$t.copy'")
done
psql_db "${export_args[@]}"
say "export: $(for t in $copy_tables; do printf '%s.copy %s MB, ' "$t" "$(du -m "$work/$t.copy" | cut -f1)"; done)text format (psql's default)"
truncate_all
before=$(cpu_snapshot)
t0=$(date +%s.%N)
psql_db -1 "${import_args[@]}"
t1=$(date +%s.%N)
after=$(cpu_snapshot)
copy_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
rows=$(count_rows)
[[ $rows == "$BULK_COUNT $BULK_COUNT" ]] || die "\\copy loaded $rows rows"
say "copy: psql -1 $(for t in $copy_tables; do printf '\\copy %s FROM ...; ' "$t"; done)${copy_s} s; rows: $rows"
say "    $(cpu_report "$before" "$after" "$BULK_COUNT"); load $(loadavg)"
say ""
awk -v i="$import_s" -v c="$copy_s" -v n="$BULK_COUNT" 'BEGIN { r = c / i;
  printf "RESULT bulk: import %.1f s (%.0f reports/s), copy %.1f s (%.0f reports/s), ratio %.3f (target >= 0.5: %s)\n", i, n / i, c, n / c, r, (r >= 0.5 ? "met" : "MISSED") }' | tee -a "$summary"

# ------------------------------------------------------------------------------------------------
# 3. Diagnostics

if [[ $DIAGNOSE == 1 ]]; then
  say ""
  say "## 3. Diagnostics (not the targets)"
  psql_db -c 'ALTER SYSTEM SET pg_stat_statements.track_planning = on' -c 'SELECT pg_reload_conf()' >/dev/null
  say "### PostgreSQL per statement with planning time, service as measured above"
  run_service 16 "diagnostic, planning tracked"
  psql_db -c 'ALTER SYSTEM RESET pg_stat_statements.track_planning' -c 'SELECT pg_reload_conf()' >/dev/null
  # The .NET runtime's spin-waiting (thread-pool workers, server GC) competes with PostgreSQL for the 2 cores:
  # the same service with the thread pool's spinning off and workstation GC, environment only.
  stop_service
  runtime_env=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_gcServer=0)
  say ""
  say "### The same service with ${runtime_env[*]} (runtime settings only, not a target)"
  start_service '' "${runtime_env[@]}"
  warm_up 95000000
  run_service 16 "runtime settings"
  awk -v s="$(awk -v n="$last_n" -v t="$last_s" 'BEGIN { print n / t }')" -v pn="${pgb_n[16]:-0}" -v ps="${pgb_s[16]:-1}" 'BEGIN {
    printf "RESULT runtime-settings ingestion c=16: %.1f reports/s = %.3f x the pgbench tps of part 1\n", s, (pn > 0 ? s / (pn / ps) : 0) }' | tee -a "$summary"
fi

say ""
say "load average at the end: $(loadavg)"
log "done; summary also in $RESULTS_DIR"
