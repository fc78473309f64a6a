load testload.so(no_such_setup)
all: ; @:
