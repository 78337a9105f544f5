#!/usr/bin/env bash
# bench/completeness/run.sh - a quick A/B of what a completeness request costs the service right after a write
# (issue 16, ADR 18): A computes every answer from the stored reports per request, B answers from its index
# brought forward by the change log. Not the season benchmark (bench/season/run.sh, 1M reports): a micro-check
# with a few thousand reports that fits on a shared machine.
#
# One throwaway cluster; BENCH_REPORTS reports (year 2024, over 2000 townships) imported once through B; both
# services run at once against the same database. Each measured request follows a write: a one-report batch
# import (through the same service, so B's next request has a change to bring forward), then one GET of a
# completeness question; the figure is the service process's CPU (utime + stime from /proc) around the GET,
# summed over BENCH_WRITES write+read pairs per question and side, alternating A B / B A per question and round.
#
# Usage: bench/completeness/run.sh [A] [B]     defaults: A = 147cc9e (completeness per request), B = HEAD
# Loopback only; takes `flock /tmp/rs-bench.lock` itself.
#
# Environment: BENCH_REPORTS [5000]  BENCH_WRITES [30]  BENCH_ROUNDS [2]  BENCH_WARMUP [300]
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
if [[ ${RS_BENCH_LOCKED:-} != 1 ]]; then
  exec env RS_BENCH_LOCKED=1 flock /tmp/rs-bench.lock "$0" "$@"
fi

A=$(git rev-parse --short "${1:-147cc9e}")
B=$(git rev-parse --short "${2:-HEAD}")
REPORTS=${BENCH_REPORTS:-5000}
WRITES=${BENCH_WRITES:-30}
ROUNDS=${BENCH_ROUNDS:-2}
WARMUP=${BENCH_WARMUP:-300}
work=$(mktemp -d /tmp/rs-comp.XXXXXX)
say() { echo "$*"; }
log() { echo "completeness-bench: $*" >&2; }
die() { log "$*"; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [[ -d $work/pg ]] && scripts/local-postgres.sh destroy "$work/pg" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

say "# Completeness after a write: A = $A (\"$(git log -1 --format=%s "$A" | cut -c1-60)\"), B = $B (\"$(git log -1 --format=%s "$B" | cut -c1-60)\")"
say "$(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); load average at start $(loadavg); $REPORTS reports, $WRITES write+read pairs per question, side and round, $ROUNDS rounds"

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
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
start_service() { # SIDE URL -> pid in $started
  (cd "$work/service-$1" && ConnectionStrings__Reports="$cs" ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey="$auth_key" RateLimiting__Enabled=false \
    exec setsid dotnet ReportService.Api.dll --urls "$2" >>"$work/service-$1.log" 2>&1 </dev/null) &
  started=$!
  pids+=("$started")
  for _ in $(seq 240); do
    curl -sf "$2/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$started" 2>/dev/null || { cat "$work/service-$1.log" >&2; die "the service $1 exited"; }
    sleep 0.25
  done
  die "the service $1 was not ready within 60 s"
}

url_b="http://127.0.0.1:$(free_port)"
start_service "$B" "$url_b"; pid_b=$started
log "importing $REPORTS reports through $B"
timeout 1200 dotnet "$work/client/ReportService.LoadClient.dll" batch --url "$url_b" --count "$REPORTS" --lines-per-request 5000 --parallel 1 >"$work/import.log" ||
  { cat "$work/import.log" >&2; die "import failed"; }
url_a="http://127.0.0.1:$(free_port)"
start_service "$A" "$url_a"; pid_a=$started

questions=(
  "/v1/completeness?year=2024&groupBy=province"
  "/v1/completeness?region=14&year=2024&groupBy=county"
  "/v1/completeness/missing?region=141122&year=2024"
)
for side_url in "$url_a" "$url_b"; do
  for q in "${questions[@]}"; do # warm-up (JIT tiering); A's answers all cost the same, B's are hits
    for _ in $(seq "$WARMUP"); do curl -sf -o /dev/null "$side_url$q"; done
  done
done

hz=$(getconf CLK_TCK)
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
code=2000000
# One write (a one-report batch through the side's own service), then the question: ticks and seconds of the GET.
pair() { # PID URL QUESTION CODE -> "ticks seconds" (runs in a subshell: the caller counts the codes)
  timeout 120 dotnet "$work/client/ReportService.LoadClient.dll" batch --url "$2" --count 1 --lines-per-request 1 --first-code "$4" --seed "$4" >"$work/write.log" 2>&1 ||
    { cat "$work/write.log" >&2; die "a write failed"; }
  local before after seconds
  before=$(cpu_of "$1")
  seconds=$(curl -sf -o /dev/null -w '%{time_total}' "$2$3") || die "GET $3 failed"
  after=$(cpu_of "$1")
  echo "$((after - before)) $seconds"
}
declare -A ticks secs
k=0
for ((r = 1; r <= ROUNDS; r++)); do
  for q in "${questions[@]}"; do
    k=$((k + 1))
    if ((k % 2 == 1)); then sides=(A B); else sides=(B A); fi
    for side in "${sides[@]}"; do
      if [[ $side == A ]]; then pid=$pid_a; url=$url_a; else pid=$pid_b; url=$url_b; fi
      t=0; s=0
      for _ in $(seq "$WRITES"); do
        code=$((code + 100)) # CreditCodes skips numbers whose check character would be X: neighbours can give the same code
        read -r dt ds < <(pair "$pid" "$url" "$q" "$code")
        t=$((t + dt)); s=$(awk -v a="$s" -v b="$ds" 'BEGIN { print a + b }')
      done
      ticks[$side,$q]=$((${ticks[$side,$q]:-0} + t))
      secs[$side,$q]=$(awk -v a="${secs[$side,$q]:-0}" -v b="$s" 'BEGIN { print a + b }')
      log "round $r $side $q: $t ticks over $WRITES (load $(loadavg))"
    done
  done
done
n=$((WRITES * ROUNDS))
for q in "${questions[@]}"; do
  read -r ca cb ra wa wb < <(awk -v ta="${ticks[A,$q]}" -v tb="${ticks[B,$q]}" -v sa="${secs[A,$q]}" -v sb="${secs[B,$q]}" -v n="$n" -v hz="$hz" \
    'BEGIN { ca = ta * 1000 / hz / n; cb = tb * 1000 / hz / n; printf "%.2f %.2f %s %.2f %.2f\n", ca, cb, (ta > 0 ? sprintf("%.3f", tb / ta) : "n/a"), sa * 1000 / n, sb * 1000 / n }')
  say "RESULT $q: service CPU per request after a write A $ca ms, B $cb ms, B/A $ra; mean latency A $wa ms, B $wb ms ($n each)"
done
say "load average at the end $(loadavg)"
