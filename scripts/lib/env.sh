# Sourced by every k6-fleet script: puts a Node >= 22.12 and the project's tools on PATH.
# Idempotent: uses the system Node when new enough, else a pinned Node 22 from the npm
# registry (node-linux-<arch> ships the binary) in .tools/node.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_PIN="22.23.3"
mkdir -p "$TOOLS/bin"
export PATH="$TOOLS/bin:$TOOLS/node/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"
export K6_FLEET_K6="${K6_FLEET_K6:-$TOOLS/bin/k6}"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

ensure_node() {
  if node_ok; then return 0; fi
  local arch
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) echo "k6-fleet: unsupported CPU $(uname -m) for the bundled Node" >&2; return 1 ;;
  esac
  if [ ! -x "$TOOLS/node/node_modules/node-linux-$arch/bin/node" ]; then
    echo "k6-fleet: system Node is $(node --version 2>/dev/null || echo missing); installing Node $NODE_PIN into .tools/node" >&2
    npm install --prefix "$TOOLS/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$NODE_PIN" >&2
  fi
  ln -sf "$TOOLS/node/node_modules/node-linux-$arch/bin/node" "$TOOLS/bin/node"
  hash -r
  node_ok || { echo "k6-fleet: could not get Node >= 22.12" >&2; return 1; }
}

ensure_deps() {
  ensure_node
  # Reinstall only when the lock file changed since the last install.
  local stamp="$ROOT/node_modules/.k6-fleet-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/package-lock.json" "$stamp"; then
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/package-lock.json" "$stamp"
  fi
}
