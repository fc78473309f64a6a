# Builds the parent's object and a copy for sub/, then runs make.
M=$1
cc -shared -fPIC -o testload.so testload.c || exit 1
cp testload.so sub/testload.so
"$M"
echo "status $?"
# The objects' bytes depend on the compiler: not left in the listing.
rm -f testload.so sub/testload.so sub3/testload.so
