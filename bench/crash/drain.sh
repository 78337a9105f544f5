#!/usr/bin/env bash
# bench/crash/drain.sh - does SIGTERM drain in-flight requests? (docs/crash-consistency.md)
#
# Loopback only, bounded, stops by itself. A throwaway PostgreSQL cluster and the published service
# (Release, Production, free 127.0.0.1 port), then for each case:
#   bench/ReportService.CrashClient drain POSTs one NDJSON batch of DRAIN_LINES generated reports to
#   /v1/reports/batch (seconds of work); DRAIN_DELAY seconds after the request went out the service gets
#   SIGTERM. The case passes when the request was still running at SIGTERM, its answer is 200 with every
#   line answered and accepted, every line is stored (SQL count), and the service then exits 0.
#
# Cases (DRAIN_CASES, default "default long-timeout short-timeout"):
#   default        the service as deployed: the host's shutdown timeout (HostOptions.ShutdownTimeout, 30 s
#                  by default) must cover the rest of the request. On a busy machine a 60 MiB batch can
#                  take longer, and then this case fails: Kestrel aborts the request at the deadline.
#   long-timeout   DOTNET_shutdownTimeoutSeconds=120 (the host's own setting): the same check with a longer
#                  drain, the configuration fix for long batches
#   short-timeout  DOTNET_shutdownTimeoutSeconds=1 (the host's own setting): what happens to a request that
#                  outlasts the shutdown timeout. Kestrel aborts it; the case passes when the service still
#                  exits 0 and what the cut-off batch stored is all of it or nothing (the client's answer is
#                  reported, not required)
#
# Usage: bench/crash/drain.sh      (2-5 minutes; run as root on Debian 12 with the .NET SDK)
# Environment: DRAIN_LINES [12000] (the endpoint takes <= 64 MiB; 12,000 generated reports are ~60 MiB),
#   DRAIN_DELAY [2], DRAIN_CASES, DRAIN_MAX_SECONDS [900], CRASH_RESULTS [bench/crash/results].
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"

LINES=${DRAIN_LINES:-12000}
DELAY=${DRAIN_DELAY:-2}
CASES=${DRAIN_CASES:-default long-timeout short-timeout}
MAX_SECONDS=${DRAIN_MAX_SECONDS:-900}
RESULTS_DIR=${CRASH_RESULTS:-$root/bench/crash/results}

