#!/usr/bin/env python3
"""status_check.py OUTPUT [MIN_LINES]: the `[N/M] ` lines of a --status build are monotone
(N and M never decrease, N <= M), there are at least MIN_LINES of them, and the last one
reads N == M. Prints the first and last status lines."""
import re, sys

lines = [l.rstrip("\n") for l in open(sys.argv[1], errors="replace")]
want = int(sys.argv[2]) if len(sys.argv) > 2 else 1
st = [(int(m.group(1)), int(m.group(2)), l) for l in lines
      for m in [re.match(r"^\[(\d+)/(\d+)\] ", l)] if m]
bad = []
for (n0, m0, l0), (n1, m1, l1) in zip(st, st[1:]):
    if n1 < n0 or m1 < m0:
        bad.append(f"decreases: {l0!r} -> {l1!r}")
for n, m, l in st:
    if n > m:
        bad.append(f"N > M: {l!r}")
if len(st) < want:
    bad.append(f"only {len(st)} status lines, want >= {want}")
if st and st[-1][0] != st[-1][1]:
    bad.append(f"last line has N != M: {st[-1][2]!r}")
if st:
    print(f"{len(st)} status lines; first {st[0][2]!r}; last {st[-1][2]!r}")
for b in bad[:20]:
    print("  " + b)
print("FAIL" if bad else "OK")
sys.exit(1 if bad else 0)
