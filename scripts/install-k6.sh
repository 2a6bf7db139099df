#!/usr/bin/env bash
# Installs k6-fleet's k6 into .tools/bin/k6. Idempotent.
# Primary: the pinned k6 v2.2.0 with the fleet output compiled in, built from the Go module
# proxy (scripts/build-k6.sh; go.sum verifies every module) for this machine's architecture.
# Fallback for machines without Go: the release tarball, verified against the pinned SHA-256.
# It cannot carry the fleet output, so runners on it send metrics over OpenTelemetry (slower).
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
K6_VERSION="v2.2.0"
want="k6 $K6_VERSION"
if command -v go >/dev/null 2>&1; then
  case "$(uname -m)" in
    x86_64 | amd64) goarch=amd64 ;;
    aarch64 | arm64) goarch=arm64 ;;
    *) echo "k6-fleet: no k6 build for $(uname -m)" >&2; exit 1 ;;
  esac
  bash "$ROOT/scripts/build-k6.sh" "$goarch" "$TOOLS/bin/k6"
elif [ -x "$TOOLS/bin/k6" ] && "$TOOLS/bin/k6" version 2>/dev/null | grep -q "^$want"; then
  exit 0
else
  bash "$ROOT/scripts/install-k6-release.sh" "$K6_VERSION" "$TOOLS/bin"
fi
"$TOOLS/bin/k6" version | grep -q "^$want" || { echo "k6-fleet: k6 install failed" >&2; exit 1; }
