#!/usr/bin/env bash
# bench/season/run.sh - the reporting-season benchmark (issue 13 items 1, 4 and 5): dashboard reads while reports
# pour in, against 1,000,000 stored reports. docs/benchmarks.md (section Reporting season) explains the method
# and records the figures.
#
#   Data: the 1,000,000 reports of bench/aggregates (its loader, through POST /v1/reports/batch). Loading takes
#     15-30 min here, so the loaded cluster is kept under /tmp as a cache keyed by the commit of the loader's
#     sources (BENCH_CACHE, default /tmp/rs-season-data-<commit>-a<agencies>-s<seed>); a run never changes it: it
#     measures a copy, `CREATE DATABASE season TEMPLATE reports`, dropped at the end.
#   Questions (bench/season/questions.tsv): 13 dashboard questions of every aggregate shape (JSON and CSV,
#     /v1/aggregates and /outcomes, one and several years, every grain) and 3 of completeness (a province by county,
#     the nation by province, who is missing in a county; at their own rate). Each question is its own client (X-Forwarded-For,
#     with forwarded headers on as behind the Helm chart's ingress); rate limits and the computation budget
#     are on with their defaults.
#   Phases (BENCH_SECONDS each; bench/ReportService.SeasonLoad phase, open loop: latency from each request's
#     due time): reads at BENCH_READ_RATE/s round robin over the questions, with new reports POSTed at 0, 2, 10,
#     20 and 50/s, and once with corrections (PUT) at 2/s beside 20 writes/s. After each, the same questions as
#     SQL straight against PostgreSQL (the statements the service runs, captured from PostgreSQL's log with their
#     parameters inlined) at the same rate beside the same writes, for BENCH_SQL_SECONDS. Then one phase with
#     two service processes (requests alternate), followed by an exactness check of every /v1/aggregates
#     question's CSV from both against the sums of the reports' current revisions; then the attack: one
#     anonymous client asking distinct questions at BENCH_ATTACK_RATE/s beside the 20 writes/s mix.
#   Per phase: read p50/p90/p99/max overall and per question, write p50/p99, CPU of the service and of
#     PostgreSQL (from /proc), the load average before and after.
#
# Usage: bench/season/run.sh    (as root on Debian 12 with the .NET 10 SDK; ~20 min after the data is loaded)
#
# Loopback only: the kept cluster (scripts/local-postgres.sh, stopped again at the end) and the services on
# 127.0.0.1. Takes `flock /tmp/rs-bench.lock` itself. Every phase is bounded, the whole run stops itself after
# BENCH_MAX_SECONDS.
#
# Environment (defaults in brackets):
#   BENCH_AGENCIES [200000] BENCH_SEED [2021]   the data set (5 reports per agency)
#   BENCH_CACHE [/tmp/rs-season-data-...]       the kept cluster; delete with scripts/local-postgres.sh destroy DIR
#   BENCH_READ_RATE [200]    reads/s over the mix of questions.tsv
#   BENCH_SIDE_RATE [3]      reads/s over its side questions (completeness), beside the mix. For completeness in
#                            the 200/s mix at the same rate per question as the others (issue 16's target):
#                            BENCH_READ_RATE=162.5 BENCH_SIDE_RATE=37.5 (13 + 3 questions at 12.5/s each)
#   BENCH_SQL_SIDE_RATE [BENCH_SIDE_RATE]   the side questions' rate in the direct-SQL phases (computed from the
#                            reports there: at 12.5/s each they would take both cores for the rest of the run)
#   BENCH_ATTACK_RATE [100] BENCH_SECONDS [60] BENCH_SQL_SECONDS [30] BENCH_WARMUP [30]
#   BENCH_WRITE_RATES ["0 2 10 20 50"]
#   BENCH_TRACE [1]          1: 20 s of CPU samples of the service (dotnet-trace, installed into /tmp when missing) in
#                            the phases w20 and attack-w20, and their top methods in the summary
#   BENCH_MAX_SECONDS [5400]
#   BENCH_STOP_AFTER [unset]   load: stop once the data is loaded
#   BENCH_RESULTS [bench/season/results]
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
if [[ ${RS_BENCH_LOCKED:-} != 1 ]]; then
  exec env RS_BENCH_LOCKED=1 flock /tmp/rs-bench.lock "$0" "$@"
fi

AGENCIES=${BENCH_AGENCIES:-200000}
SEED=${BENCH_SEED:-2021}
STOP_AFTER=${BENCH_STOP_AFTER:-}
READ_RATE=${BENCH_READ_RATE:-200}
SIDE_RATE=${BENCH_SIDE_RATE:-3}
SQL_SIDE_RATE=${BENCH_SQL_SIDE_RATE:-$SIDE_RATE}
ATTACK_RATE=${BENCH_ATTACK_RATE:-100}
SECONDS_PER_PHASE=${BENCH_SECONDS:-60}
SQL_SECONDS=${BENCH_SQL_SECONDS:-30}
WARMUP=${BENCH_WARMUP:-30}
WRITE_RATES=${BENCH_WRITE_RATES:-0 2 10 20 50}
MAX_SECONDS=${BENCH_MAX_SECONDS:-5400}
RESULTS_DIR=${BENCH_RESULTS:-$root/bench/season/results}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

loader_paths=(bench/ReportService.AggregateLoad bench/Shared tests/ReportService.TestSupport src/ReportService.Statutory)
git diff --quiet HEAD -- "${loader_paths[@]}" || die "the loader's sources have uncommitted changes: commit them (the data cache is keyed by their commit)"
loader_commit=$(git log -1 --format=%h -- "${loader_paths[@]}")
CACHE=${BENCH_CACHE:-/tmp/rs-season-data-$loader_commit-a$AGENCIES-s$SEED}
if [[ ! -s $CACHE/bench-data ]]; then
  log "no loaded cluster in $CACHE: loading $((AGENCIES * 5)) reports with bench/aggregates/run.sh (BENCH_KEEP)"
  BENCH_KEEP=$CACHE BENCH_STOP_AFTER=import BENCH_AGENCIES=$AGENCIES BENCH_SEED=$SEED BENCH_IMPORT_BUDGET=1000000 \
    BENCH_IMPORT_LOAD_WAIT=0 BENCH_UNCACHED=0 BENCH_RESULTS=/tmp/rs-season-load-results bench/aggregates/run.sh
fi
[[ -s $CACHE/bench-data ]] || die "loading into $CACHE did not finish"
[[ $STOP_AFTER == load ]] && { log "BENCH_STOP_AFTER=load: data in $CACHE"; exit 0; }

