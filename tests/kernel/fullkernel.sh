#!/usr/bin/env bash
# Drop-in check on the real Kbuild, slow part: the Debian linux-source-6.1 tree configured with
# tinyconfig and built (bzImage) by GNU make and by kbmake, then compared.
#
# Installs the Debian packages it needs if missing (tools/install-kernel-deps.sh).
# The tarball is unpacked once into $KBMAKE_KERNEL_CACHE/src (default /var/tmp/kbmake-kernel).
# Every build happens in the one path $CACHE/tree (fresh copy of src/, build, tree moved away to
# $CACHE/res/<who>.tree), so paths inside .cmd files and objects agree without any rewriting.
# KBUILD_BUILD_TIMESTAMP/USER/HOST/VERSION are fixed.  A `gcc` wrapper first in PATH (command
# lines, hence .cmd files, stay unchanged) logs start and end of every compile job (gcc -c ...
# -o x.o) so that the number of compile jobs running at once can be measured.
#
# Checks (GNU make result vs kbmake result):
#   config/output          `make tinyconfig` output identical; config/.config identical
#   build/status           both `make -j2` succeed and produce arch/x86/boot/bzImage
#   build/output           `make -j2` output identical as a multiset of lines (-j2 reorders)
#   build/files            same set of files in the tree
#   build/cmdfiles         every .*.cmd byte-identical
#   build/objects          every .o, .a byte-identical
#   build/vmlinux, build/bzImage   byte-identical
#   build/jobs-<who>       at most 2 compile jobs at once during the -j2 build
#   null/output            null build output identical (multiset)
#   null/mtimes            null builds rewrite the same files as GNU make's (Kbuild always
#                          rewrites .missing-syscalls.d and the arch/i386 bzImage symlink)
#   dryrun/output          `make -n` on the built tree: identical output (exact, in order)
#   jobserver/kb-top       kbmake -j2 MAKE=/usr/bin/make (sub-makes are GNU make) rebuilds
#                          kernel/ mm/ lib/ objects: <=2 jobs at once, result identical to the
#                          reference build
#   jobserver/gnu-top      /usr/bin/make -j2 MAKE=kbmake: same
#   interrupt/*            kbmake -j2 interrupted by SIGINT (to its process group, like ^C) while
#                          compiling, then restarted: exit status 130/2 as GNU make, no stray
#                          object, final tree identical to the reference
#   objdir/*               make O=<dir> tinyconfig + -j2 with each program: same files, .cmd
#                          files, vmlinux
#   memo/*                 kbmake with the $(shell) memo (KBMAKE_SHELL_CACHE=1, an empty memo
#                          first) on the GNU-built tree: cold and warm null builds print what
#                          GNU make's prints; in a warm one every $(shell) is a hit (so no
#                          probe process runs; --build-trace says; toolchain processes counted
#                          by an execve trace); then the gcc wrapper first in PATH is replaced by one that
#                          rejects -fno-stack-clash-protection (a cc-option probe of the top
#                          Makefile): GNU make and kbmake with the warm memo both rebuild
#                          everything and the trees are identical (a stale probe would keep
#                          the flag in every .cmd file); the sub-make memo skipped sub-makes
#                          in the warm build, and after touching a source file, a header and
#                          a Kbuild makefile the warm memo rebuilds what GNU make rebuilds
#
# Environment: KBMAKE, GNUMAKE (default /usr/bin/make), KBMAKE_KERNEL_CACHE,
# KERNEL_TARBALL (default the newest /usr/src/linux-source-*.tar.xz),
# STEPS (default "main jobserver interrupt memo objdir"; main is needed by
# jobserver/interrupt/memo),
# NULL_RUNS (default 3).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KBMAKE=$(readlink -f "${KBMAKE:-$repo/build/bin/kbmake}")
GNUMAKE=${GNUMAKE:-/usr/bin/make}
CACHE=${KBMAKE_KERNEL_CACHE:-/var/tmp/kbmake-kernel}
KERNEL_TARBALL=${KERNEL_TARBALL:-$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)}
STEPS=" ${STEPS:-main jobserver interrupt memo objdir} "
NULL_RUNS=${NULL_RUNS:-3}
JOBS=2

for f in "$KBMAKE" "$GNUMAKE"; do
  [[ -x $f ]] || { echo "fullkernel: missing executable $f" >&2; exit 2; }
