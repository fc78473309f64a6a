#!/usr/bin/env python3
"""Compares a kbmake --build-trace file with an external timer of the same build: an
`strace -f -ttt -e trace=execve,exit_group` log of the same processes (tests/trace/kbuild.sh).

  trace_vs_strace.py TRACE.json STRACE.log ROOT JOBS [--tamper] [--each-ms=N]

Checks (each prints what it compared, and FAIL/PASS):
  compiles  every compiler execve with -c and a .c/.S source has a recipe event whose target
            is that compile's -o object (paths relative to ROOT, where make ran).
  lanes     recipe events use at most JOBS distinct tid lanes.
  timing    the recipe shells (processes whose command text is a line of a recipe event) are
            paired with their recipe; a recipe's external time runs from its first shell's
            first execve to its last shell's exit_group. The trace's dur over all paired
            recipes sums to within 5% of the external times, and so does each recipe longer
            than N ms (--each-ms, default 250). Shorter ones are listed but not held to 5%
            individually: on a loaded 2-core machine the scheduler and strace's own ptrace
            stops (at the clone, before the execve; at the exit, before make can reap) move a
            single start or end by up to ~13 ms, which is 5% of 260 ms; the sum averages that.
--tamper perturbs the trace first (one compile event dropped, one recipe on an extra lane,
durations +20%: an honest trace is within 5%, so a tampered one is at least 14% off): every check must then fail; exit status 0 only if all did.
Exit status: 0 all checks passed, 1 some failed, 2 usage/parse trouble.
"""
import json, os, re, sys, codecs, shlex, statistics

def die(msg):
    print("trace_vs_strace:", msg); sys.exit(2)

if len(sys.argv) < 5: die("usage: trace_vs_strace.py TRACE STRACE ROOT JOBS [--tamper]")
trace_path, log_path, root, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tamper = "--tamper" in sys.argv[5:]
each_us = 250_000
limit = 0.05  # how far trace time may be from the external time (sum, and each long recipe)
for a in sys.argv[5:]:
    if a.startswith("--each-ms="): each_us = int(a.split("=", 1)[1]) * 1000
    if a.startswith("--limit-pct="): limit = float(a.split("=", 1)[1]) / 100

def norm_path(p):
    return os.path.normpath(p if os.path.isabs(p) else os.path.join(root, p))

def norm_cmd(s):
    s = s.lstrip(" \t")
    while s and s[0] in "@+-":
        s = s[1:].lstrip(" \t")
    s = re.sub(r"\\\n\t?", " ", s)
    return " ".join(s.split())

# ---- trace ---------------------------------------------------------------------------------
events = json.load(open(trace_path))["traceEvents"]
recipes = [e for e in events if e.get("ph") == "X" and e.get("cat") == "recipe"]

# ---- strace log ----------------------------------------------------------------------------
STR = r'"((?:[^"\\]|\\.)*)"'
def unq(s):
    return codecs.decode(s.encode("latin-1", "backslashreplace"), "unicode_escape").encode(
        "latin-1").decode("utf-8", "replace")

procs = {}  # pid -> {"start": first execve entry, "argv": argv of first successful, "end"}
pending = {}  # pid -> argv of an execve whose result is on a later "resumed" line
line_re = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(.*)$")
for raw in open(log_path, encoding="latin-1"):
    m = line_re.match(raw.rstrip("\n"))
    if not m: continue
    pid, t, rest = int(m.group(1)), float(m.group(2)), m.group(3)
    p = procs.setdefault(pid, {"start": None, "argv": None, "end": None})
    if rest.startswith("execve("):
        if p["start"] is None: p["start"] = t
        am = re.match(r'execve\(' + STR + r', \[(.*?)\](?:\.\.\.)?, ', rest)
        argv = [unq(a) for a in re.findall(STR, am.group(2))] if am else None
        if rest.endswith("<unfinished ...>"):
            pending[pid] = argv
        elif re.search(r"\) = 0$", rest) and p["argv"] is None:
            p["argv"] = argv
    elif rest.startswith("<... execve resumed>"):
        argv = pending.pop(pid, None)
        if re.search(r"\) = 0$", rest) and p["argv"] is None:
            p["argv"] = argv
    elif rest.startswith("exit_group("):
        if p["end"] is None: p["end"] = t
    elif rest.startswith("+++ exited") or rest.startswith("+++ killed"):
        if p["end"] is None: p["end"] = t

