#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to pktan's reports:
# installs the Debian packages it needs, builds, installs the plugins for a
# user, and runs every pktan report on CAPTURE (default: a bundled capture).
#
# Usage: bash packaging/quickstart.sh [CAPTURE]
#
# Wireshark run as root ignores per-user plugins, so as root the plugins are
# installed for, and tshark is run as, $SUDO_USER when set, else the
# unprivileged account "pktan" (created on first use).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
capture=${1:-$top/captures/http-v4-d40-client.pcap}
[ -r "$capture" ] || { echo "quickstart: cannot read capture '$capture'" >&2; exit 2; }

bash "$top/packaging/deps.sh" build run
cmake -S "$top" -B "$top/build" -DBUILD_TESTING=OFF >/dev/null
cmake --build "$top/build" --parallel "$(nproc)" >/dev/null
plugin=$top/build/plugins/pktan/pktan.so
xy=$(sed -n 's/^#define PKTAN_WIRESHARK_XY "\(.*\)"/\1/p' "$top/build/common/pktan_version.h")

# as_user CMD...: runs CMD as the user whose per-user plugins we install.
if [ "$(id -u)" -eq 0 ]; then
  run_user=${SUDO_USER:-}
  if [ -z "$run_user" ] || [ "$run_user" = root ]; then
    run_user=pktan
    id "$run_user" >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/pktan \
      --shell /usr/sbin/nologin "$run_user"
  fi
  run_home=$(getent passwd "$run_user" | cut -d: -f6)
  as_user() { runuser -u "$run_user" -- env HOME="$run_home" "$@"; }
  # The user must be able to read the plugin, the script and the capture.
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  chmod 755 "$stage"
  cp "$plugin" "$top/packaging/user-install.sh" "$stage/"
  cp "$capture" "$stage/capture"
  chmod 644 "$stage"/*
  plugin=$stage/pktan.so installer=$stage/user-install.sh capture=$stage/capture
  echo "quickstart: running as root; installing for and running tshark as user '$run_user'"
else
  as_user() { "$@"; }
  installer=$top/packaging/user-install.sh
fi

as_user bash "$installer" install --xy "$xy" "$plugin"
as_user tshark -G plugins | grep -F pktan

# The main job: every pktan report on the capture. A report that is not
# written yet says so in one line; anything else that fails is an error.
status=0
for report in rtt conn unexpected dests; do
  if ! out=$(as_user tshark -r "$capture" -q -z "pktan,$report" 2>&1); then
    if [ "$out" = "pktan: pktan,$report: not implemented yet" ]; then
      echo "pktan,$report: not implemented yet"
      continue
    fi
    status=1
  fi
  printf '%s\n' "$out"
done
exit $status
