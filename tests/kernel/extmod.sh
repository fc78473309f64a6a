#!/usr/bin/env bash
# Drop-in check on the real Kbuild, fast part: external modules built against Debian's
# linux-headers tree, once with GNU make and once with kbmake, and compared.
#
# Each module is built by both programs in the very same directory (pristine copy, build,
# results moved away, next program), so the outputs and .cmd files need no path rewriting;
# only the program name in "kbmake: Entering directory" messages and the program's path (as
# printed when a Makefile echoes $(MAKE)) are normalised.
#
# Steps per module and program:  modules, modules again (null build), modules_install
# INSTALL_MOD_PATH=<dir>, clean.  Checks:
#   <mod>/modules/output      stdout, stderr and exit status identical
#   <mod>/modules/files       same set of files produced
#   <mod>/modules/objects     every .o and .ko byte-identical
#   <mod>/modules/cmdfiles    every .*.cmd byte-identical
#   <mod>/modules/other       every other produced file (.mod, .mod.c, Module.symvers...) identical
#   <mod>/null/output         second `modules` prints the same (nothing rebuilt)
#   <mod>/null/mtimes         second `modules` changes no file (path, size, mtime) for each program
#   <mod>/install/output      modules_install output identical
#   <mod>/install/tree        installed tree identical (names and contents)
#   <mod>/clean/output        clean output identical
#   <mod>/clean/files         same files remain after clean
#   <mod>/parallel/output     `modules -j2` from a pristine copy: same output lines (any order)
#   <mod>/parallel/files      ... and the same files with the same contents
#
# Environment: KBMAKE (default <repo>/build/bin/kbmake), GNUMAKE (default /usr/bin/make),
# KDIR (default /usr/src/linux-headers-$(uname -r), else the newest *-amd64 headers tree),
# KEEP=1 keeps the work directory.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KBMAKE=${KBMAKE:-$repo/build/bin/kbmake}
GNUMAKE=${GNUMAKE:-/usr/bin/make}
if [[ -z ${KDIR:-} ]]; then
  KDIR=/usr/src/linux-headers-$(uname -r)
  [[ -f $KDIR/Makefile ]] || KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
fi
for f in "$KBMAKE" "$GNUMAKE"; do
  [[ -x $f ]] || { echo "extmod: missing executable $f" >&2; exit 2; }
done
[[ -n $KDIR && -f $KDIR/Makefile ]] || {
  echo "extmod: no kernel headers tree (install linux-headers-amd64: tools/install-kernel-deps.sh)" >&2
  exit 2
}
KBMAKE=$(readlink -f "$KBMAKE")

work=$(mktemp -d /tmp/kbmake-extmod.XXXXXX)
[[ ${KEEP:-0} = 1 ]] || trap 'rm -rf "$work"' EXIT
# Deterministic environment for both programs.
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS MAKEFILES KBUILD_VERBOSE V
export LC_ALL=C

