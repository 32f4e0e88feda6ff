#!/usr/bin/env bash
# Installs the Debian packages pktan needs to build, run and test, skipping
# those already installed. Non-interactive and idempotent; needs root to
# install anything. Usage: deps.sh [build|run|test|package|compat]...
# (default: build run test; package: the Debian package and lintian;
# compat: the chroots of other Debian releases, packaging/compat/)
set -euo pipefail

build_pkgs=(cmake gcc make pkg-config libglib2.0-dev wireshark-dev libwireshark-dev)
run_pkgs=(tshark)
test_pkgs=(python3 wireshark-qt xvfb xdotool xclip imagemagick x11-utils util-linux passwd time
           clang libclang-rt-dev  # libFuzzer (tests/fuzz)
           iproute2  # network namespaces (tests/integration/test_live.py)
           valgrind)  # instruction counts (tests/perf/bench.py --instructions)
package_pkgs=(dpkg-dev debhelper lintian)
compat_pkgs=(debootstrap)

want=()
for group in "${@:-build run test}"; do
  for g in $group; do
    case "$g" in
      build) want+=("${build_pkgs[@]}") ;;
      run) want+=("${run_pkgs[@]}") ;;
      test) want+=("${test_pkgs[@]}") ;;
      package) want+=("${package_pkgs[@]}") ;;
      compat) want+=("${compat_pkgs[@]}") ;;
      *) echo "deps.sh: unknown group '$g' (expected build, run, test, package or compat)" >&2; exit 2 ;;
    esac
  done
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