work=$(mktemp -d /tmp/rs-season.XXXXXX)
chmod 0755 "$work"
summary="$work/summary.txt"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
pids=()      # process groups of the services
watchdog=''
pg_port=''
say() { printf '%s\n' "$*" | tee -a "$summary"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

stop_services() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 40); do kill -0 -- "-$p" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$p" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
  stop_services
  if [[ -n $pg_port ]]; then
    "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'DROP DATABASE IF EXISTS season' >/dev/null 2>&1 ||
      log "warning: could not drop the database season in $CACHE"
    "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'ALTER SYSTEM RESET log_min_duration_statement' -c 'SELECT pg_reload_conf()' >/dev/null 2>&1 || true
  fi
  scripts/local-postgres.sh stop "$CACHE" >/dev/null 2>&1 || log "warning: could not stop the cluster in $CACHE"
  if [[ -s $summary ]]; then
    mkdir -p "$RESULTS_DIR/$stamp"
    cp "$summary" "$work"/*.json "$work"/*.tsv "$work"/*.log "$work"/*.samples "$work"/*.top "$work"/*.inclusive "$RESULTS_DIR/$stamp/" 2>/dev/null || true
    log "results in $RESULTS_DIR/$stamp"
  fi
  rm -rf -- "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
setsid bash -c "sleep $MAX_SECONDS; echo 'run.sh: BENCH_MAX_SECONDS=$MAX_SECONDS exceeded; stopping' >&2; kill -TERM $$" </dev/null &
watchdog=$!

say "# ReportService reporting-season benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
say "code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (with uncommitted changes in src/ or bench/)'); data: $CACHE ($(sed -n 3p "$CACHE/bench-data"))"
say "uptime at the start: $(uptime)"

log "publishing the service and building the season client (Release)"
timeout 900 dotnet publish -c Release src/ReportService.Api/ReportService.Api.csproj -o "$work/service" -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "publish of the service failed"; }
timeout 900 dotnet publish -c Release bench/ReportService.SeasonLoad/ReportService.SeasonLoad.csproj -o "$work/client" -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "publish of the season client failed"; }
client=(dotnet "$work/client/ReportService.SeasonLoad.dll")
divisions=$root/src/ReportService.Api/Features/Regions/divisions.tsv.gz

# ------------------------------------------------------------------------------------------------
# Cluster: the kept one, and a copy of the loaded database for this run

cs=$(scripts/local-postgres.sh start "$CACHE")
pg_port=$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$cs")
pg_data=$(readlink -f "$CACHE/data")
postmaster=$(head -n 1 "$pg_data/postmaster.pid")
pg_bin=/usr/lib/postgresql/$(cat "$pg_data/PG_VERSION")/bin
psql_pg() { timeout 1200 "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
psql_pg -d postgres -c 'DROP DATABASE IF EXISTS season' >/dev/null
t0=$(date +%s)
psql_pg -d postgres -c 'CREATE DATABASE season TEMPLATE reports STRATEGY FILE_COPY' >/dev/null
psql_pg -d season -c 'CHECKPOINT' >/dev/null
say "database: copy of the loaded one in $(($(date +%s) - t0)) s; $(psql_pg -d season -At -c "SELECT 'reports ' || count(*) || ', ' || pg_size_pretty(pg_database_size('season')) FROM reports")"
say "postgres: $("$pg_bin/postgres" --version | sed 's/^postgres //'), $(psql_pg -d season -At -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size', 'work_mem', 'jit')")"
db_cs="$cs;Database=season"

# ------------------------------------------------------------------------------------------------
# Services: production settings, forwarded headers on (each dashboard is its own client), rate limits and the
# computation budget at their defaults

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while port_busy "$p"; do ((p < $1 + 100)) || die "no free port from $1"; p=$((p + 1)); done; echo "$p"; }
signing_key=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48)
# At most 70 connections per process: two processes and the direct-SQL client (40) stay within the cluster's
# max_connections (200).
service_env=(ConnectionStrings__Reports="$db_cs;Maximum Pool Size=70" ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_FORWARDEDHEADERS_ENABLED=true
  Auth__SigningKey="$signing_key")
mint() { env Auth__SigningKey="$signing_key" timeout 60 dotnet "$work/service/ReportService.Api.dll" --mint-token --scope "reports:write reports:read" \
  --region '*' --client "$1" </dev/null | tail -n 1; }
# Writes come from 4 clients (50/s is one client's default rate limit), corrections from a fifth.
BENCH_WRITE_TOKENS="$(mint season-writer-1) $(mint season-writer-2) $(mint season-writer-3) $(mint season-writer-4)"
BENCH_CORRECT_TOKEN=$(mint season-corrector)
export BENCH_WRITE_TOKENS BENCH_CORRECT_TOKEN
start_service() { # PORT -> appends the process group to pids; sets service_pid
  local url="http://127.0.0.1:$1" i pgid
  env "${service_env[@]}" setsid dotnet "$work/service/ReportService.Api.dll" --urls "$url" >>"$work/service-$1.log" 2>&1 </dev/null &
  pgid=$!
  pids+=("$pgid")
  for i in $(seq 1200); do
    curl -sf "$url/health/ready" >/dev/null 2>&1 && break
    kill -0 "$pgid" 2>/dev/null || { tail -n 40 "$work/service-$1.log" >&2; die "the service on $1 exited"; }
    ((i < 1200)) || die "the service on $1 was not ready within 600 s"
    sleep 0.5
  done
  service_pid=$(pgrep -P "$pgid" -f ReportService.Api | head -n 1 || true)
  [[ -n $service_pid ]] || service_pid=$pgid
  log "service ready on $url (pid $service_pid)"
}
port1=$(free_port 58480)
start_service "$port1"
pid1=$service_pid
url1="http://127.0.0.1:$port1"

# ------------------------------------------------------------------------------------------------
# The questions, and the SQL the service runs for each (captured from PostgreSQL's log on the first, uncached ask)

questions=$work/questions.tsv
grep -v '^#' bench/season/questions.tsv >"$questions"
say ""
say "## Questions"
psql_pg -d season -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c 'SELECT pg_reload_conf()' >/dev/null
sleep 1
pg_log=$(readlink -f "$CACHE/postgres.log")
: >"$work/sql-questions.tsv"
while IFS=$'\t' read -r name path media _ direct; do
  from=$(stat -c %s "$pg_log")
  accept=application/json
  [[ $media == csv ]] && accept=text/csv
  answer=$(curl -s -o "$work/answer.out" -w '%{http_code} %{size_download} %{time_total}' -H "Accept: $accept" -H 'X-Forwarded-For: 10.99.0.2' "$url1$path")
  [[ ${answer%% *} == 200 ]] || { head -c 1500 "$work/answer.out" >&2; die "$name answered $answer"; }
  sleep 0.3
  # "execute <name>: SELECT ..." (continued on tab-indented lines), then "DETAIL:  parameters: $1 = '2', ...";
  # the sums (FROM aggregate_rollups) or the completeness rows (FROM reports), parameters inlined.
  sql=$(tail -c +"$((from + 1))" "$pg_log" | perl -ne '
    sub flush { if (defined $sql && $sql =~ /FROM (aggregate_rollups|reports)\b/ && $sql !~ /aggregate_changes|pg_current_snapshot|FOR UPDATE/) {
        my %p = %params; $sql =~ s/\$(\d+)\b/exists $p{$1} ? $p{$1} : "\$$1"/ge; $sql =~ s/\s+/ /g; print "$sql\n"; } undef $sql; %params = (); }
    if (/(?:execute|statement)[^:]*: (SELECT .*)$/) { flush(); $sql = $1; next }
    if (defined $sql && /^\t(.*)$/) { $sql .= " $1"; next }
    if (defined $sql && /DETAIL:\s+parameters: (.*)$/) { my $s = $1; while ($s =~ /\$(\d+) = (\x27(?:[^\x27]|\x27\x27)*\x27|NULL)/g) { $params{$1} = $2 } flush(); next }
    END { flush() }' | head -n 1)
  # A question with its own direct SQL (completeness: the service answers from its index, ADR 18, and reads a year's
  # reports once, not per question) is measured with that statement instead.
  [[ -n ${direct:-} ]] && sql=$direct
  [[ -n $sql ]] || die "no SQL captured for $name ($path)"
  printf '%s\t%s\n' "$name" "$sql" >>"$work/sql-questions.tsv"
  say "$name: GET $path ($media) -> $(cut -d' ' -f2 <<<"$answer") bytes, first answer $(awk '{printf "%.0f", $3 * 1000}' <<<"$answer") ms; SQL: $(cut -c1-160 <<<"$sql")…"
done <"$questions"
psql_pg -d season -c "ALTER SYSTEM RESET log_min_duration_statement" -c 'SELECT pg_reload_conf()' >/dev/null
sql_cs="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=season;Max Auto Prepare=64;Auto Prepare Min Usages=2;Options=-c jit=off;Maximum Pool Size=40"

# ------------------------------------------------------------------------------------------------
# Phases

state=$work/state
wait_idle() { # until no statement of the services is running (at most 120 s), so that one phase's backlog does not count against the next
  local i n
  for ((i = 0; i < 120; i++)); do
    n=$(psql_pg -d season -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'season' AND state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>/dev/null) || n=1
    ((n == 0)) && break
    sleep 1
  done
  ((i < 3)) || say "    (waited ${i} s for statements left from the last phase)"
  sleep 2
}
# sample_db NAME SECONDS: what the database's active backends are doing, twice a second (a sampling profile of
# PostgreSQL by statement and wait event), summarised after the phase.
sample_db() {
  local end=$((SECONDS + $2))
  while ((SECONDS < end)); do
    psql_pg -d season -At -F ' | ' -c "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'), left(regexp_replace(query, '\s+', ' ', 'g'), 70)
      FROM pg_stat_activity WHERE datname = 'season' AND state = 'active' AND pid <> pg_backend_pid()" 2>/dev/null || true
    sleep 0.5
  done >"$work/db-$1.samples"
}
# trace_service NAME PID: 20 s of CPU samples of the service (dotnet-trace, BENCH_TRACE=1, installed into /tmp), top methods.
trace_service() {
  local tool=${BENCH_TRACE_TOOLS:-/tmp/rs-season-tools}
  [[ -x $tool/dotnet-trace ]] || timeout 300 dotnet tool install dotnet-trace --tool-path "$tool" >/dev/null 2>&1 || return 0
  sleep 15
  timeout 120 "$tool/dotnet-trace" collect -p "$2" --profile dotnet-sampled-thread-time --duration 00:00:00:20 -o "$work/trace-$1.nettrace" >/dev/null 2>&1 || return 0
  { timeout 300 "$tool/dotnet-trace" report "$work/trace-$1.nettrace" topN -n 25 2>&1 || true; } >"$work/trace-$1.top"
  { timeout 300 "$tool/dotnet-trace" report "$work/trace-$1.nettrace" topN -n 40 --inclusive 2>&1 || true; } >"$work/trace-$1.inclusive"
}
phase() { # NAME SECONDS URLS SERVICE_PIDS ARGS...
  local name=$1 seconds=$2 urls=$3 spids=$4 sampler tracer=''
  shift 4
  wait_idle
  say "phase $name: uptime before: $(uptime)"
  sample_db "$name" "$seconds" &
  sampler=$!
  if [[ ${BENCH_TRACE:-1} == 1 && $name =~ ^(w20|attack-w20)$ ]]; then trace_service "$name" "${spids%%,*}" & tracer=$!; fi
  log "phase $name (${seconds} s): $*"
  timeout $((seconds + 120)) "${client[@]}" phase --name "$name" --urls "$urls" --seconds "$seconds" --questions "$questions" \
    --sql-questions "$work/sql-questions.tsv" --connection "$sql_cs" --state "$state" --divisions "$divisions" --agencies "$AGENCIES" --seed "$SEED" \
    --service-pids "$spids" --postmaster "$postmaster" --out "$work/phase-$name.json" "$@" >"$work/phase-$name.log" 2>&1 ||
    log "phase $name: the client exited with an error (requests unfinished or bad arguments): $(tail -n 3 "$work/phase-$name.log")"
  [[ -s $work/phase-$name.json ]] || { cat "$work/phase-$name.log" >&2; die "phase $name wrote no summary"; }
  say "$(grep '^RESULT' "$work/phase-$name.log")"
  say "phase $name: uptime after: $(uptime)"
  wait "$sampler" 2>/dev/null || true
  say "    database samples (2/s; count | wait | statement): $(sort "$work/db-$name.samples" | uniq -c | sort -rn | head -n 6 | sed 's/^ *//' | tr '\n' ';')"
  if [[ -n $tracer ]]; then
    wait "$tracer" 2>/dev/null || true
    [[ -s $work/trace-$name.top ]] && { say "    service CPU samples, top methods (exclusive), 20 s of the phase:"; sed 's/^/      /' "$work/trace-$name.top" | head -n 32 | tee -a "$summary" >/dev/null; }
  fi
  order+=("$work/phase-$name.json")
}
order=()
say ""
say "## Phases (${SECONDS_PER_PHASE} s each through the service, ${SQL_SECONDS} s each as direct SQL; reads at ${READ_RATE}/s over $(awk -F'\t' '$4 == "mix"' "$questions" | wc -l) questions, completeness at ${SIDE_RATE}/s over $(awk -F'\t' '$4 == "side"' "$questions" | wc -l), in the direct-SQL phases at ${SQL_SIDE_RATE}/s)"
phase warmup "$WARMUP" "$url1" "$pid1" --read-rate "$READ_RATE" --side-rate "$SIDE_RATE" --write-rate 2
order=()
for w in $WRITE_RATES; do
  phase "w$w" "$SECONDS_PER_PHASE" "$url1" "$pid1" --read-rate "$READ_RATE" --side-rate "$SIDE_RATE" --write-rate "$w"
  phase "sql-w$w" "$SQL_SECONDS" "$url1" "$pid1" --sql-rate "$READ_RATE" --sql-side-rate "$SQL_SIDE_RATE" --write-rate "$w"
