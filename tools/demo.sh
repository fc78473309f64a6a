#!/usr/bin/env bash
# The main job: build kbmake, then build the sample Kbuild tree with kbmake (out of tree, in
# build/sample-out) and run its KVM guest, which prints its greeting.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
out="$PWD/build/sample-out"
mkdir -p "$out"
exec build/bin/kbmake --no-print-directory -C sample-tree O="$out" run
