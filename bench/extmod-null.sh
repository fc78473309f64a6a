#!/bin/bash
# External-module null build against Debian's kernel headers: GNU make, kbmake without the
# $(shell) memo and kbmake with it (warm), run alternately; prints the median wall time of
# each, the ratios GNU/kbmake, and how many compiler/assembler/linker processes a warm
# memo run starts (strace -f -e trace=execve).
#   bench/extmod-null.sh [path/to/kbmake] [repetitions]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KBMAKE=$(readlink -f "${1:-$here/../build/bin/kbmake}")
REPS=${2:-7}
GNU=/usr/bin/make
KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
[ -x "$KBMAKE" ] || { echo "no kbmake at $KBMAKE (build first)" >&2; exit 1; }
[ -f "$KDIR/Makefile" ] || { echo "no kernel headers (tools/install-kernel-deps.sh)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kbmake-extmod-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$here"/../sample-tree/modules/* "$work/"
export XDG_CACHE_HOME=$work/.cache LC_ALL=C
unset MAKEFLAGS MFLAGS MAKELEVEL KBMAKE_SHELL_CACHE
run() { # label command...
  local t0 t1
  t0=$(date +%s%N)
  env -u _ "${@:2}" -s -C "$KDIR" M="$work" modules >/dev/null 2>&1
  t1=$(date +%s%N)
  echo "$1 $(( (t1 - t0) / 1000 ))" >> "$work/times"
}
# Build once with each (the memo is filled by its first run).
# (`env -u _`: bash sets $_ to the program it starts, and the environment is part of the
# memo's key; strace would otherwise see other keys than the timed runs.)
env -u _ "$GNU" -s -C "$KDIR" M="$work" modules >/dev/null 2>&1
env -u _ "$KBMAKE" --shell-cache -s -C "$KDIR" M="$work" modules >/dev/null 2>&1
for _ in $(seq 1 "$REPS"); do
  run gnu "$GNU"
  run kbmake "$KBMAKE" --no-shell-cache
  run kbmake-memo "$KBMAKE" --shell-cache
done
median() { grep "^$1 " "$work/times" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
g=$(median gnu); k=$(median kbmake); m=$(median kbmake-memo)
awk -v g="$g" -v k="$k" -v m="$m" 'BEGIN { printf "median ms: gnu %.1f  kbmake %.1f  kbmake+memo %.1f\n", g / 1000, k / 1000, m / 1000 }'
awk -v g="$g" -v k="$k" -v m="$m" 'BEGIN { printf "ratio gnu/kbmake %.2f  gnu/kbmake+memo %.2f\n", g / k, g / m }'
if command -v strace >/dev/null; then
  for prog in gnu:"$GNU" memo:"$KBMAKE --shell-cache"; do
    strace -f -e trace=execve -o "$work/strace" env -u _ ${prog#*:} -s -C "$KDIR" M="$work" modules >/dev/null 2>&1
    total=$(grep -c 'execve(' "$work/strace" || true)
    tools=$(grep 'execve(' "$work/strace" | grep -cE '/(cc1|gcc[^"]*|as|ld[^"]*|x86_64-linux-gnu-[^"]*)", ' || true)
    echo "${prog%%:*}: $total execve, $tools of them compiler/assembler/linker"
  done
fi
