#!/usr/bin/env bash
# bench/crash/run.sh - crash-consistency run of ReportService (docs/crash-consistency.md).
#
# Loopback only, bounded in count and time, stops by itself:
#   1. A throwaway PostgreSQL cluster (scripts/local-postgres.sh start in a temp dir) and the service,
#      published in Release and started with ASPNETCORE_ENVIRONMENT=Production on a free 127.0.0.1 port.
#   2. bench/ReportService.CrashClient submit: CRASH_WORKERS workers POST distinct generated reports to
#      /v1/reports, each with its own Idempotency-Key, and write every attempt to a ledger (key -> report
#      identity and outcome: acknowledged = 201 with an id; unknown = timeout, refused/reset connection,
#      5xx). An unknown outcome is retried with the same key and body until the answer is definitive.
#   3. Meanwhile CRASH_ROUNDS fault rounds, one every ~CRASH_ROUND_SECONDS: SIGKILL of the service and a
#      restart; `pg_ctl stop -m immediate` of PostgreSQL and a start a few seconds later; both together
#      (service killed and database stopped, database started then service); a pause (SIGSTOP, longer than
#      the client's attempt timeout, then SIGCONT: clients give up and retry while their first attempts are
#      still inside the service); and both the other way round (database stopped, service killed and
#      restarted while the database is still down, database started).
#   4. With the service and the database up: CrashClient verify checks (a) every acknowledged report is
#      stored exactly once (GET by id; SQL: one report per credit code/year/scope, one revision with the
#      body's hash, no report the ledger does not know), (b) every acknowledged key maps to the same id on
#      every attempt, (c) GET /v1/aggregates (several queries, every cell) and aggregate_rollups (every
#      grain, every column) equal SQL sums over the stored reports' current revisions.
#   5. A summary; exit 0 only when every check passed. The cluster is destroyed at the end (trap), also on
#      failure or Ctrl-C; the summary, ledger, fault log and service log are kept in CRASH_RESULTS.
#
# Usage: bench/crash/run.sh        (6-8 minutes with the defaults on a busy 2-core machine; run as root on Debian 12 with the .NET SDK)
#
# Environment (defaults in brackets):
#   CRASH_ROUNDS [6]             fault rounds; kinds cycle: service, db, both, pause, service, both-reversed
#   CRASH_ROUND_SECONDS [30]     length of a round; the fault lands at a random point in its second half
#   CRASH_WORKERS [4]            concurrent submitting workers
#   CRASH_ATTEMPT_TIMEOUT [5]    seconds the client waits for one answer before it counts the outcome as unknown
#                                and retries (the first attempt may still be running: a race the key must win)
#   CRASH_RESOLVE_SECONDS [120]  how long the client keeps retrying unknown outcomes after submitting stops
#   CRASH_MAX_REPORTS [100000]   upper bound on distinct reports submitted (reaching it before the fault rounds end fails the run)
#   CRASH_SEED [random]          seed of the reports and of the fault timing (printed, to repeat a run)
#   CRASH_CALM_SECONDS [10]      load without faults after the last round, before the client stops submitting
#   CRASH_MAX_SECONDS [900]      hard limit for the whole run
#   CRASH_RESULTS [bench/crash/results]  where the summary and logs of each run are kept (git-ignored)
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"

ROUNDS=${CRASH_ROUNDS:-6}
ROUND_SECONDS=${CRASH_ROUND_SECONDS:-30}
WORKERS=${CRASH_WORKERS:-4}
RESOLVE_SECONDS=${CRASH_RESOLVE_SECONDS:-120}
ATTEMPT_TIMEOUT=${CRASH_ATTEMPT_TIMEOUT:-5}
MAX_REPORTS=${CRASH_MAX_REPORTS:-100000}
SEED=${CRASH_SEED:-$((RANDOM % 10000 + 1))}
MAX_SECONDS=${CRASH_MAX_SECONDS:-900}
CALM_SECONDS=${CRASH_CALM_SECONDS:-10}
RESULTS_DIR=${CRASH_RESULTS:-$root/bench/crash/results}
KINDS=(service db both pause service both-reversed)
RANDOM=$SEED   # the fault timing repeats with the seed (the machine's timing does not)

