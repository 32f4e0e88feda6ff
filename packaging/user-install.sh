#!/usr/bin/env bash
# Per-user install of pktan plugins: copies them into
# ~/.local/lib/wireshark/plugins/<X.Y>/epan/, the folder Wireshark X.Y scans
# for the user running it, or removes them from there.
#
# Usage: user-install.sh install   --xy X.Y PLUGIN.so...
#        user-install.sh uninstall --xy X.Y [PLUGIN-NAME.so...]   (default: pktan.so)
#
# Wireshark run as root loads no per-user plugins (it was started with
# special privileges), so a root install here is for root's HOME only and
# `sudo tshark` will not see it: use the system install (cmake --install).
set -euo pipefail

usage() { echo "usage: $0 install|uninstall --xy X.Y [PLUGIN...]" >&2; exit 2; }

[ $# -ge 1 ] || usage
action=$1; shift
xy=
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --xy) [ $# -ge 2 ] || usage; xy=$2; shift 2 ;;
    -*) usage ;;
    *) files+=("$1"); shift ;;
  esac
done
[[ "$xy" =~ ^[0-9]+\.[0-9]+$ ]] || { echo "$0: --xy needs the Wireshark version as X.Y (e.g. 4.0)" >&2; exit 2; }
[ -n "${HOME:-}" ] || { echo "$0: HOME is not set" >&2; exit 2; }

dir="$HOME/.local/lib/wireshark/plugins/$xy/epan"

if [ "$(id -u)" -eq 0 ]; then
  echo "warning: installing for root; Wireshark and tshark run as root ignore per-user plugins." >&2
  echo "warning: for sudo tshark use the system install: cmake --install build" >&2
fi

case "$action" in
  install)
    [ ${#files[@]} -gt 0 ] || usage
    mkdir -p "$dir"
    for f in "${files[@]}"; do
      install -m 0644 "$f" "$dir/"
      echo "installed $dir/$(basename "$f")"
    done
    ;;
  uninstall)
    [ ${#files[@]} -gt 0 ] || files=(pktan.so)
    for f in "${files[@]}"; do
      target="$dir/$(basename "$f")"
      if [ -e "$target" ]; then
        rm -f "$target"
        echo "removed $target"
      else
        echo "not installed: $target"
      fi
    done
    ;;
  *) usage ;;
esac
