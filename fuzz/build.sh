#!/bin/sh
# Builds fuzz/eval_fuzzer with clang, libFuzzer, ASan and UBSan into build/fuzz (or $1).
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../build/fuzz}
CC=clang CXX=clang++ cmake -S "$here" -B "$out" -G Ninja -DKBMAKE_FUZZ=ON
ninja -C "$out" -j2 eval_fuzzer eval_repro
echo "built $out/eval_fuzzer"
