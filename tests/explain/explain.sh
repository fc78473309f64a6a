#!/usr/bin/env bash
# --explain and the build log (issue 10; docs/BUILD-LOG.md) on small makefiles:
# the reasons (does not exist, newer prerequisites, phony prerequisite, -B, -W, command
# changed with the words that differ), a no-change build explains nothing, -n explains and
# logs nothing, sub-makes in the process and as processes (make[N] prefix), where the log
# goes (-C, sub-makes in other directories, --build-log=FILE), a torn last line, concurrent
# writers, and that without the options nothing changes (no log file, GNU make's output).
set -uo pipefail
KBMAKE=$(readlink -f "${1:?usage: explain.sh path/to/kbmake}")
GNUMAKE=${GNUMAKE:-/usr/bin/make}
work=$(mktemp -d /tmp/kbmake-explain.XXXXXX)
trap 'rm -rf "$work"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL KBMAKE_EXPLAIN KBMAKE_BUILD_LOG KBMAKE_BUILD_LOG_DIRS
export LC_ALL=C
pass=0 fail=0
check() { # name command...
  if "${@:2}"; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
# same FILE EXPECTED-TEXT: the file's explain lines are exactly the text (sorted)
explained() {
  local got
  got=$(grep 'explain:' "$1" | LC_ALL=C sort)
  if [[ $got == "$2" ]]; then return 0; fi
  echo "--- expected:"; echo "$2"; echo "--- got:"; echo "$got"
  return 1
}
cd "$work"
mkdir p && cd p
cat >Makefile <<'MK'
CFLAGS ?= -O2
all: prog ver.h
# filechk in miniature: runs every time, rewrites ver.h only when its text changes.
ver.h: FORCE
	@echo v1 > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
prog: a.o b.o
	@echo link $^ > $@
# Kbuild's if_changed in miniature: the recipe is a lone ':' unless a prerequisite is newer or
# the command differs from the one saved in .TARGET.cmd, so a no-change build leaves all alone.
-include $(wildcard .*.cmd)
cmd_cc = cc $(CFLAGS) -c $<
changed = $(filter-out FORCE,$?)$(subst $(savedcmd_$@),,$(cmd_cc))$(subst $(cmd_cc),,$(savedcmd_$@))
%.o: %.c h.h FORCE
	$(if $(changed),@echo "$(cmd_cc)" > $@; echo 'savedcmd_$@ := $(cmd_cc)' > .$@.cmd,@:)
FORCE:
.PHONY: FORCE all
MK
touch a.c b.c h.h

# Without the options: GNU make's output, no log anywhere.
"$KBMAKE" >kb.out 2>&1; "$KBMAKE" >>kb.out 2>&1
rm -f a.o b.o prog ver.h .*.cmd
"$GNUMAKE" >gnu.out 2>&1; "$GNUMAKE" >>gnu.out 2>&1
check "default output is GNU make's" cmp -s kb.out gnu.out
check "no log without the options" bash -c '[[ -z $(find . -name ".kbmake_log*") ]]'

rm -f a.o b.o prog ver.h .*.cmd
"$KBMAKE" --explain >out 2>err
check "first build: does not exist" explained err "kbmake: explain: a.o: does not exist
kbmake: explain: b.o: does not exist
kbmake: explain: prog: does not exist
kbmake: explain: ver.h: does not exist"
check "log in the make's directory" test -f .kbmake_log
check "log records each file target (not phony ones)" \
  bash -c '[[ $(cut -f4 .kbmake_log | grep -v "^#" | sort | tr "\n" " ") == "$PWD/a.o $PWD/b.o $PWD/prog $PWD/ver.h " ]]'
"$KBMAKE" --explain >out 2>err
check "null build explains nothing (FORCE, same command)" explained err ""
sleep 0.01; touch h.h
"$KBMAKE" --explain >out 2>err
check "touched header named" explained err "kbmake: explain: a.o: newer prerequisites: h.h
kbmake: explain: b.o: newer prerequisites: h.h
kbmake: explain: prog: newer prerequisites: a.o b.o"
"$KBMAKE" --explain CFLAGS='-O2 -DFOO' >out 2>err
check "command changed: added flag" explained err "kbmake: explain: a.o: command changed: added -DFOO
kbmake: explain: b.o: command changed: added -DFOO
kbmake: explain: prog: newer prerequisites: a.o b.o"
"$KBMAKE" --explain CFLAGS='-O3' >out 2>err
check "command changed: added and removed" \
  grep -qx 'kbmake: explain: a.o: command changed: added -O3; removed -O2 -DFOO' err
"$KBMAKE" --explain CFLAGS='-O3' -B >out 2>err
check "-B" grep -qx 'kbmake: explain: a.o: -B (--always-make)' err
"$KBMAKE" --explain CFLAGS='-O3' -W h.h >out 2>err
check "-W" grep -qx 'kbmake: explain: a.o: newer prerequisites: h.h (-W)' err
rm -f b.o
cp .kbmake_log log.before
"$KBMAKE" --explain CFLAGS='-O1' -n >out 2>err
check "-n explains what would run" grep -qx 'kbmake: explain: b.o: does not exist; command changed: added -O1; removed -O3' err
check "-n logs nothing" cmp -s .kbmake_log log.before
"$KBMAKE" CFLAGS='-O3' >/dev/null 2>&1

# A phony prerequisite with no earlier record is the reason given.
rm .kbmake_log
"$KBMAKE" --explain CFLAGS='-O3' >out 2>err
check "phony prerequisite without a record (a lone ':' is not explained)" \
  explained err "kbmake: explain: ver.h: phony prerequisite: FORCE"
"$KBMAKE" --build-log CFLAGS='-O3' -B >/dev/null 2>&1

# A torn last line (a writer that died mid-line) is ignored, and the next record is whole.
printf '1\t2\t00000000000000' >>.kbmake_log
"$KBMAKE" --explain CFLAGS='-O2' >out 2>err
check "torn last line tolerated" grep -qx 'kbmake: explain: a.o: command changed: added -O2; removed -O3' err
"$KBMAKE" --explain CFLAGS='-O2' >out 2>err
check "record after a torn line is read" explained err ""

# --build-log without --explain writes the log and prints nothing more.
rm -f .kbmake_log a.o
"$KBMAKE" --build-log >out 2>err
check "--build-log: quiet" bash -c '! grep -q explain err && grep -q "/a.o	=" .kbmake_log'
"$KBMAKE" --build-log="$work/other.log" CFLAGS=-Os --explain >out 2>err
check "--build-log=FILE" bash -c "grep -q '/p/a.o	=@echo \"cc -Os -c a.c\"' '$work/other.log'"

# Sub-makes: in the process and as processes, MAKEFLAGS without the options, the log of
# each directory; -C from elsewhere.
cd "$work"
mkdir -p top/sub1 top/sub2
cat >top/Makefile <<'MK'
all: out.txt
	$(MAKE) -C sub1 --no-print-directory
	$(MAKE) -C sub2 --no-print-directory
	@echo "MAKEFLAGS=[$(MAKEFLAGS)]"
out.txt: ; @echo top > $@
.PHONY: all
MK
for d in sub1 sub2; do
  cat >top/$d/Makefile <<'MK'
X ?= 1
all: x.o y.o
x.o y.o: FORCE ; @echo $(X) $@ > $@
FORCE:
.PHONY: FORCE
MK
done
for mode in thread process; do
  rm -f top/out.txt top/sub*/*.o top/.kbmake_log top/sub*/.kbmake_log
  [[ $mode = process ]] && export KBMAKE_SUBMAKE=process
  "$KBMAKE" -C top --explain --no-print-directory >out 2>err
  check "$mode: sub-make explains with make[1]" explained err "kbmake: explain: out.txt: does not exist
kbmake[1]: explain: x.o: does not exist
kbmake[1]: explain: x.o: does not exist
kbmake[1]: explain: y.o: does not exist
kbmake[1]: explain: y.o: does not exist"
  check "$mode: options not in MAKEFLAGS" bash -c '! grep MAKEFLAGS= out | grep -q -e explain -e build-log'
  check "$mode: each make's directory has its log" \
    bash -c '[[ -f top/.kbmake_log && -f top/sub1/.kbmake_log && -f top/sub2/.kbmake_log && ! -e .kbmake_log ]]'
  "$KBMAKE" -C top --explain --no-print-directory X=2 >out 2>err
  check "$mode: command changed in sub-makes" explained err "kbmake[1]: explain: x.o: command changed: added 2; removed 1
kbmake[1]: explain: x.o: command changed: added 2; removed 1
kbmake[1]: explain: y.o: command changed: added 2; removed 1
kbmake[1]: explain: y.o: command changed: added 2; removed 1"
  unset KBMAKE_SUBMAKE
done

# A sub-make in another directory whose targets are in the top make's tree (Kbuild's M=
# against a kernel tree): the records go to the innermost make directory holding the target.
mkdir -p ext kdir
cat >kdir/Makefile <<'MK'
all: $(M)/m.o
$(M)/m.o: FORCE ; @echo m > $@
FORCE:
.PHONY: FORCE
MK
(cd ext && "$KBMAKE" -C ../kdir M="$work/ext" --explain >/dev/null 2>&1)
check "M=-style: log where the user ran make, none in the tree" \
  bash -c "[[ -f ext/.kbmake_log && ! -e kdir/.kbmake_log ]] && grep -q '$work/ext/m.o' ext/.kbmake_log"

# Concurrent writers: 4 sub-make processes and 4 in-process ones, -j8, one log file.
mkdir -p conc
cat >conc/Makefile <<'MK'
D := d1 d2 d3 d4
all: $(D)
$(D): ; +$(MAKE) -s -f $(CURDIR)/sub.mk -C $(CURDIR) DIR=$@
.PHONY: all $(D)
MK
cat >conc/sub.mk <<'MK'
N := $(shell seq 1 60)
all: $(foreach n,$(N),$(DIR)-$(n).o)
$(DIR)-%.o: ; @echo $(subst x,xxxxxxxx,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx) > $@
MK
for mode in thread process; do
  rm -f conc/*.o conc/.kbmake_log
  [[ $mode = process ]] && export KBMAKE_SUBMAKE=process
  "$KBMAKE" -C conc -j8 --build-log >/dev/null 2>&1 &
  "$KBMAKE" -C conc -j8 --build-log >/dev/null 2>&1
  wait
  unset KBMAKE_SUBMAKE
  check "$mode: concurrent writers, every line whole" python3 - conc/.kbmake_log <<'PY'
import re, sys
lines = open(sys.argv[1], 'rb').read().split(b'\n')
assert lines[-1] == b'', 'no final newline'
body = [l for l in lines[:-1] if not l.startswith(b'#')]
pat = re.compile(rb'^\d+\t\d+\t[0-9a-f]{16}\t/[^\t]+\.o\t= @echo [x]+ > [^\t]+\.o$')
bad = [l for l in body if not pat.match(l)]
assert not bad, bad[:3]
names = {l.split(b'\t')[3] for l in body}
assert len(names) == 240, len(names)
PY
done

echo "$pass passed, $fail failed"
[[ $fail = 0 ]]
