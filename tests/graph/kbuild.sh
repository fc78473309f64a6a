#!/usr/bin/env bash
# --graph on real Kbuild builds: the sample tree (out of tree) and an external module built
# against Debian's linux-headers tree. Each is built once, then graphed on the null build
# (the run where make reads every .cmd file) and on a -j2 run in JSON and in Graphviz:
# check_graph.py checks the schema, every sub-make's submake edge, every object as a node and
# every .cmd dependency as an edge; dot must render the .dot file; kbmake-graph rdeps of a
# header lists the objects that include it.
# Usage: kbuild.sh sample-tree|extmod KBMAKE KBMAKE-GRAPH
set -uo pipefail
what=$1 KBMAKE=$(readlink -f "$2") KG=$(readlink -f "$3")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/kbmake-graph-kbuild.XXXXXX)
[[ ${KEEP:-0} = 1 ]] || trap 'rm -rf "$work"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS MAKEFILES KBUILD_VERBOSE V KBMAKE_SUBMAKE KBMAKE_GRAPH KBMAKE_GRAPH_NODE
export LC_ALL=C
fail=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fail=1; }
KDIR=/usr/src/linux-headers-$(uname -r)
[[ -f $KDIR/Makefile ]] || KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)

case $what in
sample-tree)
  out=$work/out
  build() { "$KBMAKE" --no-print-directory -C "$repo/sample-tree" O="$out" KDIR="$KDIR" "$@"; }
  build -j2 >"$work/build.log" 2>&1 || { bad "build"; tail "$work/build.log"; exit 1; }
  objtree=$out header=$repo/sample-tree/include/biscuit/lib.h expect=$out/lib/hexfmt.o
  min=8
  ;;
extmod)
  [[ -n $KDIR && -f $KDIR/Makefile ]] || { echo "no kernel headers tree"; exit 1; }
  out=$work/m
  mkdir -p "$out/sub"
  cat >"$out/Kbuild" <<'EOF'
obj-m := multi.o
multi-y := main.o sub/helper.o
ccflags-y := -I$(src)/sub
EOF
  cat >"$out/Makefile" <<'EOF'
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@
EOF
  printf '#include <linux/module.h>\n#include "helper.h"\nstatic int __init m_init(void) { return helper(1); }\nmodule_init(m_init);\nMODULE_LICENSE("GPL");\n' >"$out/main.c"
  printf 'int helper(int x);\n' >"$out/sub/helper.h"
  printf '#include <linux/kernel.h>\n#include "helper.h"\nint helper(int x) { return x - 1; }\n' >"$out/sub/helper.c"
  build() { "$KBMAKE" -C "$out" KDIR="$KDIR" "$@"; }
  build modules >"$work/build.log" 2>&1 || { bad "build"; tail "$work/build.log"; exit 1; }
  objtree=$out header=$out/sub/helper.h expect=$out/sub/helper.o
  min=4
  ;;
*) echo "usage: $0 sample-tree|extmod KBMAKE KBMAKE-GRAPH"; exit 2 ;;
esac

build --graph="$work/g.json" >"$work/null.log" 2>&1 && ok "null build with --graph" || bad "null build with --graph"
python3 "$here/check_graph.py" "$work/g.json" --objtree "$objtree" --min-makes $min && ok "graph checks" || bad "graph checks"
build -j2 --graph="$work/g.dot" >/dev/null 2>&1 && dot -Tsvg "$work/g.dot" -o "$work/g.svg" && [[ -s $work/g.svg ]] &&
  ok "dot renders ($(grep -c 'subgraph cluster_' "$work/g.dot") clusters)" || bad "dot renders"
"$KG" "$work/g.json" rdeps "$header" >"$work/rdeps.txt"
grep -qx "$expect" "$work/rdeps.txt" && ok "rdeps $header" || { bad "rdeps $header"; cat "$work/rdeps.txt"; }
"$KG" "$work/g.json" dot --root "$expect" --depth 1 >"$work/r.dot" && dot -Tsvg "$work/r.dot" -o /dev/null &&
  ok "kbmake-graph dot" || bad "kbmake-graph dot"
ls -l "$work/g.json" "$work/g.dot" | awk '{print "size", $5, $NF}'
exit $fail
