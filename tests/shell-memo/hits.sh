#!/bin/bash
# The conformance case shell-memo/changes-between-runs proves that kbmake prints what GNU make
# prints after every change; this proves the memo was really used: with --debug, every step
# must reuse (hit) what it may reuse and rerun (miss) what changed.
#   tests/shell-memo/hits.sh [path/to/kbmake]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KBMAKE=$(readlink -f "${1:-$here/../../build/bin/kbmake}")
case_dir=$here/../../testdata/shell-memo/changes-between-runs
tmp=$(mktemp -d /tmp/kbmake-memo-hits.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work" "$tmp/bin"
cp -a "$case_dir"/. "$tmp/work/"
rm -rf "$tmp/work/expected"
# A make that prints the memo's debug lines (and nothing else of --debug).
cat > "$tmp/bin/dmake" <<SH
#!/bin/sh
exec "$KBMAKE" --debug=b "\$@" | grep '^\$(shell) memo:'
SH
chmod +x "$tmp/bin/dmake"
cd "$tmp/work"
env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$tmp/work" SHELL=/bin/sh KBMAKE_SHELL_CACHE=1 \
  sh ./steps.sh "$tmp/bin/dmake" > "$tmp/log" 2>/dev/null
fail=0
# expect STEP PATTERN COUNT: in step STEP, COUNT memo lines match PATTERN.
expect() {
  local n
  n=$(awk -v s="== $1" '/^== / { on = ($0 == s && !done); if (on) done = 1; next } on' "$tmp/log" |
      grep -c -- "$2" || true)
  if [[ $n != "$3" ]]; then
    echo "FAIL: step '$1': $n lines match '$2', expected $3"
    fail=1
  fi
}
# The first step of each name only (awk keeps the first block; later blocks repeat names).
expect "first run" "memo: hit" 0
expect "nothing changed" "memo: hit" 7  # all but date and mkdir (it created out)
expect "nothing changed" "not remembered: a second run gave a different result: date" 1
expect "script content changed, same size and mtime" "miss (.*probe.sh changed).*sh ./probe.sh" 1
expect "data file changed" "miss (.*data.txt changed).*: cat data.txt$" 1
expect "data file changed" "miss (.*data.txt changed).*: cat data.txt; echo bang" 1
expect "environment variable changed" "memo: hit" 0  # the environment is part of the key
expect "file added to the listed directory" "miss (.*/dir changed).*echo dir/\*" 1
expect "compiler wrapper accepts the flag" "miss (.*/cc changed)" 1
expect "a missing file appeared" "miss (.*late.txt changed).*cat late.txt" 1
expect "out removed" "miss (.*/out changed).*mkdir -p out" 1
# --build-trace carries the same words: the memo's note in each $(shell) event's args.
mkdir "$tmp/traced"
printf 'x := $(shell echo hi)\ny := $(shell date +%%s%%N)\nall: ; @:\n' >"$tmp/traced/Makefile"
for run in 1 2; do
  (cd "$tmp/traced" && env -i PATH=/usr/bin:/bin HOME="$tmp/traced" XDG_CACHE_HOME="$tmp/traced/c" \
     "$KBMAKE" --shell-cache --build-trace="$tmp/traced/t$run.json" >/dev/null 2>&1)
done
notes=$(python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["traceEvents"]:
    if e.get("cat") == "shell":
        print(e["name"].split()[0] + ": " + e["args"].get("memo", "(none)"))' "$tmp/traced/t2.json")
if ! grep -qx 'echo: hit' <<<"$notes" || ! grep -q '^date: miss, not remembered' <<<"$notes"; then
  echo "FAIL: --build-trace memo notes of the second run:"; echo "$notes"
  fail=1
fi
if [[ $fail != 0 ]]; then
  echo "--- memo log"; cat "$tmp/log"
  exit 1
fi
echo "shell memo: hits and misses as expected"
