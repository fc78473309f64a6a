#!/bin/bash
# selftest.sh - prove that compare.sh can fail: run it against evilmake.sh
# in each defect mode and require the named check to be reported FAIL.
# Takes about ten minutes; not part of ctest.  Usage: bash selftest.sh
here=$(cd "$(dirname "$0")" && pwd)
gnumake=${GNUMAKE:-/usr/bin/make}
export KBM_ST_WORK=${KBM_ST_WORK:-/tmp/kbm-st-selftest}
ok=0 bad=0
# mode : check that must fail
for spec in "files:1 full build" "output:1 full build" "null:2 null build" \
	    "rebuilt:3 header" "config:3 config y->n" "srctree:4 O= build" \
	    "run:5 run" "j2:6 -j2 build" "status:7 broken source" \
	    "rules:8 rule features"; do
	mode=${spec%%:*} check=${spec#*:}
	out=$(EVIL=$mode EVIL_GNUMAKE=$gnumake KBMAKE="$here/evilmake.sh" \
	      GNUMAKE=$gnumake bash "$here/compare.sh" 2>/dev/null)
	rc=$?
	if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q "^FAIL  $check "; then
		echo "ok    $mode: '$check' failed as it must"
		ok=$((ok + 1))
	elif [ "$mode" = run ] && printf '%s\n' "$out" | grep -q "^SKIP  5 run"; then
		echo "skip  $mode: no usable /dev/kvm"
	else
		echo "BAD   $mode: '$check' not reported as FAIL (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/      /'
		bad=$((bad + 1))
	fi
done
echo "$ok detected, $bad missed"
[ $bad -eq 0 ]
