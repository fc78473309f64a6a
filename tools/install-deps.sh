#!/usr/bin/env bash
# Installs every Debian package kbmake needs to build, test and run its sample tree.
# Idempotent: packages already present are not reinstalled.
set -euo pipefail
pkgs=(g++ clang libclang-rt-14-dev cmake ninja-build make pkg-config  # clang-rt: fuzz/ (libFuzzer)
      libabsl-dev libre2-dev libgtest-dev libgmock-dev libbenchmark-dev
      binutils gcc libc6-dev kmod cpio time strace libasan8 libubsan1
      linux-headers-amd64
      nlohmann-json3-dev
      graphviz    # dot renders the --graph tests' .dot files
      dpkg-dev man-db groff-base bash-completion)  # packaging/ and its tests (.deb Depends,
                                                   # man page check, completion)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
