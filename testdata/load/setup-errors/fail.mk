# A setup function returning 0.
load testload.so(fail_setup)
all: ; @:
