#!/usr/bin/env bash
# --build-trace and --summary (issue 10, first part): the trace of a recursive -j2 build is
# valid Chrome trace JSON with one recipe event per recipe run, on at most 2 job-slot lanes,
# sub-make instances and $(shell)s on their own lanes; it is also written, valid, when the
# build fails and when it is interrupted by SIGINT; the options never reach MAKEFLAGS.
set -uo pipefail
KBMAKE=$(readlink -f "${1:?usage: trace.sh path/to/kbmake}")
work=$(mktemp -d /tmp/kbmake-trace.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() { # name command...
  if "${@:2}"; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
cd "$work"
mkdir -p sub
cat >Makefile <<'MK'
all: top.o
	$(MAKE) -C sub
	@echo "MAKEFLAGS=[$(MAKEFLAGS)]"
top.o: ; @sleep 0.1; touch $@
MK
cat >sub/Makefile <<'MK'
V := $(shell echo probed)
all: a.o b.o c.o d.o
	@echo "sub MAKEFLAGS=[$(MAKEFLAGS)]"
%.o:
	@sleep 0.2; touch $@
MK
"$KBMAKE" -j2 --build-trace="$work/t.json" --summary >out.txt 2>err.txt
rc=$?
check "build succeeds" test "$rc" = 0
check "options not in MAKEFLAGS" bash -c "! grep -q -e build-trace -e summary out.txt"
check "summary on stderr" grep -q "^kbmake summary: wall .* 6 recipe(s)" err.txt
# top.o, then the sub-make's four 0.2 s recipes on two lanes, then all's own echo: the path
# ends with the sub-make's last recipes (or all) and holds at least two 0.2 s steps.
check "summary has the critical path" bash -c \
  'grep -q "^kbmake summary: critical path .* wall, [0-9]* step(s): recipes" err.txt &&
   [[ $(sed -n "/critical path/,\$p" err.txt | grep -c "  0\.2[0-9]* s  [a-d]\.o") -ge 2 ]]'
cat >validate.py <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want_recipes = set(sys.argv[2].split(",")) if sys.argv[2] else set()
ev = d["traceEvents"]
x = [e for e in ev if e["ph"] == "X"]
for e in x:
    assert isinstance(e["ts"], int) and isinstance(e["dur"], int) and e["dur"] >= 0, e
recipes = [e for e in x if e["cat"] == "recipe"]
names = sorted(e["name"] for e in recipes)
assert set(names) == want_recipes and len(names) == len(want_recipes), names
lanes = {e["tid"] for e in recipes}
assert lanes <= set(range(1, int(sys.argv[3]) + 1)), lanes
# no two recipes overlap on one lane
for lane in lanes:
    spans = sorted((e["ts"], e["ts"] + e["dur"]) for e in recipes if e["tid"] == lane)
    for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
        assert b0 >= a1, (lane, spans)
for e in recipes:
    for k in ("command", "directory", "make", "status"):
        assert k in e["args"], e
print(len(x), "events;", len([e for e in x if e["cat"] == "make"]), "make;",
      len([e for e in x if e["cat"] == "shell"]), "shell;",
      len([e for e in x if e["cat"] == "submake"]), "submake;",
      "statuses", sorted({e["args"]["status"] for e in recipes}))
PY
check "trace valid, one event per recipe, <= 2 lanes" \
  python3 validate.py t.json "top.o,a.o,b.o,c.o,d.o,all" 2
check "shell, sub-make and instance events" bash -c \
  "python3 validate.py t.json top.o,a.o,b.o,c.o,d.o,all 2 | grep -q '4 make; 1 shell; 1 submake'"

# A failing build: the trace is still written, with the failure's status.
rm -f sub/*.o top.o
cat >sub/Makefile <<'MK'
all: a.o bad.o
%.o:
	@sleep 0.1; touch $@
bad.o:
	@exit 3
MK
"$KBMAKE" -j2 --build-trace="$work/f.json" >/dev/null 2>&1
check "failed build exits 2" test $? = 2
check "failed build's trace valid" python3 validate.py f.json "top.o,a.o,bad.o" 2
check "failed recipe has its status" grep -q '"status":"3"' f.json

# ^C: the top make writes the trace before the signal ends it.
rm -f sub/*.o top.o
cat >sub/Makefile <<'MK'
all: a.o b.o
%.o:
	@sleep 5; touch $@
MK
(exec setsid env --default-signal=INT "$KBMAKE" -j2 --build-trace="$work/i.json" >/dev/null 2>&1) &
bg=$!
sleep 1.5
kill -INT -- -$bg
wait $bg
irc=$?
check "interrupted build exits 130" test "$irc" = 130
check "interrupted build's trace valid" python3 validate.py i.json "top.o,a.o,b.o" 2
check "interrupted recipes show the signal" grep -q '"status":"signal 2"' i.json

# A recipe whose first line runs a sub-make the sub-make memo skips, and a second line after
# it: the event keeps the memo's word of the sub-make line.
mkdir -p "$work/memo/q" && cd "$work/memo"
printf 'all:\n\t@$(MAKE) --no-print-directory -C q\n\t@true\n.PHONY: all\n' >Makefile
printf 'all: ; @:\n' >q/Makefile
sleep 0.3  # files newer than 100 ms are not vouched for by the memo
for n in 1 2; do
  KBMAKE_SHELL_CACHE=1 XDG_CACHE_HOME="$work/memo-cache" "$KBMAKE" --build-trace="$work/m$n.json" \
    >/dev/null 2>&1
done
check "a multi-line recipe keeps its sub-make line's memo word" python3 -c '
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["traceEvents"] if e.get("cat") == "submake"]
sys.exit(not (len(ev) == 1 and ev[0]["args"].get("memo") == "hit"))' "$work/m2.json"
cd "$work"
echo "$pass passed, $fail failed"
[[ $fail = 0 ]]