# ---- check 1: every compile has a recipe event for its object --------------------------------
ok_all = True
results = []
def report(name, ok, detail):
    global ok_all
    ok_all &= ok
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ": " + detail)

compiles = set()
for pid, p in procs.items():
    a = p["argv"]
    if not a or not re.search(r"(^|[-/])(gcc|cc|clang)(-[0-9.]+)?$", a[0]): continue
    if "-c" not in a or "-o" not in a: continue
    srcs = [x for x in a if x.endswith((".c", ".S")) and not x.startswith("-")]
    if not srcs: continue
    compiles.add(norm_path(a[a.index("-o") + 1]))
if tamper:  # drop the event of one compile, put one recipe on an extra lane, durations +20%
    import copy
    recipes = copy.deepcopy(recipes)
    comp = [i for i, e in enumerate(recipes) if norm_path(e["name"]) in compiles]
    if comp: del recipes[comp[0]]
    # The extra lane is above both -jN and every lane in use: the dropped compile may have
    # been the only event on the highest lane, so "highest remaining + 1" can be a legal lane.
    if recipes: recipes[-1]["tid"] = max([jobs] + [e["tid"] for e in recipes]) + 1
    for e in recipes: e["dur"] = int(e["dur"] * 1.20)
targets = {norm_path(e["name"]) for e in recipes}
missing = sorted(compiles - targets)
report("compiles", bool(compiles) and not missing,
       f"{len(compiles)} compiles seen by strace, {len(compiles) - len(missing)} with a recipe "
       f"event" + ("; missing: " + " ".join(missing[:10]) if missing else ""))

# ---- check 2: lanes -------------------------------------------------------------------------
lanes = sorted({e["tid"] for e in recipes})
# Job-slot lanes are numbered 1..N: a lane outside that range is a bug even when few are used.
report("lanes", set(lanes) <= set(range(1, jobs + 1)),
       f"{len(recipes)} recipe events on lanes {lanes} (lanes 1..{jobs} only)")

# ---- check 3: timing ------------------------------------------------------------------------
# Shells: processes with a start and an end whose command text is a recipe line.
def keys(line):
    """A line's command text, and for a line make runs without a shell (no shell syntax),
    the argv it is split into (the process's argv, as strace shows it)."""
    ks = [line]
    try:
        ks.append("\0".join(shlex.split(line)))
    except ValueError:
        pass
    return ks

lines_of = []
line_owner = {}
for i, e in enumerate(recipes):
    # recipe lines are joined by newlines; a backslash-newline continues a line
    cmd = re.sub(r"\\\n", "\x00", e["args"]["command"])
    ls = [norm_cmd(l.replace("\x00", "\\\n")) for l in cmd.split("\n")]
    # GNU make (and kbmake) run no process for a line that is just `:` (Kbuild's
    # if_changed when nothing changed); kbmake also skips lines that do nothing (Kbuild's
    # `set -e; trap ...;` with an empty command), and lists what it skipped in args.skipped.
    skipped = {norm_cmd(l) for l in e["args"].get("skipped", "").split("\n") if l}
    ls = [l for l in ls if l and l != ":" and l not in skipped]
    lines_of.append(ls)
    for l in ls:
        for k in keys(l): line_owner.setdefault(k, set()).add(i)
shells = []
for pid, p in procs.items():
    a = p["argv"]
    if not a or p["start"] is None or p["end"] is None: continue
    if len(a) >= 3 and os.path.basename(a[0]) in ("sh", "bash", "dash") and a[1] == "-c":
        text = norm_cmd(a[2])
    else:
        text = "\0".join(a)
    if text in line_owner:
        shells.append({"pid": pid, "text": text, "start": p["start"], "end": p["end"]})
shells.sort(key=lambda s: s["start"])
# Offset between the two clocks (trace: steady µs since its start; strace: wall seconds),
# one constant for the whole run, from lines that belong to one recipe only and occur once:
# it only serves to pair the repeated lines (`:`, ...) with the right recipe.
by_text = {}
for s in shells: by_text.setdefault(s["text"], []).append(s)
offs = []
for text, owners in line_owner.items():
    i = next(iter(owners))
    if len(owners) == 1 and len(by_text.get(text, [])) == 1 and lines_of[i][0] == text and \
            sum(l == text for l in lines_of[i]) == 1:
        e = recipes[i]
        offs.append(by_text[text][0]["start"] * 1e6 - e["ts"])
if not offs:
    report("timing", False, "no recipe shell found in the strace log to pair")
else:
    off = statistics.median(offs)
    used = set()
    pairs = []
    for i in sorted(range(len(recipes)), key=lambda i: recipes[i]["ts"]):
        e = recipes[i]
        t = e["ts"] + off  # trace start in strace µs
        got = []
        for l in lines_of[i]:
            cands = [s for k in keys(l) for s in by_text.get(k, []) if s["pid"] not in used and
                     s["start"] * 1e6 >= t - 50_000 and s["start"] * 1e6 <= t + e["dur"] + 50_000]
            if got: cands = [s for s in cands if s["start"] >= got[-1]["end"]]
            if not cands: break
            s = min(cands, key=lambda s: s["start"])
            used.add(s["pid"]); got.append(s)
        if not lines_of[i]:
            continue  # no process to time
        if got and len(got) == len(lines_of[i]):
            ext = (got[-1]["end"] - got[0]["start"]) * 1e6
            pairs.append((e["name"], e["dur"], ext, len(got),
                          got[0]["start"] * 1e6 - t, t + e["dur"] - got[-1]["end"] * 1e6))
        else:
            print(f"     unpaired: {e['name']} ({len(got)} of {len(lines_of[i])} shells found)")
    unpaired = sum(1 for ls in lines_of if ls) - len(pairs)
    tsum = sum(p[1] for p in pairs); xsum = sum(p[2] for p in pairs)
    print(f"     recipe time: trace {tsum / 1e3:.1f} ms, external {xsum / 1e3:.1f} ms over "
          f"{len(pairs)} recipes ({sum(p[3] for p in pairs)} shells), {unpaired} recipe(s) "
          f"unpaired, {sum(1 for ls in lines_of if not ls)} without a process (`:` only); clock offset from {len(offs)} unique lines, spread "
          f"{(max(offs) - min(offs)) / 1e3:.1f} ms")
    bad = []
    for name, d, x, n, lag0, lag1 in sorted(pairs, key=lambda p: -p[2]):
        if max(d, x) > 50_000:
            r = d / x - 1 if x > 0 else float("inf")
            held = max(d, x) >= each_us
            flag = abs(r) > limit
            if flag and held: bad.append(name)
            print(f"     {('!' if held else '~') if flag else ' '} {d / 1e3:9.1f} ms trace {x / 1e3:9.1f} ms external "
                  f"{r * 100:+6.2f}%  {n} shell(s), start/end lag {lag0 / 1e3:.1f}/{lag1 / 1e3:.1f} ms  {name}")
    rs = tsum / xsum - 1 if xsum else float("inf")
    report("timing", bool(pairs) and abs(rs) <= limit and not bad and unpaired == 0,
           f"sum {rs * 100:+.2f}% (limit {limit * 100:g}%), {len(bad)} recipe(s) over {each_us // 1000} ms off by more "
           f"than {limit * 100:g}%, {unpaired} recipe(s) without their shells in the strace log")

if tamper:
    print("tampered trace:", "all checks failed, as they must" if not any(results)
          else "some check still PASSED on a broken trace")
    sys.exit(0 if not any(results) else 1)
sys.exit(0 if ok_all else 1)
