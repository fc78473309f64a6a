#!/bin/bash
# evilmake.sh - a deliberately wrong "make" for selftest.sh: runs GNU make
# (EVIL_GNUMAKE, default /usr/bin/make) with one defect chosen by EVIL, so
# that compare.sh must report a failure.
real=${EVIL_GNUMAKE:-/usr/bin/make}
case "${EVIL:-}" in
# different artifacts, same output: the VMM is stripped
files)   exec "$real" "$@" KBUILD_LDFLAGS_VMM=-s ;;
# different output: full command lines
output)  exec "$real" "$@" V=1 ;;
# work on every run: a source is touched before each make
null)    [ -f .config ] && [ -f lib/die.o ] && touch lib/die.c; exec "$real" "$@" ;;
# same output, but an object outside the expected set changes afterwards
rebuilt) "$real" "$@"; rc=$?
	 [ -f .config ] && [ -f vmm/x86/realmode.o ] && touch vmm/x86/realmode.o
	 exit $rc ;;
# .config edits are undone: trace.o stays linked
config)  [ -f .config ] && sed -i 's/^# CONFIG_VMM_TRACE is not set/CONFIG_VMM_TRACE=y/' .config
	 exec "$real" "$@" ;;
# writes into the source tree of an O= build
srctree) case " $* " in *" O="*) touch stray-file ;; esac; exec "$real" "$@" ;;
# "run" succeeds without running the guest
run)     case " $* " in *" run "*) "$real" "$@" >/dev/null 2>&1; exit 0 ;; esac
	 exec "$real" "$@" ;;
# -j2 builds different files
j2)      case " $* " in *" -j2 "*) exec "$real" "$@" KBUILD_LDFLAGS_VMM=-s ;; esac
	 exec "$real" "$@" ;;
# errors are reported with the wrong exit status
status)  "$real" "$@"; rc=$?; [ $rc = 2 ] && exit 1; exit $rc ;;
# the rules tree rebuilds an object on every run
rules)   case "$PWD" in *rules-tree) [ -f a/y.o ] && touch a/y.c ;; esac
	 exec "$real" "$@" ;;
esac
exec "$real" "$@"
