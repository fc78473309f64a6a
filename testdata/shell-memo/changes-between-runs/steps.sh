# Runs make again and again, changing one input of a $(shell) between runs.
M=$1
# kbmake's memo file: outside the work dir (the runner lists the work dir's files).
export XDG_CACHE_HOME="$PWD/../cache"
export MEMO_VAR=one
# The memo does not remember what changed in the last 100 ms (timestamp granularity).
settle() { sleep 0.2; }
run() { echo "== $1"; "$M"; echo "status $?"; }
settle
run "first run"
run "nothing changed"
# Same size, same mtime, same inode: only the ctime moves.
touch -r probe.sh .ref
printf 'echo omega\necho probe-stderr >&2\n' > probe.sh
touch -r .ref probe.sh
rm .ref
settle
run "script content changed, same size and mtime"
run "nothing changed"
echo two > data.txt
settle
run "data file changed"
MEMO_VAR=two
run "environment variable changed"
touch dir/c
settle
run "file added to the listed directory"
printf '#!/bin/sh\nexit 0\n' > cc
settle
run "compiler wrapper accepts the flag"
echo late > late.txt
settle
run "a missing file appeared"
rm -r out
run "out removed"
run "nothing changed"
rm -f last-date
