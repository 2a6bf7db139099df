#!/usr/bin/env bash
# Installs Prometheus from Debian's packages (bookworm: 2.42.0+ds-5+deb12u1), the
# `prometheus` binary the Prometheus sink's tests start themselves on loopback with a temp
# config and storage path. Idempotent and pinned to the bookworm version. Never starts or
# enables the system service: a policy-rc.d blocks the package's postinst meanwhile.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
PROMETHEUS_DEB_VERSION="2.42.0+ds-5+deb12u1"
if [ "$(dpkg-query -W -f='${Version}' prometheus 2>/dev/null)" = "$PROMETHEUS_DEB_VERSION" ] &&
  command -v prometheus >/dev/null 2>&1; then
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
echo "k6-fleet: apt-get install prometheus=$PROMETHEUS_DEB_VERSION" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  "prometheus=$PROMETHEUS_DEB_VERSION" >&2
command -v prometheus >/dev/null 2>&1 || { echo "k6-fleet: prometheus not on PATH after installing it" >&2; exit 1; }
