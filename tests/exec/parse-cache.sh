#!/bin/bash
# The build-wide parse cache (parser/parsed_makefile.h) on a recursive build: twenty in-process
# sub-makes read the same makefiles; from the third on they reuse the parse (--summary says
# how many); then a recipe rewrites an included makefile in place with the same size, and the
# next sub-make must read the new text. Output is compared with GNU make's.
#   tests/exec/parse-cache.sh path/to/kbmake
set -euo pipefail
KBMAKE=$(readlink -f "$1")
tmp=$(mktemp -d /tmp/kbmake-parse-cache.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
setup() {
  rm -rf "$tmp/w"; mkdir "$tmp/w"; cd "$tmp/w"
  printf 'X := AAA\n' >shared.mk
  printf 'include shared.mk\nall: ; @echo $(MAKELEVEL) $(X)\n' >sub.mk
  cat >Makefile <<'MK'
N := 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
all: after
d%: ; @$(MAKE) --no-print-directory -f sub.mk
rewrite: $(addprefix d,$(N)) ; @printf 'X := BBB\n' >shared.mk
after: rewrite ; @$(MAKE) --no-print-directory -f sub.mk
MK
  # Older than the cache's 100 ms racy window.
  sleep 0.3
}
setup; /usr/bin/make -j1 >"$tmp/gnu.out" 2>&1 || true
setup; "$KBMAKE" -j1 --summary >"$tmp/kb.out" 2>"$tmp/kb.err" || true
fail=0
if ! diff "$tmp/gnu.out" "$tmp/kb.out"; then echo "FAIL: output differs from GNU make's"; fail=1; fi
if [[ $(tail -1 "$tmp/kb.out") != "1 BBB" ]]; then echo "FAIL: the rewritten makefile was not read again"; fail=1; fi
line=$(grep 'parse cache:' "$tmp/kb.err" || true)
hits=$(sed -E 's/.*parse cache: ([0-9]+) of.*/\1/' <<<"$line")
# sub.mk and shared.mk are kept from their second reading: sub-makes 3..20 reuse both (36).
if [[ -z $hits || $hits -lt 36 ]]; then echo "FAIL: parse cache hits: '$line' (expected at least 36)"; fail=1; fi
setup; KBMAKE_PARSE_CACHE=0 "$KBMAKE" -j1 --summary >"$tmp/off.out" 2>"$tmp/off.err" || true
if ! diff "$tmp/gnu.out" "$tmp/off.out"; then echo "FAIL: output with KBMAKE_PARSE_CACHE=0 differs"; fail=1; fi
if grep -q 'parse cache:' "$tmp/off.err"; then echo "FAIL: KBMAKE_PARSE_CACHE=0 did not turn the cache off"; fail=1; fi
[[ $fail == 0 ]] && echo "parse-cache: $line"
exit $fail