done
# The Debian packages (linux-source-6.1, flex, bison, bc, libelf-dev, libssl-dev, ...) are
# installed if missing; the installer is idempotent and quiet.
"$repo/tools/install-kernel-deps.sh" || { echo "fullkernel: installing packages failed" >&2; exit 2; }
[[ -n $KERNEL_TARBALL && -f $KERNEL_TARBALL ]] ||
  KERNEL_TARBALL=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
[[ -f $KERNEL_TARBALL ]] || {
  echo "fullkernel: no kernel tarball (run tools/install-kernel-deps.sh)" >&2; exit 2; }
for t in flex bison bc gcc ld; do
  command -v $t >/dev/null || { echo "fullkernel: missing $t (run tools/install-kernel-deps.sh)" >&2; exit 2; }
done

unset MAKEFLAGS MFLAGS MAKELEVEL GNUMAKEFLAGS MAKEFILES KBUILD_VERBOSE V O ARCH CROSS_COMPILE \
  KBUILD_OUTPUT KCONFIG_CONFIG CC LD
export LC_ALL=C
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=kbmake KBUILD_BUILD_HOST=kbmake KBUILD_BUILD_VERSION=1

mkdir -p "$CACHE/bin"
# Test a private copy: the build directory may be rebuilt while this runs for minutes.
cp "$KBMAKE" "$CACHE/bin/kbmake.new" && mv "$CACHE/bin/kbmake.new" "$CACHE/bin/kbmake" || exit 2
KBMAKE_ORIG=$KBMAKE KBMAKE=$CACHE/bin/kbmake
src=$CACHE/src tree=$CACHE/tree res=$CACHE/res log=$CACHE/log
# ---- unpack once -----------------------------------------------------------------------------
if [[ ! -f $src/.kbmake-unpacked ]]; then
  echo "fullkernel: unpacking $KERNEL_TARBALL into $src"
  rm -rf "$src" "$CACHE/unpack"; mkdir -p "$CACHE/unpack"
  tar -C "$CACHE/unpack" -xJf "$KERNEL_TARBALL" || exit 2
  mv "$CACHE/unpack"/linux-source-* "$src" && rmdir "$CACHE/unpack" || exit 2
  touch "$src/.kbmake-unpacked"
fi
# Without the main step, the trees of an earlier run are reused (jobserver and interrupt need
# res/gnu.tree).
if [[ $STEPS = *" main "* ]]; then rm -rf "$res"; fi
rm -rf "$log" "$tree" "$CACHE/obj"
mkdir -p "$res" "$log"

# ---- gcc wrapper -----------------------------------------------------------------------------
wrap=$CACHE/wrap
mkdir -p "$wrap"
realgcc=$(command -v gcc)
# write_wrapper [flag]: the wrapper; with a flag, it rejects that flag as an older gcc would
write_wrapper() {
  local reject=""
  [[ -n ${1:-} ]] && reject="case \" \$* \" in *\" $1 \"*) echo \"gcc: error: unrecognized command-line option '$1'\" >&2; exit 1 ;; esac"
  cat >"$wrap/gcc.new" <<EOF
#!/bin/bash
# Logs compile jobs (gcc ... -c ... -o *.o, not the \$(shell) probes on /dev/null).
$reject
case " \$* " in *" /dev/null "*) exec $realgcc "\$@" ;; esac
case " \$* " in *" -c "*) ;; *) exec $realgcc "\$@" ;; esac
case " \$* " in *" -o "*.o" "*) ;; *) exec $realgcc "\$@" ;; esac
[ -n "\${KBMAKE_JOBLOG:-}" ] || exec $realgcc "\$@"
echo "S \$EPOCHREALTIME \$\$" >>"\$KBMAKE_JOBLOG"
$realgcc "\$@"; rc=\$?
echo "E \$EPOCHREALTIME \$\$" >>"\$KBMAKE_JOBLOG"
exit \$rc
EOF
  chmod +x "$wrap/gcc.new" && mv "$wrap/gcc.new" "$wrap/gcc"
}
write_wrapper
export PATH=$wrap:$PATH

# maxjobs <joblog> : highest number of compile jobs running at once
maxjobs() {
  [[ -s $1 ]] || { echo 0; return; }
  sort -k2,2n -k1,1r "$1" | awk '$1=="S"{n++; if(n>m)m=n} $1=="E"{n--} END{print m+0}'
}
# njobs <joblog> : number of compile jobs logged
njobs() { [[ -s $1 ]] && grep -c '^S' "$1" || echo 0; }

