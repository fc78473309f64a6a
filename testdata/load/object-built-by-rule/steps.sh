# Runs make several times around a loaded object that the makefile builds itself.
M=$1
run() { echo "== $1"; shift; "$M" "$@"; echo "status $?"; }
run "object missing: built, then loaded after the restart"
run "object up to date"
touch -d @1000000000 testload.so
run "object older than its source: rebuilt and reloaded"
rm -f testload.so
echo "== object missing, --debug=b (dlerror printed without a newline)"
"$M" --debug=b | sed -n '/^Reading makefiles/,$p'
rm -f testload.so
run "load of a missing object" -f hard.mk
run "-load of a missing object without a rule" -f norule.mk
# The object's bytes depend on the compiler: not left in the listing.
rm -f testload.so
