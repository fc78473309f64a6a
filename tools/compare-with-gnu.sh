#!/usr/bin/env bash
# Differential check: runs GNU make 4.3 and kbmake on each given makefile and lists those whose
# output, error output or exit status differ (the program name aside).
# Usage: tools/compare-with-gnu.sh [-k KBMAKE] [-o OUTDIR] MAKEFILE...
#   e.g. tools/compare-with-gnu.sh fuzz/corpus/* build/fuzz/corpus-work/*
# Each makefile runs as `Makefile` in an empty directory of its own, twice (one per make),
# with a clean environment, stdin from /dev/null, a 5 s limit, and as user `nobody` when run
# as root: fuzzer inputs may run arbitrary shell commands. For a difference, OUTDIR keeps both
# runs (gnu.out/err/rc, kb.out/err/rc); the rest is removed. A difference is a lead, not a
# verdict: docs/DIFFERENCES.md lists the deliberate ones (e.g. 4.4's $(let) and $(intcmp)),
# and a shell's $$ differs from run to run. A confirmed difference becomes a testdata/ case
# recorded from GNU make (tools/record-testdata.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kb=$root/build/bin/kbmake
out=${TMPDIR:-/tmp}/kbmake-compare
while getopts k:o: opt; do
  case $opt in
    k) kb=$(realpath "$OPTARG") ;;
    o) out=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
mkdir -p "$out"
chmod 755 "$out"
as_user=()
if [ "$(id -u)" = 0 ]; then as_user=(runuser -u nobody --); fi
total=0 differ=0
for f in "$@"; do
  [ -f "$f" ] || continue
  total=$((total + 1))
  d=$(mktemp -d "$out/case.XXXXXX")
  chmod 755 "$d"
  for prog in gnu kb; do
    mkdir -p "$d/$prog/bin"
    cp "$f" "$d/$prog/Makefile"
    if [ $prog = gnu ]; then ln -s /usr/bin/make "$d/$prog/bin/make"; else ln -s "$kb" "$d/$prog/bin/make"; fi
    chmod -R a+rwX "$d/$prog"
    rc=0
    (cd "$d/$prog" && timeout 5 "${as_user[@]}" env -i PATH="$d/$prog/bin:/usr/bin:/bin" \
       LC_ALL=C HOME="$d/$prog" SHELL=/bin/sh make >"$d/$prog.out" 2>"$d/$prog.err" </dev/null) ||
      rc=$?
    echo $rc >"$d/$prog.rc"
    sed -i "s|$d/$prog|@DIR@|g" "$d/$prog.out" "$d/$prog.err"
  done
  if cmp -s "$d/gnu.out" "$d/kb.out" && cmp -s "$d/gnu.err" "$d/kb.err" &&
     cmp -s "$d/gnu.rc" "$d/kb.rc"; then
    rm -rf "$d"
  else
    differ=$((differ + 1))
    echo "differs: $f ($d)"
  fi
done
echo "$differ of $total makefiles differ"
