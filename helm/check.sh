#!/usr/bin/env bash
# Static checks of the Helm chart helm/report-service that need no helm binary (and no cluster): YAML
# well-formedness, values.yaml against values.schema.json, .Values paths used by the templates, template
# structure. See helm/tools/check-chart.mjs for the full list and what it cannot check.
#   helm/check.sh [CHART_DIR]      exit 0: all checks passed; 1: problems (listed)
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
command -v node >/dev/null 2>&1 || { echo "check.sh: node (>= 18) is required" >&2; exit 2; }
if [[ ! -d $here/tools/node_modules ]]; then
  echo "check.sh: installing the checker's packages (npm ci in helm/tools)" >&2
  (cd -- "$here/tools" && npm ci --silent --no-audit --no-fund)
fi
exec node "$here/tools/check-chart.mjs" "$@"
