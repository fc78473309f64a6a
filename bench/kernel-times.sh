#!/usr/bin/env bash
# Side-by-side wall times of GNU make and kbmake on the real Kbuild (issue 4), run alternately
# so that both see the same machine state; prints the median of each and the ratio
# GNU/kbmake (> 1: kbmake is faster).
#
#   bench/kernel-times.sh [path/to/kbmake]
#
#   extmod full   `make -C <headers> M=<dir> modules` from a clean module directory
#   extmod null   the same again (nothing to do)
#   kernel full   Linux 6.1 `tinyconfig` then `make -j2` (bzImage) from a fresh copy
#   kernel null   `make -j2` again on the built tree
#
# Needs what tests/kernel/ needs (tools/install-kernel-deps.sh) and the source unpacked by
# tests/kernel/fullkernel.sh in $KBMAKE_KERNEL_CACHE/src. Environment: RUNS (kernel full
# builds per program, default 3), NULL_RUNS (default 5), EXT_RUNS (default 5), SKIP_KERNEL=1.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KBMAKE=$(readlink -f "${1:-$here/../build/bin/kbmake}")
GNUMAKE=/usr/bin/make
CACHE=${KBMAKE_KERNEL_CACHE:-/var/tmp/kbmake-kernel}
RUNS=${RUNS:-3} NULL_RUNS=${NULL_RUNS:-5} EXT_RUNS=${EXT_RUNS:-5}
KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
[[ -x $KBMAKE && -f $KDIR/Makefile ]] || { echo "kernel-times: need kbmake and $KDIR" >&2; exit 2; }

unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS MAKEFILES KBUILD_VERBOSE V O
export LC_ALL=C KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=kbmake KBUILD_BUILD_HOST=kbmake KBUILD_BUILD_VERSION=1
work=$(mktemp -d "${TMPDIR:-/tmp}/kbmake-times.XXXXXX")
trap 'rm -rf "$work"' EXIT
declare -A samples

# timed <key> <cmd...>: appends the wall time in seconds to samples[key]; output discarded.
timed() {
  local key=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || echo "kernel-times: '$*' failed" >&2
  t1=$(date +%s.%N)
  samples[$key]+="$(echo "$t1 - $t0" | bc) "
}
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# External module: the sample tree's two-file module.
mod=$here/../sample-tree/modules
for ((i = 0; i < EXT_RUNS; i++)); do
  for who in gnu kb; do
    prog=$GNUMAKE; [[ $who = kb ]] && prog=$KBMAKE
    rm -rf "$work/mod"; cp -a "$mod" "$work/mod"
    timed "extmod full $who" "$prog" -C "$KDIR" M="$work/mod" CONFIG_SAMPLE_MODULE=m modules
    timed "extmod null $who" "$prog" -C "$KDIR" M="$work/mod" CONFIG_SAMPLE_MODULE=m modules
  done
done

if [[ ${SKIP_KERNEL:-0} != 1 ]]; then
  [[ -f $CACHE/src/Makefile ]] || { echo "kernel-times: run tests/kernel/fullkernel.sh first" >&2; exit 2; }
  tree=$CACHE/times-tree
  for ((i = 0; i < RUNS; i++)); do
    for who in gnu kb; do
      prog=$GNUMAKE; [[ $who = kb ]] && prog=$KBMAKE
      rm -rf "$tree"; cp -a "$CACHE/src" "$tree"
      (cd "$tree" && "$prog" tinyconfig >/dev/null 2>&1)
      timed "kernel full $who" "$prog" -C "$tree" -j2
      for ((j = 0; j < NULL_RUNS; j++)); do timed "kernel null $who" "$prog" -C "$tree" -j2; done
    done
  done
  rm -rf "$tree"
fi

printf '%-14s %10s %10s %8s   (median of n runs, seconds)\n' what "GNU make" kbmake ratio
for what in "extmod full" "extmod null" "kernel full" "kernel null"; do
  [[ -n ${samples["$what gnu"]:-} ]] || continue
  g=$(median "${samples["$what gnu"]}") k=$(median "${samples["$what kb"]}")
  n=$(wc -w <<<"${samples["$what gnu"]}")
  printf '%-14s %10.3f %10.3f %8.2f   n=%d\n' "$what" "$g" "$k" "$(echo "$g / $k" | bc -l)" "$n"
done
