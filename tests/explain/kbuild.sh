#!/usr/bin/env bash
# --explain on Kbuild (issue 10): the sample tree built with O= (our kbuild-rules) and an
# external module against Debian's linux-headers (the kernel's own Kbuild). For each:
# a no-change build explains nothing; after `touch` on a header every rebuilt object is
# explained by that header, and exactly the objects whose .cmd file names it are; after
# adding a flag to ccflags-y every rebuilt object shows "command changed: added FLAG".
# The log lands in the object tree (O=) or where make was started (M=), never in the
# source tree or the kernel headers tree.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KBMAKE=$(readlink -f "${1:?usage: kbuild.sh path/to/kbmake}")
if [[ -z ${KDIR:-} ]]; then
  KDIR=/usr/src/linux-headers-$(uname -r)
  [[ -f $KDIR/Makefile ]] || KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
fi
[[ -n $KDIR && -f $KDIR/Makefile ]] || { echo "kbuild.sh: no kernel headers tree" >&2; exit 2; }
work=$(mktemp -d /tmp/kbmake-explain-kbuild.XXXXXX)
trap 'rm -rf "$work"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL KBMAKE_EXPLAIN KBMAKE_BUILD_LOG KBMAKE_BUILD_LOG_DIRS \
  KBUILD_VERBOSE V KBUILD_OUTPUT
