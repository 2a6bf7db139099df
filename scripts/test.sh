#!/usr/bin/env bash
# The test command: installs everything the suite needs (Node 22, npm deps, pinned k6,
# moto, InfluxDB, Prometheus, Chromium), then type-checks, lints and runs the whole vitest suite.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
ensure_deps
bash "$ROOT/scripts/install-k6.sh"
bash "$ROOT/scripts/install-moto.sh"
bash "$ROOT/scripts/install-influxdb.sh"
bash "$ROOT/scripts/install-prometheus.sh"
bash "$ROOT/scripts/install-chromium.sh"
cd "$ROOT"
echo "== typecheck" && npx tsc --noEmit -p tsconfig.json
echo "== lint" && npx biome check .
echo "== tests" && npx vitest run "$@"
