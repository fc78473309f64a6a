# An object without plugin_is_GPL_compatible.
load nogpl.so
all: ; @:
