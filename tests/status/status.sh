#!/usr/bin/env bash
# --status and --compdb (issue 10). Usage: status.sh KBMAKE {basic|sample|extmod}
#   basic   small makefiles: what gets the [N/M] prefix (make's echo, a silent line's leading
#           fixed echo, not an echo with backslashes), stripping the prefixes gives the plain
#           output, neither option reaches MAKEFLAGS (a GNU make sub-make accepts them), the
#           compile database of compound lines, `cd DIR &&`, process sub-makes.
#   sample  the sample tree (O=): -j1 output with prefixes stripped == without --status;
#           -j2 status lines monotone, ending N == M; the database against an execve trace of
#           every compiler run and the module's .cmd source_ lines; -n -B and process
#           sub-makes give the same database.
#   extmod  an external module against Debian's headers (-C KDIR M=), the same checks.
set -uo pipefail
KBMAKE=$(readlink -f "${1:?usage: status.sh KBMAKE MODE}")
mode=${2:?usage: status.sh KBMAKE MODE}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/kbmake-status.XXXXXX)
[[ ${KEEP:-0} = 1 ]] || trap 'rm -rf "$work"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS MAKEFILES KBUILD_VERBOSE V KBMAKE_STATUS \
  KBMAKE_SUBMAKE KBMAKE_COMPDB
export LC_ALL=C
pass=0 fail=0 skip=0
check() { # name command...
  if "${@:2}" >"$work/check.log" 2>&1; then
    pass=$((pass + 1)); echo "PASS $1"
  else
    fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/    /' "$work/check.log" | head -40
  fi
}
skip() { skip=$((skip + 1)); echo "SKIP $1 ($2)"; }
strip_status() { sed -E 's/^\[[0-9]+\/[0-9]+\] //' "$1"; }
have_strace=0
strace -f -qq -e trace=execve -o /dev/null true 2>/dev/null && have_strace=1
# traced OUT CMD...: runs CMD under an execve trace (when strace works) into OUT
traced() {
  local out=$1; shift
  if [[ $have_strace = 1 ]]; then
    strace -f -qq -e trace=execve -e signal=none -s 4096 -o "$out" "$@"
  else
    : >"$out"; "$@"
  fi
}
execve_check() { # db trace [more compdb_check args]
  if [[ $have_strace = 1 ]]; then python3 "$here/compdb_check.py" "$1" --execve "$2" "${@:3}"
  else python3 "$here/compdb_check.py" "$1" "${@:3}"; fi
}

case $mode in
basic)
  cd "$work"
  mkdir -p sub
  cat >Makefile <<'MK'
all: a.o b.o c d sub
	@echo "MAKEFLAGS=[$(MAKEFLAGS)]"
%.o: %.c
	@set -e; echo '  CC      $@'; gcc -c -o $@ $<
c:
	@echo 'back\slash'; touch $@
d:
	touch $@
sub:
	$(MAKE) -C sub
.PHONY: sub
MK
  cat >sub/Makefile <<'MK'
all: x.o tool
x.o: x.c
	@echo "  CC [M]  $@" && cd .. && cc -c sub/x.c -o sub/x.o -DNAME='"x y"'
tool: tool.c
	@if true; then echo '  HOSTCC  $@'; fi; gcc -o $@ $< ; echo done >/dev/null
MK
  echo 'int a;' >a.c; echo 'int b;' >b.c; echo 'int x;' >sub/x.c
  echo 'int main(void) { return 0; }' >sub/tool.c
  "$KBMAKE" >plain.out 2>&1
  rm -f a.o b.o c d sub/x.o sub/tool
  "$KBMAKE" --status --compdb=cc.json >st.out 2>&1
  check "stripping [N/M] gives the plain output" diff <(strip_status st.out) plain.out
  check "leading echo prefixed" grep -qx '\[[0-9]*/[0-9]*\]   CC      a.o' st.out
  check "make's own echo prefixed" grep -qx '\[[0-9]*/[0-9]*\] touch d' st.out
  check "echo with a backslash left to the shell" grep -qx 'back.slash' st.out
  check "echo inside if left to the shell" grep -qx '  HOSTCC  tool' st.out
  check "status lines monotone, end N == M" python3 "$here/status_check.py" st.out 5
  check "options not in MAKEFLAGS" bash -c "grep -q 'MAKEFLAGS=\\[' st.out && ! grep 'MAKEFLAGS=' st.out | grep -e status -e compdb"
  check "database: a.c b.c sub/x.c sub/tool.c" python3 - cc.json "$work" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1])); w = sys.argv[2]
