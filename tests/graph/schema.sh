#!/usr/bin/env bash
# --graph on a small makefile: the JSON schema (check_graph.py) and the graph's structure,
# compared with what the makefile says (every kind of prerequisite, sub-makes inside the
# process, as processes and as GNU make, -n, a name that is not UTF-8), the .dot output
# rendered by dot, and the kbmake-graph queries.  Usage: schema.sh KBMAKE KBMAKE-GRAPH
set -uo pipefail
KBMAKE=$(readlink -f "$1") KG=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/kbmake-graph.XXXXXX)
trap 'rm -rf "$work"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS KBMAKE_SUBMAKE KBMAKE_GRAPH KBMAKE_GRAPH_NODE
cd "$work"
mkdir -p src sub sub2
cat >Makefile <<'EOF'
vpath %.c src
.SUFFIXES: .s .x
all: prog x.x sub-in sub-gnu | outdir
prog: main.o util.o
	@echo link $@
prog: .EXTRA_PREREQS = ldscript
%.o: %.c
	@echo cc $@
.s.x:
	@echo as $@
-include deps.d
sub-in:
	$(MAKE) -C sub
sub-gnu:
	+/usr/bin/make -C sub2 MAKEFLAGS_SEEN='$(MAKEFLAGS)'
outdir: ; @:
.PHONY: all sub-in sub-gnu
EOF
printf 'main.o: hdr.h\n' >deps.d
touch src/main.c util.c hdr.h ldscript x.s
printf 'all: a.o\na.o: a.h\n\t@echo sub $@\na.h:\n' >sub/Makefile
cp sub/Makefile sub2/Makefile
fail=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fail=1; }

"$KBMAKE" --graph=g.json >out.txt 2>err.txt || bad "build exit status"
[[ ! -s err.txt ]] && ok "no stderr (GNU make sub-make accepts MAKEFLAGS)" || { bad "stderr"; cat err.txt; }
grep -q -- '--graph' out.txt && bad "--graph reached a sub-make's MAKEFLAGS" || ok "--graph not in MAKEFLAGS"
[[ ! -e g.json.parts ]] && ok "parts directory removed" || bad "parts directory left"
python3 "$here/check_graph.py" g.json --min-makes 2 && ok "schema" || bad "schema"

# Structure: edges as (make dir, from, to, kind) with files by path relative to $work.
python3 - "$work" <<'EOF' && ok "structure" || bad "structure"
import json, sys, os
w = sys.argv[1]
d = json.load(open(w + "/g.json"))
def nm(n):
    if n.get("opaque"): return "OPAQUE:" + n["name"]
    return os.path.relpath(n["path"], w)
nodes = d["nodes"]
edges = {(nm(nodes[e["from"]]), nm(nodes[e["to"]]), e["kind"]) for e in d["edges"]}
want = {
    ("all", "prog", "prereq"), ("all", "x.x", "prereq"), ("all", "outdir", "order-only"),
    ("all", "sub-in", "prereq"), ("all", "sub-gnu", "prereq"),
    ("prog", "main.o", "prereq"), ("prog", "util.o", "prereq"),
    ("prog", "ldscript", "prereq"),                       # .EXTRA_PREREQS
    ("main.o", "src/main.c", "prereq"),                   # pattern rule + vpath
    ("main.o", "hdr.h", "prereq"),                        # included .d file
    ("util.o", "util.c", "prereq"),
    ("x.x", "x.s", "prereq"),                             # suffix rule
    ("sub/a.o", "sub/a.h", "prereq"), ("sub/all", "sub/a.o", "prereq"),
    ("sub-in", "sub/all", "submake"),
    ("sub-gnu", "OPAQUE:/usr/bin/make -C sub2 MAKEFLAGS_SEEN=''", "submake"),
}
missing = want - edges
extra = {e for e in edges if e[0] in {w[0] for w in want}} - want
print("missing:", sorted(missing)); print("unexpected:", sorted(extra))
byname = {nm(n): n for n in nodes}
rules = {k: byname[k]["rule"] for k in ("main.o", "x.x", "prog", "hdr.h")}
print(rules)
okr = (rules["main.o"] == {"kind": "pattern", "pattern": "%.o"} and
       rules["x.x"] == {"kind": "suffix", "pattern": ".s.x"} and
       rules["prog"] == {"kind": "explicit"} and rules["hdr.h"] == {"kind": "none"} and
       byname["prog"]["recipe"] == "Makefile:5" and byname["main.o"]["recipe"] == "Makefile:8")
flags = (byname["all"]["phony"] and not byname["prog"]["phony"] and byname["prog"]["remade"]
         and not byname["hdr.h"]["remade"] and byname["hdr.h"]["exists"]
         and not byname["prog"]["exists"])
