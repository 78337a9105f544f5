#!/usr/bin/env bash
# Generates three TypeScript clients from the committed document openapi/report-service.v1.json into
# src/generated/ (git-ignored: regenerated on every run, the committed document is the one source) and
# compiles them with the smokes that use them, strictly (tsconfig.json; tsconfig.hey-api.json says the one
# option hey-api's runtime does not pass):
#   openapi-typescript (types) + openapi-fetch      -> src/smoke.ts
#   @hey-api/openapi-ts (types, SDK, fetch client)  -> src/hey-api-smoke.ts   (openapi-ts.config.mjs)
#   orval (fetch functions)                         -> src/orval-smoke.ts     (orval.config.cjs)
# Needs `npm ci` first (run.sh, scripts/contract-check).
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")"

rm -rf src/generated dist
node_modules/.bin/openapi-typescript ../../openapi/report-service.v1.json --output src/generated/report-service.ts
node_modules/.bin/openapi-ts --file openapi-ts.config.mjs --silent
node_modules/.bin/orval --config orval.config.cjs >/dev/null
node_modules/.bin/tsc -p tsconfig.json
node_modules/.bin/tsc -p tsconfig.hey-api.json
