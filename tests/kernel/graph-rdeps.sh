#!/usr/bin/env bash
# kbmake-graph rdeps against a real rebuild, on a built Linux tree (tinyconfig): for a few
# headers, the objects `kbmake-graph rdeps HEADER` lists must be exactly the objects a
# rebuild recompiles after `touch HEADER`, except objects reached only through a generated
# file that the rebuild remade without changing it (reported as such; see below).
#
# Usage: graph-rdeps.sh TREE [HEADER...]   (TREE: a built kernel tree, modified: headers are
# touched and rebuilt; e.g. a `cp -a` of a tinyconfig tree. Without HEADERs, four are chosen
# from the graph: headers that 2 to 12 objects include, spread over the sorted list.)
# Environment: KBMAKE, KBMAKE_GRAPH_TOOL (default <repo>/build/bin/...), JOBS (default 2).
#
# "Recompiled" is read from the tree: every *.o whose mtime changed. Objects that are not
# nodes of the graph (the null build never considered them: link-vmlinux.sh makes
# .tmp_vmlinux.kallsyms*.o and, through a sub-make of its own, init/version-timestamp.o, when
# vmlinux is relinked) are listed apart: they are rebuilt because vmlinux, which rdeps lists,
# is relinked.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KBMAKE=${KBMAKE:-$repo/build/bin/kbmake}
KG=${KBMAKE_GRAPH_TOOL:-$repo/build/bin/kbmake-graph}
tree=$(readlink -f "${1:?usage: $0 TREE [HEADER...]}")
shift
export LC_ALL=C KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' KBUILD_BUILD_USER=kbmake \
  KBUILD_BUILD_HOST=kbmake KBUILD_BUILD_VERSION=1
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS KBMAKE_SUBMAKE KBMAKE_GRAPH KBMAKE_GRAPH_NODE
work=$(mktemp -d /tmp/kbmake-graph-rdeps.XXXXXX)
[[ ${KEEP:-0} = 1 ]] || trap 'rm -rf "$work"' EXIT
cd "$tree" || exit 2
fail=0

"$KBMAKE" -j"${JOBS:-2}" --graph="$work/g.json" >"$work/null.log" 2>&1 || { echo "null build failed"; exit 1; }
python3 "$repo/tests/graph/check_graph.py" "$work/g.json" --objtree "$tree" \
  --exclude '^(scripts/kconfig/|init/version-timestamp\.o$)' || fail=1

headers=("$@")
if ((${#headers[@]} == 0)); then
  mapfile -t headers < <(python3 - "$work/g.json" "$tree" <<'EOF'
import json, sys, collections
d = json.load(open(sys.argv[1])); tree = sys.argv[2] + "/"
n = d["nodes"]; users = collections.defaultdict(set)
for e in d["edges"]:
    t = n[e["to"]]["path"] or ""
    if e["kind"] == "prereq" and t.endswith(".h") and t.startswith(tree) and "/generated/" not in t \
            and n[e["from"]]["path"].endswith(".o"):
        users[t].add(n[e["from"]]["path"])
c = sorted(h for h, u in users.items() if 2 <= len(u) <= 12)
for i in range(4):
    print(c[i * len(c) // 4])
EOF
)
fi

objects() { find "$tree" -name '*.o' -printf '%p %T@\n' | sort; }
graph_objects=$work/graph-objects
python3 -c "
import json,sys
d=json.load(open('$work/g.json'))
print('\n'.join(sorted({n['path'] for n in d['nodes'] if n['path'] and n['path'].endswith('.o')})))" >"$graph_objects"
for h in "${headers[@]}"; do
  h=$(readlink -f "$h")
  "$KG" "$work/g.json" rdeps "$h" | grep '\.o$' | sort >"$work/rdeps"
  objects >"$work/before"
  sleep 1
  touch "$h"
  "$KBMAKE" -j"${JOBS:-2}" >"$work/rebuild.log" 2>&1 || { echo "rebuild after touching $h failed"; fail=1; }
  objects >"$work/after"
  comm -13 "$work/before" "$work/after" | cut -d' ' -f1 | sort -u >"$work/changed"
  comm -12 "$work/changed" "$graph_objects" >"$work/changed-in-graph"
  comm -23 "$work/changed" "$graph_objects" >"$work/changed-other"
  other=
  [[ -s $work/changed-other ]] &&
    other="($(paste -sd' ' "$work/changed-other" | sed "s#$tree/##g") also rebuilt, not make targets)"
  comm -13 "$work/rdeps" "$work/changed-in-graph" >"$work/missed"
  comm -23 "$work/rdeps" "$work/changed-in-graph" >"$work/extra"
  # An object listed but not recompiled is explained when its chain to the header goes
  # through a generated file that the rebuild remade without changing (Kbuild's filechk,
  # e.g. include/generated/asm-offsets.h): make reconsiders it, its date stays older than
  # the touched header, and the cascade stops there. A static graph cannot know that.
  unexplained=() via=()
  while IFS= read -r o; do
    v=$("$KG" "$work/g.json" path "$o" "$h" | sed '1d;$d; s/  \[make [0-9]*\]$//' |
      while IFS= read -r f; do [[ -f $f && $f -ot $h ]] && { echo "$f"; break; }; done)
    if [[ -n $v ]]; then via+=("${v#$tree/}"); else unexplained+=("$o"); fi
  done <"$work/extra"
  nrd=$(wc -l <"$work/rdeps") nch=$(wc -l <"$work/changed-in-graph")
  if [[ ! -s $work/missed && ! -s $work/extra ]]; then
    echo "PASS ${h#$tree/}: rdeps lists $nrd objects = recompiled $other"
  elif [[ ! -s $work/missed ]] && ((${#unexplained[@]} == 0)); then
    echo "PASS ${h#$tree/}: rdeps lists $nrd objects, recompiled $nch: the $(wc -l <"$work/extra") others depend on it only through $(printf '%s\n' "${via[@]}" | sort -u | paste -sd' '), remade unchanged $other"
  else
    echo "FAIL ${h#$tree/}: rdeps $nrd objects, recompiled $nch"
    sed 's/^/  recompiled, not in rdeps: /' "$work/missed" | head -20
    printf '  in rdeps, not recompiled: %s\n' "${unexplained[@]}" | head -20
    fail=1
  fi
done
exit $fail
