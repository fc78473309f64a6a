#!/usr/bin/env bash
# --compdb and --status on a full Linux build (issue 10), not part of ctest (several minutes):
#
#   tests/status/tinyconfig.sh KBMAKE TREE [WORK]
#
# TREE is a configured Linux tree (its .config is used; TREE itself is not modified). It is
# copied to WORK/src (default WORK=/var/tmp/kbmake-compdb-tiny) and cleaned with `make
# mrproper`, and kbmake builds it from scratch into WORK/out (O=) with -j2 --status
# --compdb under `strace -f -e trace=execve`, so host programs (fixdep, kconfig's conf,
# built before Kbuild's re-exec), vDSO and boot code compile too. Checks:
#   - the status lines are monotone and the last reads N == M (status_check.py);
#   - the database equals the compiler execve()s (file and full argv, as a multiset) and
#     the source_ lines of the .cmd files under WORK/out (compdb_check.py).
set -uo pipefail
KBMAKE=$(readlink -f "${1:?usage: tinyconfig.sh KBMAKE TREE [WORK]}")
TREE=$(readlink -f "${2:?usage: tinyconfig.sh KBMAKE TREE [WORK]}")
WORK=${3:-/var/tmp/kbmake-compdb-tiny}
here=$(cd "$(dirname "$0")" && pwd)
[[ -f $TREE/.config ]] || { echo "tinyconfig.sh: $TREE/.config missing" >&2; exit 2; }
export LC_ALL=C KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' KBUILD_BUILD_USER=kbmake \
  KBUILD_BUILD_HOST=kbmake KBUILD_BUILD_VERSION=1
unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS KBMAKE_STATUS KBMAKE_SUBMAKE KBMAKE_COMPDB
rm -rf "$WORK" && mkdir -p "$WORK/out"
cp -a "$TREE" "$WORK/src"
cp "$TREE/.config" "$WORK/out/.config"
(cd "$WORK/src" && /usr/bin/make -s mrproper) >/dev/null 2>&1
t0=$(date +%s)
(cd "$WORK/src" && strace -f -qq -e trace=execve -e signal=none -s 4096 -o "$WORK/execve.txt" \
  "$KBMAKE" -j2 O="$WORK/out" --status --compdb="$WORK/compile_commands.json") \
  >"$WORK/build.out" 2>"$WORK/build.err"
rc=$?
echo "build: exit $rc in $(( $(date +%s) - t0 )) s (under strace)"
fail=0
[[ $rc = 0 ]] || fail=1
python3 "$here/status_check.py" "$WORK/build.out" 100 || fail=1
python3 "$here/compdb_check.py" "$WORK/compile_commands.json" --execve "$WORK/execve.txt" \
  --cmd-root "$WORK/out" || fail=1
[[ $fail = 0 ]] && echo "tinyconfig.sh: OK" || echo "tinyconfig.sh: FAIL"
exit $fail