got = sorted((os.path.normpath(e["directory"]), e["file"], e.get("output", "")) for e in d)
want = sorted([(w, "a.c", "a.o"), (w, "b.c", "b.o"), (w, "sub/x.c", "sub/x.o"),
               (w + "/sub", "tool.c", "tool")])
assert got == want, got
x = [e for e in d if e["file"] == "sub/x.c"][0]
assert x["arguments"] == ["cc", "-c", "sub/x.c", "-o", "sub/x.o", '-DNAME="x y"'], x
PY
  rm -f a.o b.o c d sub/x.o sub/tool
  KBMAKE_SUBMAKE=process "$KBMAKE" --compdb=proc.json >/dev/null 2>&1
  check "process sub-makes record too" python3 "$here/compdb_check.py" proc.json --same-as cc.json
  "$KBMAKE" -n -B --status --compdb=dry.json >dry.out 2>&1
  check "-n -B lists the same compiles" python3 "$here/compdb_check.py" dry.json --same-as cc.json
  check "-n -B --status: every command prefixed, end N == M" python3 "$here/status_check.py" dry.out 8
  rm -f a.o b.o c d sub/x.o sub/tool
  "$KBMAKE" --status --compdb=gnu.json MAKE=/usr/bin/make >gnu.out 2>&1
  check "a GNU make sub-make accepts MAKEFLAGS" bash -c "! grep -e 'unrecognized' -e 'invalid option' gnu.out && grep -q 'Leaving directory' gnu.out"
  # --status=term on a terminal (script(1) gives one): one updating line; a job's output
  # (here a compiler warning) starts on a line of its own; without a terminal, plain lines.
  if command -v script >/dev/null; then
    rm -f a.o b.o c d sub/x.o sub/tool
    printf '%s\n' 'all: w.o' 'w.o: w.c' "	@set -e; echo '  CC      \$@'; gcc -Wall -c -o \$@ \$<" >term.mk
    echo 'int f(void) { int unused_x; return 0; }' >w.c
    script -qc "'$KBMAKE' -f term.mk --status=term" /dev/null >term.out 2>&1 </dev/null
    check "--status=term: updating line, output below it" python3 - term.out <<'PY'
import sys
t = open(sys.argv[1], "rb").read()
assert b"\r[1/1]   CC      w.o\x1b[K" in t, t
assert b"\x1b[K\r\n" in t and b"unused_x" in t.split(b"\x1b[K", 1)[1], t
PY
    rm -f w.o
    "$KBMAKE" -f term.mk --status=term >noterm.out 2>&1
    check "--status=term without a terminal: lines" grep -qx '\[1/1\]   CC      w.o' noterm.out
  else
    skip "--status=term" "no script(1)"
  fi
  check "unknown --status type is an error" bash -c "'$KBMAKE' --status=bogus -f /dev/null 2>&1 | grep -q 'unknown status type'"
  ;;
