#!/usr/bin/env bash
# Builds k6-fleet's k6 — the pinned k6 (tools/k6/go.mod + go.sum) with the fleet output
# (tools/k6/fleetoutput) compiled in — for linux/<goarch> into OUT. Idempotent: OUT is
# rebuilt only when tools/k6's sources, the architecture or the Go version changed (a stamp
# next to it records them). `go build` of the tools/k6 main package is what xk6 would do.
# Usage: scripts/build-k6.sh GOARCH OUT     (GOARCH amd64 or arm64)
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
GOARCH_WANT="${1:?GOARCH (amd64 or arm64)}"
OUT="${2:?output path}"
case "$GOARCH_WANT" in amd64 | arm64) ;; *) echo "k6-fleet: unknown GOARCH '$GOARCH_WANT' (use amd64 or arm64)" >&2; exit 2 ;; esac
if ! command -v go >/dev/null 2>&1; then
  echo "k6-fleet: Go is needed to build k6 with the fleet output (install Go >= 1.25)" >&2
  exit 1
fi
stamp_of() {
  # Sources that end up in the binary (tests excluded), the target and the toolchain.
  (cd "$ROOT/tools/k6" && find . -name '*.go' ! -name '*_test.go' -o -name go.mod -o -name go.sum | LC_ALL=C sort | xargs sha256sum) |
    sha256sum | cut -d' ' -f1 | sed "s|\$| linux/$GOARCH_WANT $(go env GOVERSION)|"
}
want="$(stamp_of)"
if [ -x "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "k6-fleet: building k6 + fleet output for linux/$GOARCH_WANT into $OUT (a few minutes the first time)" >&2
mkdir -p "$(dirname "$OUT")"
tmp="$OUT.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(cd "$ROOT/tools/k6" && GOFLAGS="${GOFLAGS:-} -mod=mod" GOPROXY="${GOPROXY:-https://proxy.golang.org}" \
  GOOS=linux GOARCH="$GOARCH_WANT" CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$tmp" .)
mv -f "$tmp" "$OUT"
echo "$want" >"$OUT.stamp"
