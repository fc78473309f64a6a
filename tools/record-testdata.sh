#!/bin/sh
# Re-records the expected outputs of the conformance corpus (testdata/) from GNU make 4.3.
# Usage: tools/record-testdata.sh [FILTER]
# Expected outputs are never written by hand: this script is the only way they change.
# After recording, the corpus is re-run twice in test mode against the same GNU make to prove
# that every case is deterministic.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
oracle=/usr/bin/make
build=${KBMAKE_BUILD_DIR:-$root/build}

case $("$oracle" --version 2>/dev/null | head -n 1) in
  "GNU Make 4.3") ;;
  *) echo "record-testdata: $oracle is not GNU Make 4.3; refusing to record" >&2; exit 1 ;;
esac

# Only the runner is needed; if the shared build dir cannot be configured (work in progress
# elsewhere in the tree), fall back to a private build dir without the optional benchmarks.
if ! { [ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja >/dev/null; }; then
  build=${TMPDIR:-/tmp}/kbmake-record-build
  echo "record-testdata: configuring private build dir $build" >&2
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON >/dev/null
fi
ninja -C "$build" -j2 kbmake-conformance
runner=$build/bin/kbmake-conformance

filter=
if [ $# -gt 0 ]; then filter="--filter=$1"; fi

"$runner" --make="$oracle" --record $filter "$root/testdata"
echo "record-testdata: determinism check (2 runs against $oracle)"
"$runner" --make="$oracle" $filter "$root/testdata"
"$runner" --make="$oracle" $filter "$root/testdata"