export LC_ALL=C
pass=0 fail=0
check() { # name command...
  if "${@:2}"; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
# same NAME FILE-A FILE-B: the two lists are equal (shows both when not)
same() {
  if cmp -s "$2" "$3"; then pass=$((pass + 1)); echo "PASS $1"; return; fi
  fail=$((fail + 1)); echo "FAIL $1"; echo "--- expected"; cat "$2"; echo "--- got"; cat "$3"
}
kdir_log_before=$(stat -c %Y "$KDIR/.kbmake_log" 2>/dev/null || echo none)

# ---- sample tree, O= ----------------------------------------------------------------------
cp -a "$repo/sample-tree" "$repo/kbuild-rules" "$work/"
rm -rf "$work/sample-tree/.config" "$work/sample-tree/include/config" \
  "$work/sample-tree/include/generated" "$work/sample-tree/.kbmake_log"
src=$work/sample-tree out=$work/out
mk() { (cd "$src" && "$KBMAKE" -j2 O="$out" --explain) >"$work/$1.out" 2>"$work/$1.err"; }
mk full
check "sample: full build" test $? = 0
check "sample: log in the object tree only" \
  bash -c "[[ -s '$out/.kbmake_log' && -z \$(find '$src' -name .kbmake_log) ]]"
mk null
check "sample: no-change build explains nothing" bash -c "! grep -q explain: '$work/null.err'"

sleep 1.1
(cd "$out" && grep -l 'include/biscuit/lib\.h' $(find . -name '.*.o.cmd') |
  sed -e 's|^\./||; s|/\.\([^/]*\)\.cmd$|/\1|' | sort) >"$work/header.expected"
touch "$src/include/biscuit/lib.h"
mk header
# "make[N]: explain: vmm/main.o: newer prerequisites: .../include/biscuit/lib.h"
# (composite objects relinked from newer objects, such as lib/vmmver.o, are not compiles)
grep -v -E 'newer prerequisites:( [^ ]*\.o)+$' "$work/header.err" |
  sed -n 's|^kbmake\[[0-9]*\]: explain: \([^ ]*\.o\): .*|\1|p' | sort >"$work/header.explained"
sed -n 's|^kbmake\[[0-9]*\]: explain: \([^ ]*\.o\): newer prerequisites: .*include/biscuit/lib\.h.*|\1|p' \
  "$work/header.err" | sort >"$work/header.named"
check "sample: header expected objects found" test -s "$work/header.expected"
same "sample: touched header: the objects explained are those that include it" \
  "$work/header.expected" "$work/header.explained"
same "sample: touched header: each names the header" "$work/header.expected" "$work/header.named"

sleep 1.1
(cd "$out" && ls vmm/*.o | sort) >"$work/ccflags.expected"
sed -i -e 's/^ccflags-y := -DVMM_SERIAL_PORT=0x3f8$/& -DKBM_ST_TEST=1/' "$src/vmm/Makefile"
check "sample: ccflags-y edited" grep -q KBM_ST_TEST "$src/vmm/Makefile"
mk ccflags
sed -n 's|^kbmake\[[0-9]*\]: explain: \([^ ]*\.o\): .*|\1|p' "$work/ccflags.err" | sort \
  >"$work/ccflags.explained"
sed -n 's|^kbmake\[[0-9]*\]: explain: \([^ ]*\.o\): command changed: added -DKBM_ST_TEST=1$|\1|p' \
  "$work/ccflags.err" | sort >"$work/ccflags.named"
same "sample: ccflags-y: the objects explained are vmm/*.o" "$work/ccflags.expected" "$work/ccflags.explained"
same "sample: ccflags-y: each shows the added flag" "$work/ccflags.expected" "$work/ccflags.named"
mk null2
check "sample: then a no-change build explains nothing" bash -c "! grep -q explain: '$work/null2.err'"

# ---- external module against the kernel's Kbuild -------------------------------------------
mod=$work/mod
mkdir -p "$mod/util"
printf '%s\n' 'obj-m := xdemo.o' 'xdemo-y := core.o util/calc.o' \
  'ccflags-y := -DXDEMO_BASE=7 -I$(src)/util' >"$mod/Kbuild"
printf '%s\n' '#include <linux/module.h>' '#include "calc.h"' \
  'static int __init xdemo_init(void) { return xdemo_calc(XDEMO_BASE) == 14 ? 0 : -EINVAL; }' \
  'module_init(xdemo_init);' 'MODULE_LICENSE("GPL");' >"$mod/core.c"
echo 'int xdemo_calc(int v);' >"$mod/util/calc.h"
printf '%s\n' '#include "calc.h"' 'int xdemo_calc(int v) { return v + v; }' >"$mod/util/calc.c"
mmk() { (cd "$mod" && "$KBMAKE" -j2 -C "$KDIR" M="$mod" --explain modules) >"$work/m$1.out" 2>"$work/m$1.err"; }
mmk full
check "extmod: build" bash -c "[[ \$? = 0 && -f '$mod/xdemo.ko' ]]"
check "extmod: log in the module's directory" test -s "$mod/.kbmake_log"
mmk null
check "extmod: no-change build explains nothing" bash -c "! grep -q explain: '$work/mnull.err'"
sleep 1.1
touch "$mod/util/calc.h"
mmk header
printf '%s\n' "$mod/core.o" "$mod/util/calc.o" >"$work/mheader.expected"
sed -n 's|^kbmake\[[0-9]*\]: explain: \([^ ]*\.o\): newer prerequisites: .*util/calc\.h.*|\1|p' \
  "$work/mheader.err" | grep -v 'xdemo\.o$' | sort >"$work/mheader.named"
same "extmod: touched header named for each object" "$work/mheader.expected" "$work/mheader.named"
sleep 1.1
sed -i 's/^ccflags-y := .*/& -DKBMAKE_NEW=1/' "$mod/Kbuild"
mmk ccflags
sed -n 's|^kbmake\[[0-9]*\]: explain: \([^ ]*\.o\): command changed: added -DKBMAKE_NEW=1$|\1|p' \
  "$work/mccflags.err" | sort >"$work/mccflags.named"
same "extmod: ccflags-y flag shown for each object" "$work/mheader.expected" "$work/mccflags.named"
check "extmod: no log in the kernel headers tree" \
  test "$(stat -c %Y "$KDIR/.kbmake_log" 2>/dev/null || echo none)" = "$kdir_log_before"

echo "$pass passed, $fail failed"
[[ $fail = 0 ]]
