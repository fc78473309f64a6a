load testload.so(emptyname_setup)
all: ; @:
