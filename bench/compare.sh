#!/bin/bash
# Times kbmake against GNU make on the same generated makefiles and prints the median wall
# time of each and the ratio GNU/kbmake (> 1 means kbmake is faster).
#   bench/compare.sh [path/to/kbmake] [repetitions]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KBMAKE=${1:-$here/../build/bin/kbmake}
REPS=${2:-7}
GNU=/usr/bin/make
[ -x "$KBMAKE" ] || { echo "no kbmake at $KBMAKE (build first)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kbmake-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT
# A private copy (the build tree may be relinked meanwhile), invoked as "make" so that
# messages ("make: ...") compare equal.
mkdir -p "$work/bin"
cp "$KBMAKE" "$work/bin/make"
KB=$work/bin/make

# 1. null build: 5000 up-to-date objects through a pattern rule, sources found by $(wildcard).
gen_null() {
  local d=$work/null N=5000
  mkdir -p "$d/src" "$d/obj"
  (cd "$d/src" && for i in $(seq 1 $N); do : > f$i.c; done)
  touch -d '2020-01-01' "$d"/src/*.c
  (cd "$d/obj" && for i in $(seq 1 $N); do : > f$i.o; done)
  cat > "$d/Makefile" <<'MK'
SRCS := $(wildcard src/*.c)
OBJS := $(patsubst src/%.c,obj/%.o,$(SRCS))
all: $(OBJS)
obj/%.o: src/%.c
	cp $< $@
MK
}

# 2. function-heavy: foreach/call/patsubst/sort/filter over 20000 words at parse time.
gen_functions() {
  local d=$work/functions
  mkdir -p "$d"
  {
    printf 'words := $(foreach i,%s,src/mod$(i)/file$(i).c)\n' "$(seq -s ' ' 1 2000)"
    echo 'words += $(foreach i,1 2 3 4 5 6 7 8 9,$(words))'
    echo 'to_obj = $(patsubst src/%.c,obj/%.o,$(1))'
    echo 'name = $(notdir $(basename $(1)))'
    echo 'objs := $(foreach w,$(words),$(call to_obj,$(w)))'
    echo 'names := $(sort $(foreach w,$(words),$(call name,$(w))))'
    echo 'mod1 := $(filter obj/mod1%,$(objs))'
    echo 'dirs := $(sort $(dir $(objs)))'
    echo '$(info $(words $(objs)) $(words $(names)) $(words $(mod1)) $(words $(dirs)))'
    echo 'all: ; @:'
  } > "$d/Makefile"
}

# 3. parse-heavy: 5000 explicit rules with target-specific variables, conditionals and an
#    eval-generated rule per directory; `-n` of a goal that is up to date after reading.
gen_parse() {
  local d=$work/parse N=5000
  mkdir -p "$d"
  {
    echo 'define objrule'
    echo '$(1)/%.o: $(1)/%.c'
    echo '	$$(CC) -c $$< -o $$@'
    echo 'endef'
    for j in $(seq 0 19); do echo "\$(eval \$(call objrule,dir$j))"; done
    for i in $(seq 1 $N); do
      t=dir$((i % 20))/file$i
      echo "objs += $t.o"
      echo "$t.o: $t.c $t.h"
      [ $((i % 10)) = 0 ] && echo "$t.o: CFLAGS += -DX=$i"
      [ $((i % 50)) = 0 ] && printf 'ifeq ($(CC),cc)\nf%s := y\nelse\nf%s := n\nendif\n' $i $i
    done
    echo 'count := $(words $(objs))'
    echo 'all: ; @echo $(count)'
  } > "$d/Makefile"
}

time_ms() {  # dir, make, args...
  local dir=$1; shift
  local s e
  s=$(date +%s%N)
  (cd "$dir" && "$@" >/dev/null 2>&1) || true
  e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_case() {  # name, dir, args...
  local name=$1 dir=$2; shift 2
  local gout kout
  gout=$(cd "$dir" && $GNU "$@" 2>&1 || true)
  kout=$(cd "$dir" && "$KB" "$@" 2>&1 || true)
  if [ "$gout" != "$kout" ]; then
    echo "warning: outputs differ for $name" >&2
    diff <(echo "$gout") <(echo "$kout") | head -5 >&2 || true
  fi
  local g k
  g=$(for _ in $(seq "$REPS"); do time_ms "$dir" $GNU "$@"; done | median)
  k=$(for _ in $(seq "$REPS"); do time_ms "$dir" "$KB" "$@"; done | median)
  awk -v n="$name" -v g="$g" -v k="$k" \
    'BEGIN { printf "%-12s %10d %10d %8.2f\n", n, g, k, (k > 0 ? g / k : 0) }'
}

gen_null
gen_functions
gen_parse
echo "median of $REPS runs, milliseconds; ratio = GNU / kbmake"
printf '%-12s %10s %10s %8s\n' case gnu-make kbmake ratio
run_case null-build "$work/null"
run_case functions "$work/functions"
run_case parse "$work/parse" all
run_case parse-j4 "$work/parse" -j4 all
