#!/usr/bin/env bash
# Hardening run: kbmake and its tests built with AddressSanitizer (leak checking on) and
# UndefinedBehaviorSanitizer (any finding aborts) into build-asan/, then the default test
# suite (`ctest -LE kernel`) run with them. A sanitizer report fails the test that shows it:
# the conformance runner compares stderr, the other tests check exit statuses.
#
# Excluded:
#   label "package": it checks the release package (a sanitized binary links the shared C++
#     runtime and the sanitizer runtimes on purpose, so the package's Depends check cannot
#     hold for it);
#   conformance-shell-memo: the memo runs $(shell) commands under ptrace, and a sanitized
#     kbmake started by such a command cannot run LeakSanitizer under ptrace (it reports a
#     fatal error). The memo's own code runs under the sanitizers in unit.shell_memo_test and
#     shell-memo-hits.
# Run with leak checking off (ASan and UBSan still on), in a second ctest run:
#   build-trace-kbuild, status-compdb-extmod, status-compdb-sample, exec-noop-lines: they run kbmake under
#     `strace -f` (an outside clock, an execve trace), and LeakSanitizer cannot work under
#     ptrace ("LeakSanitizer has encountered a fatal error").
# Every other default test runs under the sanitizers; the slow ones (sample-tree,
# kernel-extmod) spend their time in gcc, not in kbmake.
# Last, the libFuzzer target (fuzz/, clang, ASan + UBSan) is built into build-fuzz/ and runs
# every seed of fuzz/corpus and every saved finding of fuzz/crashes once (no fuzzing): the
# target must keep building, and no input that once crashed may crash again.
#
# Time on the 2-core CI machine: see docs/INTERNALS.md ("Sanitizer run").
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKBMAKE_SANITIZE=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON >/dev/null
ninja -C build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
under_ptrace='^(build-trace-kbuild|status-compdb-extmod|status-compdb-sample|exec-noop-lines)$'
rc=0
ctest --test-dir build-asan -LE 'kernel|package' -E "^conformance-shell-memo\$|$under_ptrace" \
  --output-on-failure -j1 "$@" || rc=$?
ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0} \
  ctest --test-dir build-asan -LE 'kernel|package' -R "$under_ptrace" --output-on-failure -j1 \
  "$@" || rc=$?
fuzz/build.sh "$PWD/build-fuzz" >/dev/null
findings=(fuzz/crashes/crash-* fuzz/crashes/timeout-* fuzz/crashes/slow-unit-*)
build-fuzz/eval_fuzzer -runs=0 -timeout=10 "$PWD/fuzz/corpus" >build-fuzz/corpus.log 2>&1 ||
  { rc=1; tail -40 build-fuzz/corpus.log; }
build-fuzz/eval_fuzzer -timeout=10 "${findings[@]/#/$PWD/}" >build-fuzz/findings.log 2>&1 ||
  { rc=1; tail -40 build-fuzz/findings.log; }
exit $rc
