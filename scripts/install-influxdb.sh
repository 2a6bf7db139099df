#!/usr/bin/env bash
# Installs InfluxDB 1.x from Debian's packages (the `influxd` binary the InfluxDB sink's
# tests start themselves, with a temp config). Idempotent. Never starts or enables the
# system service: the package's postinst may try, so a policy-rc.d blocks it meanwhile.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
if command -v influxd >/dev/null 2>&1; then
  exit 0
fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  # 101 = "action not allowed": invoke-rc.d then skips starting the daemon.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  added_policy=1
fi
cleanup() { if [ "$added_policy" = 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT
bash "$ROOT/scripts/apt-install.sh" influxdb
command -v influxd >/dev/null 2>&1 || { echo "k6-fleet: influxd not on PATH after installing influxdb" >&2; exit 1; }
