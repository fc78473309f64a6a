#!/usr/bin/env bash
# Installs the Debian packages the kernel tests (tests/kernel/) need: the Linux 6.1 source
# tarball, the tools a kernel build requires and the headers tree for external modules.
# Idempotent and quiet: packages already installed are left alone.
set -euo pipefail
pkgs=(linux-source-6.1 flex bison bc libelf-dev libssl-dev kmod cpio linux-headers-amd64
      gcc make xz-utils strace python3)  # strace, python3: the memo step of fullkernel.sh
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