sample)
  cp -a "$repo/sample-tree" "$repo/kbuild-rules" "$work/"
  src=$work/sample-tree o=$work/out
  rm -rf "$src/.config" "$src/include/config" "$src/include/generated"
  cd "$src"
  "$KBMAKE" O="$o" >"$work/plain.out" 2>&1
  check "sample tree builds" test $? = 0
  rm -rf "$o"
  "$KBMAKE" O="$o" --status >"$work/st1.out" 2>&1
  check "-j1: stripping [N/M] gives the plain output" diff <(strip_status "$work/st1.out") "$work/plain.out"
  check "-j1: status lines monotone, end N == M" python3 "$here/status_check.py" "$work/st1.out" 20
  rm -rf "$o"
  traced "$work/execve.txt" "$KBMAKE" -j2 O="$o" --status --compdb="$work/cc.json" >"$work/st2.out" 2>&1
  check "-j2 --status --compdb builds" test $? = 0
  check "-j2: status lines monotone, end N == M" python3 "$here/status_check.py" "$work/st2.out" 20
  check "database == compiler execve()s, module .cmd source_ lines" \
    execve_check "$work/cc.json" "$work/execve.txt" --cmd-root "$o"
  "$KBMAKE" -n -B O="$o" --compdb="$work/dry.json" >/dev/null 2>&1
  # The module's sub-make line hides $(MAKE) in $(mod-make), so -n does not run it (GNU make
  # neither): its compiles are not in a dry run's database.
  python3 -c 'import json, sys; json.dump([e for e in json.load(open(sys.argv[1])) if "/modules/" not in e.get("output", "")], open(sys.argv[2], "w"))' \
    "$work/cc.json" "$work/cc-nomod.json"
  check "-n -B lists the same compiles (but the module's)" \
    python3 "$here/compdb_check.py" "$work/dry.json" --same-as "$work/cc-nomod.json"
  rm -rf "$o"
  KBMAKE_SUBMAKE=process "$KBMAKE" -j2 O="$o" --compdb="$work/proc.json" >/dev/null 2>&1
  check "process sub-makes: the same database" python3 "$here/compdb_check.py" "$work/proc.json" --same-as "$work/cc.json"
  ;;
extmod)
  KDIR=${KDIR:-/usr/src/linux-headers-$(uname -r)}
  [[ -f $KDIR/Makefile ]] || KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
  if [[ -z $KDIR || ! -f $KDIR/Makefile ]]; then
    skip extmod "no kernel headers"
  else
    m=$work/mod
    mkdir -p "$m/sub"
    printf '%s\n' 'obj-m := multi.o' 'multi-y := main.o sub/helper.o' \
      'ccflags-y := -DKBMAKE_ANSWER=42 -I$(src)/sub' >"$m/Kbuild"
    printf '%s\n' 'modules:' '	$(MAKE) -C $(KDIR) M=$(CURDIR) $@' >"$m/Makefile"
    cat >"$m/main.c" <<'C'
#include <linux/module.h>
#include "helper.h"
static int __init multi_init(void) { return helper(KBMAKE_ANSWER) == 84 ? 0 : -EINVAL; }
static void __exit multi_exit(void) { }
module_init(multi_init);
module_exit(multi_exit);
MODULE_LICENSE("GPL");
C
    echo 'int helper(int x);' >"$m/sub/helper.h"
    printf '%s\n' '#include "helper.h"' 'int helper(int x) { return 2 * x; }' >"$m/sub/helper.c"
    traced "$work/execve.txt" "$KBMAKE" -j2 -C "$m" KDIR="$KDIR" --status --compdb="$work/cc.json" \
      modules >"$work/st.out" 2>&1
    check "external module builds" test $? = 0
    check "status lines monotone, end N == M" python3 "$here/status_check.py" "$work/st.out" 4
    check "quiet CC lines prefixed" grep -q '^\[[0-9]*/[0-9]*\]   CC \[M\]  .*/main.o$' "$work/st.out"
    check "database == compiler execve()s and .cmd source_ lines" \
      execve_check "$work/cc.json" "$work/execve.txt" --cmd-root "$m"
    check "database lists main.c, sub/helper.c, multi.mod.c" python3 - "$work/cc.json" <<'PY'
import json, os, sys
got = sorted(os.path.basename(e["file"]) for e in json.load(open(sys.argv[1])))
assert got == ["helper.c", "main.c", "multi.mod.c"], got
PY
    "$KBMAKE" -n -B -C "$m" KDIR="$KDIR" --compdb="$work/dry.json" modules >/dev/null 2>&1
    check "-n -B lists the same compiles" python3 "$here/compdb_check.py" "$work/dry.json" --same-as "$work/cc.json"
  fi
  ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
echo "$pass passed, $fail failed, $skip skipped"
[[ $fail = 0 ]]
