# -load of a missing object without a rule to make it: as a missing makefile given with -f.
-load missing.so
all: ; @echo not reached
