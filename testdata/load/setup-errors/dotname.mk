load testload.so(dotname_setup)
all: ; @:
