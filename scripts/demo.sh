#!/usr/bin/env bash
# The main job, on a fresh machine: installs Node 22 (if needed), npm deps and the pinned
# k6, starts the bundled target on 127.0.0.1, and runs examples/checkout.js as a local
# fleet of 3 weighted regions × 2 runners. Extra arguments go to `k6-fleet run`.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
ensure_deps
bash "$ROOT/scripts/install-k6.sh"
cd "$ROOT"

out=$(mktemp)
# The demo target has a 4-connection database pool that the ramp saturates for a while.
node --import tsx bin/k6-fleet-target.ts --port 0 --profile examples/demo-target.json >"$out" 2>/dev/null &
target_pid=$!
trap 'kill "$target_pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$out" | head -n1)
[ -n "$url" ] || { echo "k6-fleet: the target server did not start" >&2; exit 1; }
echo "k6-fleet: target listening on $url" >&2

set +e
node bin/k6-fleet.mjs run examples/checkout.js \
  --region us-east-1=50 --region eu-west-1=30 --region ap-southeast-2=20 \
  --runners-per-region 2 -e "TARGET=$url" --server-metrics "$url/metrics" --interval 1 --out-dir .k6-fleet "$@"
code=$?
exit $code
