#!/usr/bin/env bash
# Extraction benchmarks (issue 15, Performance): one report from text, HTML and PDF (BenchmarkDotNet,
# ExtractionBenchmarks; the text of seed 004 is the baseline), then scripts/extract over 1,000 generated texts
# with 2 workers, against 1 worker measured in the same run. Holds /tmp/rs-bench.lock (the machine is shared) and
# prints the load before and after. Figures go to docs/benchmarks.md by hand.
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build bench/ReportService.Benchmarks -c Release -v quiet -nologo
dotnet build src/ReportService.Extract -c Release -v quiet -nologo
bench=bench/ReportService.Benchmarks/bin/Release/net10.0/ReportService.Benchmarks.dll
extract=src/ReportService.Extract/bin/Release/net10.0/ReportService.Extract.dll
dotnet "$bench" write-texts "$work/texts" 1000

exec 9>/tmp/rs-bench.lock
flock 9
echo "load before: $(uptime)"
# BenchmarkDotNet builds its own host from the project, so it runs through dotnet run (as Program.cs says).
dotnet run -c Release --no-build --project bench/ReportService.Benchmarks -- --filter '*ExtractionBenchmarks*' --artifacts "$work/bdn" \
  | grep -E '^\||^// pages'
# The command's fixed cost (start-up, the division reference), on an empty folder.
mkdir -p "$work/empty"
start=$(date +%s.%N)
dotnet "$extract" "$work/empty" --out /dev/null --summary /dev/null
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "bulk, empty folder (start-up): %.2f s\n", e - s }'
for workers in 1 2 1 2; do
  start=$(date +%s.%N)
  dotnet "$extract" "$work/texts" --parallel "$workers" --out "$work/out.ndjson" --summary "$work/summary.txt" || true
  end=$(date +%s.%N)
  lines=$(wc -l <"$work/out.ndjson")
  awk -v s="$start" -v e="$end" -v w="$workers" -v n="$lines" \
    'BEGIN { printf "bulk, %d worker(s): 1000 texts, %d lines, %.2f s, %.0f reports/s\n", w, n, e - s, 1000 / (e - s) }'
done
tail -1 "$work/summary.txt"
echo "load after: $(uptime)"
