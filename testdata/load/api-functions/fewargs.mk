load testload.so
all: ; @echo $(test-args one)
