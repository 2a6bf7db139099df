#!/usr/bin/env bash
# Installs the pinned Apache Otava (change-point detection, PyPI) into .tools/venv for the
# history bench (bench/change-points.ts runs it beside ours). Needs Python >= 3.10. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
OTAVA_PIN="0.8.0"
if ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "k6-fleet: apache-otava $OTAVA_PIN needs Python >= 3.10 (found $(python3 --version 2>&1))" >&2
  exit 1
fi
if "$TOOLS/venv/bin/python" -c "import importlib.metadata as m,sys;sys.exit(0 if m.version('apache-otava')=='$OTAVA_PIN' else 1)" 2>/dev/null; then
  exit 0
fi
echo "k6-fleet: installing apache-otava==$OTAVA_PIN into .tools/venv" >&2
[ -x "$TOOLS/venv/bin/python" ] || python3 -m venv "$TOOLS/venv"
"$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "apache-otava==$OTAVA_PIN" >&2