done
phase w20c2 "$SECONDS_PER_PHASE" "$url1" "$pid1" --read-rate "$READ_RATE" --side-rate "$SIDE_RATE" --write-rate 20 --correct-rate 2
phase sql-w20c2 "$SQL_SECONDS" "$url1" "$pid1" --sql-rate "$READ_RATE" --sql-side-rate "$SQL_SIDE_RATE" --write-rate 20 --correct-rate 2

# Two processes sharing the database: every request alternates between them.
port2=$(free_port $((port1 + 1)))
start_service "$port2"
pid2=$service_pid
url2="http://127.0.0.1:$port2"
phase warmup2 "$WARMUP" "$url1,$url2" "$pid1,$pid2" --read-rate "$READ_RATE" --side-rate "$SIDE_RATE" --write-rate 2
unset 'order[${#order[@]}-1]'
phase two-w20 "$SECONDS_PER_PHASE" "$url1,$url2" "$pid1,$pid2" --read-rate "$READ_RATE" --side-rate "$SIDE_RATE" --write-rate 20 --correct-rate 2
wait_idle
log "exactness: every /v1/aggregates question's CSV from both processes against the reports' sums"
timeout 1800 "${client[@]}" verify --urls "$url1,$url2" --questions "$questions" --connection "$db_cs;Command Timeout=600" >"$work/verify.log" 2>&1 ||
  log "exactness check failed or found differences"
say "$(cat "$work/verify.log")"
kill -TERM -- "-${pids[1]}" 2>/dev/null || true
unset 'pids[1]'

# The attack beside the 20 writes/s mix, on one process.
phase attack-w20 "$SECONDS_PER_PHASE" "$url1" "$pid1" --read-rate "$READ_RATE" --side-rate "$SIDE_RATE" --write-rate 20 --attack-rate "$ATTACK_RATE"
say "service log: $(grep -ciE 'fail|error|exception' "$work/service-$port1.log" || true) lines with fail/error/exception"

say ""
say "## Tables"
"${client[@]}" table "${order[@]}" | tee -a "$summary"
say ""
say "uptime at the end: $(uptime)"
