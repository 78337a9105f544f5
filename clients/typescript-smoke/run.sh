#!/usr/bin/env bash
# Proof that integrators can generate working TypeScript clients from the committed contract: installs the
# pinned tools (npm ci), generates and compiles three clients (build.sh), and runs each smoke against the
# service at BASE_URL. Each smoke submits the reports clients/fixtures.mjs writes for its own township and
# expects that township to hold no other reports (a fresh database, as scripts/contract-check gives it).
#
#   BASE_URL=http://127.0.0.1:8080 TOKEN=$(scripts/mint-token --scope "reports:write reports:read" --region "*") \
#     REVIEW_TOKEN=$(scripts/mint-token --scope "reports:review" --region "*") clients/typescript-smoke/run.sh
#
# NPM_CI=0 skips `npm ci` and BUILT=1 skips build.sh when the caller has just done them (scripts/contract-check).
# DIRECT_URL, when BASE_URL is a validating proxy, is the service itself for the anonymous requests.
# Exits non-zero on any failing step, type error or unexpected answer.
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
cd "$here"

: "${BASE_URL:?set BASE_URL to the running service, e.g. BASE_URL=http://127.0.0.1:8080}"
: "${TOKEN:?set TOKEN to a bearer token with reports:write and reports:read (scripts/mint-token)}"
: "${REVIEW_TOKEN:?set REVIEW_TOKEN to a bearer token with reports:review (scripts/mint-token)}"
export BASE_URL TOKEN REVIEW_TOKEN

if [ "${NPM_CI:-1}" != 0 ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ "${BUILT:-0}" != 1 ]; then
  ./build.sh
fi

fixtures=$(mktemp -d)
failed=""
trap 'rm -rf "$fixtures"' EXIT
# smoke, township (新绛县, 140825), township name: one township per client, so each client's sums are its own.
while read -r smoke township name; do
  node ../fixtures.mjs "$fixtures/$smoke" "$township" "$name"
  FIXTURES_DIR="$fixtures/$smoke" TOWNSHIP="$township" node "dist/$smoke.js" || failed="$failed $smoke"
done <<'SMOKES'
smoke 140825102 泽掌镇
hey-api-smoke 140825103 北张镇
orval-smoke 140825104 古交镇
SMOKES
if [ -n "$failed" ]; then
  echo "smoke: failed:$failed" >&2
  exit 1
fi
