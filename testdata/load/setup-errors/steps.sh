# Builds the objects, then loads them with setup functions that fail in each way.
M=$1
cc -shared -fPIC -o testload.so testload.c || exit 1
cc -shared -fPIC -o nogpl.so nogpl.c || exit 1
run() { echo "== $1"; "$M" -f "$1"; echo "status $?"; }
run nogpl.mk
run nosymbol.mk
run emptysymbol.mk
run fail.mk
run noremake.mk
run emptyname.mk
run dotname.mk
run spacename.mk
run longname.mk
run minargs.mk
run maxargs.mk
run notfile.mk
run empty.mk
# The objects' bytes depend on the compiler: not left in the listing.
rm -f testload.so nogpl.so
