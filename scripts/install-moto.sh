#!/usr/bin/env bash
# Installs the pinned moto server (local AWS API emulator) into .tools/venv. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
MOTO_PIN="5.2.5"
if [ -x "$TOOLS/venv/bin/moto_server" ] && "$TOOLS/venv/bin/python" -c "import moto,sys;sys.exit(0 if moto.__version__=='$MOTO_PIN' else 1)" 2>/dev/null; then
  exit 0
fi
echo "k6-fleet: installing moto[server]==$MOTO_PIN into .tools/venv" >&2
python3 -m venv "$TOOLS/venv"
"$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_PIN" >&2
ln -sf "$TOOLS/venv/bin/moto_server" "$TOOLS/bin/moto_server"