# ---- result table ----------------------------------------------------------------------------
pass=0 fail=0
results=()
record() {
  results+=("$(printf '%-28s %-4s %s' "$1" "$2" "${3:-}")")
  if [[ $2 = PASS ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
  printf '[%s] %-28s %-4s %s\n' "$(date +%T)" "$1" "$2" "${3:-}"
}
check() { # name a b [detail]
  if cmp -s "$2" "$3"; then record "$1" PASS "${4:-}"
  else
    record "$1" FAIL "${4:-} (diff $2 $3)"
    { echo "=== $1: diff GNU make vs kbmake"; diff "$2" "$3" | head -40; } >>"$log/diffs.txt"
  fi
}
timings=()
timing() { timings+=("$(printf '%-36s %10s %10s' "$1" "$2" "$3")"); }

# run <prog> <outprefix> args... (cwd: $tree unless RUNDIR is set; the command is prefixed by
# the array RUNWRAP if set, e.g. strace): output normalised
# ("kbmake[1]:" -> "make[1]:", the program's path -> MAKE) into <pfx>.out/.err/.rc/.all,
# sorted lines into <pfx>.sorted, wall time into <pfx>.time
RUNWRAP=()
run() {
  local prog=$1 pfx=$2; shift 2
  local t0 t1 n q s
  t0=$EPOCHREALTIME
  (cd "${RUNDIR:-$tree}" && "${RUNWRAP[@]}" "$prog" "$@") >"$pfx.out.raw" 2>"$pfx.err.raw"
  echo $? >"$pfx.rc"
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f\n", b - a}' >"$pfx.time"
  n=$(basename "$prog")
  q=$(printf '%s' "$prog" | sed 's/[][\.*^$#]/\\&/g')
  for s in out err; do
    sed -E "s#^${n}(\[[0-9]+\])?: #make\1: #; s#$q#MAKE#g" "$pfx.$s.raw" >"$pfx.$s"
  done
  cat "$pfx.out" "$pfx.err" "$pfx.rc" >"$pfx.all"
  LC_ALL=C sort "$pfx.all" >"$pfx.sorted"
}
files() { (cd "$1" && find . -mindepth 1 -printf '%y %P\n' | LC_ALL=C sort) >"$2"; }
stamps() { (cd "$1" && find . -mindepth 1 ! -type d -printf '%P %s %T@\n' | LC_ALL=C sort) >"$2"; }
sums() { # dir out find-predicates...
  local d=$1 o=$2; shift 2
  (cd "$d" && find . -type f \( "$@" \) -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) >"$o"
}
median() { LC_ALL=C sort -n | awk '{a[NR]=$1} END{if(NR==0){print "-"} else if(NR%2){print a[(NR+1)/2]} else {printf "%.2f\n",(a[NR/2]+a[NR/2+1])/2}}'; }
fresh() { rm -rf "$tree"; cp -a "$src" "$tree"; }
prog_of() { if [[ $1 = gnu ]]; then echo "$GNUMAKE"; else echo "$KBMAKE"; fi; }
# snapshot <dir> <pfx> : files, cmd sums, object sums
snapshot() {
  files "$1" "$2.files"
  sums "$1" "$2.cmd" -name '.*.cmd'
  sums "$1" "$2.objects" -name '*.o' -o -name '*.a' -o -name '*.ko'
  sums "$1" "$2.images" -path ./vmlinux -o -path ./arch/x86/boot/bzImage -o -path ./System.map \
    -o -path ./.config
}

# =============================================================================================
if [[ $STEPS = *" main "* ]]; then
  for who in gnu kb; do
    prog=$(prog_of $who); o=$res/$who; mkdir -p "$o"
    echo "[$(date +%T)] main: $who ($prog) tinyconfig + -j$JOBS"
    fresh
    run "$prog" "$o/config" tinyconfig
    KBMAKE_JOBLOG=$o/build.jobs run "$prog" "$o/build" -j$JOBS
    snapshot "$tree" "$o/build"
    stamps "$tree" "$o/before-null.stamps"
    for i in $(seq 1 "$NULL_RUNS"); do
      run "$prog" "$o/null$i" -j$JOBS
    done
    stamps "$tree" "$o/after-null.stamps"
    run "$prog" "$o/dryrun" -n
    stamps "$tree" "$o/after-dryrun.stamps"
    rm -rf "$res/$who.tree"; mv "$tree" "$res/$who.tree"
  done
  g=$res/gnu k=$res/kb
  check config/output "$g/config.all" "$k/config.all"
  if [[ $(cat "$g/build.rc") = 0 && $(cat "$k/build.rc") = 0 && -f $res/kb.tree/arch/x86/boot/bzImage ]]; then
    record build/status PASS
  else
    record build/status FAIL "GNU make rc=$(cat "$g/build.rc"), kbmake rc=$(cat "$k/build.rc")"
  fi
  check build/output "$g/build.sorted" "$k/build.sorted"
  check build/files "$g/build.files" "$k/build.files" "$(wc -l <"$g/build.files") entries"
  check build/cmdfiles "$g/build.cmd" "$k/build.cmd" "$(wc -l <"$g/build.cmd") .cmd files"
  check build/objects "$g/build.objects" "$k/build.objects" "$(wc -l <"$g/build.objects") objects"
  grep ' \./vmlinux$' "$g/build.images" >"$g/vmlinux.sum"; grep ' \./vmlinux$' "$k/build.images" >"$k/vmlinux.sum"
  check build/vmlinux "$g/vmlinux.sum" "$k/vmlinux.sum"
  grep 'bzImage$' "$g/build.images" >"$g/bzImage.sum"; grep 'bzImage$' "$k/build.images" >"$k/bzImage.sum"
  check build/bzImage "$g/bzImage.sum" "$k/bzImage.sum"
  grep 'config$' "$g/build.images" >"$g/config.sum"; grep 'config$' "$k/build.images" >"$k/config.sum"
  check config/.config "$g/config.sum" "$k/config.sum"
  for who in gnu kb; do
    m=$(maxjobs "$res/$who/build.jobs"); n=$(njobs "$res/$who/build.jobs")
    if ((m >= 1 && m <= JOBS)); then record build/jobs-$who PASS "max $m of $n compile jobs at once"
    else record build/jobs-$who FAIL "max $m of $n compile jobs at once"; fi
  done
  check null/output "$g/null1.sorted" "$k/null1.sorted"
  # Kbuild's null build legitimately rewrites a few files (.missing-syscalls.d, the
  # arch/i386 bzImage symlink): the same files must change as with GNU make.
  changed() { diff "$1" "$2" | awk '/^[<>]/{print $2}' | LC_ALL=C sort -u; }
  changed "$g/before-null.stamps" "$g/after-null.stamps" >"$g/null.changed"
  changed "$k/before-null.stamps" "$k/after-null.stamps" >"$k/null.changed"
  check null/mtimes "$g/null.changed" "$k/null.changed" \
    "files rewritten by null builds: $(paste -sd' ' "$g/null.changed")"
  check dryrun/output "$g/dryrun.all" "$k/dryrun.all" "$(wc -l <"$g/dryrun.out") lines"
  changed "$g/after-null.stamps" "$g/after-dryrun.stamps" >"$g/dryrun.changed"
  changed "$k/after-null.stamps" "$k/after-dryrun.stamps" >"$k/dryrun.changed"
  if cmp -s "$g/dryrun.changed" "$k/dryrun.changed"; then
    record dryrun/no-changes PASS "same files touched by -n as GNU make ($(wc -l <"$g/dryrun.changed"))"
  else
    record dryrun/no-changes FAIL "-n changed different files"
  fi
  timing "full build tinyconfig -j$JOBS (s)" "$(cat "$g/build.time")" "$(cat "$k/build.time")"
  timing "tinyconfig (s)" "$(cat "$g/config.time")" "$(cat "$k/config.time")"
  timing "null build -j$JOBS median of $NULL_RUNS (s)" \
    "$(cat "$g"/null[0-9]*.time | median)" "$(cat "$k"/null[0-9]*.time | median)"
  timing "make -n on built tree (s)" "$(cat "$g/dryrun.time")" "$(cat "$k/dryrun.time")"
fi

# =============================================================================================
# Partial rebuild in the GNU-built reference tree: delete the objects of a few directories and
# rebuild with -j2 via <top program> MAKE=<sub program>.
refdirs="kernel mm lib"
if [[ $STEPS = *" jobserver "* || $STEPS = *" interrupt "* ]]; then
  if [[ ! -d $res/gnu.tree ]]; then
    echo "fullkernel: jobserver/interrupt need the main step" >&2
  else
    mkdir -p "$res/ref"
    snapshot "$res/gnu.tree" "$res/ref/ref"
  fi
fi
reset_partial() { # restore the reference tree at $tree with objects of $refdirs deleted
  rm -rf "$tree"; cp -a "$res/gnu.tree" "$tree"
  (cd "$tree" && find $refdirs -name '*.o' -delete && rm -f vmlinux)
}
compare_ref() { # name pfx
  snapshot "$tree" "$2"
  if cmp -s "$res/ref/ref.objects" "$2.objects" && cmp -s "$res/ref/ref.cmd" "$2.cmd" &&
     cmp -s "$res/ref/ref.images" "$2.images" && cmp -s "$res/ref/ref.files" "$2.files"; then
    record "$1" PASS "objects, .cmd files, vmlinux, bzImage as reference"
  else
    record "$1" FAIL "tree differs from the reference build"
    { echo "=== $1"; for s in files cmd objects images; do diff "$res/ref/ref.$s" "$2.$s" | head -10; done; } >>"$log/diffs.txt"
  fi
}
if [[ $STEPS = *" jobserver "* && -d $res/gnu.tree ]]; then
  mkdir -p "$res/js"
  for top in kb gnu; do
    if [[ $top = kb ]]; then tp=$KBMAKE sub=$GNUMAKE; else tp=$GNUMAKE sub=$KBMAKE; fi
    echo "[$(date +%T)] jobserver: $tp -j$JOBS MAKE=$sub"
    reset_partial
    KBMAKE_JOBLOG=$res/js/$top.jobs run "$tp" "$res/js/$top" -j$JOBS MAKE="$sub"
    m=$(maxjobs "$res/js/$top.jobs"); n=$(njobs "$res/js/$top.jobs")
    rc=$(cat "$res/js/$top.rc")
    if [[ $rc = 0 ]] && ((m >= 1 && m <= JOBS)); then
      record jobserver/$top-top PASS "rc 0, max $m of $n compile jobs at once ($(cat "$res/js/$top.time")s)"
    else
      record jobserver/$top-top FAIL "rc $rc, max $m of $n compile jobs at once"
      { echo "=== jobserver/$top-top stderr"; head -30 "$res/js/$top.err"; } >>"$log/diffs.txt"
    fi
    compare_ref jobserver/$top-top-result "$res/js/$top"
  done
  # the same partial rebuild, all GNU make and all kbmake, for timing
  for who in gnu kb; do
    reset_partial
    KBMAKE_JOBLOG=$res/js/all-$who.jobs run "$(prog_of $who)" "$res/js/all-$who" -j$JOBS
  done
  check jobserver/partial-output "$res/js/all-gnu.sorted" "$res/js/all-kb.sorted"
  timing "partial rebuild ($refdirs) -j$JOBS (s)" "$(cat "$res/js/all-gnu.time")" "$(cat "$res/js/all-kb.time")"
  timing "  kbmake top/GNU subs, GNU top/kbmake subs" "$(cat "$res/js/kb.time")" "$(cat "$res/js/gnu.time")"
fi

# =============================================================================================
if [[ $STEPS = *" interrupt "* && -d $res/gnu.tree ]]; then
  mkdir -p "$res/int"
  for who in kb gnu; do
    prog=$(prog_of $who); p=$res/int/$who
    echo "[$(date +%T)] interrupt: $prog -j$JOBS, SIGINT after 8 compile jobs started"
    reset_partial
    : >"$p.jobs"
    # A background command of a script without job control starts with SIGINT ignored (and
    # make keeps an ignored SIGINT ignored): restore the default, as at a terminal.
    (cd "$tree" && KBMAKE_JOBLOG=$p.jobs exec setsid env --default-signal=INT,QUIT \
       "$prog" -j$JOBS >"$p.out1" 2>"$p.err1") &
    bg=$!
    for _ in $(seq 1 1200); do
      (( $(grep -c '^S' "$p.jobs") >= 8 )) && break
      kill -0 $bg 2>/dev/null || break
      sleep 0.1
    done
    # wait until a compile is running right now (more S than E lines), then ^C the group
    for _ in $(seq 1 200); do
      (( $(grep -c '^S' "$p.jobs") > $(grep -c '^E' "$p.jobs") )) && break
      sleep 0.02
    done
    kill -INT -- -$bg 2>/dev/null
    wait $bg; rc=$?
    echo "$rc" >"$p.rc1"
    # an object whose compile was interrupted must not survive (GNU make deletes it): a
    # truncated one would look up to date and make the final comparison fail
    run "$prog" "$p.restart" -j$JOBS
    grep -E '^(make|kbmake)(\[[0-9]+\])?: \*\*\*' "$p.err1" | sed -E 's/^kbmake/make/' >"$p.int-msgs"
    echo "$who: rc $rc after SIGINT; restart rc $(cat "$p.restart.rc")" >>"$log/interrupt.txt"
    cat "$p.err1" >>"$log/interrupt.txt"
    if [[ $(cat "$p.restart.rc") = 0 ]]; then
      record interrupt/$who-restart PASS "interrupted rc $rc, restart rc 0"
    else
      record interrupt/$who-restart FAIL "interrupted rc $rc, restart rc $(cat "$p.restart.rc")"
    fi
    compare_ref interrupt/$who-result "$p.final"
  done
  # Both must really have been interrupted (130: killed by SIGINT; 2: an error first).
  if [[ $(cat "$res/int/kb.rc1") = $(cat "$res/int/gnu.rc1") &&
        $(cat "$res/int/kb.rc1") =~ ^(130|2)$ ]]; then
    record interrupt/exit-status PASS "both $(cat "$res/int/kb.rc1")"
  else
    record interrupt/exit-status FAIL "GNU make $(cat "$res/int/gnu.rc1"), kbmake $(cat "$res/int/kb.rc1")"
  fi
fi

# =============================================================================================
# =============================================================================================
# The $(shell) memo (docs/SHELL-MEMO.md) on the real Kbuild. Every kbmake run here has a pipe
# as stdin (the memo's key has stdin's kind) and runs under strace (bash puts the program's path
# in "$_", which is part of the environment and so of the key).
if [[ $STEPS = *" memo "* && -d $res/gnu.tree ]]; then
  m=$res/memo; rm -rf "$m"; mkdir -p "$m"
  export XDG_CACHE_HOME=$CACHE/memo-cache
  rm -rf "$XDG_CACHE_HOME"
  memo_run() { # pfx [args...]: kbmake -j2 with the memo
    local pfx=$1; shift
    : | KBMAKE_SHELL_CACHE=1 run "$KBMAKE" "$pfx" -j$JOBS "$@"
  }
  toolchain() { grep -v ENOENT "$1" | grep -cE 'execve\("[^"]*/(cc1|as|ld|gcc|x86_64-linux-gnu-gcc-12)"' || true; }
  echo "[$(date +%T)] memo: kbmake null builds with the memo"
  rm -rf "$tree"; cp -a "$res/gnu.tree" "$tree"
  RUNWRAP=(strace -qq -e trace=none -o /dev/null)
  memo_run "$m/cold" --build-trace="$m/cold.json"  # its notes say why a result was not kept
  check memo/cold-null-output "$res/gnu/null1.sorted" "$m/cold.sorted"
  : | run "$GNUMAKE" "$m/gnu-null-timed" -j$JOBS  # next to the warm run, for the timing
  memo_run "$m/warm"
  check memo/warm-null-output "$res/gnu/null1.sorted" "$m/warm.sorted"
  # --build-trace (never in MAKEFLAGS, unlike --debug, so the sub-makes' keys are the same)
  # says for each $(shell) whether the memo hit.
  RUNWRAP=(strace -f -qq -e trace=execve -e signal=none -o "$m/warm.execve")
  memo_run "$m/warm-traced" --build-trace="$m/warm.json"
  check memo/warm-traced-output "$res/gnu/null1.sorted" "$m/warm-traced.sorted"
  RUNWRAP=(strace -f -qq -e trace=execve -e signal=none -o "$m/gnu.execve")
  : | run "$GNUMAKE" "$m/gnu-null" -j$JOBS
  RUNWRAP=()
  read -r calls hits < <(python3 -c '
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["traceEvents"] if e.get("cat") == "shell"]
print(len(ev), sum(1 for e in ev if e.get("args", {}).get("memo") == "hit"))' "$m/warm.json" 2>/dev/null || echo "0 0")
  detail="$hits of $calls \$(shell) hits; toolchain processes: GNU make $(toolchain "$m/gnu.execve"), kbmake $(toolchain "$m/warm.execve") (recipes)"
  if ((calls > 0 && hits == calls)); then
    record memo/warm-all-hits PASS "$detail"
  else
    record memo/warm-all-hits FAIL "$detail"
    { echo "=== memo/warm-all-hits: not hits (with what the cold run noted for the command)"
      python3 -c '
import json, sys
def shells(f):
    return [e for e in json.load(open(f))["traceEvents"] if e.get("cat") == "shell"]
cold = {}
for e in shells(sys.argv[2]):
    cold.setdefault(e["name"], set()).add(e.get("args", {}).get("memo", "(none)"))
n = 0
for e in shells(sys.argv[1]):
    if e.get("args", {}).get("memo") != "hit" and n < 20:
        n += 1
        print(e.get("args", {}).get("memo"), e["name"][:150])
        for note in sorted(cold.get(e["name"], {"(not run cold)"})):
            print("    cold:", note[:300])' "$m/warm.json" "$m/cold.json"; } >>"$log/diffs.txt"
  fi
  timing "null build, warm memo -j$JOBS (s, 1 run)" "$(cat "$m/gnu-null-timed.time")" "$(cat "$m/warm.time")"
  # The sub-make memo (docs/SHELL-MEMO.md, "Sub-makes"): the warm null build skipped the
  # quiet directories' sub-makes. A change below them must still be seen: a source file, a
  # header one object includes (known from its .cmd file) and a directory's Kbuild makefile
  # are touched in this tree (its memo warm) and in a fresh copy of the GNU-built tree;
  # kbmake and GNU make rebuild the same, end with the same tree, and agree on the null
  # build after it.
  read -r subs subhits < <(python3 -c '
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["traceEvents"] if e.get("cat") == "submake"]
print(len(ev), sum(1 for e in ev if e.get("args", {}).get("memo") == "hit"))' "$m/warm.json" 2>/dev/null || echo "0 0")
  if ((subhits > 0)); then
    record memo/warm-submake-hits PASS "$subhits of $subs sub-makes started were skipped (memo hits)"
  else
    record memo/warm-submake-hits FAIL "no sub-make skipped ($subs started)"
  fi
  touch_some() { (cd "$tree" && touch kernel/fork.c init/do_mounts.h mm/Makefile); }
  echo "[$(date +%T)] memo: kbmake with the warm memo after touching a source, a header, a makefile"
  touch_some; sleep 0.2
  RUNWRAP=(strace -qq -e trace=none -o /dev/null)  # the same "$_" as the runs above
  memo_run "$m/kb-incr" --build-trace="$m/kb-incr.json"
  snapshot "$tree" "$m/kb-incr"
  memo_run "$m/kb-incr-null"
  RUNWRAP=()
  echo "[$(date +%T)] memo: the same with GNU make"
  rm -rf "$tree"; cp -a "$res/gnu.tree" "$tree"
  touch_some
  : | run "$GNUMAKE" "$m/gnu-incr" -j$JOBS
  snapshot "$tree" "$m/gnu-incr"
  : | run "$GNUMAKE" "$m/gnu-incr-null" -j$JOBS
  check memo/incremental-output "$m/gnu-incr.sorted" "$m/kb-incr.sorted" "rc $(cat "$m/gnu-incr.rc")/$(cat "$m/kb-incr.rc")"
  check memo/incremental-cmdfiles "$m/gnu-incr.cmd" "$m/kb-incr.cmd"
  check memo/incremental-objects "$m/gnu-incr.objects" "$m/kb-incr.objects"
  check memo/incremental-images "$m/gnu-incr.images" "$m/kb-incr.images" "vmlinux, bzImage, System.map, .config"
  check memo/incremental-null "$m/gnu-incr-null.sorted" "$m/kb-incr-null.sorted"
  # A compiler that no longer accepts a probed flag: both rebuild without it.
  write_wrapper -fno-stack-clash-protection
  echo "[$(date +%T)] memo: gcc wrapper replaced, GNU make rebuild"
  rm -rf "$tree"; cp -a "$res/gnu.tree" "$tree"
  : | run "$GNUMAKE" "$m/gnu-rewrap" -j$JOBS
  snapshot "$tree" "$m/gnu-rewrap"
  echo "[$(date +%T)] memo: gcc wrapper replaced, kbmake rebuild with the warm memo"
  rm -rf "$tree"; cp -a "$res/gnu.tree" "$tree"
  RUNWRAP=(strace -qq -e trace=none -o /dev/null)
  memo_run "$m/kb-rewrap"
  RUNWRAP=()
  snapshot "$tree" "$m/kb-rewrap"
  if grep -q -- -fno-stack-clash-protection "$tree/init/.main.o.cmd"; then
    record memo/rewrap-flag-dropped FAIL "init/.main.o.cmd still has -fno-stack-clash-protection"
  else
    record memo/rewrap-flag-dropped PASS "probe re-run: init/.main.o.cmd without the rejected flag"
  fi
  check memo/rewrap-output "$m/gnu-rewrap.sorted" "$m/kb-rewrap.sorted" "rc $(cat "$m/gnu-rewrap.rc")/$(cat "$m/kb-rewrap.rc")"
  check memo/rewrap-cmdfiles "$m/gnu-rewrap.cmd" "$m/kb-rewrap.cmd" "$(wc -l <"$m/gnu-rewrap.cmd") .cmd files"
  check memo/rewrap-objects "$m/gnu-rewrap.objects" "$m/kb-rewrap.objects"
  check memo/rewrap-images "$m/gnu-rewrap.images" "$m/kb-rewrap.images" "vmlinux, bzImage, System.map, .config"
  write_wrapper
  unset XDG_CACHE_HOME
fi

if [[ $STEPS = *" objdir "* ]]; then
  mkdir -p "$res/objdir"
  for who in gnu kb; do
    prog=$(prog_of $who); o=$res/objdir/$who
    echo "[$(date +%T)] objdir: $who O=$CACHE/obj"
    rm -rf "$CACHE/obj"; fresh; mkdir -p "$CACHE/obj"
    run "$prog" "$o.config" O="$CACHE/obj" tinyconfig
    KBMAKE_JOBLOG=$o.jobs run "$prog" "$o.build" O="$CACHE/obj" -j$JOBS
    snapshot "$CACHE/obj" "$o"
    files "$tree" "$o.srcfiles"
    run "$prog" "$o.null" O="$CACHE/obj" -j$JOBS
    rm -rf "$res/objdir/$who.obj"; mv "$CACHE/obj" "$res/objdir/$who.obj"
  done
  o=$res/objdir
  check objdir/config-output "$o/gnu.config.all" "$o/kb.config.all"
  check objdir/build-output "$o/gnu.build.sorted" "$o/kb.build.sorted" "rc $(cat "$o/gnu.build.rc")/$(cat "$o/kb.build.rc")"
  check objdir/files "$o/gnu.files" "$o/kb.files"
  check objdir/srctree-untouched "$o/gnu.srcfiles" "$o/kb.srcfiles"
  check objdir/cmdfiles "$o/gnu.cmd" "$o/kb.cmd" "$(wc -l <"$o/gnu.cmd") .cmd files"
  check objdir/objects "$o/gnu.objects" "$o/kb.objects"
  check objdir/images "$o/gnu.images" "$o/kb.images" "vmlinux, bzImage, System.map, .config"
  check objdir/null-output "$o/gnu.null.sorted" "$o/kb.null.sorted"
  timing "O= build -j$JOBS (s)" "$(cat "$o/gnu.build.time")" "$(cat "$o/kb.build.time")"
  timing "O= null build -j$JOBS (s)" "$(cat "$o/gnu.null.time")" "$(cat "$o/kb.null.time")"
fi
rm -rf "$tree"

# =============================================================================================
echo
echo "kernel-full: $(basename "$KERNEL_TARBALL") tinyconfig, cache $CACHE"
echo "  GNU make: $GNUMAKE   kbmake: $KBMAKE_ORIG (copied to $KBMAKE)"
printf '%-28s %-4s %s\n' CHECK RESULT DETAIL
printf '%s\n' "${results[@]}"
if ((${#timings[@]})); then
  echo
  printf '%-36s %10s %10s\n' TIMING 'GNU make' kbmake
  printf '%s\n' "${timings[@]}"
fi
if [[ -s $log/diffs.txt ]]; then
  echo; echo "Differences (also in $log/diffs.txt):"; head -200 "$log/diffs.txt"
fi
echo
echo "$pass passed, $fail failed"
((fail == 0))
