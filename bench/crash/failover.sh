#!/usr/bin/env bash
# bench/crash/failover.sh - failover run of ReportService (docs/crash-consistency.md, "Failover", ADR 12).
#
# Loopback only, bounded in count and time, stops by itself:
#   1. A primary with a synchronous standby (scripts/local-replica.sh, synchronous_commit=remote_apply) and TWO
#      service processes (published, Release, Production) on free 127.0.0.1 ports, both with the pair's multi-host
#      connection string (Target Session Attributes=primary).
#   2. bench/ReportService.CrashClient submit with FAILOVER_WORKERS workers against both processes (the attempts of
#      one key alternate between them), each report with its own Idempotency-Key, every attempt in the ledger.
#   3. FAILOVER_ROUNDS rounds; in each the primary goes at a random point of the round's second half, in the
#      ways of FAILOVER_MODES in turn: `immediate` is `pg_ctl stop -m immediate` (a crash: connections are reset),
#      `lose` SIGKILL of every server process and its data directory deleted (the machine is gone), `freeze`
#      SIGSTOP of every server process (a hung machine: connections stay open and nothing answers, no reset; the
#      kernel still acknowledges TCP, so keepalives do not notice either). FAILOVER_DETECT_SECONDS later (the
#      time an operator or a failover manager needs to notice) the standby is promoted, then the old node is
#      fenced (SIGKILL, also when frozen) and rebuilt as the new primary's synchronous standby (pg_basebackup,
#      same port). The load keeps running throughout.
#      Network faults (each node, the services and the load in network namespaces of their own, joined by
#      bridges: scripts/local-replica.sh with LOCAL_REPLICA_NETNS=1; packets on a cut link are dropped silently):
#        `partition`: the primary's links to the services AND to the standby are cut (its machine is cut off,
#          still running). DETECT later the standby is promoted, the old primary fenced (SIGKILL, as a power
#          switch would) and rebuilt over the healed replication link; the services' link to it stays cut
#          until FAILOVER_HOLD_SECONDS after the cut, so their open connections to it get no reset.
#        `split`: only the primary's link to the standby is cut; the services still reach the primary, whose
#          commits wait for the standby. FAILOVER_HOLD_SECONDS later a failover manager on the standby's side
#          fences the primary (SIGKILL) and promotes the standby; then the link heals and the old node is rebuilt.
#      Split brain (loopback or namespaces):
#        `return` / `return-async`: the primary crashes (immediate); DETECT later the standby is promoted; 2 s
#          later the old primary starts again AS A PRIMARY (no fencing) and runs beside the new one for
#          FAILOVER_HOLD_SECONDS under the load; `return` keeps its synchronous_standby_names (its commits
#          wait: never acknowledged), `return-async` clears them (it acknowledges commits alone, the dangerous
#          case). A psql probe cancels a commit's wait on it (statement_timeout) and records what PostgreSQL
#          did. Then it is fenced and rebuilt. Reports acknowledged only by the old primary would be lost:
#          the verifier finds them missing.
#      During the network and split-brain rounds a probe reads GET /v1/reports/{unknown id} from service 1 once a
#      second (no timeout of its own up to 300 s) and records how long each answer took and what it was.
#   4. CrashClient verify against the final primary: every acknowledged report stored exactly once, every key one
#      id, aggregates and every rollup equal to the SQL re-aggregation; and the standby holds as many reports.
#   5. A summary with, per round: the time without a primary (loss -> promotion done), the time until commits can
#      be acknowledged again (-> the rebuilt standby is synchronous, from the new primary's log), and what clients
#      saw (from the loss to the first acknowledgement of a key first tried after it). Exit 0 only when every
#      check passed.
#
# Usage: bench/crash/failover.sh      (3-5 minutes with the defaults; run as root on Debian 12 with the .NET SDK)
#        FAILOVER_ROUNDS=4 FAILOVER_MODES="return-async partition return split" bench/crash/failover.sh
#                                     (5-9 minutes; the network modes need iproute2 with veth and bridge support)
#
# Environment (defaults in brackets):
#   FAILOVER_ROUNDS [3]            rounds
#   FAILOVER_MODES ["immediate lose freeze"]  how the primary goes, round by round (cycling)
#   FAILOVER_ROUND_SECONDS [30]    length of a round
#   FAILOVER_DETECT_SECONDS [3]    seconds between the loss of the primary and the promotion
#   FAILOVER_HOLD_SECONDS [20]     partition/split/return: how long the cut link or the returned old primary lasts
#   FAILOVER_TCP_RETRIES2 [kernel's]  net.ipv4.tcp_retries2 in the services' network namespace (network modes only):
#                                  how many retransmissions before TCP gives up a connection with data in flight
#   FAILOVER_WORKERS [8]           concurrent submitting workers
#   FAILOVER_ATTEMPT_TIMEOUT [5]   seconds the client waits for one answer before retrying with the same key
#   FAILOVER_SEED [random]         seed of the reports and the timing
#   FAILOVER_MAX_SECONDS [900]     hard limit for the whole run
#   CRASH_RESULTS [bench/crash/results]  where the summary and logs are kept (git-ignored)
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"

ROUNDS=${FAILOVER_ROUNDS:-3}
read -r -a MODES <<<"${FAILOVER_MODES:-immediate lose freeze}"
ROUND_SECONDS=${FAILOVER_ROUND_SECONDS:-30}
DETECT_SECONDS=${FAILOVER_DETECT_SECONDS:-3}
HOLD_SECONDS=${FAILOVER_HOLD_SECONDS:-20}
for m in "${MODES[@]}"; do
  [[ $m =~ ^(immediate|lose|freeze|partition|split|return|return-async)$ ]] || { echo "failover.sh: unknown mode '$m'" >&2; exit 2; }
done
# Network modes need network namespaces (root, iproute2 with bridge and veth support).
NETNS=0
[[ " ${MODES[*]} " =~ \ (partition|split)\  ]] && NETNS=1
WORKERS=${FAILOVER_WORKERS:-8}
ATTEMPT_TIMEOUT=${FAILOVER_ATTEMPT_TIMEOUT:-5}
SEED=${FAILOVER_SEED:-$((RANDOM % 10000 + 1))}
MAX_SECONDS=${FAILOVER_MAX_SECONDS:-900}
RESULTS_DIR=${CRASH_RESULTS:-$root/bench/crash/results}
RANDOM=$SEED
# Far above 55432, where other clusters on the machine look for ports: a node's port stays ours while it is down.
export LOCAL_PG_START_PORT=$((59000 + RANDOM % 4000))

work=$(mktemp -d /tmp/rs-failover.XXXXXX)
chmod 0755 "$work"
pair="$work/pair"
service_pids=()
client_pid=''
probe_pid=''
probe_pids=()
watchdog=''
summary="$work/summary.txt"
faults="$work/faults.log"
run_id=failover-$(date -u +%Y%m%dT%H%M%SZ)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
say() { printf '%s\n' "$*" | tee -a "$summary"; }
fault() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$*" >>"$faults"; log "$*"; }

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
  if [[ -n $client_pid ]] && kill -0 "$client_pid" 2>/dev/null; then kill -TERM "$client_pid" 2>/dev/null || true; fi
  for pid in "${service_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${service_pids[@]}"; do
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for pid in "${probe_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Destroys the clusters and the network namespaces this run created (named in $pair/netns), nothing else.
  scripts/local-replica.sh destroy "$pair" >/dev/null 2>&1 || log "warning: could not destroy $pair"
  if [[ -s $summary ]]; then
    local keep="$RESULTS_DIR/$run_id"
    mkdir -p "$keep"
    cp "$summary" "$keep/summary.txt"
    for f in ledger.tsv faults.log probe.log service-1.log service-2.log client.log verify.log; do [[ -f $work/$f ]] && gzip -c "$work/$f" >"$keep/$f.gz"; done
    log "summary and logs kept in $keep"
  fi
  rm -rf -- "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

setsid bash -c "sleep $MAX_SECONDS; echo 'failover.sh: FAILOVER_MAX_SECONDS=$MAX_SECONDS exceeded; stopping' >&2; kill -TERM $$" </dev/null &
watchdog=$!

say "# ReportService failover run $run_id"
say "machine: nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r); dotnet SDK $(dotnet --version); code $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src has uncommitted changes)')"
say "settings: rounds=$ROUNDS modes=${MODES[*]} round_seconds=$ROUND_SECONDS detect_seconds=$DETECT_SECONDS hold_seconds=$HOLD_SECONDS workers=$WORKERS attempt_timeout=$ATTEMPT_TIMEOUT seed=$SEED network_namespaces=$NETNS"