work=$(mktemp -d /tmp/rs-drain.XXXXXX)
chmod 0755 "$work"
cluster="$work/pg"
service_pid=''
client_pid=''
watchdog=''
summary="$work/summary.txt"
run_id=drain-$(date -u +%Y%m%dT%H%M%SZ)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
say() { printf '%s\n' "$*" | tee -a "$summary"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
  if [[ -n $client_pid ]] && kill -0 "$client_pid" 2>/dev/null; then kill -TERM "$client_pid" 2>/dev/null || true; fi
  if [[ -n $service_pid ]] && kill -0 "$service_pid" 2>/dev/null; then kill -KILL "$service_pid" 2>/dev/null || true; fi
  scripts/local-postgres.sh destroy "$cluster" >/dev/null 2>&1 || log "warning: could not destroy $cluster"
  if [[ -s $summary ]]; then
    mkdir -p "$RESULTS_DIR/$run_id"
    cp "$summary" "$RESULTS_DIR/$run_id/summary.txt"
    for f in "$work"/*.log; do [[ -f $f ]] && gzip -c "$f" >"$RESULTS_DIR/$run_id/$(basename "$f").gz"; done
    log "summary and logs kept in $RESULTS_DIR/$run_id"
  fi
  rm -rf -- "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
setsid bash -c "sleep $MAX_SECONDS; echo 'drain.sh: DRAIN_MAX_SECONDS=$MAX_SECONDS exceeded; stopping' >&2; kill -TERM $$" </dev/null &
watchdog=$!

say "# ReportService SIGTERM drain check $run_id"
say "machine: nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg); dotnet SDK $(dotnet --version); code $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src has uncommitted changes)')"
say "settings: lines=$LINES delay=${DELAY}s cases='$CASES'"

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

cs=$(scripts/local-postgres.sh start "$cluster")
pg_port=$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$cs")
pg_bin=/usr/lib/postgresql/$(cat "$(readlink -f "$cluster/data")/PG_VERSION")/bin
psql_db() { "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=58480
while port_busy "$port"; do ((port < 58580)) || die "no free port in 58480..58580"; port=$((port + 1)); done
url="http://127.0.0.1:$port"

failed=0
case_no=0
for case_name in $CASES; do
  case_no=$((case_no + 1))
  dbname="drain$case_no"
  psql_db -d postgres -c "CREATE DATABASE $dbname"
  env_extra=()
  case $case_name in
    default) ;;
    long-timeout) env_extra=(DOTNET_shutdownTimeoutSeconds=120) ;;
    short-timeout) env_extra=(DOTNET_shutdownTimeoutSeconds=1) ;;
    *) die "unknown case '$case_name' (default, long-timeout, short-timeout)" ;;
  esac
  slog="$work/service-$case_name.log"
  log "case $case_name: starting the service on $url ${env_extra[*]}"
  # From the publish directory, as in the container, so that appsettings.json applies; $! is the service's PID.
  (cd "$work/api" && exec env ConnectionStrings__Reports="${cs/Database=postgres/Database=$dbname}" ASPNETCORE_ENVIRONMENT=Production \
    "${env_extra[@]}" dotnet ReportService.Api.dll --urls "$url") >"$slog" 2>&1 </dev/null &
  service_pid=$!
  for i in $(seq 240); do
    curl -sf -o /dev/null "$url/health/ready" && break
    kill -0 "$service_pid" 2>/dev/null || { cat "$slog" >&2; die "the service exited during start-up"; }
    ((i < 240)) || { cat "$slog" >&2; die "the service was not ready within 60 s"; }
    sleep 0.25
  done

  rm -f "$work/started"
  "${client[@]}" drain --url "$url" --lines "$LINES" --started-file "$work/started" --code-base $((3000000 + case_no * 100000)) \
    >"$work/client-$case_name.log" 2>&1 &
  client_pid=$!
  for i in $(seq 600); do
    [[ -f $work/started ]] && break
    kill -0 "$client_pid" 2>/dev/null || { cat "$work/client-$case_name.log" >&2; die "the client exited before sending"; }
    ((i < 600)) || die "the client did not start its request within 150 s"
    sleep 0.25
  done
  sleep "$DELAY"
  running_at_term=yes
  kill -0 "$client_pid" 2>/dev/null || running_at_term=no
  term_at=$(date +%s.%N)
  kill -TERM "$service_pid"
  service_rc=0
  wait "$service_pid" || service_rc=$?
  exited_after=$(awk -v a="$term_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  service_pid=''
  client_rc=0
  wait "$client_pid" || client_rc=$?
  client_pid=''
  stored=$(psql_db -d "$dbname" -At -c 'SELECT count(*) FROM reports')
  result=$(grep '^RESULT drain' "$work/client-$case_name.log" || echo 'RESULT drain (none)')
  cat "$work/client-$case_name.log" >&2

  say ""
  say "case $case_name${env_extra[*]:+ (${env_extra[*]})}:"
  say "  request still running at SIGTERM: $running_at_term (SIGTERM ${DELAY}s after the request went out)"
  say "  client: $result"
  say "  service: exit code $service_rc, ${exited_after}s after SIGTERM"
  say "  stored reports: $stored of $LINES"
  while IFS= read -r line; do say "  service log: $line"; done < <(sed -nE 's/.*"LogLevel":"([A-Za-z]+)".*"Message":"([^"]{0,200}).*/\1: \2/p' "$slog" |
    grep -iE 'shut|stopping|abort|timed out|exception|cancel' | head -n 8)
  ok=1
  [[ $running_at_term == yes ]] || { say "  FAIL: the request had finished before SIGTERM; raise DRAIN_LINES or lower DRAIN_DELAY"; ok=0; }
  [[ $service_rc == 0 ]] || { say "  FAIL: the service exited with $service_rc"; ok=0; }
  if [[ $case_name != short-timeout ]]; then
    [[ $client_rc == 0 ]] || { say "  FAIL: the in-flight request was not answered completely"; ok=0; }
    [[ $stored == "$LINES" ]] || { say "  FAIL: $stored reports stored, $LINES expected"; ok=0; }
  else
    [[ $client_rc != 0 ]] || say "  note: the request finished within the short timeout; this case shows nothing"
    [[ $stored == 0 || $stored == "$LINES" ]] || { say "  FAIL: a cut-off batch stored $stored of $LINES lines (expected all or nothing)"; ok=0; }
  fi
  if ((ok)); then say "  PASSED"; else failed=1; fi
done

say ""
if ((failed)); then say "DRAIN CHECK FAILED"; exit 1; fi
say "DRAIN CHECK PASSED"
