load testload.so(maxargs_setup)
all: ; @:
