#!/usr/bin/env bash
# Builds the Lambda layer that holds the pinned k6 (tools/k6/go.mod) for linux/<arch>:
#   .tools/layers/k6-<arch>/bin/k6   (Lambda mounts layers at /opt, so k6 is /opt/bin/k6)
# Usage: scripts/build-k6-layer.sh [arm64|x86_64]   (default arm64). Idempotent.
#
# Cross-compiles with `go build -o` from the pinning module: `go install` refuses to
# cross-compile when GOBIN is set, and the module's go.sum verifies every dependency.
# Works offline once the Go module cache holds k6's modules (scripts/install-k6.sh fills it).
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
K6_VERSION="v2.2.0"
ARCH="${1:-arm64}"
case "$ARCH" in
  arm64) GOARCH=arm64 ;;
  x86_64) GOARCH=amd64 ;;
  *) echo "k6-fleet: unknown Lambda architecture '$ARCH' (use arm64 or x86_64)" >&2; exit 2 ;;
esac
OUT="$TOOLS/layers/k6-$ARCH"
STAMP="$OUT/.k6-version"
if [ -x "$OUT/bin/k6" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$K6_VERSION linux/$GOARCH" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "k6-fleet: Go is needed to build the k6 layer for linux/$GOARCH (install Go >= 1.25, then rerun $0 $ARCH)" >&2
  exit 1
fi
echo "k6-fleet: building k6 $K6_VERSION for linux/$GOARCH into $OUT (a few minutes the first time)" >&2
mkdir -p "$OUT/bin"
tmp="$OUT/bin/k6.tmp.$$"
(cd "$ROOT/tools/k6" && GOFLAGS="${GOFLAGS:-} -mod=mod" GOPROXY="${GOPROXY:-https://proxy.golang.org}" \
  GOOS=linux GOARCH="$GOARCH" CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$tmp" go.k6.io/k6/v2)
mv -f "$tmp" "$OUT/bin/k6"
echo "$K6_VERSION linux/$GOARCH" >"$STAMP"
echo "k6-fleet: k6 layer ready: $OUT/bin/k6" >&2
