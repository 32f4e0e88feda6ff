#!/usr/bin/env bash
# Runs inside a compat chroot (packaging/compat/check.sh copies the source to
# /root/pktan-src): builds pktan against that release's Wireshark with
# warnings as errors, runs the unit and integration tests (and the recorded
# captures) with its tshark as the unprivileged test account, makes the
# release archive and installs it with its install.sh in a fresh HOME.
# Usage: inside.sh LABELS
set -euo pipefail

labels=${1:-unit|integration|captures}
src=/root/pktan-src
build=/root/pktan-build
dist=/root/pktan-dist
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))

echo "== $(tshark --version 2>/dev/null | head -n 1), $(gcc --version | head -n 1), $(cmake --version | head -n 1)"
cmake -S "$src" -B "$build" -DBUILD_TESTING=ON -DPKTAN_WERROR=ON >/dev/null
cmake --build "$build" --parallel "$jobs" -- --no-print-directory |
  { grep -Ev '^\[ *[0-9]+%\] (Building|Linking|Built target)' || true; }
(cd "$build" && ctest --output-on-failure --timeout 900 --parallel "$jobs" -L "$labels")

# The release archive, installed by its own install.sh for the test
# account in a fresh HOME, then -G plugins as that account (made by the
# tests' own helper, which the labels' tests may not have run).
account=$(python3 "$src/tests/lib/wireshark_user.py")
rm -rf "$dist"
archive=$(bash "$src/packaging/release.sh" "$build" "$dist")
echo "== release archive: $(basename "$archive")"
home=$(mktemp -d)
chmod 755 "$home"
tar -C "$home" -xzf "$archive"
chown -R "$account" "$home"
as_user() { runuser -u "$account" -- env -i HOME="$home" PATH=/usr/bin:/bin LC_ALL=C.UTF-8 "$@"; }
as_user bash "$home"/pktan-*/install.sh
echo "== tshark -G plugins (as $account, installed by the archive's install.sh):"
as_user tshark -G plugins | grep -F pktan
rm -rf "$home"
