#!/usr/bin/env bash
# The bash completion (packaging/kbmake.bash-completion), alone and under the bash-completion
# package: options from kbmake --help, option arguments, NAME=value file names, and targets.
# Targets are read from `<command> -npq` in GNU make 4.3's database format; kbmake does not
# print its database yet (-p), so target completion is tested with the command /usr/bin/make.
source "$(dirname "$0")/lib.sh"
completion=$SOURCE_DIR/packaging/kbmake.bash-completion
mkdir -p "$scratch/proj/sub/dir" "$scratch/proj/objdir"
cat >"$scratch/proj/Makefile" <<'MK'
all: prog
prog: main.o util.o
clean:
.PHONY: all clean install
install: all
sub/dir/one sub/dir/two:
docs/manual.html:
_private:
%.o: %.c
	cc -c $<
ifneq ($(__BASH_MAKE_COMPLETION__),1)
$(error read without __BASH_MAKE_COMPLETION__=1)
endif
MK
printf 'other:\n\tfalse\n' >"$scratch/proj/other.mk"

# Prints the completions of the words given (the last one is completed), sorted, one a line,
# in a bash that has loaded the completion ($1: "plain" alone, "full" after bash-completion).
complete_words() {
  local mode=$1
  shift
  (cd "$scratch/proj" && MODE=$mode COMPLETION=$completion bash --norc --noprofile -c '
    if [[ $MODE == full ]]; then source /usr/share/bash-completion/bash_completion; fi
    source "$COMPLETION"
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _kbmake
    printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$@")
}

# expect MODE WANT WORDS...: WANT is the completions, space-separated.
expect() {
  local mode=$1 want=$2 got
  shift 2
  got=$(complete_words "$mode" "$@" | tr '\n' ' ' | sed 's/ $//')
  [[ $got == "$want" ]] && ok "$mode: ${*@Q} -> $want" || fail "$mode: ${*@Q}: got '$got', want '$want'"
}

modes=(plain)
[[ -f /usr/share/bash-completion/bash_completion ]] && modes+=(full) ||
  fail "bash-completion not installed (tools/install-deps.sh)"
for m in "${modes[@]}"; do
  expect $m "--dry-run" "$KBMAKE" --dry
  expect $m "--directory=" "$KBMAKE" --direc
  expect $m "--no-builtin-rules --no-builtin-variables --no-keep-going --no-print-directory --no-silent" "$KBMAKE" --no-
  expect $m "none" "$KBMAKE" --output-sync=n
  expect $m "b" "$KBMAKE" --debug=b
  expect $m "Makefile" "$KBMAKE" -f Ma
  expect $m "objdir" "$KBMAKE" -C ob
  # Targets, from GNU make 4.3's -p format: no special, pattern, hidden or non-targets
  # (main.o is only a prerequisite); sub/ stands for its two targets; docs/ has one.
  expect $m "all clean docs/manual.html install prog sub/" /usr/bin/make ""
  expect $m "sub/dir/" /usr/bin/make sub/
  expect $m "sub/dir/one sub/dir/two" /usr/bin/make sub/dir/
  expect $m "_private" /usr/bin/make _
  expect $m "install" /usr/bin/make -C "$scratch/proj" in
  expect $m "other" /usr/bin/make -f other.mk ""
  expect $m "objdir" "$KBMAKE" --directory=ob
  # -O takes no separate argument: "-O cl" is a target.
  expect $m "clean" /usr/bin/make -O cl
done
# As one word (bash-completion keeps NAME=value together), the value is a file name.
expect full "O=objdir" "$KBMAKE" O=ob
finish
