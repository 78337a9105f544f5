#!/usr/bin/env bash
# bench/ab/run.sh - A/B of two commits of the service in one run (issue 12: FastEndpoints against the last
# Minimal API commit). Two figures, each measured for A and B alternately (A B B A) so that a machine that
# gets busier or quieter during the run does not favour one side:
#
#   1. Single-report ingestion: bench/ingestion/run.sh (part 1 only: POST /v1/reports from BENCH_CONCURRENCY
#      clients against pgbench inserting the same rows) with BENCH_SOURCE=<commit>; its ratio to pgbench,
#      measured in each sub-run beside the service, is the figure.
#   2. CPU per aggregate answer: one PostgreSQL cluster with BENCH_AGG_REPORTS reports (imported once through
#      B's POST /v1/reports/batch); each service in turn answers the same BENCH_AGG_QUESTIONS dashboard
#      questions (JSON and CSV, both endpoints) BENCH_AGG_REQUESTS times each with `hey -c 8`, after
#      BENCH_AGG_WARMUP requests of each (JIT tiering and PGO settle only after thousands of requests: with 300
#      the figure was 4x the steady state and measured the JIT, not the endpoint); the figure is the service
#      process's CPU time (utime + stime from /proc) per 200 answer. Both services run at once and the
#      measurements alternate in bursts of BENCH_AGG_BURST requests (A B, then B A), BENCH_AGG_ROUNDS times over
#      every question and media type, so a machine that gets busier or quieter hits both alike.
#      No writes: every answer after the first comes from the answer cache, so this is the cost of the
#      endpoint, its binding and the cache path, which is what a framework change can make worse.
#
# Usage: bench/ab/run.sh [A] [B]     defaults: A = 1490b3c (the last Minimal API commit), B = HEAD
#        (about 35 minutes on 2 cores; as root on Debian 12 with the .NET 10 SDK; installs hey when missing)
#
# Loopback only: throwaway clusters (scripts/local-postgres.sh) and services on 127.0.0.1, stopped and
# destroyed at the end, also on failure. Hold `flock /tmp/rs-bench.lock` around it (it takes the lock itself).
#
# Environment (defaults in brackets):
#   BENCH_ROUNDS [2]              A/B pairs (A B, then B A, ...)
#   BENCH_SECONDS [15]            measured seconds of each ingestion phase (service and pgbench alike)
#   BENCH_CONCURRENCY [16]
#   BENCH_AGG_REPORTS [20000]     reports behind the aggregate questions
#   BENCH_AGG_BURST [2000]        requests per burst (one question, one media type, one side)
#   BENCH_AGG_ROUNDS [3]          rounds over every question and media type
#   BENCH_AGG_WARMUP [3000]       warm-up requests per question and media type
#   BENCH_PARTS ["1 2"]           which parts to run
#   BENCH_RESULTS [bench/ab/results]
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
if [[ ${RS_BENCH_LOCKED:-} != 1 ]]; then
  exec env RS_BENCH_LOCKED=1 flock /tmp/rs-bench.lock "$0" "$@"
fi

A=$(git rev-parse --short "${1:-1490b3c}")
B=$(git rev-parse --short "${2:-HEAD}")
ROUNDS=${BENCH_ROUNDS:-2}
SECONDS_PER_PHASE=${BENCH_SECONDS:-15}
CONCURRENCY=${BENCH_CONCURRENCY:-16}
AGG_REPORTS=${BENCH_AGG_REPORTS:-20000}
AGG_BURST=${BENCH_AGG_BURST:-2000}
AGG_ROUNDS=${BENCH_AGG_ROUNDS:-3}
AGG_WARMUP=${BENCH_AGG_WARMUP:-3000}
PARTS=${BENCH_PARTS:-1 2}
RESULTS=${BENCH_RESULTS:-$root/bench/ab/results}
mkdir -p "$RESULTS"
summary="$RESULTS/ab-$(date -u +%Y%m%dT%H%M%SZ).txt"
work=$(mktemp -d /tmp/rs-ab.XXXXXX)
say() { echo "$*" | tee -a "$summary"; }
log() { echo "ab: $*" >&2; }
die() { log "$*"; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
service_pid=''
cleanup() {
  # shellcheck disable=SC2086 # one or two pids
  [[ -n $service_pid ]] && kill $service_pid 2>/dev/null && wait $service_pid 2>/dev/null
  [[ -d $work/pg ]] && scripts/local-postgres.sh destroy "$work/pg" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

command -v hey >/dev/null || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hey >/dev/null; }

say "# A/B of the service: A = $A (\"$(git log -1 --format=%s "$A" | cut -c1-70)\"), B = $B (\"$(git log -1 --format=%s "$B" | cut -c1-70)\")"
say "$(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); load average at start $(loadavg)"

# ------------------------------------------------------------------------------------------------
# 1. Ingestion ratio to pgbench, per sub-run

order=()
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2 == 1)); then order+=("$A" "$B"); else order+=("$B" "$A"); fi
done
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.3f", s / NF }' <<<"$1"; }