work=$(mktemp -d /tmp/rs-crash.XXXXXX)
chmod 0755 "$work"
cluster="$work/pg"
service_pid=''
client_pid=''
watchdog=''
summary="$work/summary.txt"
faults="$work/faults.log"
run_id=$(date -u +%Y%m%dT%H%M%SZ)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
say() { printf '%s\n' "$*" | tee -a "$summary"; }
fault() { printf '%s %s\n' "$(date -u +%H:%M:%S.%3N)" "$*" >>"$faults"; log "$*"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
  if [[ -n $client_pid ]] && kill -0 "$client_pid" 2>/dev/null; then kill -TERM "$client_pid" 2>/dev/null || true; fi
  if [[ -n $service_pid ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$service_pid" 2>/dev/null || true
  fi
  scripts/local-postgres.sh destroy "$cluster" >/dev/null 2>&1 || log "warning: could not destroy $cluster"
  if [[ -s $summary ]]; then
    local keep="$RESULTS_DIR/$run_id"
    mkdir -p "$keep"
    cp "$summary" "$keep/summary.txt"
    for f in ledger.tsv faults.log service.log client.log verify.log; do [[ -f $work/$f ]] && gzip -c "$work/$f" >"$keep/$f.gz"; done
    log "summary and logs kept in $keep"
  fi
  rm -rf -- "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# The whole run stops itself (the watchdog has its own process group, ended in cleanup).
setsid bash -c "sleep $MAX_SECONDS; echo 'run.sh: CRASH_MAX_SECONDS=$MAX_SECONDS exceeded; stopping' >&2; kill -TERM $$" </dev/null &
watchdog=$!

# ------------------------------------------------------------------------------------------------
# Build, cluster, service

say "# ReportService crash-consistency run $run_id"
say "machine: nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r); dotnet SDK $(dotnet --version); code $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src has uncommitted changes)')"
say "settings: rounds=$ROUNDS round_seconds=$ROUND_SECONDS workers=$WORKERS attempt_timeout=$ATTEMPT_TIMEOUT resolve_seconds=$RESOLVE_SECONDS max_reports=$MAX_REPORTS seed=$SEED"

log "publishing the service and building the crash client (Release)"
timeout 600 dotnet publish -c Release src/ReportService.Api/ReportService.Api.csproj -o "$work/api" -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "publish of the service failed"; }
timeout 600 dotnet build -c Release bench/ReportService.CrashClient/ReportService.CrashClient.csproj -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "build of the crash client failed"; }
client=(dotnet "$root/bench/ReportService.CrashClient/bin/Release/net10.0/ReportService.CrashClient.dll")

# The service checks bearer tokens (ADR 6): a throwaway signing key for this run, and a token for every
# region minted by the published service itself; the client sends it (REPORT_SERVICE_TOKEN). The rate limit
# is off: the workers are one client on purpose.
export Auth__SigningKey
Auth__SigningKey=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
export RateLimiting__Enabled=false
REPORT_SERVICE_TOKEN=$(cd "$work/api" && dotnet ReportService.Api.dll --mint-token --scope "reports:write reports:read" --region '*' --subject crash-bench --client crash-client --hours 4)
export REPORT_SERVICE_TOKEN

log "starting a throwaway PostgreSQL cluster in $cluster"
cs=$(scripts/local-postgres.sh start "$cluster")
pg_port=$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$cs")
pg_data=$(readlink -f "$cluster/data")
pg_bin=/usr/lib/postgresql/$(cat "$pg_data/PG_VERSION")/bin
"$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'CREATE DATABASE reports'
db="${cs/Database=postgres/Database=reports}"
say "postgres: $("$pg_bin/postgres" --version | sed 's/^postgres //'), $("$pg_bin/psql" -X -At -h 127.0.0.1 -p "$pg_port" -U postgres -d reports -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')")"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=58380
while port_busy "$port"; do ((port < 58480)) || die "no free port in 58380..58480"; port=$((port + 1)); done
url="http://127.0.0.1:$port"

# start_service: starts the published service in the background and waits until it answers /health/live;
# the database may be down (then it serves 503s). It runs from the publish directory, as in the container
# (WORKDIR /app), so that its appsettings.json applies; the subshell execs dotnet, which runs the app in
# process, so $! is the service's own PID.
start_service() {
  (cd "$work/api" && ConnectionStrings__Reports="$db" ASPNETCORE_ENVIRONMENT=Production \
    exec dotnet ReportService.Api.dll --urls "$url") >>"$work/service.log" 2>&1 </dev/null &
  service_pid=$!
  local i
  for i in $(seq 120); do
    curl -sf -o /dev/null "$url/health/live" && return 0
    kill -0 "$service_pid" 2>/dev/null || { tail -n 30 "$work/service.log" >&2; die "the service exited during start-up"; }
    sleep 0.25
  done
  tail -n 30 "$work/service.log" >&2
  die "the service did not answer /health/live within 30 s"
}

wait_ready() {
  local i
  for i in $(seq 240); do
    curl -sf -o /dev/null "$url/health/ready" && return 0
    sleep 0.25
  done
  tail -n 30 "$work/service.log" >&2
  die "the service was not ready within 60 s"
}

kills=0 db_stops=0 pauses=0
kill_service() {
  kill -KILL "$service_pid"
  wait "$service_pid" 2>/dev/null || true
  kills=$((kills + 1))
  fault "SIGKILL service (pid $service_pid)"
}
stop_db() {
  scripts/local-postgres.sh stop "$cluster" immediate >>"$work/pg-ctl.log" 2>&1 || die "could not stop PostgreSQL (see $work/pg-ctl.log)"
  db_stops=$((db_stops + 1))
  fault "PostgreSQL stopped (immediate)"
}
start_db() {
  local again
  again=$(scripts/local-postgres.sh start "$cluster" 2>>"$work/pg-ctl.log") || die "could not start PostgreSQL (see $work/pg-ctl.log)"
  [[ $again == "$cs" ]] || die "PostgreSQL came back as '$again', not '$cs' (port taken meanwhile?)"
  fault "PostgreSQL started (crash recovery done)"
}
pause_service() {
  kill -STOP "$service_pid"
  pauses=$((pauses + 1))
  fault "SIGSTOP service (pid $service_pid)"
  sleep "$1"
  kill -CONT "$service_pid"
  fault "SIGCONT service after $1 s"
}
restart_service() {
  start_service
  fault "service restarted (pid $service_pid)"
}

