#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. the normal build (-Wall -Wextra -Werror) with every test: unit,
#      integration (real tshark), gui (wireshark-qt under Xvfb), captures
#      (the recorded corpus), perf (the synthetic generator);
#   2. the AddressSanitizer + UndefinedBehaviorSanitizer build with the unit,
#      integration and robustness tests, and the libFuzzer harnesses (fuzz:
#      60 s each, tests/fuzz/README.md);
#   3. package: the release archive's install.sh in a fresh HOME, and the
#      Debian package (lintian, dpkg -i, tshark -z help as a user without a
#      per-user install, dpkg -r), in the normal build;
#   4. compat: the same build, unit, integration and captures tests against
#      Wireshark 4.4 (Debian 13) and 4.6 (unstable) in cached debootstrap
#      chroots (packaging/compat/check.sh).
# Installs the Debian packages it needs first (as root). Tests run as many
# at once as there are cores; the GUI check runs alone.
#
# Usage: bash tests/run.sh [normal|sanitize|package|compat]...   (default: all four)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

bash "$top/packaging/deps.sh" build run test package compat

# Tests run as many at once as there are cores: each has its own HOME,
# namespaces and X display, and most of their time is one tshark process
# (the account they run it as is made once, under a lock:
# tests/lib/wireshark_user.py).
run_config() {
  local dir=$1 labels=$2; shift 2
  cmake -S "$top" -B "$dir" -DBUILD_TESTING=ON -DPKTAN_WERROR=ON "$@"
  cmake --build "$dir" --parallel "$jobs"
  (cd "$dir" && ctest --output-on-failure --timeout 900 --parallel "$jobs" ${labels:+-L "$labels"})
}

for config in "${@:-normal sanitize package compat}"; do
  for c in $config; do
    case "$c" in
      normal) run_config "$top/build" "unit|integration|gui|captures|perf" ;;
      sanitize) run_config "$top/build-sanitize" "unit|integration|robustness|fuzz" \
                  -DPKTAN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug ;;
      package) run_config "$top/build" "package" ;;
      compat) bash "$top/packaging/compat/check.sh" trixie sid ;;
      *) echo "tests/run.sh: unknown configuration '$c' (normal, sanitize, package or compat)" >&2; exit 2 ;;
    esac
  done
done
