load testload.so(longname_setup)
all: ; @:
