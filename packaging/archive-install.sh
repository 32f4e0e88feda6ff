#!/usr/bin/env bash
# install.sh of a pktan release archive: copies the plugins in this archive
# into the per-user plugin folder of the Wireshark they were built for,
#   ~/.local/lib/wireshark/plugins/X.Y/epan/
# and the example policies into ~/.local/share/pktan/policies/.
#
# Usage: ./install.sh              install for the user running it
#        ./install.sh --uninstall  remove what install put there
#        ./install.sh --force      install even if the installed Wireshark's
#                                  X.Y differs (it will not load the plugin)
#
# A plugin loads only in the Wireshark X.Y it was built against, so this
# refuses when the installed Wireshark (tshark, else wireshark) is another
# X.Y. Wireshark run as root ignores per-user plugins: run this as the user
# who runs Wireshark.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
built_for=$(cat "$here/WIRESHARK_VERSION")     # X.Y, written when the archive was made
action=install force=0
for arg in "$@"; do
  case "$arg" in
    --uninstall) action=uninstall ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument '$arg' (--uninstall, --force)" >&2; exit 2 ;;
  esac
done
[ -n "${HOME:-}" ] || { echo "install.sh: HOME is not set" >&2; exit 2; }

plugin_dir=$HOME/.local/lib/wireshark/plugins/$built_for/epan
policy_dir=$HOME/.local/share/pktan/policies

if [ "$action" = uninstall ]; then
  for so in "$here"/plugins/*.so; do
    [ -e "$so" ] || continue
    rm -f "$plugin_dir/$(basename "$so")" && echo "removed $plugin_dir/$(basename "$so")"
  done
  if [ -d "$here/policies" ]; then
    for p in "$here"/policies/*; do
      [ -e "$p" ] && rm -f "$policy_dir/$(basename "$p")"
    done
    rmdir "$policy_dir" 2>/dev/null || true
  fi
  exit 0
fi

# The installed Wireshark's X.Y, from the first line of `tshark --version`
# ("TShark (Wireshark) 4.4.9 (...)") or `wireshark --version`.
installed=
for prog in tshark wireshark; do
  if command -v "$prog" >/dev/null 2>&1; then
    installed=$("$prog" --version 2>/dev/null | head -n 1 |
                sed -n 's/.*(Wireshark) \([0-9][0-9]*\.[0-9][0-9]*\)\..*/\1/p; s/^Wireshark \([0-9][0-9]*\.[0-9][0-9]*\)\..*/\1/p' |
                head -n 1) || true
    [ -n "$installed" ] && break
  fi
done
if [ -z "$installed" ]; then
  msg="install.sh: no Wireshark found (tshark or wireshark in PATH); this archive is for Wireshark $built_for"
  if [ $force -eq 0 ]; then echo "$msg" >&2; exit 1; fi
  echo "warning: ${msg#install.sh: }" >&2
elif [ "$installed" != "$built_for" ]; then
  msg="install.sh: this archive is for Wireshark $built_for, but the installed Wireshark is $installed: it would not load these plugins. Get the pktan archive for Wireshark $installed (or build from source)."
  if [ $force -eq 0 ]; then echo "$msg" >&2; exit 1; fi
  echo "warning: ${msg#install.sh: }" >&2
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "warning: installing for root; Wireshark and tshark run as root ignore per-user plugins." >&2
  echo "warning: install as the user who runs Wireshark, or use the Debian package for a system-wide install." >&2
fi

mkdir -p "$plugin_dir"
for so in "$here"/plugins/*.so; do
  install -m 0644 "$so" "$plugin_dir/"
  echo "installed $plugin_dir/$(basename "$so")"
done
if [ -d "$here/policies" ] && [ -n "$(ls -A "$here/policies")" ]; then
  mkdir -p "$policy_dir"
  cp -R "$here"/policies/. "$policy_dir/"
  echo "installed example policies in $policy_dir"
fi
echo "pktan is installed for Wireshark $built_for; check with: tshark -G plugins | grep pktan"
