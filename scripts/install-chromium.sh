#!/usr/bin/env bash
# Installs Debian's chromium (/usr/bin/chromium) for the report's browser test. Idempotent.
# Only the distribution package: playwright-core drives it, it never downloads a browser.
set -euo pipefail
HERE="$(dirname "${BASH_SOURCE[0]}")"
if [ -x /usr/bin/chromium ]; then exit 0; fi
bash "$HERE/apt-install.sh" chromium
/usr/bin/chromium --version >&2 || { echo "k6-fleet: chromium install failed" >&2; exit 1; }
