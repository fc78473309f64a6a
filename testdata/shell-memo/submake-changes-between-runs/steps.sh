# Runs make again and again, changing one thing a sub-make looks at between runs.
M=$1
# kbmake's memo file: outside the work dir (the runner lists the work dir's files).
export XDG_CACHE_HOME="$PWD/../cache"
export MEMO_VAR=one
# The memo does not remember what changed in the last 100 ms (timestamp granularity).
settle() { sleep 0.2; }
run() { echo "== $1"; "$M"; echo "status $?"; }
# Up to date: each target newer than its prerequisite.
touch -d @1000000000 sub/in sub/a sub/b sub/d/a sub/d/b
touch -d @1000000000 sub/d
ln -s a sub/link
touch -d @1000000100 sub/out sub/stamp sub/linked
touch -d @1000000050 sub/b
settle
run "first run"
run "nothing changed"
echo 'CONF := 2' > sub/conf.mk
settle
run "included makefile changed"
echo 'CONF := 1' > sub/conf.mk
settle
run "included makefile changed back"
run "nothing changed"
echo 'LATE := here' > sub/late.mk
settle
run "a missing makefile appeared"
rm sub/late.mk
settle
run "it went again"
touch sub/d/c
settle
run "file added to the listed directory, which is a prerequisite"
rm sub/d/c
touch -d @1000000000 sub/d
settle
run "it went again"
run "nothing changed"
touch -d @1000000200 sub/in
settle
run "a prerequisite is newer"
settle
run "nothing changed"
ln -sf b sub/link
touch -d @1000000300 sub/b
settle
run "the link leads to a newer file"
settle
run "nothing changed"
MEMO_VAR=two
run "environment variable changed"
MEMO_VAR=one
touch deep/inner/flag
settle
run "a nested sub-make's file appeared"
rm deep/inner/flag
settle
run "it went again"
echo 'GENERATED := yes' > generated.mk
settle
run "a makefile of a -f sub-make appeared"
rm generated.mk
touch failing/boom
settle
run "a sub-make fails"
rm failing/boom
settle
run "it succeeds again"
run "nothing changed"
touch failing/boom
settle
run "it fails again"
rm failing/boom
echo '$(info sub: edited)' >> sub/Makefile
settle
run "a sub-make's makefile edited"
run "nothing changed"