log "publishing the service and building the crash client (Release)"
timeout 600 dotnet publish -c Release src/ReportService.Api/ReportService.Api.csproj -o "$work/api" -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "publish of the service failed"; }
timeout 600 dotnet build -c Release bench/ReportService.CrashClient/ReportService.CrashClient.csproj -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "build of the crash client failed"; }
client=(dotnet "$root/bench/ReportService.CrashClient/bin/Release/net10.0/ReportService.CrashClient.dll")

export Auth__SigningKey
Auth__SigningKey=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
export RateLimiting__Enabled=false
REPORT_SERVICE_TOKEN=$(cd "$work/api" && dotnet ReportService.Api.dll --mint-token --scope "reports:write reports:read" --region '*' --subject failover-bench --client crash-client --hours 4)
export REPORT_SERVICE_TOKEN

log "starting a primary with a synchronous standby in $pair"
cs=$(LOCAL_REPLICA_NETNS=$NETNS scripts/local-replica.sh start "$pair")
pg_bin=/usr/lib/postgresql/$(cat "$(readlink -f "$pair/n1/data")/PG_VERSION")/bin
# inhub: the services, the load, the probe and the verifier run in the namespace that the nodes' client links
# reach (nothing with namespaces off).
inhub=()
if ((NETNS)); then
  inhub=(ip netns exec "$(head -n 1 "$pair/netns")-hub")
  [[ -z ${FAILOVER_TCP_RETRIES2:-} ]] || "${inhub[@]}" sysctl -q -w "net.ipv4.tcp_retries2=$FAILOVER_TCP_RETRIES2"
  say "network: namespaces $(head -n 1 "$pair/netns")-{wire,hub,n1,n2}; in the services' namespace tcp_keepalive_probes $("${inhub[@]}" cat /proc/sys/net/ipv4/tcp_keepalive_probes), tcp_retries2 $("${inhub[@]}" cat /proc/sys/net/ipv4/tcp_retries2), tcp_syn_retries $("${inhub[@]}" cat /proc/sys/net/ipv4/tcp_syn_retries)"
fi
psql_node() {
  if ((NETNS)); then
    ip netns exec "$(head -n 1 "$pair/netns")-$1" "$pg_bin/psql" -X -q -At -h 127.0.0.1 -p "$(cat "$pair/$1/port")" -U postgres "${@:2}" </dev/null
  else
    "$pg_bin/psql" -X -q -At -h 127.0.0.1 -p "$(cat "$pair/$1/port")" -U postgres "${@:2}" </dev/null
  fi
}
psql_node n1 -d postgres -c 'CREATE DATABASE reports'
# With the connect timeout and keepalives docs/operations.md recommends for nodes on their own machines.
db="${cs/Database=postgres/Database=reports};Timeout=5;TCP Keepalive Time=10;TCP Keepalive Interval=5"
say "postgres: $("$pg_bin/postgres" --version | sed 's/^postgres //'); $(psql_node n1 -d reports -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('synchronous_commit', 'synchronous_standby_names', 'fsync', 'hot_standby_feedback')")"
say "connection string: $db"

