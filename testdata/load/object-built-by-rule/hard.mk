# `load` (without '-') of an object that does not exist: dlopen's error, then fatal.
load testload.so
all: ; @echo not reached
%.so: %.c ; @echo "building $@"; cc -shared -fPIC -o $@ $<
