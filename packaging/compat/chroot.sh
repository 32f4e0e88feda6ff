#!/usr/bin/env bash
# Debian chroots with another Wireshark release, for building and testing
# pktan against it (Debian 13 "trixie": Wireshark 4.4; unstable "sid": 4.6).
#
# Usage: chroot.sh ensure SUITE         build the chroot unless it is cached
#        chroot.sh run SUITE CMD...     run CMD inside it (as root, with /proc
#                                       and /dev mounted for the command only)
#        chroot.sh remove SUITE
#
# Chroots live in $PKTAN_CHROOT_CACHE (default /var/cache/pktan-chroots)/SUITE
# and are reused while their stamp matches the package list below; a missing
# or half-built chroot is built again. debootstrap uses its default mirror:
# no package host is named here. Needs root, debootstrap and network access
# for the first build only.
set -euo pipefail

cache=${PKTAN_CHROOT_CACHE:-/var/cache/pktan-chroots}
# What pktan needs to build (wireshark-dev has WiresharkConfig.cmake), to run
# (tshark) and to run its unit and integration tests (python3, useradd from
# passwd, runuser from util-linux).
packages=(libwireshark-dev wireshark-dev tshark cmake gcc make pkg-config
          libglib2.0-dev python3 passwd util-linux ca-certificates)
stamp_text="pktan chroot v1: ${packages[*]}"

die() { echo "chroot.sh: $*" >&2; exit 1; }
usage() { echo "usage: $0 ensure|run|remove SUITE [CMD...]" >&2; exit 2; }
# Tool output may quote the package host; keep it out of logs.
redact() { sed -E 's#[A-Za-z][A-Za-z0-9+.-]*://[^ ]*#<archive>#g'; }

[ $# -ge 2 ] || usage
action=$1 suite=$2; shift 2
[[ "$suite" =~ ^[a-z]+$ ]] || die "bad suite name '$suite'"
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
dir=$cache/$suite
stamp=$dir/.pktan-chroot-stamp

# in_chroot CMD...: runs CMD in the chroot with /proc and /dev mounted, unmounting them again whatever happens.
mounts_under() {  # mount points below $1, deepest first
  awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r
}
cleanup_mounts() {
  local d m
  for d in "$cache/$suite" "$cache/$suite.new"; do
    for m in $(mounts_under "$d"); do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
  done
}
trap cleanup_mounts EXIT
safe_rm() {  # removes a chroot tree, never through a mount
  cleanup_mounts
  [ -z "$(mounts_under "$1")" ] || die "$1 still has mounts; not removing it"
  rm -rf --one-file-system "$1"
}
mount_into() {
  local src=$1 dst=$dir$1
  mkdir -p "$dst"
  mountpoint -q "$dst" && return 0
  case "$src" in
    /proc) mount -t proc proc "$dst" ;;
    *) mount --bind "$src" "$dst" ;;
  esac
}
in_chroot() {
  mount_into /proc
  mount_into /dev
  local rc=0
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
      chroot "$dir" "$@" || rc=$?
  cleanup_mounts
  return $rc
}

build() {
  command -v debootstrap >/dev/null || die "debootstrap is missing (packaging/deps.sh compat)"
  local start=$SECONDS tmp=$dir.new
  echo "chroot.sh: building the $suite chroot in $dir (debootstrap, about 1 to 3 minutes)"
  safe_rm "$tmp"
  mkdir -p "$cache"
  local inc
  inc=$(IFS=,; echo "${packages[*]}")
  if ! debootstrap --variant=minbase --include="$inc" "$suite" "$tmp" >"$cache/$suite.log" 2>&1; then
    # sid's package set can be inconsistent for a moment: finish with apt.
    if [ -x "$tmp/usr/bin/apt-get" ]; then
      echo "chroot.sh: debootstrap of $suite did not finish; completing with apt-get"
    else
      redact <"$cache/$suite.log" | tail -20 >&2
      die "debootstrap of $suite failed (log: $cache/$suite.log)"
    fi
  fi
  redact <"$cache/$suite.log" >"$cache/$suite.log.tmp" && mv "$cache/$suite.log.tmp" "$cache/$suite.log"
  dir=$tmp
  # Stale Release files (sid) are accepted; apt-get -f completes anything
  # debootstrap left unconfigured, then the package list is made sure of.
  local apt=(apt-get -y -o Acquire::Check-Valid-Until=false -o Dpkg::Use-Pty=0)
  { in_chroot "${apt[@]}" update &&
    in_chroot "${apt[@]}" -f install &&
    in_chroot "${apt[@]}" --no-install-recommends install "${packages[@]}" &&
    in_chroot apt-get clean; } 2>&1 | redact >>"$cache/$suite.log" ||
    { tail -n 20 "$cache/$suite.log" >&2; die "apt-get in the $suite chroot failed (log: $cache/$suite.log)"; }
  in_chroot tshark --version 2>/dev/null | head -n 1
  dir=$cache/$suite
  echo "$stamp_text" >"$tmp/.pktan-chroot-stamp"
  [ ! -e "$dir" ] || safe_rm "$dir"
  mv "$tmp" "$dir"
  echo "chroot.sh: $suite chroot ready in $((SECONDS - start)) s"
}

ensure() {
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ] && [ -x "$dir/usr/bin/tshark" ]; then
    return 0
  fi
  build
}

case "$action" in
  ensure) ensure ;;
  run) [ $# -ge 1 ] || usage; ensure; in_chroot "$@" ;;
  remove) safe_rm "$dir"; safe_rm "$dir.new" ;;
  *) usage ;;
esac
