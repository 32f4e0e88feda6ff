#!/usr/bin/env bash
# Builds the Debian package of pktan for the Wireshark installed here:
#   OUTDIR/pktan-wireshark-X.Y_VERSION_ARCH.deb
# It installs the plugins into Wireshark X.Y's system plugin folder and
# depends on the libwireshark ABI package it was built against (e.g.
# libwireshark16 for 4.0), within X.Y.
#
# Usage: bash packaging/build-deb.sh [OUTDIR]     (default: build-deb/)
#    or: cmake --build build --target deb          (OUTDIR build/dist)
# Installs what it needs first (packaging/deps.sh build package: debhelper,
# dpkg-dev, lintian, the Wireshark development packages; needs root for that
# only).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/packaging/deps.sh" build package
out=${1:-$top/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(sed -n 's/^project(pktan VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
[ -n "$version" ] || { echo "build-deb.sh: no project version in CMakeLists.txt" >&2; exit 1; }

# The Wireshark this builds against: the libwireshark-dev package's version
# and the runtime package that owns the libwireshark.so.N it links to.
ws_version=$(dpkg-query -W -f='${Version}' libwireshark-dev 2>/dev/null) ||
  { echo "build-deb.sh: libwireshark-dev is not installed (packaging/deps.sh build)" >&2; exit 1; }
xy=$(echo "$ws_version" | sed -n 's/^\([0-9]*:\)\{0,1\}\([0-9]*\.[0-9]*\)\..*/\2/p')
major=${xy%.*} minor=${xy#*.}
next_xy=$major.$((minor + 1))
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
solib=$(readlink -f "/usr/lib/$multiarch/libwireshark.so")
abi_package=$(dpkg-query -S "$solib" | head -n 1 | cut -d: -f1)
[ -n "$abi_package" ] || { echo "build-deb.sh: no package owns $solib" >&2; exit 1; }
package=pktan-wireshark-$xy

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/pktan-$version
mkdir -p "$src"
# The source as it is in this tree, without build folders or VCS data.
tar -C "$top" --exclude=./.git --exclude='./build*' --exclude=__pycache__ -cf - . | tar -C "$src" -xf -
rm -rf "$src/debian"
cp -R "$top/packaging/debian" "$src/debian"
sed -e "s/@XY@/$xy/g" -e "s/@NEXT_XY@/$next_xy/g" -e "s/@PACKAGE@/$package/g" \
    -e "s/@ABI_PACKAGE@/$abi_package/g" "$src/debian/control.in" >"$src/debian/control"
rm "$src/debian/control.in"
maintainer=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
{
  echo "pktan ($version) unstable; urgency=medium"
  echo
  echo "  * pktan $version for Wireshark $xy ($abi_package $ws_version)."
  echo
  echo " -- $maintainer  $(date -R)"
} >"$src/debian/changelog"
echo README.md >"$src/debian/$package.docs"
if [ -d "$top/packaging/policies" ] && [ -n "$(ls -A "$top/packaging/policies")" ]; then
  echo "packaging/policies/*" >"$src/debian/$package.examples"
fi

echo "build-deb.sh: building $package $version against Wireshark $ws_version ($abi_package)"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -b -us -uc >"$work/build.log" 2>&1) || {
  tail -n 40 "$work/build.log" >&2
  echo "build-deb.sh: dpkg-buildpackage failed" >&2
  exit 1
}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=${package}_${version}_${arch}.deb
cp "$work/$deb" "$out/"
echo "$out/$deb"
