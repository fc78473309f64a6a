# Builds the plugin, then runs make on several makefiles that use it.
M=$1
cc -shared -fPIC -o testload.so testload.c || exit 1
run() { echo "== $1"; "$M" -f "$1"; echo "status $?"; }
run Makefile
run explicit.mk
run fewargs.mk
run fewargs-call.mk
run eval-error.mk
run eval-error-recipe.mk
# The object's bytes depend on the compiler: not left in the listing.
rm -f testload.so
