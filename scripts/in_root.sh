#!/usr/bin/env bash
# Run a command inside a Debian root (chroot) with /proc, /sys, /dev and /dev/pts mounted; the mounts are
# always undone on exit, also on failure or interrupt, so `rm -rf` of the root never reaches the host's /dev.
# Usage: scripts/in_root.sh ROOT COMMAND [ARG...]
set -euo pipefail
root=$(realpath "$1"); shift
[ -x "$root/bin/sh" ] || { echo "in_root.sh: $root is not a Debian root" >&2; exit 2; }

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mnt() {  # mnt TARGET MOUNT-ARGS...: mount unless a killed earlier run left it mounted; unmount it on exit either way
  local target=$root/$1; shift
  mountpoint -q "$target" || mount "$@" "$target"
  mounted+=("$target")
}
mnt proc -t proc proc
mnt sys -t sysfs sysfs
mnt dev --bind /dev
mnt dev/pts --bind /dev/pts
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

env -i HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