log "starting the service on $url"
start_service
wait_ready
say "service: $url, pid $service_pid"

# ------------------------------------------------------------------------------------------------
# Load and faults

# The client submits until the stop file appears (after the last round and CALM_SECONDS of calm), at
# most submit_seconds (restarts on a busy machine can take 10-20 s each), then resolves what is unknown.
submit_seconds=$((ROUNDS * (ROUND_SECONDS + 60) + 60))
log "client: $WORKERS workers submitting until the faults are over; $ROUNDS fault rounds of ~$ROUND_SECONDS s"
"${client[@]}" submit --url "$url" --ledger "$work/ledger.tsv" --workers "$WORKERS" --seconds "$submit_seconds" --stop-file "$work/stop" \
  --attempt-timeout "$ATTEMPT_TIMEOUT" --resolve-seconds "$RESOLVE_SECONDS" --max-reports "$MAX_REPORTS" --seed "$SEED" --run "$run_id" >"$work/client.log" 2>&1 &
client_pid=$!

for ((round = 0; round < ROUNDS; round++)); do
  kind=${KINDS[round % ${#KINDS[@]}]}
  # The fault lands somewhere in the second half of the round: requests are in every state by then.
  pause_ms=$((ROUND_SECONDS * 500 + RANDOM % (ROUND_SECONDS * 500)))
  sleep "$((pause_ms / 1000)).$(printf '%03d' $((pause_ms % 1000)))"
  kill -0 "$client_pid" 2>/dev/null || { cat "$work/client.log" >&2; die "the client exited early"; }
  down=$((2 + RANDOM % 5))   # seconds the database stays down
  fault "round $((round + 1))/$ROUNDS: $kind"
  case $kind in
    service) kill_service; restart_service ;;
    db) stop_db; sleep "$down"; start_db ;;
    both) kill_service; stop_db; sleep "$down"; start_db; restart_service ;;
    pause) pause_service $((ATTEMPT_TIMEOUT + 2 + RANDOM % 4)) ;;
    both-reversed) stop_db; sleep 1; kill_service; restart_service; sleep "$down"; start_db ;;
  esac
done

log "faults done; $CALM_SECONDS s of load without faults, then the client stops submitting and resolves every outcome"
wait_ready
sleep "$CALM_SECONDS"
touch "$work/stop"
client_rc=0
wait "$client_pid" || client_rc=$?
client_pid=''
cat "$work/client.log" >&2

# ------------------------------------------------------------------------------------------------
# Verification

log "verifying (service and database up)"
verify_rc=0
"${client[@]}" verify --url "$url" --ledger "$work/ledger.tsv" --db "$db" >"$work/verify.log" 2>&1 || verify_rc=$?
cat "$work/verify.log" >&2

say ""
say "faults: $kills service SIGKILLs, $db_stops PostgreSQL immediate stops, $pauses service pauses, in $ROUNDS rounds ($(grep -c 'round ' "$faults") logged):"
while IFS= read -r line; do say "  $line"; done <"$faults"
say ""
say "client: $(grep '^RESULT submit' "$work/client.log" || echo 'no RESULT line')"
while IFS= read -r line; do say "  $line"; done < <(grep '^submit:' "$work/client.log")
unhandled=$(grep -c '"Unhandled exception' "$work/service.log" || true)
unavailable=$(grep -c '"Database unavailable on' "$work/service.log" || true)
say "service: $unavailable requests answered 503 (database unavailable), $unhandled unhandled exceptions answered 500$( ((unhandled == 0)) || printf ':')"
while IFS= read -r line; do say "  $line"; done < <(sed -nE 's/.*"Message":"(Unhandled exception[^"]*)".*"Exception":"([^"]{0,160}).*/\1: \2/p' "$work/service.log" | head -n 5)
say "verify: $(grep '^RESULT verify' "$work/verify.log" || echo 'no RESULT line')"
while IFS= read -r line; do say "  $line"; done < <(grep -E '^(VERIFY|    )' "$work/verify.log")
say ""
if ((client_rc == 0 && verify_rc == 0)); then
  say "CRASH RUN PASSED: kills=$kills db_stops=$db_stops pauses=$pauses $(sed -nE 's/^RESULT submit (.*)/\1/p' "$work/client.log")"
  exit 0
fi
say "CRASH RUN FAILED: client exit $client_rc, verify exit $verify_rc (details above; logs in $RESULTS_DIR/$run_id)"
exit 1
