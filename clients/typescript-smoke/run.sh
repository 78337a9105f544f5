#!/usr/bin/env bash
# Proof that integrators can generate a working client from the committed contract: installs the pinned
# tools (npm ci), generates TypeScript types from openapi/report-service.v1.json with openapi-typescript
# into src/generated/ (git-ignored: regenerated on every run from the one committed document), type-checks
# strictly, builds, and runs src/smoke.ts with openapi-fetch against the service at BASE_URL.
#
#   BASE_URL=http://127.0.0.1:8080 TOKEN=$(scripts/mint-token --scope "reports:write reports:read" --region "*") clients/typescript-smoke/run.sh
#
# NPM_CI=0 skips `npm ci` when the caller has just run it (scripts/contract-check). Exits non-zero on any
# failing step, type error or unexpected answer.
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
cd "$here"

: "${BASE_URL:?set BASE_URL to the running service, e.g. BASE_URL=http://127.0.0.1:8080}"
export BASE_URL
: "${TOKEN:?set TOKEN to a bearer token with reports:write and reports:read (scripts/mint-token)}"
export TOKEN

if [ "${NPM_CI:-1}" != 0 ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

rm -rf src/generated dist
node_modules/.bin/openapi-typescript ../../openapi/report-service.v1.json --output src/generated/report-service.ts
node_modules/.bin/tsc --noEmit
node_modules/.bin/tsc
node dist/smoke.js
