# The second run finds a memo file (kbmake loads it at the first $(shell)).
M=$1
# The jobserver's numbers are the lowest free descriptors: whatever the test harness leaves
# open (ctest does) must not decide them.
exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
# kbmake's memo file: outside the work dir (the runner lists the work dir's files).
export XDG_CACHE_HOME="$PWD/../cache"
run() { echo "== $1"; "$M"; echo "status $?"; }
run "first run"
sleep 0.2
run "memo file there"
