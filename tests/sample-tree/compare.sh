#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compare.sh - build sample-tree/ with two make programs and compare.
#
#   KBMAKE=/path/to/kbmake GNUMAKE=/usr/bin/make bash compare.sh
#   bash compare.sh /path/to/kbmake [/usr/bin/make]
#
# Copies sample-tree/ and kbuild-rules/ into fresh directories and checks:
#   1 full build: same exit status, stdout, stderr; byte-identical files
#   2 null build: no work, same output
#   3 incremental: header touch, ccflags-y change, .config y->n
#   4 O= build leaves the source tree untouched
#   5 make run prints the guest's greeting (SKIP without usable /dev/kvm)
#   6 -j2 gives the same files as -j1
#   7 a broken source: compiler error, "*** [...] Error 1", exit 2, no stale
#     object; the fixed source builds again
#   8 rule-library features the sample tree does not use (rules-tree/):
#     same output and files, expected archive members, probes, clean
# Prints a PASS/FAIL/SKIP table and "N passed, M failed[, K skipped]".
# Exit status 1 when a check failed, 2 on a usage error.
#
# Both programs build at the same path, one after the other, so that paths
# recorded in .cmd files and debug information are equal.  Each program is
# run through a symlink named "make" first in PATH: $(MAKE) and the program
# name in messages read "make" for both (remaining "kbmake" words in the
# output are normalised to "make").
#
# Environment: KBM_ST_WORK (default /tmp/kbm-st) is the work directory;
# KBM_ST_KEEP=1 keeps it afterwards; KBM_ST_VERBOSE=1 shows diffs in full.

set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

KBMAKE=${1:-${KBMAKE:-}}
GNUMAKE=${2:-${GNUMAKE:-/usr/bin/make}}
work=${KBM_ST_WORK:-/tmp/kbm-st}

usage() {
	echo "usage: KBMAKE=prog GNUMAKE=prog $0   or   $0 KBMAKE [GNUMAKE]" >&2
	exit 2
}

[ -n "$KBMAKE" ] || usage
for p in "$KBMAKE" "$GNUMAKE"; do
	if [ ! -x "$p" ]; then
		echo "compare.sh: $p is not an executable program" >&2
		exit 2
	fi
done
for d in sample-tree kbuild-rules; do
	if [ ! -d "$repo/$d" ]; then
		echo "compare.sh: $repo/$d is missing" >&2
		exit 2
	fi
done

# One run at a time per work directory
mkdir -p "$work"
exec 9>"$work.lock"
if ! flock -w 1200 9; then
	echo "compare.sh: cannot lock $work.lock" >&2
	exit 2
fi

rm -rf "$work"/tree "$work"/res "$work"/bin "$work"/snap
mkdir -p "$work"/res "$work"/bin/gnu "$work"/bin/kb "$work"/snap
ln -s "$(readlink -f "$GNUMAKE")" "$work"/bin/gnu/make
ln -s "$(readlink -f "$KBMAKE")" "$work"/bin/kb/make
if [ "${KBM_ST_KEEP:-0}" != 1 ]; then
	trap 'rm -rf "$work"/tree "$work"/res "$work"/bin "$work"/snap' EXIT
fi

# One snapshot of the sources for all builds, so that edits made in the
# repository while the script runs cannot make the builds differ
cp -a "$repo/sample-tree" "$repo/kbuild-rules" "$work/snap/"
# A developer may have built in the repository's tree: start from mrproper
if [ -e "$work/snap/sample-tree/.config" ]; then
	(cd "$work/snap/sample-tree" && "$GNUMAKE" -s mrproper) >/dev/null 2>&1
fi

tree=$work/tree
src=$tree/sample-tree

###
# Helpers

results=()
npass=0 nfail=0 nskip=0