pass=0 fail=0
results=()
record() { # name status detail
  results+=("$(printf '%-34s %-4s %s' "$1" "$2" "${3:-}")")
  if [[ $2 = PASS ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
# check name file-a file-b : PASS when identical, else FAIL with a diff excerpt in the log.
check() {
  if cmp -s "$2" "$3"; then record "$1" PASS
  else
    record "$1" FAIL "(diff $2 $3)"
    { echo "=== $1: diff GNU make vs kbmake"; diff "$2" "$3" | head -40; } >>"$work/diffs.txt"
  fi
}

# ---- module sources -------------------------------------------------------------------------
mkdir -p "$work/src/single" "$work/src/multi/sub"
cat >"$work/src/single/hello.c" <<'EOF'
#include <linux/module.h>
#include <linux/init.h>
static int __init hello_init(void) { pr_info("hello\n"); return 0; }
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kbmake single-file test module");
EOF
echo 'obj-m := hello.o' >"$work/src/single/Makefile"

cat >"$work/src/multi/Kbuild" <<'EOF'
obj-m := multi.o
multi-y := main.o sub/helper.o
ccflags-y := -DKBMAKE_ANSWER=42 -I$(src)/sub
EOF
cat >"$work/src/multi/Makefile" <<'EOF'
KDIR ?= /lib/modules/$(shell uname -r)/build
modules modules_install clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@
EOF
cat >"$work/src/multi/main.c" <<'EOF'
#include <linux/module.h>
#include "helper.h"
static int __init multi_init(void) { return helper(KBMAKE_ANSWER) == 84 ? 0 : -EINVAL; }
static void __exit multi_exit(void) { }
module_init(multi_init);
module_exit(multi_exit);
MODULE_LICENSE("GPL");
EOF
cat >"$work/src/multi/sub/helper.h" <<'EOF'
int helper(int x);
EOF
cat >"$work/src/multi/sub/helper.c" <<'EOF'
#include <linux/kernel.h>
#include "helper.h"
#ifndef KBMAKE_ANSWER
#error ccflags-y not applied
#endif
int helper(int x) { return 2 * x; }
EOF

# ---- helpers ---------------------------------------------------------------------------------
# run <prog> <outprefix> args... : stdout/stderr/status into <outprefix>.{out,err,rc},
# the program name normalised to "make"; wall time into <outprefix>.time
run() {
  local prog=$1 pfx=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$prog" "$@" >"$pfx.out.raw" 2>"$pfx.err.raw"
  echo $? >"$pfx.rc"
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}' >"$pfx.time"
  local n q
  n=$(basename "$prog")
  q=$(printf '%s' "$prog" | sed 's/[][\.*^$#]/\\&/g')
  # "kbmake[1]: Entering..." -> "make[1]: ..."; the program's own path (from $(MAKE)) -> MAKE
  for s in out err; do
    sed -E "s#^${n}(\[[0-9]+\])?: #make\1: #; s#$q#MAKE#g" "$pfx.$s.raw" >"$pfx.$s"
  done
  cat "$pfx.out" "$pfx.err" "$pfx.rc" >"$pfx.all"
}
# files <dir> <outfile> : sorted relative file list (type and name)
files() { (cd "$1" && find . -mindepth 1 -printf '%y %P\n' | LC_ALL=C sort) >"$2"; }
# stamps <dir> <outfile> : name, size and mtime (ns) of everything
stamps() { (cd "$1" && find . -mindepth 1 -printf '%P %s %T@\n' | LC_ALL=C sort) >"$2"; }
# sums <dir> <outfile> <find-predicates...> : sha256 of selected regular files
sums() {
  local d=$1 o=$2; shift 2
  (cd "$d" && find . -type f \( "$@" \) -printf '%P\n' | LC_ALL=C sort |
    while IFS= read -r f; do printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"; done) >"$o"
}

bld=$work/m          # the one build directory both programs use in turn
inst=$work/inst      # the one INSTALL_MOD_PATH both programs use in turn

for mod in single multi; do
  for who in gnu kb; do
    if [[ $who = gnu ]]; then prog=$GNUMAKE; else prog=$KBMAKE; fi
    o=$work/res/$mod/$who
    mkdir -p "$o"
    rm -rf "$bld" "$inst"
    cp -a "$work/src/$mod" "$bld"
    files "$bld" "$o/src.files"
    # modules: the multi module goes through its own Makefile ($(MAKE) -C KDIR M=...), as
    # out-of-tree projects usually do; the single one calls the kernel Makefile directly.
    if [[ $mod = multi ]]; then
      run "$prog" "$o/modules" -C "$bld" KDIR="$KDIR" modules
    else
      run "$prog" "$o/modules" -C "$KDIR" M="$bld" modules
    fi
    files "$bld" "$o/modules.files"
    sums "$bld" "$o/modules.objects" -name '*.o' -o -name '*.ko'
    sums "$bld" "$o/modules.cmd" -name '.*.cmd'
    sums "$bld" "$o/modules.other" ! -name '*.o' ! -name '*.ko' ! -name '.*.cmd'
    stamps "$bld" "$o/before-null.stamps"
    sleep 0.05
    if [[ $mod = multi ]]; then
      run "$prog" "$o/null" -C "$bld" KDIR="$KDIR" modules
    else
      run "$prog" "$o/null" -C "$KDIR" M="$bld" modules
    fi
    stamps "$bld" "$o/after-null.stamps"
    run "$prog" "$o/install" -C "$KDIR" M="$bld" INSTALL_MOD_PATH="$inst" modules_install
    if [[ -d $inst ]]; then
      files "$inst" "$o/install.files"
      sums "$inst" "$o/install.sums" -true
    else
      : >"$o/install.files"; : >"$o/install.sums"
    fi
    run "$prog" "$o/clean" -C "$KDIR" M="$bld" clean
    files "$bld" "$o/clean.files"
    # parallel build from a pristine copy: output compared as a multiset of lines
    rm -rf "$bld"; cp -a "$work/src/$mod" "$bld"
    run "$prog" "$o/parallel" -j2 -C "$KDIR" M="$bld" modules
    LC_ALL=C sort "$o/parallel.all" >"$o/parallel.sorted"
    sums "$bld" "$o/parallel.sums" -true
    rm -rf "$bld" "$inst"
  done
  g=$work/res/$mod/gnu k=$work/res/$mod/kb
  if [[ $(cat "$g/modules.rc") != 0 ]]; then
    record "$mod/gnu-make-builds" FAIL "GNU make itself failed; see $g/modules.err"
  fi
  check "$mod/modules/output" "$g/modules.all" "$k/modules.all"
  check "$mod/modules/files" "$g/modules.files" "$k/modules.files"
  if grep -q '\.ko$' "$g/modules.files"; then
    check "$mod/modules/objects" "$g/modules.objects" "$k/modules.objects"
  else
    record "$mod/modules/objects" FAIL "no .ko produced by GNU make"
  fi
  check "$mod/modules/cmdfiles" "$g/modules.cmd" "$k/modules.cmd"
  check "$mod/modules/other" "$g/modules.other" "$k/modules.other"
  check "$mod/null/output" "$g/null.all" "$k/null.all"
  for who in gnu kb; do
    if cmp -s "$work/res/$mod/$who/before-null.stamps" "$work/res/$mod/$who/after-null.stamps"; then
      record "$mod/null/mtimes-$who" PASS
    else
      record "$mod/null/mtimes-$who" FAIL "files changed by the null build"
      { echo "=== $mod/null/mtimes-$who"
        diff "$work/res/$mod/$who/before-null.stamps" "$work/res/$mod/$who/after-null.stamps" | head -20
      } >>"$work/diffs.txt"
    fi
  done
  check "$mod/install/output" "$g/install.all" "$k/install.all"
  check "$mod/install/tree" "$g/install.sums" "$k/install.sums"
  check "$mod/clean/output" "$g/clean.all" "$k/clean.all"
  check "$mod/clean/files" "$g/clean.files" "$k/clean.files"
  check "$mod/parallel/output" "$g/parallel.sorted" "$k/parallel.sorted"
  check "$mod/parallel/files" "$g/parallel.sums" "$k/parallel.sums"
done

echo "kernel-extmod: external modules against $KDIR"
echo "  GNU make: $GNUMAKE   kbmake: $KBMAKE"
printf '%-34s %-4s %s\n' CHECK RESULT DETAIL
printf '%s\n' "${results[@]}"
echo
printf '%-10s %-8s %10s %10s\n' module step 'GNU make' kbmake
for mod in single multi; do
  for step in modules null install clean parallel; do
    printf '%-10s %-8s %9ss %9ss\n' "$mod" "$step" \
      "$(cat "$work/res/$mod/gnu/$step.time")" "$(cat "$work/res/$mod/kb/$step.time")"
  done
done
if [[ -s $work/diffs.txt ]]; then
  echo; echo "Differences:"; cat "$work/diffs.txt"
fi
echo
echo "$pass passed, $fail failed"
((fail == 0))
