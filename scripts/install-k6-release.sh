#!/usr/bin/env bash
# Fallback for machines without Go: k6's release tarball, verified against a pinned
# SHA-256 before anything is unpacked. Usage: install-k6-release.sh VERSION BIN_DIR
set -euo pipefail
version="${1:?version, e.g. v2.2.0}"
bin_dir="${2:?target folder}"
base="${K6_RELEASE_BASE_URL:-https://github.com/grafana/k6/releases/download}"
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "k6-fleet: no k6 release for $(uname -m); install Go and rerun" >&2; exit 1 ;;
esac
# Pinned checksums of the official release assets (k6-<version>-checksums.txt).
declare -A SHA256=(
  [v2.2.0-amd64]=b5a8003c86f35f5cd5ceef1490312c48e587696c94d998cefc6d7b3b4cb1597d
)
want="${SHA256[$version-$arch]:-}"
[ -n "$want" ] || { echo "k6-fleet: no pinned checksum for k6 $version linux-$arch; install Go (the primary path) and rerun" >&2; exit 1; }
asset="k6-$version-linux-$arch.tar.gz"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "k6-fleet: downloading $asset (no Go on this machine)" >&2
curl -fsSL --retry 3 -o "$tmp/$asset" "$base/$version/$asset"
got=$(sha256sum "$tmp/$asset" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "k6-fleet: checksum mismatch for $asset: got $got, want $want — not installed" >&2
  exit 1
fi
tar -xzf "$tmp/$asset" -C "$tmp"
mkdir -p "$bin_dir"
install -m 0755 "$tmp/k6-$version-linux-$arch/k6" "$bin_dir/k6"