if [[ " $PARTS " == *" 1 "* ]]; then
say ""
say "## 1. Single-report ingestion, ratio to pgbench (bench/ingestion/run.sh part 1, c=$CONCURRENCY, ${SECONDS_PER_PHASE} s)"
declare -A ratios cpus
for side in "${order[@]}"; do
  log "ingestion of $side; load $(loadavg)"
  out=$(RS_BENCH_LOCKED=1 BENCH_SOURCE="$side" BENCH_SECONDS="$SECONDS_PER_PHASE" BENCH_ROUNDS=1 BENCH_CONCURRENCY="$CONCURRENCY" \
    BENCH_BULK_COUNT=2000 BENCH_BULK_LINES=1000 BENCH_DIAGNOSE=0 BENCH_LOAD_WAIT=0 BENCH_RESULTS="$work/ingestion" \
    bench/ingestion/run.sh 2>"$work/ingestion-$side.log") || { tail -n 30 "$work/ingestion-$side.log" >&2; die "ingestion run of $side failed"; }
  line=$(grep "^RESULT ingestion c=$CONCURRENCY" <<<"$out" | tail -n 1)
  ratio=$(sed -nE 's/.* ratio ([0-9.]+).*/\1/p' <<<"$line")
  [[ -n $ratio ]] || die "no ingestion ratio for $side"
  ratios[$side]="${ratios[$side]:-} $ratio"
  # The service's own CPU per stored report over the measured window: less exposed than the ratio to how fast
  # PostgreSQL (and pgbench) happen to run on a shared machine.
  svc_cpu=$(grep -m1 -oE 'cpu per report: service [0-9.]+ ms' <<<"$out" | grep -oE '[0-9.]+' | head -n 1)
  [[ -n $svc_cpu ]] && cpus[$side]="${cpus[$side]:-} $svc_cpu"
  say "  $side: $line; service cpu per report ${svc_cpu:-?} ms (load $(loadavg))"
done
ra=$(mean "${ratios[$A]}")
rb=$(mean "${ratios[$B]}")
say "RESULT ingestion: A $A ratio $ra, B $B ratio $rb, B/A $(awk -v a="$ra" -v b="$rb" 'BEGIN { printf "%.3f", b / a }') (target >= 0.95)"
if [[ -n ${cpus[$A]:-} && -n ${cpus[$B]:-} ]]; then
  ca=$(mean "${cpus[$A]}")
  cb=$(mean "${cpus[$B]}")
  say "RESULT ingestion service CPU per report: A $ca ms, B $cb ms, B/A $(awk -v a="$ca" -v b="$cb" 'BEGIN { printf "%.3f", b / a }')"
fi
fi
[[ " $PARTS " == *" 2 "* ]] || exit 0

# ------------------------------------------------------------------------------------------------
# 2. CPU per aggregate answer

say ""
say "## 2. CPU per aggregate answer ($AGG_REPORTS reports, bursts of $AGG_BURST requests alternating A and B, $AGG_ROUNDS rounds over every question and media type, hey -c 8, cached answers)"
for side in "$A" "$B"; do
  mkdir -p "$work/src-$side"
  git archive "$side" | tar -x -C "$work/src-$side"
  timeout 900 dotnet publish -c Release -o "$work/service-$side" "$work/src-$side/src/ReportService.Api/ReportService.Api.csproj" -nologo -v q >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; die "publish of $side failed"; }
done
timeout 900 dotnet publish -c Release -o "$work/client" bench/ReportService.LoadClient/ReportService.LoadClient.csproj -nologo -v q >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "publish of the load client failed"; }
cs=$(scripts/local-postgres.sh start "$work/pg")
auth_key=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-48)
REPORTS_TOKEN=$(cd "$work/service-$B" && Auth__SigningKey="$auth_key" timeout 120 dotnet ReportService.Api.dll --mint-token --scope "reports:write reports:read" --region "*" </dev/null 2>/dev/null | tail -n 1)
export REPORTS_TOKEN
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=58280
while port_busy "$port"; do ((port < 58380)) || die "no free port"; port=$((port + 1)); done
url="http://127.0.0.1:$port"
start_service() { # SIDE
  (cd "$work/service-$1" && ConnectionStrings__Reports="$cs" ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey="$auth_key" RateLimiting__Enabled=false \
    exec setsid dotnet ReportService.Api.dll --urls "$url" >>"$work/service-$1.log" 2>&1 </dev/null) &
  service_pid=$!
  for i in $(seq 240); do
    curl -sf "$url/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$service_pid" 2>/dev/null || { cat "$work/service-$1.log" >&2; die "the service $1 exited"; }
    sleep 0.25
  done
  die "the service $1 was not ready within 60 s"
}
stop_service() { kill "$service_pid" 2>/dev/null; wait "$service_pid" 2>/dev/null || true; service_pid=''; }