# report NAME STATUS DETAIL
report() {
	results+=("$(printf '%-4s  %-40s %s' "$2" "$1" "$3")")
	case $2 in
	PASS) npass=$((npass + 1)) ;;
	FAIL) nfail=$((nfail + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	esac
	printf '%-4s  %-40s %s\n' "$2" "$1" "$3" >&2
}

# Show the start of a difference when a check fails
show_diff() {
	if [ "${KBM_ST_VERBOSE:-0}" = 1 ]; then
		diff -u "$1" "$2" >&2
	else
		diff -u "$1" "$2" | head -n 20 >&2
	fi
}

# fresh_tree: new copy of the sources at $tree
fresh_tree() {
	rm -rf "$tree"
	mkdir -p "$tree"
	cp -a "$work/snap/sample-tree" "$work/snap/kbuild-rules" "$tree/"
	# The repository copy may hold build results of a developer: start clean
	rm -rf "$src/.config" "$src/include/config" "$src/include/generated"
}

# mk LABEL NAME [make arguments...]: run one make in $src with program
# LABEL (gnu|kb); stdout, stderr and exit status go to $work/res/LABEL.NAME.*
mk() {
	local label=$1 name=$2
	shift 2
	local out=$work/res/$label.$name
	(cd "$src" && PATH="$work/bin/$label:$PATH" make "$@") \
		>"$out.out.raw" 2>"$out.err.raw"
	echo $? >"$out.rc"
	# Normalise the program name
	sed -e 's/\bkbmake\b/make/g' "$out.out.raw" >"$out.out"
	sed -e 's/\bkbmake\b/make/g' "$out.err.raw" >"$out.err"
}

# same_output NAME: stdout, stderr and exit status of both programs agree
same_output() {
	local n=$1 what=""
	cmp -s "$work/res/gnu.$n.rc" "$work/res/kb.$n.rc" ||
		what="$what exit status ($(cat "$work/res/gnu.$n.rc") vs $(cat "$work/res/kb.$n.rc"))"
	if ! cmp -s "$work/res/gnu.$n.out" "$work/res/kb.$n.out"; then
		what="$what stdout"
		show_diff "$work/res/gnu.$n.out" "$work/res/kb.$n.out"
	fi
	if ! cmp -s "$work/res/gnu.$n.err" "$work/res/kb.$n.err"; then
		what="$what stderr"
		show_diff "$work/res/gnu.$n.err" "$work/res/kb.$n.err"
	fi
	echo "$what"
}

# manifest DIR FILE: checksum of every file (and symlink target) under DIR
manifest() {
	(cd "$1" && find . \( -type f -o -type l \) -print0 | LC_ALL=C sort -z |
	 while IFS= read -r -d '' f; do
		if [ -L "$f" ]; then
			printf 'link %s -> %s\n' "$f" "$(readlink "$f")"
		else
			printf '%s %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"
		fi
	 done) >"$2"
}

# stamps DIR FILE: path, size, mtime (ns) of everything under DIR
stamps() {
	(cd "$1" && find . -printf '%p %s %T@\n' | LC_ALL=C sort) >"$2"
}

# fstamps DIR FILE: like stamps, files and symlinks only (the probes of
# cc-option and friends create and remove scratch directories, which
# changes directory time stamps without rebuilding anything)
fstamps() {
	(cd "$1" && find . ! -type d -printf '%p %s %T@\n' | LC_ALL=C sort) >"$2"
}

# changed OLD NEW: files whose stamp line changed or that are new
changed() {
	LC_ALL=C comm -13 "$1" "$2" | awk '{print $1}'
}

# compiled_objects: from a list of changed files (relative to $tree), the
# objects compiled from a source by our rules, i.e. those with a deps_ list
# in their .cmd file (composite ld -r objects and the module are left out)
compiled_objects() {
	sed -e 's|^\./sample-tree/|./|' | grep '\.o$' | grep -v '^\./modules/' |
	while read -r o; do
		c=$src/$(dirname "$o")/.$(basename "$o").cmd
		grep -q '^deps_' "$c" 2>/dev/null && echo "$o"
	done | LC_ALL=C sort
}

# Files of the two programs' manifests that differ, as a short list
manifest_diff() {
	diff "$1" "$2" | sed -n 's/^[<>] [^ ]* //p' | LC_ALL=C sort -u | head -n 8 | tr '\n' ' '
}

###
# 1, 2, 3, 7: full build, null build, incremental builds, broken source.
# Run for each program in turn, in the same place.

incremental() {
	local label=$1 r

	fresh_tree
	mk "$label" full
	manifest "$tree" "$work/res/$label.full.manifest"
	# The module must carry license, description and vermagic
	modinfo=$(command -v modinfo || echo /sbin/modinfo)
	if [ -x "$modinfo" ]; then
		for f in license description vermagic; do
			printf '%s=%s\n' $f "$("$modinfo" -F $f "$src/modules/biscuit_hello.ko" 2>/dev/null)"
		done >"$work/res/$label.modinfo"
	else
		echo "no-modinfo" >"$work/res/$label.modinfo"
	fi

	# 2 null build
	fstamps "$tree" "$work/res/$label.null.before"
	mk "$label" null
	fstamps "$tree" "$work/res/$label.null.after"
	changed "$work/res/$label.null.before" "$work/res/$label.null.after" \
		>"$work/res/$label.null.changed"

	# 3a touch a header: expected are the objects whose .cmd names it
	(cd "$src" && grep -l 'include/biscuit/lib\.h' $(find . -name '.*.o.cmd') |
	 sed -e 's|/\.\([^/]*\)\.cmd$|/\1|' | LC_ALL=C sort) \
		>"$work/res/$label.header.expected"
	fstamps "$tree" "$work/res/$label.header.before"
	sleep 1.1	# coarse file systems
	touch "$src/include/biscuit/lib.h"
	mk "$label" header
	fstamps "$tree" "$work/res/$label.header.after"
	changed "$work/res/$label.header.before" "$work/res/$label.header.after" |
		compiled_objects >"$work/res/$label.header.rebuilt"

	# 3b new define in vmm/'s ccflags-y: exactly vmm/*.o (not vmm/x86/)
	(cd "$src" && ls vmm/*.o | sed 's|^|./|' | LC_ALL=C sort) \
		>"$work/res/$label.ccflags.expected"
	fstamps "$tree" "$work/res/$label.ccflags.before"
	sleep 1.1
	sed -i -e 's/^ccflags-y := -DVMM_SERIAL_PORT=0x3f8$/& -DKBM_ST_TEST=1/' \
		"$src/vmm/Makefile"
	grep -q KBM_ST_TEST "$src/vmm/Makefile" || echo "vmm/Makefile edit failed" >&2
	mk "$label" ccflags
	fstamps "$tree" "$work/res/$label.ccflags.after"
	changed "$work/res/$label.ccflags.before" "$work/res/$label.ccflags.after" |
		compiled_objects >"$work/res/$label.ccflags.rebuilt"

	# 3c CONFIG_VMM_TRACE y -> n: trace.o leaves vmm/built-in.a and the VMM
	sleep 1.1
	sed -i -e 's/^CONFIG_VMM_TRACE=y$/# CONFIG_VMM_TRACE is not set/' "$src/.config"
	mk "$label" config
	(cd "$src" && { echo "archive:"; ar t vmm/built-in.a;
			echo "symbols:"; nm biscuit-vmm | grep -i ' [tw] vmm_trace_exit$'; }) \
		>"$work/res/$label.config.state" 2>&1

	# 7 broken source, then fixed
	cp "$src/lib/readfile.c" "$work/res/readfile.c.orig"
	sleep 1.1
	printf '\nint kbm_st_broken = ;\n' >>"$src/lib/readfile.c"
	mk "$label" broken
	if [ -e "$src/lib/readfile.o" ]; then
		echo present >"$work/res/$label.broken.obj"
	else
		echo absent >"$work/res/$label.broken.obj"
	fi
	cp "$work/res/readfile.c.orig" "$src/lib/readfile.c"
	mk "$label" fixed
	[ -e "$src/lib/readfile.o" ] && echo present >"$work/res/$label.fixed.obj" ||
		echo absent >"$work/res/$label.fixed.obj"

	# 5 run, in the tree each program built
	mk "$label" run run

	mv "$tree" "$work/res/$label.tree"
}

incremental gnu
incremental kb

# 1
r=$(same_output full)
if [ "$(cat "$work/res/gnu.full.rc")" != 0 ]; then
	report "1 full build" FAIL "GNU make failed (exit $(cat "$work/res/gnu.full.rc"))"
elif [ -n "$r" ]; then
	report "1 full build" FAIL "output differs:$r"
elif ! cmp -s "$work/res/gnu.full.manifest" "$work/res/kb.full.manifest"; then
	report "1 full build" FAIL "files differ: $(manifest_diff "$work/res/gnu.full.manifest" "$work/res/kb.full.manifest")"
elif ! grep -q ' \./sample-tree/modules/biscuit_hello\.ko$' "$work/res/gnu.full.manifest"; then
	report "1 full build" FAIL "no biscuit_hello.ko built"
elif ! grep -qx 'license=GPL' "$work/res/kb.modinfo" && ! grep -qx no-modinfo "$work/res/kb.modinfo" ||
     grep -qx 'description=' "$work/res/kb.modinfo" || grep -qx 'vermagic=' "$work/res/kb.modinfo"; then
	report "1 full build" FAIL "modinfo: $(tr '\n' ' ' <"$work/res/kb.modinfo")"
else
	report "1 full build" PASS "$(wc -l <"$work/res/gnu.full.manifest") files identical, same output$(grep -qx no-modinfo "$work/res/kb.modinfo" || echo ', modinfo ok')"
fi

# 2
r=$(same_output null)
if [ -n "$r" ]; then
	report "2 null build" FAIL "output differs:$r"
elif [ -s "$work/res/kb.null.changed" ] || [ -s "$work/res/gnu.null.changed" ]; then
	report "2 null build" FAIL "files changed: $(cat "$work/res/kb.null.changed" "$work/res/gnu.null.changed" | head -n 5 | tr '\n' ' ')"
else
	report "2 null build" PASS "nothing rebuilt, same output ($(wc -l <"$work/res/gnu.null.out") lines)"
fi

# 3a-c
for step in header ccflags; do
	r=$(same_output $step)
	if [ "$(cat "$work/res/gnu.$step.rc")" != 0 ]; then
		report "3 $step" FAIL "GNU make failed"
	elif [ -n "$r" ]; then
		report "3 $step" FAIL "output differs:$r"
	elif ! cmp -s "$work/res/gnu.$step.rebuilt" "$work/res/kb.$step.rebuilt"; then
		report "3 $step" FAIL "rebuilt sets differ: $(diff "$work/res/gnu.$step.rebuilt" "$work/res/kb.$step.rebuilt" | grep '^[<>]' | tr '\n' ' ')"
	elif ! cmp -s "$work/res/kb.$step.expected" "$work/res/kb.$step.rebuilt"; then
		report "3 $step" FAIL "rebuilt $(tr '\n' ' ' <"$work/res/kb.$step.rebuilt")expected $(tr '\n' ' ' <"$work/res/kb.$step.expected")"
	elif [ ! -s "$work/res/kb.$step.expected" ]; then
		report "3 $step" FAIL "nothing expected to rebuild: test set-up broken"
	else
		report "3 $step" PASS "rebuilt exactly: $(tr '\n' ' ' <"$work/res/kb.$step.rebuilt")"
	fi
done

r=$(same_output config)
if [ -n "$r" ]; then
	report "3 config y->n" FAIL "output differs:$r"
elif ! cmp -s "$work/res/gnu.config.state" "$work/res/kb.config.state"; then
	report "3 config y->n" FAIL "link results differ"
	show_diff "$work/res/gnu.config.state" "$work/res/kb.config.state"
elif grep -q 'trace\.o\| T vmm_trace_exit' "$work/res/kb.config.state" ||
     ! grep -q 'main\.o' "$work/res/kb.config.state"; then
	report "3 config y->n" FAIL "trace.o still linked (or archive missing)"
else
	report "3 config y->n" PASS "trace.o dropped from vmm/built-in.a and biscuit-vmm"
fi

# 7
r=$(same_output broken)
b_rc=$(cat "$work/res/kb.broken.rc")
if [ -n "$r" ]; then
	report "7 broken source" FAIL "output differs:$r"
elif [ "$b_rc" != 2 ]; then
	report "7 broken source" FAIL "exit status $b_rc, expected 2"
elif ! grep -q 'readfile\.c:.*error' "$work/res/kb.broken.err"; then
	report "7 broken source" FAIL "no compiler error message"
elif ! grep -q '\*\*\* \[.*lib/readfile\.o\] Error 1' "$work/res/kb.broken.err"; then
	report "7 broken source" FAIL "no '*** [...] Error 1' line"
elif [ "$(cat "$work/res/kb.broken.obj")" != absent ]; then
	report "7 broken source" FAIL "stale lib/readfile.o left behind"
elif [ "$(cat "$work/res/kb.fixed.rc")" != 0 ] || [ "$(cat "$work/res/kb.fixed.obj")" != present ]; then
	report "7 broken source" FAIL "build after the fix failed"
elif [ -n "$(same_output fixed)" ]; then
	report "7 broken source" FAIL "output after the fix differs"
else
	report "7 broken source" PASS "error, Error 1, exit 2, no object; fix rebuilds"
fi

###
# 4 O= build: the source tree stays untouched

for label in gnu kb; do
	fresh_tree
	stamps "$tree" "$work/res/$label.o.before"
	sleep 1.1
	# The listing must not include the output directory itself
	out=$work/out
	rm -rf "$out"
	mk "$label" obuild O="$out"
	stamps "$tree" "$work/res/$label.o.after"
	manifest "$out" "$work/res/$label.o.manifest"
	[ -f "$out/biscuit-vmm" ] && [ -f "$out/modules/biscuit_hello.ko" ] &&
		echo ok >"$work/res/$label.o.result" || echo missing >"$work/res/$label.o.result"
	mk "$label" onull O="$out"
	rm -rf "$out"
done
r=$(same_output obuild)
if [ -n "$r" ]; then
	report "4 O= build" FAIL "output differs:$r"
elif [ "$(cat "$work/res/kb.obuild.rc")" != 0 ] || [ "$(cat "$work/res/kb.o.result")" != ok ]; then
	report "4 O= build" FAIL "build failed or results missing"
elif ! cmp -s "$work/res/kb.o.before" "$work/res/kb.o.after" ||
     ! cmp -s "$work/res/gnu.o.before" "$work/res/gnu.o.after"; then
	report "4 O= build" FAIL "source tree changed: $(diff "$work/res/kb.o.before" "$work/res/kb.o.after" | grep '^>' | head -n 5 | tr '\n' ' ')"
elif ! cmp -s "$work/res/gnu.o.manifest" "$work/res/kb.o.manifest"; then
	report "4 O= build" FAIL "output files differ: $(manifest_diff "$work/res/gnu.o.manifest" "$work/res/kb.o.manifest")"
elif [ -n "$(same_output onull)" ] || [ -s "$work/res/kb.onull.out" ]; then
	report "4 O= build" FAIL "O= null build differs or did work"
else
	report "4 O= build" PASS "source untouched, identical output tree"
fi

###
# 5 make run

kvm_reason=""
if [ ! -e /dev/kvm ]; then
	kvm_reason="no /dev/kvm"
elif ! (exec 3<>/dev/kvm) 2>/dev/null; then
	kvm_reason="/dev/kvm not accessible to $(id -un)"
fi
if [ -n "$kvm_reason" ]; then
	report "5 run" SKIP "$kvm_reason"
else
	ok=1 why=""
	for label in gnu kb; do
		if [ "$(cat "$work/res/$label.run.rc")" != 0 ]; then
			ok=0 why="$why $label: exit $(cat "$work/res/$label.run.rc")"
		elif ! grep -qx 'Hello BiscuitOS :)' "$work/res/$label.run.out"; then
			ok=0 why="$why $label: no greeting"
		fi
	done
	r=$(same_output run)
	if [ $ok = 0 ]; then
		report "5 run" FAIL "$why"
	elif [ -n "$r" ]; then
		report "5 run" FAIL "output differs:$r"
	else
		report "5 run" PASS "guest printed 'Hello BiscuitOS :)', exit 0"
	fi
fi

###
# 6 -j2 against -j1 (the manifests of check 1)

for label in gnu kb; do
	fresh_tree
	mk "$label" j2 -j2
	manifest "$tree" "$work/res/$label.j2.manifest"
done
if [ "$(cat "$work/res/kb.j2.rc")" != 0 ] || [ "$(cat "$work/res/gnu.j2.rc")" != 0 ]; then
	report "6 -j2 build" FAIL "exit status gnu $(cat "$work/res/gnu.j2.rc"), kb $(cat "$work/res/kb.j2.rc")"
	cat "$work/res/kb.j2.err" | head -n 10 >&2
elif ! cmp -s "$work/res/kb.j2.manifest" "$work/res/kb.full.manifest"; then
	report "6 -j2 build" FAIL "-j2 files differ from -j1: $(manifest_diff "$work/res/kb.full.manifest" "$work/res/kb.j2.manifest")"
elif ! cmp -s "$work/res/gnu.j2.manifest" "$work/res/kb.j2.manifest"; then
	report "6 -j2 build" FAIL "-j2 files differ between programs"
elif [ "$(LC_ALL=C sort "$work/res/gnu.j2.out" | md5sum)" != "$(LC_ALL=C sort "$work/res/kb.j2.out" | md5sum)" ]; then
	report "6 -j2 build" FAIL "-j2 output lines differ (sorted)"
else
	report "6 -j2 build" PASS "same files as -j1"
fi

###
# 8 rule-library features outside the sample tree (rules-tree/)

rules_expect() {	# LABEL: facts about the result, one per line
	local d=$tree/rules-tree
	echo "built-in.a: $(cd "$d" && ar t a/built-in.a | tr '\n' ' ')"
	echo "lib.a: $(ar t "$d/a/lib.a" | tr '\n' ' ')"
	echo "lds: $(cat "$d/a/t.lds")"
	echo "mixed: $("$d/h/mixed")"
	echo "single: $("$d/h/single")"
	echo "comp.o: $(nm "$d/a/comp.o" | awk '{print $3}' | tr '\n' ' ')"
	echo "mm.o: $(nm "$d/m/d/mm.o" | awk '{print $3}' | tr '\n' ' ')"
	echo "data: $(zcat "$d/a/data.bin.gz" | tr -d '\0')"
}

for label in gnu kb; do
	rm -rf "$tree"
	mkdir -p "$tree"
	cp -a "$work/snap/kbuild-rules" "$tree/"
	cp -a "$here/rules-tree" "$tree/"
	(cd "$tree" && find . | LC_ALL=C sort) >"$work/res/$label.rules.sources"
	(cd "$tree/rules-tree" && PATH="$work/bin/$label:$PATH" make probes all) \
		>"$work/res/$label.rules.out" 2>"$work/res/$label.rules.err"
	echo $? >"$work/res/$label.rules.rc"
	rules_expect "$label" >"$work/res/$label.rules.facts" 2>&1
	manifest "$tree" "$work/res/$label.rules.manifest"
	(cd "$tree/rules-tree" && PATH="$work/bin/$label:$PATH" make) \
		>"$work/res/$label.rules2.out" 2>&1
	touch "$tree/rules-tree/a/junk.txt"
	mkdir -p "$tree/rules-tree/a/junkdir"
	(cd "$tree/rules-tree" && PATH="$work/bin/$label:$PATH" make clean) \
		>"$work/res/$label.rulesclean.out" 2>&1
	(cd "$tree" && find . | LC_ALL=C sort) >"$work/res/$label.rules.after-clean"
done
for f in out err rc; do
	sed -i -e 's/\bkbmake\b/make/g' "$work/res/kb.rules.$f"
done
cat >"$work/res/rules.expected" <<'EOT'
built-in.a: a/x.o a/y.o a/yes.o a/sub/w.o a/s.o 
lib.a: z.o 
lds: SECTIONS { . = 0x4000; .text : { *(.text) } }
mixed: mixed 42
single: single 1
comp.o: f_p f_q 
mm.o: u v 
data: kbuild
EOT
probes_ok=1
for p in cc-option-good=-fno-common cc-option-bad=-fallback cc-option-yn-good=y \
	 cc-option-yn-bad=n as-option-good=-Wa,--noexecstack as-instr-good=yes \
	 as-instr-bad=no ld-option-good=--build-id=none ld-option-bad=none \
	 cc-ifversion=new; do
	grep -qx -- "$p" "$work/res/kb.rules.out" || probes_ok=0
done
grep -qx 'cc-version=[0-9][0-9][0-9][0-9]' "$work/res/kb.rules.out" || probes_ok=0
if [ "$(cat "$work/res/kb.rules.rc")" != 0 ] || [ "$(cat "$work/res/gnu.rules.rc")" != 0 ]; then
	report "8 rule features" FAIL "build failed: $(head -n 3 "$work/res/kb.rules.err" | tr '\n' ' ')"
elif ! cmp -s "$work/res/gnu.rules.out" "$work/res/kb.rules.out" ||
     ! cmp -s "$work/res/gnu.rules.err" "$work/res/kb.rules.err"; then
	report "8 rule features" FAIL "output differs"
	show_diff "$work/res/gnu.rules.out" "$work/res/kb.rules.out"
elif ! cmp -s "$work/res/gnu.rules.manifest" "$work/res/kb.rules.manifest"; then
	report "8 rule features" FAIL "files differ: $(manifest_diff "$work/res/gnu.rules.manifest" "$work/res/kb.rules.manifest")"
elif ! cmp -s "$work/res/rules.expected" "$work/res/kb.rules.facts"; then
	report "8 rule features" FAIL "unexpected results"
	show_diff "$work/res/rules.expected" "$work/res/kb.rules.facts"
elif [ $probes_ok != 1 ]; then
	report "8 rule features" FAIL "probe functions gave unexpected values"
elif [ -s "$work/res/kb.rules2.out" ]; then
	report "8 rule features" FAIL "null build did work: $(head -n 2 "$work/res/kb.rules2.out" | tr '\n' ' ')"
elif ! cmp -s "$work/res/kb.rules.sources" "$work/res/kb.rules.after-clean"; then
	report "8 rule features" FAIL "clean left: $(comm -13 "$work/res/kb.rules.sources" "$work/res/kb.rules.after-clean" | head -n 5 | tr '\n' ' ')"
elif ! cmp -s "$work/res/gnu.rulesclean.out" "$work/res/kb.rulesclean.out"; then
	report "8 rule features" FAIL "clean output differs"
else
	report "8 rule features" PASS "archives, composites, lds, hostprogs, probes, clean"
fi

###
# Table

echo
echo "sample-tree: $KBMAKE against $GNUMAKE"
printf '%s\n' "${results[@]}" | LC_ALL=C sort -k2,2 -s
summary="$npass passed, $nfail failed"
[ $nskip -gt 0 ] && summary="$summary, $nskip skipped"
echo "$summary"
[ $nfail -eq 0 ]
