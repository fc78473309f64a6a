#!/usr/bin/env python3
"""Checks a `kbmake --graph=FILE.json` dump (docs/GRAPH.md).

  check_graph.py GRAPH.json [--objtree DIR]... [--exclude REGEX] [--min-makes N]

Always: the version-1 schema (keys, types, ids, references, edge kinds), and that every
sub-make (a make with a parent) is linked by a `submake` edge from the node that ran it.
With --objtree DIR (a Kbuild output tree): every object DIR/x.o that has a DIR/.x.o.cmd file
is a node (by absolute path), and every file of the .cmd's deps_ list is the target of a
`prereq` edge from one of that object's nodes (objects whose path relative to DIR matches
--exclude are skipped: those the graphed run did not consider, e.g. built by another command). Prints a summary; exit status 1 on failure.
"""
import json
import os
import re
import sys

MAKE_KEYS = ["id", "parent", "invoked_by", "dir", "level", "makefiles", "goals"]
NODE_KEYS = ["id", "make", "name", "path", "phony", "exists", "remade", "rule", "recipe"]
EDGE_KEYS = ["from", "to", "kind"]
OPTIONAL = {"escaped", "opaque"}

errors = []


def err(msg):
    if len(errors) < 30:
        print("FAIL:", msg)
    errors.append(msg)


def check_schema(d):
    if d.get("version") != 1:
        err("version is not 1")
    if set(d) != {"version", "makes", "nodes", "edges"}:
        err("top-level keys: %s" % sorted(d))
    makes, nodes, edges = d["makes"], d["nodes"], d["edges"]
    for i, m in enumerate(makes):
        if list(k for k in m if k not in OPTIONAL) != MAKE_KEYS:
            err("make %d keys %s" % (i, list(m)))
        if m["id"] != i:
            err("make ids not 0..n-1 at %d" % i)
        if (m["parent"] is None) != (m["invoked_by"] is None):
            err("make %d: parent and invoked_by must be both null or both set" % i)
        if m["parent"] is not None and not (0 <= m["parent"] < len(makes)):
            err("make %d: bad parent" % i)
        if not isinstance(m["level"], int) or not m["dir"].startswith("/"):
            err("make %d: level/dir" % i)
        if not all(isinstance(x, str) for x in m["makefiles"] + m["goals"]):
            err("make %d: makefiles/goals not strings" % i)
    for i, n in enumerate(nodes):
        if list(k for k in n if k not in OPTIONAL) != NODE_KEYS:
            err("node %d keys %s" % (i, list(n)))
            continue
        if n["id"] != i:
            err("node ids not 0..n-1 at %d" % i)
        if not (0 <= n["make"] < len(makes)):
            err("node %d: bad make" % i)
        if not n.get("opaque") and not (isinstance(n["path"], str) and n["path"].startswith("/")):
            err("node %d: path %r" % (i, n["path"]))
        if isinstance(n["path"], str) and ("/./" in n["path"] + "/" or "/../" in n["path"] + "/"
                                           or "//" in n["path"]):
            err("node %d: path not normalised %r" % (i, n["path"]))
        for k in ("phony", "exists", "remade"):
            if not isinstance(n[k], bool):
                err("node %d: %s not bool" % (i, k))
        r = n["rule"]
        if r.get("kind") not in ("explicit", "pattern", "suffix", "none"):
            err("node %d: rule %r" % (i, r))
        if (r["kind"] in ("pattern", "suffix")) != ("pattern" in r):
            err("node %d: rule pattern %r" % (i, r))
        if n["recipe"] is not None and ":" not in n["recipe"]:
            err("node %d: recipe %r" % (i, n["recipe"]))
        if (n["recipe"] is None) == (r["kind"] in ("explicit", "pattern", "suffix")) and \
                r["kind"] == "explicit":
            err("node %d: explicit rule without recipe location" % i)
    for e in edges:
        if list(e) != EDGE_KEYS or e["kind"] not in ("prereq", "order-only", "submake"):
            err("edge %r" % e)
        elif not (0 <= e["from"] < len(nodes) and 0 <= e["to"] < len(nodes)):
            err("edge out of range %r" % e)
        elif e["kind"] != "submake" and nodes[e["from"]]["make"] != nodes[e["to"]]["make"]:
            err("prerequisite edge across makes %r" % e)


def check_submakes(d):
    makes, nodes = d["makes"], d["nodes"]
    linked = set()
    for e in d["edges"]:
        if e["kind"] == "submake":
            linked.add((e["from"], nodes[e["to"]]["make"]))
    n = 0
    for m in makes:
        if m["parent"] is None:
            continue
        n += 1
        ib = m["invoked_by"]
        if nodes[ib]["make"] != m["parent"]:
            err("make %d: invoked_by node %d is not in its parent" % (m["id"], ib))
        if (ib, m["id"]) not in linked:
            err("make %d (%s %s): no submake edge from node %d" % (m["id"], m["dir"], m["goals"], ib))
    return n


def cmd_deps(path):
    """The deps_ list of a Kbuild .cmd file (without $(wildcard ...) entries)."""
    deps, inside = [], False
    with open(path, errors="surrogateescape") as f:
        for line in f:
            if line.startswith("deps_"):
                inside = True
                continue
            if inside:
                w = line.strip().rstrip("\\").strip()
                if not w:
                    if not line.rstrip("\n").endswith("\\"):
                        break
                    continue
                if not w.startswith("$(wildcard"):
                    deps.append(w)
                if not line.rstrip("\n").endswith("\\"):
                    break
    return deps


def norm(base, p):
    return os.path.normpath(os.path.join(base, p))


def check_objtree(d, objtree, exclude):
    objtree = os.path.abspath(objtree)
    by_path = {}
    for n in d["nodes"]:
        if n["path"]:
            by_path.setdefault(n["path"], []).append(n["id"])
    out = {}
    for e in d["edges"]:
        if e["kind"] == "prereq":
            out.setdefault(e["from"], set()).add(d["nodes"][e["to"]]["path"])
    objects = headers = 0
    for root, dirs, files in os.walk(objtree):
        for f in files:
            if not (f.startswith(".") and f.endswith(".o.cmd")):
                continue
            obj = os.path.join(root, f[1:-4])
            if not os.path.exists(obj):
                continue
            if exclude and re.search(exclude, os.path.relpath(obj, objtree)):
                continue
            objects += 1
            ids = by_path.get(obj)
            if not ids:
                err("object %s is not a node" % obj)
                continue
            targets = set()
            for i in ids:
                targets |= out.get(i, set())
            # Relative names in the .cmd file are relative to the directory of the make
            # that compiled the object (Kbuild's objtree; the kernel tree for an external
            # module): any make holding one of the object's nodes.
            bases = {d["makes"][d["nodes"][i]["make"]]["dir"] for i in ids}
            for dep in cmd_deps(os.path.join(root, f)):
                headers += 1
                if not any(norm(b, dep) in targets for b in bases):
                    err("%s: no edge to %s (from its .cmd)" % (obj, dep))
    return objects, headers


def main():
    args = sys.argv[1:]
    graph, objtrees, min_makes, exclude = None, [], 0, None
    i = 0
    while i < len(args):
        if args[i] == "--objtree":
            objtrees.append(args[i + 1]); i += 2
        elif args[i] == "--exclude":
            exclude = args[i + 1]; i += 2
        elif args[i] == "--min-makes":
            min_makes = int(args[i + 1]); i += 2
        else:
            graph = args[i]; i += 1
    with open(graph) as f:
        d = json.load(f)
    check_schema(d)
    subs = check_submakes(d)
    if len(d["makes"]) < min_makes:
        err("only %d makes (expected at least %d)" % (len(d["makes"]), min_makes))
    print("%s: %d makes (%d sub-makes linked), %d nodes, %d edges" %
          (graph, len(d["makes"]), subs, len(d["nodes"]), len(d["edges"])))
    for t in objtrees:
        o, h = check_objtree(d, t, exclude)
        print("%s: %d objects with .cmd files, %d .cmd dependencies checked" % (t, o, h))
        if o == 0:
            err("%s: no objects found" % t)
    print("%d problems" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
