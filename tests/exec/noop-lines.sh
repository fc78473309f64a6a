#!/bin/bash
# Recipe lines that /bin/sh would run without doing anything (IsNoOpShellScript) are not
# started: an execve trace shows no shell for them, where GNU make starts one per line, and a
# line that does something still gets its shell. Output and status are GNU make's (the
# corpus case execution/noop-shell-lines compares them in detail).
#   tests/exec/noop-lines.sh path/to/kbmake
set -euo pipefail
KBMAKE=$(readlink -f "$1")
command -v strace >/dev/null || { echo "noop-lines: needs strace" >&2; exit 2; }
tmp=$(mktemp -d /tmp/kbmake-noop.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
{
  echo 'N := $(shell seq 1 40)'
  echo 'all: $(addprefix t,$(N)) real'
  printf '%s\n' "t%: ; @set -e;     trap 'rm -f \$@; trap - HUP; kill -s HUP \$\$\$\$' HUP;  trap 'rm -f \$@; trap - INT; kill -s INT \$\$\$\$' INT; "
  printf '%s\n' "real: ; @set -e; trap 'rm -f \$@' HUP; echo did something"
} >Makefile
shells() { # program: runs it under strace, prints "<shells started by recipes> <output>"
  strace -f -qq -e trace=execve -e signal=none -o "$tmp/trace" "$1" -j2 >"$tmp/out" 2>&1 || true
  echo "$(grep -c 'execve("/bin/sh", \["/bin/sh", "-c", "set -e;' "$tmp/trace" || true)"
}
gnu=$(shells /usr/bin/make); cp "$tmp/out" "$tmp/gnu.out"
kb=$(shells "$KBMAKE")
fail=0
if [[ $gnu != 41 ]]; then echo "FAIL: GNU make started $gnu recipe shells, expected 41"; fail=1; fi
if [[ $kb != 1 ]]; then echo "FAIL: kbmake started $kb recipe shells, expected 1 (the line with echo)"; fail=1; fi
if ! diff "$tmp/gnu.out" "$tmp/out"; then echo "FAIL: output differs from GNU make's"; fail=1; fi
[[ $fail == 0 ]] && echo "noop-lines: GNU make $gnu shells, kbmake $kb"
exit $fail
