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
mkdir -p "$mod/sub"
cat >"$mod/Kbuild" <<'EOF'
obj-m := multi.o
multi-y := main.o sub/helper.o
ccflags-y := -DKBMAKE_ANSWER=42 -I$(src)/sub
EOF
cat >"$mod/main.c" <<'EOF'
#include <linux/module.h>
#include "helper.h"
static int __init multi_init(void) { return helper(KBMAKE_ANSWER) == 84 ? 0 : -EINVAL; }
static void __exit multi_exit(void) { }
module_init(multi_init);
module_exit(multi_exit);
MODULE_LICENSE("GPL");
EOF
echo 'int helper(int x);' >"$mod/sub/helper.h"
printf '#include <linux/kernel.h>\n#include "helper.h"\nint helper(int x) { return 2 * x; }\n' \
  >"$mod/sub/helper.c"
mmk() { (cd "$mod" && "$KBMAKE" -j2 -C "$KDIR" M="$mod" --explain modules) >"$work/m$1.out" 2>"$work/m$1.err"; }
mmk full
check "extmod: build" bash -c "[[ \$? = 0 && -f '$mod/multi.ko' ]]"
check "extmod: log in the module's directory" test -s "$mod/.kbmake_log"
mmk null
check "extmod: no-change build explains nothing" bash -c "! grep -q explain: '$work/mnull.err'"
sleep 1.1
touch "$mod/sub/helper.h"
mmk header
printf '%s\n' "$mod/main.o" "$mod/sub/helper.o" >"$work/mheader.expected"
sed -n 's|^kbmake\[[0-9]*\]: explain: \([^ ]*\.o\): newer prerequisites: .*sub/helper\.h.*|\1|p' \
  "$work/mheader.err" | grep -v 'multi\.o$' | sort >"$work/mheader.named"
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
