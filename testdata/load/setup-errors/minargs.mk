load testload.so(minargs_setup)
all: ; @:
