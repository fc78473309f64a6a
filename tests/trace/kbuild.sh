#!/usr/bin/env bash
# --build-trace against an external timer (issue 10, last item): a real Kbuild build at -j2,
# traced by kbmake and, at the same time, timed from outside by strace. Checks (done by
# trace_vs_strace.py, which prints what it compared): every compile the build ran (compiler
# execve with -c and a .c/.S source) has a recipe event for its object; recipe events use
# at most 2 lanes; recipe time in the trace is within 5% of the external time of the same
# shell processes (in sum, and each for the long recipes). Then the checker is run on a
# tampered copy of the trace and must fail every check.
#
# The external timer: `strace -f -ttt --seccomp-bpf -e trace=execve,exit_group`. It watches
# the very processes make spawns (no wrapper process added between make and the recipe, as a
# SHELL= wrapper would), and with --seccomp-bpf only execve and exit_group stop the tracee,
# so compilers run at full speed. A recipe shell is a process whose command text is a line
# of a recipe event; a recipe's external time runs from its first shell's execve to its last
# shell's exit_group. What the trace adds on top is make's fork and reap around them (which
# strace's ptrace stops also lengthen a little): that is the difference we bound.
#
#   kbuild.sh KBMAKE                  external module (tests/sample-tree/modules copied to a
#                                     temp dir) against Debian's linux-headers, -j2 (ctest)
#   kbuild.sh KBMAKE --tree DIR [ARGS...]
#                                     `kbmake -j2 ARGS` in an existing kernel tree DIR (e.g.
#                                     a tinyconfig tree with some objects deleted); not in ctest
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KBMAKE=$(readlink -f "${1:?usage: kbuild.sh path/to/kbmake [--tree DIR [make args]]}")
shift
command -v strace >/dev/null || { echo "kbuild.sh: strace is needed" >&2; exit 2; }
work=$(mktemp -d /tmp/kbmake-trace-kbuild.XXXXXX)
trap 'rm -rf "$work"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL KBUILD_VERBOSE V KBUILD_OUTPUT
export LC_ALL=C
if [[ ${1:-} == --tree ]]; then
  root=$(readlink -f "${2:?--tree DIR}")
  shift 2
  margs=(-C "$root" "$@")
else
  if [[ -z ${KDIR:-} ]]; then
    KDIR=/usr/src/linux-headers-$(uname -r)
    [[ -f $KDIR/Makefile ]] || KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
  fi
  [[ -n $KDIR && -f $KDIR/Makefile ]] || { echo "kbuild.sh: no kernel headers tree" >&2; exit 2; }
  cp -a "$repo/sample-tree/modules" "$work/mod"
  root=$KDIR
  margs=(-C "$KDIR" M="$work/mod" CONFIG_SAMPLE_MODULE=m modules)
fi
echo "kbuild.sh: strace -f ... $KBMAKE -j2 --build-trace=T ${margs[*]}"
strace -f -ttt --seccomp-bpf -s 1000000 -e trace=execve,exit_group -e signal=none \
  -o "$work/strace.log" "$KBMAKE" -j2 --build-trace="$work/trace.json" "${margs[@]}" \
  >"$work/out" 2>&1
rc=$?
tail -3 "$work/out"
if [[ $rc != 0 ]]; then echo "FAIL build (exit $rc)"; cat "$work/out"; exit 1; fi
echo "PASS build"
# TRACE_TIMING_LIMIT_PCT: the timing bound (default 5); tools/test-sanitize.sh widens it for
# the ASan build, whose fork and reap around each recipe are slower (the tampered trace's
# +20% must still fail it).
limit=--limit-pct=${TRACE_TIMING_LIMIT_PCT:-5}
python3 "$here/trace_vs_strace.py" "$work/trace.json" "$work/strace.log" "$root" 2 "$limit"
ok=$?
echo "--- the same checks on a tampered trace (one compile dropped, a 3rd lane, +20%):"
python3 "$here/trace_vs_strace.py" "$work/trace.json" "$work/strace.log" "$root" 2 --tamper "$limit"
tok=$?
[[ -n ${KEEP:-} ]] && cp "$work/trace.json" "$work/strace.log" "$KEEP/"
if [[ $ok == 0 && $tok == 0 ]]; then echo "build-trace-kbuild: all passed"; exit 0; fi
echo "build-trace-kbuild: FAILED"; exit 1
