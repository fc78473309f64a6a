# An error raised inside gmk_eval, called from a loaded function.
load testload.so
$(info before)
$(test-eval $$(error from inside the plugin))
all: ; @:
