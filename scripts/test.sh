#!/usr/bin/env bash
# The test command: installs everything the suite needs (Node 22, npm deps, pinned k6,
# moto, InfluxDB, Prometheus, Chromium), then type-checks, lints, runs the Go tests of the k6
# fleet output and the whole vitest suite.
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
# The k6 fleet output's own tests (Go); k6's modules are in the module cache after install-k6.sh.
if command -v go >/dev/null 2>&1; then
  echo "== go test (tools/k6)" && (cd tools/k6 && GOFLAGS="${GOFLAGS:-} -mod=mod" go vet ./... && GOFLAGS="${GOFLAGS:-} -mod=mod" go test ./...)
fi
echo "== tests" && npx vitest run "$@"
