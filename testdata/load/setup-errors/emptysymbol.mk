load testload.so()
all: ; @:
