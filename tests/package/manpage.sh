#!/usr/bin/env bash
# The man page renders without any groff/man warning, and documents every option
# `kbmake --help` lists.
source "$(dirname "$0")/lib.sh"
page=$BUILD_DIR/packaging/kbmake.1.gz
warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
[[ -z $warnings ]] && ok "no warnings" || fail "man warnings:"$'\n'"$warnings"
text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null)
[[ $text == *"kbmake $VERSION"* ]] && ok "version in footer" || fail "no 'kbmake $VERSION'"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES "USING KBMAKE AS MAKE"; do
  grep -qx "$section" <<<"$text" && ok "section $section" || fail "no section $section"
done
# Every option of --help appears in the OPTIONS section as an item.
opts=$(LC_ALL=C "$KBMAKE" --help | grep -oE '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' |
  sed 's/^[ ,]//' | LC_ALL=C sort -u)
items=$(sed -n '/^OPTIONS/,/^EXIT STATUS/p' <<<"$text" | grep -E '^       -' || true)
missing=
for o in $opts; do
  grep -qE -- "(^|[ ,])${o}([ ,=[]|$)" <<<"$items" || missing+=" $o"
done
[[ -z $missing ]] && ok "all $(wc -w <<<"$opts") --help options documented" ||
  fail "options not documented:$missing"
for example in "kbmake -j" "M=\$PWD modules" "O=out" "V=1"; do
  grep -qF -- "$example" <<<"$text" && ok "example $example" || fail "no example '$example'"
done
finish
