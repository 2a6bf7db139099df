#!/usr/bin/env bash
# Installs the pinned k6 (tools/k6/go.mod) into .tools/bin/k6. Idempotent.
# Primary: `go install` from the Go module proxy (go.sum verifies every module).
# Fallback for machines without Go: the release tarball, verified against the pinned SHA-256.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
K6_VERSION="v2.2.0"
want="k6 $K6_VERSION"
if [ -x "$TOOLS/bin/k6" ] && "$TOOLS/bin/k6" version 2>/dev/null | grep -q "^$want"; then
  exit 0
fi
if command -v go >/dev/null 2>&1; then
  echo "k6-fleet: building $want with go install (Go module proxy)" >&2
  # Installing from the pinning module (not `go install pkg@version`) skips the proxy's
  # deprecation lookup, which fails for k6's /v2 path, and uses our go.sum.
  (cd "$ROOT/tools/k6" && GOFLAGS=-mod=mod GOPROXY="${GOPROXY:-https://proxy.golang.org}" GOBIN="$TOOLS/bin" CGO_ENABLED=0 go install go.k6.io/k6/v2)
  mv -f "$TOOLS/bin/v2" "$TOOLS/bin/k6" 2>/dev/null || true
else
  bash "$ROOT/scripts/install-k6-release.sh" "$K6_VERSION" "$TOOLS/bin"
fi
"$TOOLS/bin/k6" version | grep -q "^$want" || { echo "k6-fleet: k6 install failed" >&2; exit 1; }
