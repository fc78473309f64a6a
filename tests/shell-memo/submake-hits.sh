#!/bin/bash
# The conformance case shell-memo/submake-changes-between-runs proves that kbmake prints what
# GNU make prints after every change; this proves the sub-make memo was really used: each
# step must skip (hit) the sub-makes whose inputs are unchanged and run (miss) the one whose
# input the step changed. --build-trace (never in MAKEFLAGS) gives the memo's word for each
# in-process sub-make in its "submake" events.
#   tests/shell-memo/submake-hits.sh [path/to/kbmake]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KBMAKE=$(readlink -f "${1:-$here/../../build/bin/kbmake}")
case_dir=$here/../../testdata/shell-memo/submake-changes-between-runs
tmp=$(mktemp -d /tmp/kbmake-submake-hits.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work" "$tmp/bin" "$tmp/traces"
cp -a "$case_dir"/. "$tmp/work/"
rm -rf "$tmp/work/expected"
# A make that traces each run and prints "memo: TARGET: WORD" for each sub-make it ran.
cat > "$tmp/bin/tmake" <<SH
#!/bin/sh
n=\$(ls "$tmp/traces" | wc -l)
"$KBMAKE" --build-trace="$tmp/traces/\$n.json" "\$@"
rc=\$?
python3 - "$tmp/traces/\$n.json" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1]))["traceEvents"]:
    if e.get("cat") == "submake":
        print("memo: %s: %s" % (e["name"], e["args"].get("memo", "(none)")))
PY
exit \$rc
SH
chmod +x "$tmp/bin/tmake"
cd "$tmp/work"
env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$tmp/work" SHELL=/bin/sh KBMAKE_SHELL_CACHE=1 \
  sh ./steps.sh "$tmp/bin/tmake" > "$tmp/log" 2>/dev/null || true
fail=0
# expect STEP PATTERN COUNT: in the first step named STEP, COUNT memo lines match PATTERN. A
# miss names the first fact found changed, which may be the directory whose listing the
# change touched as well as the file.
expect() {
  local n
  n=$(awk -v s="== $1" '/^== / { on = ($0 == s && !done); if (on) done = 1; next } on' "$tmp/log" |
      grep '^memo: ' | grep -c -- "$2" || true)
  if [[ $n != "$3" ]]; then
    echo "FAIL: step '$1': $n lines match '$2', expected $3"
    fail=1
  fi
}
expect "first run" ": hit$" 0
expect "first run" ": miss, remembered$" 5  # in-sub, in-deep and its inner all, in-other, in-failing
expect "nothing changed" ": hit$" 4  # the top make's four (the inner one is inside in-deep's)
expect "included makefile changed" "in-sub: miss (.*/sub/conf.mk changed)" 1
expect "included makefile changed" ": hit$" 3
expect "a missing makefile appeared" "in-sub: miss (.*/sub\(/late.mk\)\? changed)" 1
expect "file added to the listed directory, which is a prerequisite" "in-sub: miss (.*/sub/d changed)" 1
expect "a prerequisite is newer" "in-sub: miss (.*/sub/in changed)" 1
expect "the link leads to a newer file" "in-sub: miss (.*/sub\(/link\|/b\)\? changed)" 1
expect "environment variable changed" ": hit$" 0  # the environment is part of every key
expect "a nested sub-make's file appeared" "in-deep: miss (.*/deep/inner\(/flag\)\? changed)" 1
expect "a nested sub-make's file appeared" "all: miss" 1  # kept only inside in-deep's entry
expect "a makefile of a -f sub-make appeared" "in-other: miss (.*/work\(/generated.mk\)\? changed)" 1
expect "a sub-make fails" "in-failing: miss (.*/failing\(/boom\)\? changed), not remembered: it failed" 1
expect "it fails again" "in-failing: miss (.*/failing\(/boom\)\? changed), not remembered: it failed" 1
expect "a sub-make's makefile edited" "in-sub: miss (.*/sub/Makefile changed)" 1
if ((fail)); then
  echo "--- log"
  cat "$tmp/log"
  exit 1
fi
echo "submake-hits: all expectations met"
