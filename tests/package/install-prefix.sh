#!/usr/bin/env bash
# `cmake --install` into a fresh prefix installs exactly kbmake's files, and they work:
# the binary runs, the make link runs kbmake under the name "make".
source "$(dirname "$0")/lib.sh"
prefix=$scratch/prefix
cmake --install "$BUILD_DIR" --prefix "$prefix" >"$scratch/install.log"

expected='bin/kbmake
bin/kbmake-graph
lib/kbmake/bin/make
share/bash-completion/completions/kbmake
share/man/man1/kbmake.1.gz'
actual=$(cd "$prefix" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
[[ $actual == "$expected" ]] && ok "installed files" ||
  fail "installed files:"$'\n'"$actual"$'\n'"expected:"$'\n'"$expected"
[[ -x $prefix/bin/kbmake && ! -L $prefix/bin/kbmake ]] && ok "bin/kbmake is an executable" ||
  fail "bin/kbmake is not an executable file"
link=$(readlink "$prefix/lib/kbmake/bin/make" || true)
[[ $link == ../../../bin/kbmake ]] && ok "make link is relative" || fail "make link -> '$link'"
[[ $(readlink -f "$prefix/lib/kbmake/bin/make") == "$(readlink -f "$prefix/bin/kbmake")" ]] &&
  ok "make link resolves to bin/kbmake" || fail "make link does not resolve to bin/kbmake"
gzip -t "$prefix/share/man/man1/kbmake.1.gz" && ok "man page is gzip" || fail "man page not gzip"

check_version_output "$("$prefix/bin/kbmake" --version)" "installed kbmake --version"
# The opt-in: with lib/kbmake/bin first in PATH, `make` is kbmake and names itself make.
out=$(cd "$scratch" && PATH=$prefix/lib/kbmake/bin:$PATH make --version | tail -n 1)
[[ $out == "kbmake $VERSION "* ]] && ok "make in PATH runs kbmake" || fail "make in PATH: $out"
out=$(cd "$scratch" && PATH=$prefix/lib/kbmake/bin:$PATH make -f /dev/null 2>&1 || true)
[[ $out == "make: *** No targets.  Stop." ]] && ok "make link says make:" || fail "make link: $out"
finish
