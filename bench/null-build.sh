#!/usr/bin/env bash
# Null-build speed of kbmake against GNU make on three Kbuild-style workloads, each built once
# beforehand by GNU make and then re-run with nothing to do:
#
#   sample   the sample tree (O= build dir), `make -j2`
#   extmod   the sample tree's module against Debian's headers, `make -C <headers> M=... modules`
#   kernel   Linux 6.1 tinyconfig, `make -j2` (needs the source unpacked by
#            tests/kernel/fullkernel.sh in $KBMAKE_KERNEL_CACHE/src; SKIP_KERNEL=1 skips it;
#            KTREE=DIR null-builds a tinyconfig tree GNU make has already built instead of
#            building a fresh copy first, which takes about 10 minutes on 2 cores)
#
# Programs alternate run by run (GNU make, kbmake, kbmake with KBMAKE_SUBMAKE=process, kbmake
# with a warm $(shell) memo: KBMAKE_SHELL_CACHE=1, filled by one untimed run first), so that
# all see the same machine state. Prints, per workload, the median wall time and peak
# RSS (largest single process, from GNU time's %M) of each, and the ratio GNU/kbmake
# (> 1: kbmake is faster). Quote ratios, not times: the machine is shared and noisy.
# Then, from one more plain run with --build-trace, bench/exact-floor.py's ceiling: the
# $(shell) commands of one make instance, which any exact make runs in sequence unless it
# has a memo.
#
#   bench/null-build.sh [path/to/kbmake]        RUNS (default 7)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
KBMAKE=$(readlink -f "${1:-$repo/build/bin/kbmake}")
GNUMAKE=/usr/bin/make
CACHE=${KBMAKE_KERNEL_CACHE:-/var/tmp/kbmake-kernel}
RUNS=${RUNS:-7}
KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
[[ -x $KBMAKE ]] || { echo "null-build: no kbmake at $KBMAKE" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "null-build: needs GNU time (apt-get install time)" >&2; exit 2; }

unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS MAKEFILES KBUILD_VERBOSE V O KBMAKE_SUBMAKE
export LC_ALL=C KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=kbmake KBUILD_BUILD_HOST=kbmake KBUILD_BUILD_VERSION=1
work=$(mktemp -d "${TMPDIR:-/tmp}/kbmake-null.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A private copy: the build directory may be relinked while this runs.
cp "$KBMAKE" "$work/kbmake"
KB=$work/kbmake
declare -A wall rss

# timed <key> <dir> <args...>: runs the program of <key> in <dir>, records wall time and RSS.
timed() {
  local key=$1 dir=$2; shift 2
  local prog=$GNUMAKE envs=()
  case $key in
    *" kb") prog=$KB ;;
    *" kb-proc") prog=$KB envs=(KBMAKE_SUBMAKE=process) ;;
    *" kb-memo") prog=$KB envs=(KBMAKE_SHELL_CACHE=1 XDG_CACHE_HOME="$work/memo") ;;
  esac
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$dir" && env "${envs[@]}" /usr/bin/time -f %M -o "$work/rss" "$prog" "$@" \
     >"$work/out" 2>&1) || { echo "null-build: $key failed:" >&2; tail -5 "$work/out" >&2; }
  t1=$(date +%s.%N)
  wall[$key]+="$(echo "$t1 - $t0" | bc) "
  rss[$key]+="$(tail -1 "$work/rss") "
}
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
alternate() { # <name> <dir> <args...>
  local name=$1; shift
  timed "$name kb-memo" "$@"  # fills the memo; not counted
  wall["$name kb-memo"]="" rss["$name kb-memo"]=""
  for ((i = 0; i < RUNS; i++)); do
    for who in gnu kb kb-proc kb-memo; do timed "$name $who" "$@"; done
  done
  # One more plain run with a build trace, not timed: for bench/exact-floor.py below.
  (cd "$1" && "$KB" --build-trace="$work/$name.trace.json" "${@:2}" >/dev/null 2>&1) ||
    rm -f "$work/$name.trace.json"
}

workloads=()
# Sample tree, out of tree.
cp -a "$repo/sample-tree" "$work/sample"
cp -a "$repo/kbuild-rules" "$work/kbuild-rules"
mkdir -p "$work/sample-out"
if (cd "$work/sample" && $GNUMAKE O="$work/sample-out" -j2 >/dev/null 2>&1); then
  alternate sample "$work/sample" O="$work/sample-out" -j2
  workloads+=(sample)
else
  echo "null-build: sample tree did not build; skipped" >&2
fi
# External module.
if [[ -n $KDIR && -f $KDIR/Makefile ]]; then
  cp -a "$repo/sample-tree/modules" "$work/mod"
  if $GNUMAKE -C "$KDIR" M="$work/mod" CONFIG_SAMPLE_MODULE=m modules >/dev/null 2>&1; then
    alternate extmod "$work" -C "$KDIR" M="$work/mod" CONFIG_SAMPLE_MODULE=m modules
    workloads+=(extmod)
  fi
fi
# Linux tinyconfig.
if [[ ${SKIP_KERNEL:-0} != 1 && -n ${KTREE:-} ]]; then
  # A tinyconfig tree already built by GNU make (it is only null-built here).
  alternate kernel "$KTREE" -j2
  workloads+=(kernel)
elif [[ ${SKIP_KERNEL:-0} != 1 ]]; then
  if [[ -f $CACHE/src/Makefile ]]; then
    tree=$CACHE/null-tree
    rm -rf "$tree"; cp -a "$CACHE/src" "$tree"
    (cd "$tree" && $GNUMAKE tinyconfig >/dev/null 2>&1 && $GNUMAKE -j2 >/dev/null 2>&1)
    alternate kernel "$tree" -j2
    workloads+=(kernel)
    rm -rf "$tree"
  else
    echo "null-build: no kernel source in $CACHE/src (run tests/kernel/fullkernel.sh); skipped" >&2
  fi
fi

printf '%-8s %9s %9s %9s %9s %8s %8s %8s   %s\n' what "GNU make" kbmake kb-proc kb-memo \
  ratio ratio-p ratio-m "peak RSS MiB: GNU / kbmake / kb-proc / kb-memo (medians of $RUNS runs)"
for w in "${workloads[@]}"; do
  g=$(median "${wall["$w gnu"]}") k=$(median "${wall["$w kb"]}") p=$(median "${wall["$w kb-proc"]}")
  mm=$(median "${wall["$w kb-memo"]}")
  rg=$(median "${rss["$w gnu"]}") rk=$(median "${rss["$w kb"]}") rp=$(median "${rss["$w kb-proc"]}")
  rm_=$(median "${rss["$w kb-memo"]}")
  printf '%-8s %9.3f %9.3f %9.3f %9.3f %8.2f %8.2f %8.2f   %d / %d / %d / %d\n' "$w" "$g" "$k" \
    "$p" "$mm" "$(echo "$g / $k" | bc -l)" "$(echo "$g / $p" | bc -l)" "$(echo "$g / $mm" | bc -l)" \
    $((rg / 1024)) $((rk / 1024)) $((rp / 1024)) $((rm_ / 1024))
done
# What no exact make can skip without a memo: one instance's $(shell) commands, in sequence.
for w in "${workloads[@]}"; do
  [[ -f $work/$w.trace.json ]] || continue
  echo "$w (bench/exact-floor.py):"
  "$here/exact-floor.py" "$work/$w.trace.json" "$(median "${wall["$w gnu"]}")" | sed 's/^/  /'
done
