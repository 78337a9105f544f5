#!/usr/bin/env bash
# Proof that integrators can generate working C# clients from the committed contract: generates and builds
# an NSwag and a Kiota client (build.sh) and runs each smoke against the service at BASE_URL. Each smoke
# submits the reports clients/fixtures.mjs writes for its own township and expects that township to hold no
# other reports (a fresh database, as scripts/contract-check gives it). Needs Node.js for the fixtures.
#
#   BASE_URL=http://127.0.0.1:8080 TOKEN=$(scripts/mint-token --scope "reports:write reports:read" --region "*") clients/csharp-smoke/run.sh
#
# BUILT=1 skips build.sh when the caller has just run it (scripts/contract-check).
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
cd "$here"

: "${BASE_URL:?set BASE_URL to the running service, e.g. BASE_URL=http://127.0.0.1:8080}"
: "${TOKEN:?set TOKEN to a bearer token with reports:write and reports:read (scripts/mint-token)}"
export BASE_URL TOKEN

if [ "${BUILT:-0}" != 1 ]; then
  ./build.sh
fi

fixtures=$(mktemp -d)
failed=""
trap 'rm -rf "$fixtures"' EXIT
# client, township (新绛县, 140825), township name: one township per client, so each client's sums are its own.
while read -r client township name; do
  node ../fixtures.mjs "$fixtures/$client" "$township" "$name"
  FIXTURES_DIR="$fixtures/$client" TOWNSHIP="$township" dotnet bin/Release/net10.0/ReportService.ClientSmoke.dll "$client" || failed="$failed $client"
done <<'CLIENTS'
nswag 140825105 万安镇
kiota 140825106 阳王镇
CLIENTS
if [ -n "$failed" ]; then
  echo "smoke: failed:$failed" >&2
  exit 1
fi
