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
# Then ThreadSanitizer (build-tsan/, -DKBMAKE_TSAN=ON; it cannot share a build with ASan),
# any report aborting, on what runs make instances as threads that share the build-wide objects
# (stat and parse caches, jobserver, status line, graph): the corpus's recursion cases
# (in-process sub-makes, in parallel and not), the unit tests of those objects, and the Kbuild
# tests that build with threads: status on an external module, graph of the sample tree,
# parse cache. Not the whole suite: under TSan it takes about 12 minutes (the rest is
# single-threaded or time spent in gcc). Not the $(shell) memo: a memo miss runs the command
# under a tracer that is a forked, not exec'd, child of the multi-threaded make; fork() makes
# glibc's malloc usable in such a child, but not TSan's allocator, and the tracer deadlocks on
# its lock when another thread was allocating at the fork (seen in a TSan build; not a bug
# of the normal build). The sub-make memo is in (its test makefiles call no $(shell), so no
# tracer is forked): its unit test and shell-memo-submake-hits. Not the trace tests: build-trace-kbuild checks the trace's recipe times
# against strace's within 5%, and build-trace has timing checks too (it failed once in twelve
# TSan runs on a loaded machine, no TSan report).
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
# (build-trace-kbuild's bound on trace time against strace's, 5%, is 12% here: an ASan
# make's fork and reap around each recipe take longer, 6-10% of the recipe time when the
# machine is busy, on the engine of the last stop as on this one.)
ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0} TRACE_TIMING_LIMIT_PCT=12 \
  ctest --test-dir build-asan -LE 'kernel|package' -R "$under_ptrace" --output-on-failure -j1 \
  "$@" || rc=$?
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKBMAKE_TSAN=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON >/dev/null
ninja -C build-tsan -j"$(nproc)" kbmake kbmake-conformance kbmake-graph submake_test \
  scheduler_test fs_cache_test parse_cache_test name_marks_test submake_memo_test
tsan=halt_on_error=1:second_deadlock_stack=1
TSAN_OPTIONS=$tsan build-tsan/bin/kbmake-conformance --make="$PWD/build-tsan/bin/kbmake" \
  --recursive-only testdata || rc=$?
TSAN_OPTIONS=$tsan ctest --test-dir build-tsan --output-on-failure -j1 "$@" -R \
  '^(unit\.(submake|scheduler|fs_cache|parse_cache|name_marks|submake_memo)_test|status-compdb-extmod|graph-sample-tree|exec-parse-cache|shell-memo-submake-hits)$' \
  || rc=$?
fuzz/build.sh "$PWD/build-fuzz" >/dev/null
findings=(fuzz/crashes/crash-* fuzz/crashes/timeout-* fuzz/crashes/slow-unit-*)
build-fuzz/eval_fuzzer -runs=0 -timeout=10 "$PWD/fuzz/corpus" >build-fuzz/corpus.log 2>&1 ||
  { rc=1; tail -40 build-fuzz/corpus.log; }
build-fuzz/eval_fuzzer -timeout=10 "${findings[@]/#/$PWD/}" >build-fuzz/findings.log 2>&1 ||
  { rc=1; tail -40 build-fuzz/findings.log; }
exit $rc
