#!/usr/bin/env bash
# Release archive of a configured and built pktan build folder:
#   OUTDIR/pktan-VERSION-wireshark-X.Y-linux-ARCH.tar.gz
# holding plugins/*.so (every plugin `cmake --install` puts in Wireshark's
# epan plugin folder), policies/ (packaging/policies/*, when present),
# README.md, install.sh (packaging/archive-install.sh) and WIRESHARK_VERSION.
#
# Usage: release.sh BUILD_DIR [OUTDIR]      (OUTDIR default: BUILD_DIR/dist)
# or:    cmake --build build --target release-archive
# BUILD_DIR must be built (cmake --build); the target builds the plugins.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [OUTDIR]" >&2; exit 2; }
build=$(cd "$1" && pwd)
out=${2:-$build/dist}
header=$build/common/pktan_version.h
[ -f "$header" ] || { echo "release.sh: $build is not a configured pktan build folder" >&2; exit 2; }
version=$(sed -n 's/^#define PKTAN_VERSION "\(.*\)"/\1/p' "$header")
xy=$(sed -n 's/^#define PKTAN_WIRESHARK_XY "\(.*\)"/\1/p' "$header")
arch=$(uname -m)
name=pktan-$version-wireshark-$xy-linux-$arch

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# What a system install would put in Wireshark's plugin folders, staged.
DESTDIR=$work/destdir cmake --install "$build" >/dev/null
mkdir -p "$work/$name/plugins"
mapfile -t plugins < <(find "$work/destdir" -path "*/plugins/$xy/epan/*.so" -type f | sort)
[ ${#plugins[@]} -gt 0 ] || { echo "release.sh: the install put no plugin in plugins/$xy/epan" >&2; exit 1; }
install -m 0644 "${plugins[@]}" "$work/$name/plugins/"
if [ -d "$top/packaging/policies" ] && [ -n "$(ls -A "$top/packaging/policies")" ]; then
  mkdir -p "$work/$name/policies"
  cp -R "$top"/packaging/policies/. "$work/$name/policies/"
fi
install -m 0644 "$top/README.md" "$work/$name/README.md"
install -m 0755 "$top/packaging/archive-install.sh" "$work/$name/install.sh"
echo "$xy" >"$work/$name/WIRESHARK_VERSION"
chmod -R u+rwX,go+rX,go-w "$work/$name"

mkdir -p "$out"
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