start_service "$B"
log "importing $AGG_REPORTS reports through $B"
timeout 1200 dotnet "$work/client/ReportService.LoadClient.dll" batch --url "$url" --count "$AGG_REPORTS" --lines-per-request 5000 --parallel 1 >"$work/import.log" ||
  { cat "$work/import.log" >&2; die "import failed"; }
stop_service

questions=(
  "/v1/aggregates?year=2024&groupBy=province"
  "/v1/aggregates?region=14&groupBy=city,year"
  "/v1/aggregates?region=14&groupBy=county&kind=government"
  "/v1/aggregates/outcomes?region=14&groupBy=city"
  "/v1/aggregates/outcomes?groupBy=province&applicant=naturalPerson"
  "/v1/aggregates?groupBy=level,year&scope=agency"
)
hz=$(getconf CLK_TCK)
# Both services run at once on their own ports against the same cluster, and the measurements alternate in short
# bursts (one question and media type at a time, A then B, then B then A, ...): whatever the rest of the machine
# does during the run falls on both sides alike. Measured one service after the other, the first pair of runs put
# B 18 % above A while direct side-by-side checks of single questions put it between -8 % and +10 %.
start_service "$A"; pid_a=$service_pid; url_a=$url; service_pid=''
url="http://127.0.0.1:$((port + 1))"
port_busy $((port + 1)) && die "port $((port + 1)) is busy"
start_service "$B"; pid_b=$service_pid; url_b=$url; service_pid="$pid_a $pid_b"
for side_url in "$url_a" "$url_b"; do
  for q in "${questions[@]}"; do curl -sf "$side_url$q" >/dev/null; curl -sf -H 'Accept: text/csv' "$side_url$q" >/dev/null; done
  for q in "${questions[@]}"; do # warm-up (JIT tiering, PGO)
    hey -n "$AGG_WARMUP" -c 8 "$side_url$q" >/dev/null
    hey -n "$AGG_WARMUP" -c 8 -H 'Accept: text/csv' "$side_url$q" >/dev/null
  done
done
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
burst() { # PID URL QUESTION ACCEPT -> "ticks answers"
  local before after n
  before=$(cpu_of "$1")
  n=$(hey -n "$AGG_BURST" -c 8 -H "Accept: $4" "$2$3" | sed -nE 's/^[[:space:]]*\[200\][[:space:]]+([0-9]+) responses.*/\1/p')
  after=$(cpu_of "$1")
  echo "$((after - before)) ${n:-0}"
}
declare -A ticks answers
ticks[$A]=0; ticks[$B]=0; answers[$A]=0; answers[$B]=0
pair_ratios=''
k=0
for ((r = 1; r <= AGG_ROUNDS; r++)); do
  for q in "${questions[@]}"; do
    for accept in application/json text/csv; do
      k=$((k + 1))
      if ((k % 2 == 1)); then sides=("$A" "$B"); else sides=("$B" "$A"); fi
      declare -A per=()
      for side in "${sides[@]}"; do
        if [[ $side == "$A" ]]; then read -r t n < <(burst "$pid_a" "$url_a" "$q" "$accept"); else read -r t n < <(burst "$pid_b" "$url_b" "$q" "$accept"); fi
        ticks[$side]=$((ticks[$side] + t)); answers[$side]=$((answers[$side] + n))
        per[$side]="$t $n"
      done
      pair_ratios+=" $(awk -v a="${per[$A]}" -v b="${per[$B]}" 'BEGIN { split(a, x, " "); split(b, y, " "); if (x[1] > 0 && y[2] > 0) printf "%.3f", (y[1] / y[2]) / (x[1] / x[2]); else print "nan" }')"
    done
  done
  log "aggregate round $r of $AGG_ROUNDS done; load $(loadavg)"
done
kill "$pid_a" "$pid_b" 2>/dev/null; wait "$pid_a" "$pid_b" 2>/dev/null || true; service_pid=''
ca=$(awk -v t="${ticks[$A]}" -v n="${answers[$A]}" -v hz="$hz" 'BEGIN { printf "%.4f", t * 1000 / hz / n }')
cb=$(awk -v t="${ticks[$B]}" -v n="${answers[$B]}" -v hz="$hz" 'BEGIN { printf "%.4f", t * 1000 / hz / n }')
median=$(tr ' ' '\n' <<<"$pair_ratios" | grep -v -e '^$' -e nan | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
say "  A $A: ${answers[$A]} answers (200), $(( ticks[$A] * 1000 / hz )) ms CPU; B $B: ${answers[$B]} answers, $(( ticks[$B] * 1000 / hz )) ms CPU"
say "  per-burst B/A ratios (question x media type x round, $AGG_BURST requests each): $pair_ratios"
say "RESULT aggregate CPU per answer: A $A $ca ms, B $B $cb ms, B/A $(awk -v a="$ca" -v b="$cb" 'BEGIN { printf "%.3f", b / a }'), median of the per-burst ratios $median (target <= 1.05)"
say "load average at the end: $(loadavg)"
