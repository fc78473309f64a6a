# Builds the object with make, then prints the data base of a run that loads it.
M=$1
"$M" testload.so
echo "status $?"
"$M" -p
echo "status $?"
# The object's bytes depend on the compiler: not left in the listing.
rm -f testload.so
