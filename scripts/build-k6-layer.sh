#!/usr/bin/env bash
# Builds the Lambda layer that holds k6-fleet's k6 (pinned k6 + fleet output) for linux/<arch>:
#   .tools/layers/k6-<arch>/bin/k6   (Lambda mounts layers at /opt, so k6 is /opt/bin/k6)
# Usage: scripts/build-k6-layer.sh [arm64|x86_64]   (default arm64). Idempotent.
# One build per architecture: when the machine's own k6 (.tools/bin/k6, scripts/install-k6.sh)
# is the same build for the same architecture, the layer gets a copy of it.
# Works offline once the Go module cache holds k6's modules (scripts/install-k6.sh fills it).
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
ARCH="${1:-arm64}"
case "$ARCH" in
  arm64) GOARCH=arm64 ;;
  x86_64) GOARCH=amd64 ;;
  *) echo "k6-fleet: unknown Lambda architecture '$ARCH' (use arm64 or x86_64)" >&2; exit 2 ;;
esac
OUT="$TOOLS/layers/k6-$ARCH/bin/k6"
if ! command -v go >/dev/null 2>&1; then
  [ -x "$OUT" ] && exit 0
  echo "k6-fleet: Go is needed to build the k6 layer for linux/$GOARCH (install Go >= 1.25, then rerun $0 $ARCH)" >&2
  exit 1
fi
host="$TOOLS/bin/k6"
if [ -x "$host" ] && [ -f "$host.stamp" ] && grep -q " linux/$GOARCH " "$host.stamp" && [ "$(cat "$OUT.stamp" 2>/dev/null)" != "$(cat "$host.stamp")" ]; then
  # build-k6.sh below then sees an up-to-date stamp, unless tools/k6 changed since.
  mkdir -p "$(dirname "$OUT")"
  cp -f "$host" "$OUT.tmp.$$" && mv -f "$OUT.tmp.$$" "$OUT" && cp -f "$host.stamp" "$OUT.stamp"
fi
bash "$ROOT/scripts/build-k6.sh" "$GOARCH" "$OUT"
echo "k6-fleet: k6 layer ready: $OUT" >&2