m = d["makes"]
okm = (len(m) == 2 and m[0]["parent"] is None and m[1]["parent"] == 0 and
       nodes[m[1]["invoked_by"]]["name"] == "sub-in" and m[1]["dir"] == w + "/sub" and
       m[1]["level"] == 1 and m[0]["goals"] == ["all"] and m[1]["makefiles"] == ["Makefile"]
       and "deps.d" in m[0]["makefiles"])
print("rules", okr, "flags", flags, "makes", okm)
sys.exit(0 if not missing and not extra and okr and flags and okm else 1)
EOF

# The same with every sub-make a process: the kbmake sub-make contributes through a part file.
KBMAKE_SUBMAKE=process "$KBMAKE" --graph=p.json >/dev/null 2>&1
python3 - "$work" <<'EOF' && ok "process sub-make merged" || bad "process sub-make merged"
import json, sys
a, b = (json.load(open(sys.argv[1] + f)) for f in ("/g.json", "/p.json"))
strip = lambda d: (sorted((m["dir"], m["parent"], m["level"]) for m in d["makes"]),
                   len(d["nodes"]), sorted((e["from"], e["to"], e["kind"]) for e in d["edges"]))
sys.exit(0 if strip(a) == strip(b) else 1)
EOF

# -n: nothing built, the $(MAKE) line still runs (its sub-make is in the graph).
rm -f g.json
"$KBMAKE" -n --graph=n.json >/dev/null 2>&1
python3 - "$work" <<'EOF' && ok "-n" || bad "-n"
import json, sys, os
d = json.load(open(sys.argv[1] + "/n.json"))
names = {n["name"]: n for n in d["nodes"] if n["make"] == 0}
sys.exit(0 if len(d["makes"]) == 2 and names["prog"]["remade"] and not os.path.exists("prog") else 1)
EOF

# Graphviz: clusters, dashed sub-make edges, and dot renders it.
"$KBMAKE" --graph=g.dot >/dev/null 2>&1
grep -c 'subgraph cluster_' g.dot | grep -qx 2 && grep -q 'style=dashed, color=blue' g.dot &&
  dot -Tsvg g.dot -o g.svg && ok "dot" || bad "dot"

# A name that is not UTF-8 is written %XX-escaped, with "escaped": true.
printf 'all: caf\351.txt\ncaf\351.txt:\n\t@:\n' >L.mk
"$KBMAKE" -f L.mk --graph=l.json >/dev/null 2>&1
python3 - "$work" <<'EOF' && ok "non-UTF-8 name escaped" || bad "non-UTF-8 name escaped"
import json, sys
d = json.load(open(sys.argv[1] + "/l.json"))
n = [n for n in d["nodes"] if n["name"].startswith("caf")]
sys.exit(0 if n and n[0]["name"] == "caf%E9.txt" and n[0].get("escaped") is True else 1)
EOF
[[ $("$KG" l.json deps all | od -An -c | tr -d ' \n') == *'caf351.txt'* ]] && ok "kbmake-graph unescapes" || bad "kbmake-graph unescapes"
# ... also through the part file of a sub-make that is a process.
printf 'top:\n\t$(MAKE) -f L.mk\n' >P.mk
KBMAKE_SUBMAKE=process "$KBMAKE" -f P.mk --graph=lp.json >/dev/null 2>&1
python3 - "$work" <<'EOF' && ok "non-UTF-8 name through a part file" || bad "non-UTF-8 name through a part file"
import json, sys
d = json.load(open(sys.argv[1] + "/lp.json"))
n = [n for n in d["nodes"] if n["make"] == 1 and n["name"].startswith("caf")]
sys.exit(0 if len(d["makes"]) == 2 and n and n[0]["name"] == "caf%E9.txt" and n[0].get("escaped") else 1)
EOF

# kbmake-graph queries.
"$KBMAKE" --graph=g.json >/dev/null 2>&1
[[ $("$KG" g.json rdeps hdr.h) == "$work/main.o"$'\n'"$work/prog" ]] && ok "rdeps" || { bad rdeps; "$KG" g.json rdeps hdr.h; }
"$KG" g.json deps all | grep -qx "$work/sub/a.h" && ok "deps crosses sub-makes" || bad "deps"
[[ $("$KG" g.json path all sub/a.h | wc -l) == 5 ]] && ok "path" || { bad path; "$KG" g.json path all sub/a.h; }
"$KG" g.json dot --root all --depth 1 >r.dot && dot -Tsvg r.dot -o r.svg && ! grep -q 'a\.h' r.dot &&
  ok "dot --root --depth" || bad "dot --root --depth"
exit $fail