port_busy() { "${inhub[@]}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
free_port() {
  local p=$1
  while port_busy "$p"; do ((p < $1 + 100)) || die "no free port from $1"; p=$((p + 1)); done
  printf '%s\n' "$p"
}

urls=()
start_service() {
  local n=$1 port
  port=$(free_port $((58480 + n * 10)))
  local url="http://127.0.0.1:$port"
  (cd "$work/api" && ConnectionStrings__Reports="$db" ASPNETCORE_ENVIRONMENT=Production Logging__Console__FormatterOptions__TimestampFormat="HH:mm:ss.fff " Logging__Console__FormatterOptions__UseUtcTimestamp=true \
    exec "${inhub[@]}" dotnet ReportService.Api.dll --urls "$url") >>"$work/service-$n.log" 2>&1 </dev/null &
  service_pids+=($!)
  urls+=("$url")
  local i
  for i in $(seq 240); do
    "${inhub[@]}" curl -sf -o /dev/null "$url/health/ready" && return 0
    sleep 0.25
  done
  tail -n 30 "$work/service-$n.log" >&2
  die "service $n was not ready within 60 s"
}
start_service 1
start_service 2
say "services: ${urls[*]} (pids ${service_pids[*]})"

# ------------------------------------------------------------------------------------------------
# Load and failovers

submit_seconds=$((ROUNDS * (ROUND_SECONDS + 120) + 60))
"${inhub[@]}" "${client[@]}" submit --url "$(IFS=,; echo "${urls[*]}")" --ledger "$work/ledger.tsv" --workers "$WORKERS" --seconds "$submit_seconds" \
  --stop-file "$work/stop" --attempt-timeout "$ATTEMPT_TIMEOUT" --resolve-seconds 120 --max-reports 200000 --seed "$SEED" --run "$run_id" \
  >"$work/client.log" 2>&1 &
client_pid=$!

now() { date +%s.%N; }

# The probe: one GET of an unknown report a second through service 1 (a database round trip that stores nothing),
# each answer's status and duration in probe.log, no client timeout below 300 s.
start_probe() {
  local url=${urls[0]} stop="$work/probe.stop.$round"
  (
    while [[ ! -e $stop ]]; do
      t=$(date +%s.%N)
      code=$("${inhub[@]}" curl -s -o /dev/null -m 300 -w '%{http_code}' -H "Authorization: Bearer $REPORT_SERVICE_TOKEN" "$url/v1/reports/00000000-0000-0000-0000-000000000000" || true)
      printf '%s\t%s\t%s\t%s\n' "$round" "$t" "$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" "$code" >>"$work/probe.log"
      sleep 1
    done
  ) &
  probe_pid=$!
  probe_pids+=("$probe_pid")
}
# stop_probe: the probe sends no new request; the one in flight is left to finish (its duration is the point).
stop_probe() {
  [[ -z $probe_pid ]] || touch "$work/probe.stop.$round"
  probe_pid=''
}
# cancel_probe NODE: on the returned old primary, a commit whose wait for the standby is cancelled by the client 2 s
# later (psql sends a cancel request on SIGINT), as Npgsql's Command Timeout would (statement_timeout would not: it
# ends before the commit): what PostgreSQL answers and whether the table is there afterwards.
cancel_probe() {
  local out
  local ns=()
  ((NETNS)) && ns=(ip netns exec "$(head -n 1 "$pair/netns")-$1")
  out=$(timeout -s INT 2 "${ns[@]}" "$pg_bin/psql" -X -q -At -h 127.0.0.1 -p "$(cat "$pair/$1/port")" -U postgres -d reports \
    -c 'CREATE TABLE split_brain_probe (x int)' </dev/null 2>&1 | tr '\n' ' ' || true)
  out+="; afterwards: $(psql_node "$1" -d reports -c "SELECT 'table visible on the old primary: ' || (to_regclass('split_brain_probe') IS NOT NULL)" 2>&1 || true)"
  fault "cancel probe on $1: $out"
  psql_node "$1" -d reports -c 'SET synchronous_commit = local' -c 'DROP TABLE IF EXISTS split_brain_probe' >/dev/null 2>&1 || true
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
round_lines=()
for ((round = 1; round <= ROUNDS; round++)); do
  how=${MODES[$(((round - 1) % ${#MODES[@]}))]}
  pause_ms=$((ROUND_SECONDS * 500 + RANDOM % (ROUND_SECONDS * 500)))
  sleep "$((pause_ms / 1000)).$(printf '%03d' $((pause_ms % 1000)))"
  kill -0 "$client_pid" 2>/dev/null || { cat "$work/client.log" >&2; die "the client exited early"; }
  old=$(cat "$pair/primary")
  fault "round $round/$ROUNDS: primary $old goes ($how)"
  # The loss counts from the start of the stop: SIGKILL (lose) or the immediate shutdown comes within
  # milliseconds; deleting the data directory (lose) then takes seconds, with the server already gone.
  t_lost=$(now)
  extra=''
  case $how in
    partition | split)
      start_probe
      scripts/local-replica.sh cut "$pair" "$([[ $how == partition ]] && echo all || echo replication)" 2>>"$work/pg.log" || die "could not cut the link (see $work/pg.log)"
      fault "primary $old cut off from $([[ $how == partition ]] && echo 'the services and the standby' || echo 'the standby') (packets dropped)"
      ;;
    return*)
      start_probe
      scripts/local-replica.sh stop-primary "$pair" immediate 2>>"$work/pg.log" || die "could not stop the primary (see $work/pg.log)"
      fault "primary $old down (immediate)"
      ;;
    *)
      scripts/local-replica.sh stop-primary "$pair" "$how" 2>>"$work/pg.log" || die "could not stop the primary (see $work/pg.log)"
      fault "primary $old down ($how)"
      ;;
  esac
  # Promotion DETECT_SECONDS after the loss (split: HOLD_SECONDS, the primary is alive and reachable meanwhile),
  # however long deleting the data directory took.
  wait_for=$DETECT_SECONDS
  [[ $how == split ]] && wait_for=$HOLD_SECONDS
  sleep "$(awk -v a="$t_lost" -v b="$(now)" -v d="$wait_for" 'BEGIN { r = d - (b - a); printf "%.3f", (r > 0 ? r : 0) }')"
  if [[ $how == split ]]; then
    # The failover manager on the standby's side fences the primary before it promotes (a power switch: SIGKILL).
    scripts/local-replica.sh stop-primary "$pair" lose 2>>"$work/pg.log" || die "could not fence the primary (see $work/pg.log)"
    fault "primary $old fenced (SIGKILL, data directory deleted)"
  fi
  scripts/local-replica.sh promote "$pair" 2>>"$work/pg.log" || die "promotion failed (see $work/pg.log)"
  t_promoted=$(now)
  fault "standby $(cat "$pair/primary") promoted"
  # partition: the old primary, still running behind the cut, is fenced by the rebuild below (SIGKILL, data deleted).
  if [[ $how == return* ]]; then
    sleep 2
    scripts/local-replica.sh return "$pair" "$([[ $how == return-async ]] && echo async || echo sync)" 2>>"$work/pg.log" || die "the old primary did not start (see $work/pg.log)"
    fault "old primary $old runs again as a primary beside $(cat "$pair/primary") ($([[ $how == return-async ]] && echo 'synchronous_standby_names cleared' || echo 'synchronous_standby_names kept'))"
    cancel_probe "$old"
    sleep "$HOLD_SECONDS"
    extra="; old primary beside the new one for ${HOLD_SECONDS} s: $(psql_node "$old" -d reports -c 'SELECT count(*) FROM reports') reports on it, $(psql_node "$(cat "$pair/primary")" -d reports -c 'SELECT count(*) FROM reports') on the new primary (the new primary's commits wait for its rebuilt standby)"
  fi
  if [[ $how == partition || $how == split ]]; then
    scripts/local-replica.sh heal "$pair" replication 2>>"$work/pg.log"
  fi
  scripts/local-replica.sh rebuild "$pair" 2>>"$work/pg.log" || die "rebuild failed (see $work/pg.log)"
  t_synced=$(now)
  if [[ $how == partition ]]; then
    # The services' link to the old node stays cut for HOLD_SECONDS: their connections to the old primary get no reset.
    sleep "$(awk -v a="$t_lost" -v b="$(now)" -v d="$HOLD_SECONDS" 'BEGIN { r = d - (b - a); printf "%.3f", (r > 0 ? r : 0) }')"
    scripts/local-replica.sh heal "$pair" 2>>"$work/pg.log"
    fault "the services' link to $old healed"
  fi
  stop_probe
  # When the new primary itself saw the standby become synchronous (its log), rather than when the script noticed.
  new=$(cat "$pair/primary")
  sync_log=$(grep 'is now a synchronous standby' "$pair/$new/postgres.log" | tail -n 1 | cut -c1-23)
  t_sync=$(date -d "$sync_log UTC" +%s.%N 2>/dev/null || echo "$t_synced")
  fault "$old rebuilt as synchronous standby (the primary's log: synchronous at $sync_log)"
  round_lines+=("round $round ($how): lost at $(date -u -d "@$t_lost" +%H:%M:%S.%3N), no primary for $(secs "$t_lost" "$t_promoted") s, a synchronous standby again after $(secs "$t_lost" "$t_sync") s (promotion to standby in sync $(secs "$t_promoted" "$t_sync") s)$extra|$t_lost")
  sleep $((ROUND_SECONDS / 4))
done

log "failovers done; 10 s more load, then the client stops submitting and resolves every outcome"
sleep 10
touch "$work/stop"
client_rc=0
wait "$client_pid" || client_rc=$?
client_pid=''
cat "$work/client.log" >&2

# ------------------------------------------------------------------------------------------------
# Verification

log "verifying against the final primary"
verify_rc=0
"${inhub[@]}" "${client[@]}" verify --url "${urls[0]}" --ledger "$work/ledger.tsv" --db "$db" >"$work/verify.log" 2>&1 || verify_rc=$?
cat "$work/verify.log" >&2
primary=$(cat "$pair/primary")
standby=n1
[[ $primary == n1 ]] && standby=n2
on_primary=$(psql_node "$primary" -d reports -c 'SELECT count(*) FROM reports')
on_standby=$(psql_node "$standby" -d reports -c 'SELECT count(*) FROM reports')
standby_rc=0
[[ $on_primary == "$on_standby" ]] || standby_rc=1

# What clients saw: from the first attempt that failed after the loss began (its answer) to the
# first acknowledgement of a key first tried after that (a new write; a retried key may be answered earlier by
# the replay of a commit made before the loss).
client_view() {
  python3 - "$work/ledger.tsv" "$1" <<'PY'
import sys, datetime
ledger, lost = sys.argv[1], float(sys.argv[2])
attempts = []
for line in open(ledger, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "attempt":
        started = datetime.datetime.fromisoformat(f[8].replace("Z", "+00:00")).timestamp()
        attempts.append((started, f[1], f[10], started + float(f[9])))
# The end of the first attempt that failed after the loss began: the server was gone by then.
failed = [a[3] for a in attempts if a[0] >= lost and a[2] == "unknown"]
if not failed:
    print("no failed attempt")
    sys.exit()
gone = min(failed)
first_try = {}
for started, key, _, _ in attempts:
    first_try[key] = min(started, first_try.get(key, started))
done = [end for started, key, outcome, end in attempts if outcome == "acknowledged" and first_try[key] >= gone]
print("never" if not done else f"{min(done) - gone:.1f} s")
PY
}

say ""
say "failovers:"
for line in "${round_lines[@]}"; do
  say "  ${line%|*}; clients: first new write acknowledged $(client_view "${line##*|}") after the first failed attempt"
done
say "fault log:"
while IFS= read -r line; do say "  $line"; done <"$faults"
say ""
for pid in "${probe_pids[@]}"; do
  for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && log "a probe request is still waiting after the run (see probe.log: its round has fewer lines)"
done
if [[ -s $work/probe.log ]]; then
  say "probe (GET of an unknown report through service 1, once a second during the network and split-brain rounds):"
  while IFS= read -r line; do say "  $line"; done < <(awk -F'\t' '
    { n[$1]++; c[$1 "|" $4]++; if ($3 > mx[$1]) mx[$1] = $3; codes[$4] = 1 }
    END { for (r in n) { line = "round " r ": " n[r] " requests, longest " mx[r] " s;"; for (k in codes) if (c[r "|" k]) line = line " " c[r "|" k] " x " (k == "000" ? "no answer" : k); print line } }' "$work/probe.log" | sort)
fi
say "client: $(grep '^RESULT submit' "$work/client.log" || echo 'no RESULT line')"
while IFS= read -r line; do say "  $line"; done < <(grep '^submit:' "$work/client.log")
for n in 1 2; do
  unhandled=$(grep -c '"Unhandled exception' "$work/service-$n.log" || true)
  unavailable=$(grep -c '"Database unavailable on' "$work/service-$n.log" || true)
  say "service $n: $unavailable requests answered 503 (database unavailable), $unhandled unhandled exceptions answered 500"
  while IFS= read -r line; do say "  $line"; done < <(sed -nE 's/.*"Message":"(Unhandled exception[^"]*)".*"Exception":"([^"]{0,160}).*/\1: \2/p' "$work/service-$n.log" | head -n 5)
done
say "verify: $(grep '^RESULT verify' "$work/verify.log" || echo 'no RESULT line')"
while IFS= read -r line; do say "  $line"; done < <(grep -E '^(VERIFY|    )' "$work/verify.log")
say "standby: $on_standby reports, primary: $on_primary"
say ""
if ((client_rc == 0 && verify_rc == 0 && standby_rc == 0)); then
  say "FAILOVER RUN PASSED: $ROUNDS failovers, $(sed -nE 's/^RESULT submit (.*)/\1/p' "$work/client.log")"
  exit 0
fi
say "FAILOVER RUN FAILED: client exit $client_rc, verify exit $verify_rc, standby $on_standby vs primary $on_primary"
exit 1
