load testload.so
X := $(call test-args,one)
all: ; @:
