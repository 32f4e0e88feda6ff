#!/usr/bin/env bash
# Compatibility check: builds pktan against the Wireshark of other Debian
# releases and runs its tests there, with that release's real tshark.
#   trixie (Debian 13): Wireshark 4.4     sid (unstable): Wireshark 4.6
# For each suite: the cached chroot (packaging/compat/chroot.sh; built on
# first use), the source copied in, a -Werror build, ctest with LABELS as
# the unprivileged test account, the release archive made there and installed
# by its install.sh in a fresh HOME, `tshark -G plugins`. The archives are
# copied to OUTDIR.
#
# Usage: bash packaging/compat/check.sh [SUITE...]    (default: trixie sid)
# Env:   PKTAN_COMPAT_LABELS (default unit|integration|captures),
#        PKTAN_COMPAT_OUT (default build-compat/), PKTAN_CHROOT_CACHE.
# Needs root and debootstrap (packaging/deps.sh compat).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/packaging/compat
cache=${PKTAN_CHROOT_CACHE:-/var/cache/pktan-chroots}
labels=${PKTAN_COMPAT_LABELS:-unit|integration|captures}
out=${PKTAN_COMPAT_OUT:-$top/build-compat}
mkdir -p "$out"

status=0
summary=()
for suite in "${@:-trixie sid}"; do
  for s in $suite; do
    start=$SECONDS
    # One check per chroot at a time (another tree's CI may share the cache).
    mkdir -p "$cache"
    exec {lock}>"$cache/$s.lock"
    flock "$lock"
    echo "=== compat $s: chroot"
    bash "$here/chroot.sh" ensure "$s"
    root=$cache/$s
    # The source as it is in this tree (uncommitted changes included),
    # mtimes kept so that the cached build folder rebuilds only what changed.
    rm -rf --one-file-system "$root/root/pktan-src"
    mkdir -p "$root/root/pktan-src"
    tar -C "$top" --exclude=./.git --exclude='./build*' --exclude=__pycache__ -cf - . |
      tar -C "$root/root/pktan-src" -xf -
    echo "=== compat $s: build and tests (labels $labels)"
    if bash "$here/chroot.sh" run "$s" bash /root/pktan-src/packaging/compat/inside.sh "$labels"; then
      mkdir -p "$out/$s"
      cp "$root"/root/pktan-dist/*.tar.gz "$out/$s/"
      result=passed
    else
      result=FAILED
      status=1
    fi
    exec {lock}>&-
    summary+=("compat $s: $result in $((SECONDS - start)) s")
    echo "=== ${summary[-1]}"
  done
done
printf '%s\n' "${summary[@]}"
exit $status
