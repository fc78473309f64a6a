load testload.so(spacename_setup)
all: ; @:
