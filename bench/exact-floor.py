#!/usr/bin/env python3
"""How fast can an exact make be without a memo? A bound read from a kbmake build trace.

A make that behaves as GNU make does runs the same `$(shell)` commands in the same order
within each make instance: while reading its makefiles, and each time it builds the
environment of a child (an exported recursively-expanded variable is expanded again for
every recipe and sub-make). The top instance is one thread of evaluation in GNU make and in
kbmake alike, so the time of its `$(shell)` commands is spent in sequence whatever else the
build does in parallel; no exact make can finish sooner, short of not running them (the
`$(shell)` memo, KBMAKE_SHELL_CACHE=1). The same holds for any one instance. This prints the
instance with the most `$(shell)` time (the top make of a Kbuild tree; its `O=` sub-make
when the top make only hands over to it), that time as measured in the trace, and GNU make's
wall time over it: a ceiling on the ratio of any exact make without a memo, before it reads
another instance's makefiles or runs a recipe.

    bench/exact-floor.py TRACE.json [GNU_SECONDS [TARGET_RATIO]]

With GNU make's wall time of the same build it also prints, for TARGET_RATIO (default 2.5),
the time left for everything else once those commands are paid for.

TRACE.json comes from `kbmake --build-trace=TRACE.json` of the same build (plain: no memo).
"""
import json
import os
import sys


def main():
    if len(sys.argv) not in (2, 3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        events = json.load(f)["traceEvents"]
    lanes = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    shells = [e for e in events if e.get("cat") == "shell"]
    per_lane = {}
    for e in shells:
        lane = (e["pid"], e["tid"])
        per_lane[lane] = per_lane.get(lane, 0) + e["dur"]
    if not per_lane:
        sys.exit("exact-floor: no $(shell) in the trace")
    top = max(per_lane, key=per_lane.get)
    mine = [e for e in shells if (e["pid"], e["tid"]) == top]
    reading = [e for e in events if (e.get("pid"), e.get("tid")) == top
               and e.get("name") == "read makefiles"]
    read_end = min((e["ts"] + e["dur"] for e in reading), default=0)
    in_read = [e for e in mine if e["ts"] < read_end]
    recipes = [e for e in events if e.get("cat") == "recipe"]
    secs = lambda evs: sum(e["dur"] for e in evs) / 1e6
    print("%s" % lanes.get(top, top))
    print("its $(shell): %d commands, %.3f s (%d while reading, %.3f s; %d after, %.3f s)"
          % (len(mine), secs(mine), len(in_read), secs(in_read),
             len(mine) - len(in_read), secs(mine) - secs(in_read)))
    print("whole build: %d $(shell) commands, %.3f s; %d recipes, %.3f s"
          % (len(shells), secs(shells), len(recipes), secs(recipes)))
    instances = sum(1 for name in lanes.values() if name.startswith("make["))
    others = [e for e in events if e.get("name") == "read makefiles"
              and (e.get("pid"), e.get("tid")) != top]
    print("its reading apart from its $(shell): %.3f s; make instances: %d"
          % (secs(reading) - secs(in_read), instances))
    cores = os.cpu_count() or 1
    print("kbmake's reading of the other instances: %.3f s in all (>= %.3f s on %d cores)"
          % (secs(others), secs(others) / cores, cores))
    if len(sys.argv) >= 3:
        gnu = float(sys.argv[2])
        target = float(sys.argv[3]) if len(sys.argv) == 4 else 2.5
        print("ceiling for an exact make without a memo: GNU make %.3f s / %.3f s = %.2fx"
              % (gnu, secs(mine), gnu / secs(mine)))
        # After that instance has read its makefiles, the processes that start later share
        # the cores with its own $(shell) commands. A recipe that runs a sub-make kbmake does not recognise (it counts as a recipe)
        # holds that sub-make's $(shell) commands in its time: leave out every recipe that
        # spans a $(shell), so that nothing is counted twice.
        alone = [r for r in recipes if not any(
            r["ts"] <= e["ts"] and e["ts"] + e["dur"] <= r["ts"] + r["dur"] for e in shells)]
        later = [e for e in shells + alone if e["ts"] >= read_end]
        after = secs(later)
        bound = secs(in_read) + max(secs(mine) - secs(in_read), after / cores)
        print("with every instance's own work free: >= %.3f s (%.3f s of processes after its "
              "reading, on %d cores): %.2fx at most" % (bound, after, cores, gnu / bound))
        left = gnu / target - secs(mine)
        print("%.1fx needs %.3f s in all: %s after that instance's $(shell) for reading "
              "%d instances' makefiles and running %d recipes"
              % (target, gnu / target, "%.3f s left" % left if left > 0 else "nothing left",
                 instances, len(recipes)))


if __name__ == "__main__":
    main()
