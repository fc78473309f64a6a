# The second run finds a memo file (kbmake loads it at the first $(shell)).
M=$1
# kbmake's memo file: outside the work dir (the runner lists the work dir's files).
export XDG_CACHE_HOME="$PWD/../cache"
run() { echo "== $1"; "$M"; echo "status $?"; }
run "first run"
sleep 0.2
run "memo file there"
