load testload.so
all: ; @echo $(test-eval X := $$(error in a recipe))
