#!/usr/bin/env bash
# The whole test suite: build kbmake, then run every ctest except the multi-minute full
# Linux kernel comparison (label "kernel"; run it with: ctest --test-dir build -L kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
ctest --test-dir build -LE kernel --output-on-failure -j1 "$@"
