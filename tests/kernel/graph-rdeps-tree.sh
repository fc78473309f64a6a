#!/usr/bin/env bash
# Runs graph-rdeps.sh on a tinyconfig tree: $KBMAKE_GRAPH_TREE if set (modified in place: pass
# a copy), else a copy of the GNU-built tree that fullkernel.sh (ctest kernel-full, which runs
# before this test) leaves in its cache, made at the path it was built in and removed after.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ -n ${KBMAKE_GRAPH_TREE:-} ]]; then
  exec bash "$here/graph-rdeps.sh" "$KBMAKE_GRAPH_TREE"
fi
CACHE=${KBMAKE_KERNEL_CACHE:-/var/tmp/kbmake-kernel}
if [[ ! -d $CACHE/res/gnu.tree ]]; then
  echo "graph-rdeps: no $CACHE/res/gnu.tree (run tests/kernel/fullkernel.sh first)" >&2
  exit 2
fi
tree=$CACHE/tree
rm -rf "$tree" && cp -a "$CACHE/res/gnu.tree" "$tree" || exit 2
bash "$here/graph-rdeps.sh" "$tree"
rc=$?
rm -rf "$tree"
exit $rc
