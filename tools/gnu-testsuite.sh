#!/usr/bin/env bash
# Runs GNU make 4.3's own test suite (tests/run_make_tests.pl from Debian's make-dfsg
# source package) against kbmake, and against GNU make itself for comparison.
#
# Usage: tools/gnu-testsuite.sh [TEST...]      (e.g. features/vpath options/dash-W)
#
# Not part of tools/test.sh or CI: it downloads the source package (network), and a few of
# its tests fail for GNU make itself on Debian (targets/POSIX expects ARFLAGS=-rv where
# Debian's build has -rvU; misc/fopen-fail needs `ulimit -n 512`, as GNU's own
# check-regression sets, or GNU make overflows its stack). Its failures are leads: each
# behaviour fixed gets a testdata/ case of our own, recorded from GNU make.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kbmake=${KBMAKE:-$root/build/bin/kbmake}
work=${GNU_TESTSUITE_DIR:-${TMPDIR:-/tmp}/kbmake-gnu-testsuite}
mkdir -p "$work"
cd "$work"
if [ ! -d make-dfsg-4.3/tests ]; then
  # The source package, without touching the machine's apt configuration.
  src=$(mktemp -d)
  cat > "$src/src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$src"
        -o "Dir::State::lists=$src/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
  mkdir -p "$src/lists/partial"
  apt-get "${opts[@]}" update >/dev/null
  apt-get "${opts[@]}" source --download-only make-dfsg=4.3-4.1 >/dev/null
  tar xzf make-dfsg_4.3.orig.tar.gz
  rm -rf "$src"
fi
cd make-dfsg-4.3/tests
sed -e 's/@CC@/gcc/;s/@AR@/ar/;s/@CPP@/gcc -E/;s/@[A-Z_]*@//g' config-flags.pm.in > config-flags.pm
# The suite names the program by the file it runs: both are called `make`.
mkdir -p "$work/bin-kbmake" "$work/bin-gnu"
ln -sf "$kbmake" "$work/bin-kbmake/make"
ln -sf /usr/bin/make "$work/bin-gnu/make"
for who in gnu kbmake; do
  rm -rf work
  ( ulimit -n 512; perl run_make_tests.pl -make "$work/bin-$who/make" "$@" ) \
    > "$work/$who.log" 2>&1 || true
  rm -rf "$work/work-$who"
  mv work "$work/work-$who" 2>/dev/null || true
  echo "== $who: $(grep -E "(Tests?|Complete|Failed)" "$work/$who.log" | tail -n 1)"
  grep -E "FAILED|Error running" "$work/$who.log" || true
done
echo "Logs: $work/{gnu,kbmake}.log; diffs: $work/work-{gnu,kbmake}/*/*.diff*"
